import * as angular from 'angular';
import type { IHttpProvider } from 'angular';
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

// The one place that registers with AngularJS. angular-jwt and angular-storage are named, not imported:
// the app loads them (they need the global `angular`), and they stay out of this bundle.
angular.module(MODULE_NAME, ['angular-jwt', 'angular-storage'])
  .provider('authTokens', AuthTokensProviderImpl)
  // The retry after an early 401 lives in angular-jwt's interceptor, ahead of its 'unauthenticated' broadcast.
  .decorator('jwtInterceptor', retryOn401)
  .config(configureJwt)
  // Also creates the service at start-up, which arms scheduled renewal.
  .run(guardRun);
