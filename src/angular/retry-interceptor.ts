import type { auto, IHttpInterceptor, IHttpResponse, IHttpService, IPromise, IQService, IRequestConfig } from 'angular';
import type { AuthTokensInternal } from './service';

interface RetryConfig extends IRequestConfig {
  skipAuthorization?: boolean;
  authTokensRetried?: boolean;
}

const BEARER = 'Bearer ';

retryOn401.$inject = ['$delegate', '$q', '$injector'];
/**
 * Decorates angular-jwt's `jwtInterceptor`. A 401 for a request that carried our token to an allowed origin
 * means the server stopped accepting the token early (revoked, or clocks disagree): renew once, or adopt a
 * token renewed meanwhile, and retry once. A second 401 goes to the caller unchanged.
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
      const sent = config?.headers?.Authorization;
      if (rejection?.status !== 401 || !config || config.skipAuthorization || config.authTokensRetried
        || typeof sent !== 'string' || !sent.startsWith(BEARER)) {
        return passOn(rejection);
      }
      const authTokens = $injector.get<AuthTokensInternal>('authTokens');
      if (!authTokens.allows(config.url)) return passOn(rejection);
      return authTokens.replace(sent.slice(BEARER.length)).then(() => {
        // angular-jwt leaves a request that already has Authorization alone: drop the old token first.
        delete config.headers!.Authorization;
        config.authTokensRetried = true;
        // $http is looked up here: injecting it into an interceptor is a circular dependency.
        return $injector.get<IHttpService>('$http')<T>(config);
      });
    },
  };
}
