import type { IRequestConfig } from 'angular';
import type { AuthTokensInternal } from './service';

/**
 * angular-jwt's `tokenGetter`. angular-jwt invokes it through `$injector` with the local `options`: the
 * request config for a request, null when `authManager` asks synchronously. The service is looked up per
 * call, so `$http` can be created before it (a refresher may need `$http`).
 */
export const tokenGetter = ['options', 'authTokens',
  (options: IRequestConfig | null, authTokens: AuthTokensInternal) => authTokens.tokenFor(options)];
