import * as angular from 'angular';
import type { IHttpProvider } from 'angular';
import { guardRun } from './angular/guard';
import { AuthTokensProviderImpl } from './angular/provider';
import { retryInterceptor } from './angular/retry-interceptor';
import type { AuthTokensJwtOptions } from './angular/types';

export const MODULE_NAME = 'authTokens';

interface JwtOptionsProvider {
  config(options: AuthTokensJwtOptions): void;
}

configureJwt.$inject = ['jwtOptionsProvider', '$httpProvider', 'authTokensProvider'];
function configureJwt(jwtOptionsProvider: JwtOptionsProvider, $httpProvider: IHttpProvider, authTokensProvider: AuthTokensProviderImpl): void {
  jwtOptionsProvider.config(authTokensProvider.jwtOptions);
  // Response interceptors run in reverse order: the retry sees a 401 before angular-jwt broadcasts
  // 'unauthenticated' for it, and a successful retry never reaches angular-jwt as an error.
  $httpProvider.interceptors.push('jwtInterceptor', 'authTokensRetry');
}

// The one place that registers with AngularJS. angular-jwt and angular-storage are named, not imported:
// the app loads them (they need the global `angular`), and they stay out of this bundle.
angular.module(MODULE_NAME, ['angular-jwt', 'angular-storage'])
  .provider('authTokens', AuthTokensProviderImpl)
  .factory('authTokensRetry', retryInterceptor)
  .config(configureJwt)
  // Also creates the service at start-up, which arms scheduled renewal.
  .run(guardRun);
