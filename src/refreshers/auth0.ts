// The only module that imports auth0-js. The namespace import works with the ES module build (named
// exports `Authentication`, `WebAuth`) and with the UMD global `auth0` that the UMD bundle reads, which is
// the same object. Only constructors and methods present in both auth0-js 9 and 10 are used.
import * as auth0 from 'auth0-js';
import { AuthTokensError, explain, isAuthTokensError, toAuthTokensError } from '../core/errors';
import type { RefreshFunction, Revoker, TokenResponse } from '../core/types';
import { isJsonObject } from '../core/values';
import { failureOf, revokeAt, tokenResponseOf } from './token-endpoint';

/** auth0-js takes `headers` (sent with every request) though @types/auth0-js does not declare them. */
export type Auth0Options = auth0.AuthOptions & { headers?: Record<string, string> };

type Auth0Callback = (error: unknown, result?: unknown) => void;

/** The parts of auth0-js used here; replaceable, so that specs run without a network. */
export interface Auth0Deps {
  Authentication?: new (options: Auth0Options) => {
    oauthToken(options: { grantType: 'refresh_token'; refreshToken: string }, cb: Auth0Callback): void;
  };
  WebAuth?: new (options: auth0.AuthOptions) => {
    checkSession(options: auth0.CheckSessionOptions, cb: Auth0Callback): void;
  };
  /** For `auth0Revoke`; defaults to the global `fetch`, looked up on every call. */
  fetch?: typeof fetch;
}

type AuthenticationClient = InstanceType<NonNullable<Auth0Deps['Authentication']>>;
type WebAuthClient = InstanceType<NonNullable<Auth0Deps['WebAuth']>>;

/**
 * Renews with a refresh token through auth0-js's `oauthToken`, as the Auth0 guide's `auth.refreshToken` did.
 * The body is form-encoded (auth0-js sends JSON by default, which servers other than Auth0 refuse) and no
 * telemetry header is sent, unless the options say otherwise.
 */
export function auth0RefreshToken(options: Auth0Options, deps: Auth0Deps = {}): RefreshFunction {
  const settings: Auth0Options = { ...options, headers: formHeaders(options.headers), _sendTelemetry: options._sendTelemetry ?? false };
  let client: AuthenticationClient | undefined;
  return (refreshToken: string) => viaCallback((cb) => {
    // Created on first use, so that configuring the module does not need auth0-js yet. auth0-js keeps and
    // changes the options object it is given: it gets its own copy.
    client ??= new (authenticationConstructor(deps))({ ...settings });
    client.oauthToken({ grantType: 'refresh_token', refreshToken }, cb);
  }).then(responseOf, (error: unknown) => {
    throw oauthTokenError(error, refreshToken);
  });
}

/**
 * Renews without a refresh token, through the session at Auth0 (`WebAuth#checkSession`, a hidden iframe),
 * for apps that get no refresh tokens. It is called with `''` and ignores it.
 */
export function auth0CheckSession(webAuthOptions: auth0.AuthOptions, checkSessionOptions: auth0.CheckSessionOptions = {},
  deps: Auth0Deps = {}): RefreshFunction {
  const settings: auth0.AuthOptions = { ...webAuthOptions };
  let webAuth: WebAuthClient | undefined;
  const refresh: RefreshFunction = () => viaCallback((cb) => {
    webAuth ??= new (webAuthConstructor(deps))({ ...settings });
    webAuth.checkSession({ ...checkSessionOptions }, cb);
  }).then(responseOf, (error: unknown) => {
    // No HTTP status here: auth0-js reports `login_required` and friends, or its own `timeout`.
    throw toAuthTokensError(error);
  });
  refresh.usesRefreshToken = false;
  return refresh;
}

/**
 * Revokes a refresh token at `<domain>/oauth/revoke`: auth0-js 9 and 10 have no revocation call, so this
 * posts the form with `fetch`.
 */
export function auth0Revoke(options: Auth0Options, deps: Auth0Deps = {}): Revoker {
  const endpoint = `${rootUrl(options.domain)}/oauth/revoke`;
  return (refreshToken: string) => revokeAt(endpoint, { token: refreshToken, client_id: options.clientID }, deps.fetch);
}

/** As auth0-js builds its base URL: a domain starting with `http` is used as is, a host name gets `https://`. */
function rootUrl(domain: string): string {
  const base = domain.toLowerCase().indexOf('http') === 0 ? domain : `https://${domain}`;
  return base.replace(/\/+$/, '');
}

/** A Content-Type the caller set stands, in whatever letter case; header names are case-insensitive. */
function formHeaders(headers: Record<string, string> = {}): Record<string, string> {
  const callerChose = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
  return callerChose ? { ...headers } : { 'Content-Type': 'application/x-www-form-urlencoded', ...headers };
}

/** A native promise from a Node-style callback; a synchronous throw (auth0-js asserts its options) rejects it. */
function viaCallback(run: (cb: Auth0Callback) => void): Promise<unknown> {
  return new Promise((resolve, reject) => {
    // auth0-js reports errors as plain objects (`{ code, description, statusCode }`), which the caller classifies.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
    run((error, result) => (error !== null && error !== undefined ? reject(error) : resolve(result)));
  });
}

function authenticationConstructor(deps: Auth0Deps): NonNullable<Auth0Deps['Authentication']> {
  return deps.Authentication ?? loaded(() => auth0.Authentication);
}

function webAuthConstructor(deps: Auth0Deps): NonNullable<Auth0Deps['WebAuth']> {
  return deps.WebAuth ?? loaded(() => auth0.WebAuth);
}

/** With the UMD bundle loaded before auth0-js, the global `auth0` is missing: say so rather than a TypeError. */
function loaded<T>(read: () => T): T {
  let value: T | undefined;
  try {
    value = read();
  } catch {
    value = undefined;
  }
  if (typeof value !== 'function') {
    throw new AuthTokensError('refresh_failed', 'auth0-js is not loaded: load it before angular-auth-tokens/auth0.');
  }
  return value;
}

/** auth0-js already camelCases the answer (`accessToken`, `expiresIn`, ...); a 2xx text answer is a string. */
function responseOf(result: unknown): TokenResponse {
  if (!isJsonObject(result)) {
    throw new AuthTokensError('invalid_response', 'auth0-js resolved without a token response object.', { type: typeof result });
  }
  return tokenResponseOf(result, false);
}

/**
 * auth0-js errors are `{ code, description, statusCode, original }`, and `original` holds the request it
 * sent, refresh token included: only the explaining fields go on. Without `statusCode` no answer came
 * (network, CORS), so there was no verdict on the token; an answer is judged as any token endpoint's.
 */
function oauthTokenError(error: unknown, refreshToken: string): AuthTokensError {
  if (isAuthTokensError(error)) return error;
  const cause = explain(error, [refreshToken]) ?? {};
  const statusCode = cause.statusCode;
  if (typeof statusCode !== 'number') {
    return new AuthTokensError('refresh_failed', 'The token endpoint could not be reached; the session is kept.', cause);
  }
  return failureOf(statusCode, cause.code ?? cause.error, cause);
}
