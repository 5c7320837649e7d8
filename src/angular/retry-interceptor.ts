import type { auto, IHttpInterceptor, IHttpResponse, IHttpService, IPromise, IQService, IRequestConfig } from 'angular';
import type { AuthTokensCore } from './core';
import { tokenGivenTo } from './token-getter';

interface RetryConfig extends IRequestConfig {
  skipAuthorization?: boolean;
  authTokensRetried?: boolean;
  authTokensNonceRetried?: boolean;
}

retryOn401.$inject = ['$delegate', '$q', '$injector'];
/**
 * Decorates angular-jwt's `jwtInterceptor`. With a `sender` (DPoP), a request that angular-jwt gave our
 * token gets the sender's scheme (`Authorization: DPoP <token>`) and headers (a proof made for it alone).
 *
 * A 401 for a request that carried our token to an allowed origin means the server stopped accepting the
 * token early (revoked, or clocks disagree): renew once, or adopt a token renewed meanwhile, and retry
 * once. A 401 that the sender answers (DPoP's `use_dpop_nonce`) is retried once with a fresh proof, and
 * that is not the other retry: each happens at most once. A second 401 goes to the caller unchanged, and
 * so does a 401 for an `Authorization` header the app set itself.
 *
 * Folded into angular-jwt's interceptor rather than added as one of its own: every interceptor with a
 * response half costs every request one more promise step (7% of a request here), and this way angular-jwt
 * broadcasts 'unauthenticated' once, for the answer the caller gets, never for a 401 that a retry mended.
 */
export function retryOn401($delegate: IHttpInterceptor, $q: IQService, $injector: auto.IInjectorService): IHttpInterceptor {
  // Looked up on the first request, not here: the core may need $http (an injectable refresher), which
  // needs this interceptor. Then kept: every request reads it.
  let made: AuthTokensCore | undefined;
  const core = () => (made ??= $injector.get<AuthTokensCore>('authTokensCore'));
  /** The headers the sender added to each request, so that a retry takes them out and a challenge is read against them. */
  const presented = new WeakMap<object, Record<string, string>>();
  // angular-jwt's own responseError: it broadcasts 'unauthenticated' on a 401, and rejects.
  const passOn = <T>(rejection: IHttpResponse<T>): IPromise<IHttpResponse<T>> =>
    ($delegate.responseError ? $q.when($delegate.responseError<T>(rejection)) : $q.reject(rejection));

  return {
    ...$delegate,
    request(config) {
      const given = $delegate.request ? $delegate.request(config) : config;
      const { sender } = core().settings;
      // Without a sender, angular-jwt's answer as it is: no promise step is added to a request.
      if (!sender) return given;
      return $q.when(given).then((request) => {
        const token = tokenGivenTo(request);
        const headers = request.headers;
        if (token === undefined || headers?.Authorization !== `Bearer ${token}`) return request;
        // A request that cannot get its proof fails with the sender's error: it never goes out as Bearer.
        return $q.when(sender.headers(request.method, request.url, token)).then((extra) => {
          headers.Authorization = `${sender.scheme} ${token}`;
          presented.set(request, extra);
          return Object.assign(headers, extra) && request;
        });
      });
    },
    responseError<T>(rejection: IHttpResponse<T>) {
      const config = rejection?.config as RetryConfig | undefined;
      const token = config && tokenGivenTo(config);
      const extra = config && presented.get(config);
      const { manager, allows, settings: { sender } } = core();
      if (rejection?.status !== 401 || !config || token === undefined || config.skipAuthorization
        || config.headers?.Authorization !== `${extra ? sender!.scheme : 'Bearer'} ${token}` || !allows(config.url)) {
        return passOn(rejection);
      }
      const retry = () => {
        // angular-jwt leaves a request that already has Authorization alone; a proof is single use.
        for (const name of ['Authorization', ...Object.keys(extra ?? {})]) delete config.headers![name];
        // $http is looked up here: injecting it into an interceptor is a circular dependency.
        return $injector.get<IHttpService>('$http')<T>(config);
      };
      if (extra && !config.authTokensNonceRetried && sender!.answered(config.url, 401, rejection.headers, rejection.data, extra)) {
        config.authTokensNonceRetried = true;
        return retry();
      }
      if (config.authTokensRetried) return passOn(rejection);
      return $q.when(manager.replace(token)).then(() => {
        config.authTokensRetried = true;
        return retry();
      });
    },
  };
}
