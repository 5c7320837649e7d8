import type { auto, IHttpInterceptor, IHttpResponse, IHttpService, IPromise, IQService, IRequestConfig } from 'angular';
import type { AuthTokensCore } from './core';
import { tokenGivenTo } from './token-getter';

interface RetryConfig extends IRequestConfig {
  skipAuthorization?: boolean;
  authTokensRetried?: boolean;
}

retryOn401.$inject = ['$delegate', '$q', '$injector'];
/**
 * Decorates angular-jwt's `jwtInterceptor`. A 401 for a request that carried our token to an allowed origin
 * means the server stopped accepting the token early (revoked, or clocks disagree): renew once, or adopt a
 * token renewed meanwhile, and retry once. A second 401 goes to the caller unchanged, and so does a 401 for
 * an `Authorization` header the app set itself.
 *
 * Folded into angular-jwt's interceptor rather than added as one of its own: every interceptor with a
 * response half costs every request one more promise step (7% of a request here), and this way angular-jwt
 * broadcasts 'unauthenticated' once, for the answer the caller gets, never for a 401 that a retry mended.
 */
export function retryOn401($delegate: IHttpInterceptor, $q: IQService, $injector: auto.IInjectorService): IHttpInterceptor {
  // angular-jwt's own responseError: it broadcasts 'unauthenticated' on a 401, and rejects.
  const passOn = <T>(rejection: IHttpResponse<T>): IPromise<IHttpResponse<T>> =>
    ($delegate.responseError ? $q.when($delegate.responseError<T>(rejection)) : $q.reject(rejection));
  return {
    ...$delegate,
    responseError<T>(rejection: IHttpResponse<T>) {
      const config = rejection?.config as RetryConfig | undefined;
      const token = config && tokenGivenTo(config);
      if (rejection?.status !== 401 || !config || token === undefined || config.skipAuthorization || config.authTokensRetried
        || config.headers?.Authorization !== `Bearer ${token}`) {
        return passOn(rejection);
      }
      const { manager, allows } = $injector.get<AuthTokensCore>('authTokensCore');
      if (!allows(config.url)) return passOn(rejection);
      return $q.when(manager.replace(token)).then(() => {
        // angular-jwt leaves a request that already has Authorization alone: drop the old token first.
        delete config.headers!.Authorization;
        config.authTokensRetried = true;
        // $http is looked up here: injecting it into an interceptor is a circular dependency.
        return $injector.get<IHttpService>('$http')<T>(config);
      });
    },
  };
}
