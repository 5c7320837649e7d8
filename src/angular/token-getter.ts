import type { IRequestConfig } from 'angular';
import { decodeJwt } from '../core/jwt';
import type { AuthTokensCore } from './core';

/** The token this package gave each request, so that the 401 retry replaces only an `Authorization` it set. */
const given = new WeakMap<object, string>();

/** The token the package put on `request`, if it did. */
export const tokenGivenTo = (request: object): string | undefined => given.get(request);

/**
 * angular-jwt's getter protocol. `request` is the request config, or null when `authManager` asks
 * synchronously: it passes the answer straight to `jwtHelper.isTokenExpired`, which throws on anything but
 * a JWT, so it gets a string or null, never a promise.
 */
export function tokenFor({ manager, allows }: AuthTokensCore, request: IRequestConfig | null): string | null | PromiseLike<string | null> {
  if (request === null) {
    const token = manager.current()?.token ?? null;
    return decodeJwt(token) ? token : null;
  }
  if ((request as { skipAuthorization?: boolean }).skipAuthorization || !allows(request.url)) return null;
  const token = manager.token();
  if (typeof token === 'string') given.set(request, token);
  else token?.then((renewed) => given.set(request, renewed), () => undefined);
  return token;
}

/**
 * angular-jwt's `tokenGetter`. angular-jwt invokes it through `$injector` with the local `options`. The core
 * is looked up per call, so `$http` can be created before it (a refresher may need `$http`).
 */
export const tokenGetter = ['options', 'authTokensCore',
  (options: IRequestConfig | null, core: AuthTokensCore) => tokenFor(core, options)];
