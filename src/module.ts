import * as angular from 'angular';
import type { IHttpProvider, IRootScopeService } from 'angular';
import { AuthTokensCoreProvider, type AuthTokensCore } from './angular/core';
import { guardRun } from './angular/guard';
import { AuthTokensProviderImpl } from './angular/provider';
import { retryOn401 } from './angular/retry-interceptor';
import type { AuthTokensJwtOptions } from './angular/types';

export const MODULE_NAME = 'authTokens';

interface JwtOptionsProvider {
  config(options: AuthTokensJwtOptions): void;
}

configureJwt.$inject = ['jwtOptionsProvider', '$httpProvider', 'authTokensProvider'];
function configureJwt(jwtOptionsProvider: JwtOptionsProvider, $httpProvider: IHttpProvider, authTokensProvider: AuthTokensProviderImpl): void {
  jwtOptionsProvider.config(authTokensProvider.jwtOptions);
  $httpProvider.interceptors.push('jwtInterceptor');
}

startRenewal.$inject = ['authTokens', 'authTokensCore', '$rootScope'];
/** Scheduled renewal and following other tabs start with the app (the service too, so that events are broadcast). */
function startRenewal(_service: unknown, { manager }: AuthTokensCore, $rootScope: IRootScopeService): void {
  manager.start();
  // An injector torn down (tests, micro-frontends) must leave no timer or listener behind.
  $rootScope.$on('$destroy', manager.stop);
}

// The one place that registers with AngularJS. angular-jwt and angular-storage are named, not imported:
// the app loads them (they need the global `angular`), and they stay out of this bundle.
angular.module(MODULE_NAME, ['angular-jwt', 'angular-storage'])
  .provider('authTokens', AuthTokensProviderImpl)
  .provider('authTokensCore', AuthTokensCoreProvider)
  // The retry after an early 401 lives in angular-jwt's interceptor, ahead of its 'unauthenticated' broadcast.
  .decorator('jwtInterceptor', retryOn401)
  .config(configureJwt)
  .run(startRenewal)
  .run(guardRun);
