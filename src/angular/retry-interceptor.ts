import type { auto, IHttpInterceptor, IHttpResponse, IHttpService, IQService, IRequestConfig } from 'angular';
import { isAllowedUrl } from '../core/hosts';
import type { AuthTokensInternal } from './service';

interface RetryConfig extends IRequestConfig {
  skipAuthorization?: boolean;
  authTokensRetried?: boolean;
}

const BEARER = 'Bearer ';

retryInterceptor.$inject = ['$q', '$injector'];
/**
 * A 401 for a request that carried our token to an allowed origin means the server stopped accepting
 * the token early (revoked, or clocks disagree): renew once, or adopt a token renewed meanwhile, and
 * retry once. A second 401 goes to the caller unchanged.
 */
export function retryInterceptor($q: IQService, $injector: auto.IInjectorService): IHttpInterceptor {
  return {
    responseError(rejection: IHttpResponse<unknown>) {
      const config = rejection?.config as RetryConfig | undefined;
      const sent = config?.headers?.Authorization;
      if (rejection?.status !== 401 || !config || config.skipAuthorization || config.authTokensRetried
        || typeof sent !== 'string' || !sent.startsWith(BEARER)) {
        return $q.reject(rejection);
      }
      const authTokens = $injector.get<AuthTokensInternal>('authTokens');
      if (!isAllowedUrl(config.url, authTokens.appOrigin, authTokens.settings.allowedDomains)) return $q.reject(rejection);
      return authTokens.replace(sent.slice(BEARER.length)).then(() => {
        // angular-jwt leaves a request that already has Authorization alone: drop the old token first.
        delete config.headers!.Authorization;
        config.authTokensRetried = true;
        // $http is looked up here: injecting it into an interceptor is a circular dependency.
        return $injector.get<IHttpService>('$http')(config);
      });
    },
  };
}
