import { AuthTokensError, toAuthTokensError } from '../core/errors';
import type { RefreshFunction, Revoker, TokenResponse } from '../core/types';
import { isJsonObject, parseJson } from '../core/values';

export interface OAuth2RefreshOptions {
  tokenEndpoint: string;
  clientId: string;
  /** Sent only when set: without it the server keeps the scope the refresh token was granted. */
  scope?: string;
  /** Defaults to the global `fetch`, looked up on every call. */
  fetch?: typeof fetch;
}

export interface OAuth2RevokeOptions {
  revocationEndpoint: string;
  clientId: string;
  /** Defaults to the global `fetch`, looked up on every call. */
  fetch?: typeof fetch;
}

/** Renews with `grant_type=refresh_token` at any OAuth 2.0 token endpoint (RFC 6749, section 6). */
export function oauth2RefreshToken(options: OAuth2RefreshOptions): RefreshFunction {
  const { tokenEndpoint, clientId, scope } = options;
  return async (refreshToken: string) => {
    const form: Record<string, string> = { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId };
    if (scope !== undefined) form.scope = scope;
    const { status, body, cause } = await postForm(tokenEndpoint, form, options.fetch, 'token');
    if (!isSuccess(status)) {
      // Only a 4xx other than 408/429 can be the server refusing the refresh token; its OAuth 2.0 error body
      // then decides (RFC 6749 says 400, or 401 for client authentication; Auth0 answers 403 for a revoked token).
      if (status >= 400 && !isTransientStatus(status) && typeof cause.error === 'string') throw toAuthTokensError(cause);
      throw new AuthTokensError('refresh_failed', `The token endpoint answered ${status}.`, cause);
    }
    if (!body) throw new AuthTokensError('invalid_response', `The token endpoint answered ${status} without JSON.`, { status });
    // A few servers report errors with a 2xx status; the body then says what happened, as auth0-js reads it.
    if (typeof body.error === 'string' && body.access_token === undefined) throw toAuthTokensError(cause);
    return tokenResponseOf(body, true);
  };
}

/** Revokes a refresh token (RFC 7009). Best effort for the caller, but a failure is still reported. */
export function oauth2Revoke(options: OAuth2RevokeOptions): Revoker {
  const { revocationEndpoint, clientId } = options;
  return (refreshToken: string) => revokeAt(revocationEndpoint,
    { token: refreshToken, token_type_hint: 'refresh_token', client_id: clientId }, options.fetch);
}

/**
 * Shared with the Auth0 revoker, which sends no `token_type_hint`: Auth0 documents only `token` and
 * `client_id` for its revocation endpoint.
 * @internal
 */
export async function revokeAt(endpoint: string, form: Record<string, string>, fetchOption?: typeof fetch): Promise<void> {
  const { status, cause } = await postForm(endpoint, form, fetchOption, 'revocation');
  if (!isSuccess(status)) throw new AuthTokensError('refresh_failed', `The revocation endpoint answered ${status}.`, cause);
}

/**
 * 5xx, 408 and 429 say "try again later" whatever their body claims: a proxy or an overloaded server may
 * relay an `invalid_grant` it did not decide, and ending the session on it would log users out for an
 * outage.
 * @internal
 */
export const isTransientStatus = (status: number): boolean => status >= 500 || status === 408 || status === 429;

const isSuccess = (status: number) => status >= 200 && status < 300;

const FIELDS: Array<keyof TokenResponse> = ['accessToken', 'idToken', 'refreshToken', 'expiresIn', 'scope', 'tokenType'];

/**
 * The TokenResponse in an answer, read from its camelCase fields or (`snakeCase`) from the OAuth 2.0 names.
 * Fields the server did not send, or sent with the wrong type, stay missing rather than `undefined`;
 * `expires_in` is taken from a number or a numeric string (some servers send `"3600"`), so that without one
 * the session falls back to the JWT's own `exp`.
 * @internal
 */
export function tokenResponseOf(body: Record<string, unknown>, snakeCase: boolean): TokenResponse {
  const response: Record<string, unknown> = {};
  for (const field of FIELDS) {
    const value = body[snakeCase ? field.replace(/[A-Z]/, (c) => `_${c.toLowerCase()}`) : field];
    if (field !== 'expiresIn') {
      if (typeof value === 'string') response[field] = value;
    } else {
      const seconds = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : NaN;
      if (seconds >= 0 && seconds < Infinity) response[field] = seconds;
    }
  }
  return response;
}

/**
 * POSTs a form. The answer: its status, its body when that is a JSON object (else null), and the `cause` the
 * error contract asks for: the body plus `status`, or just `status` when there is none.
 */
async function postForm(url: string, form: Record<string, string>, fetchOption: typeof fetch | undefined, endpoint: string):
  Promise<{ status: number; body: Record<string, unknown> | null; cause: Record<string, unknown> }> {
  let status: number;
  let text: string;
  try {
    // Taken from the options or the global on every call (specs spy on window.fetch), and called without a
    // receiver: `options.fetch(...)` would call window.fetch on the options object, an "Illegal invocation".
    const response = await (fetchOption ?? fetch)(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
      // Tokens travel in the body only: no cookies, and no cached answer replayed for a spent refresh token.
      credentials: 'omit',
      cache: 'no-store',
    });
    status = response.status;
    text = await response.text();
  } catch (error) {
    // The request (or its body) never made it: the session is kept, whatever the token's fate at the server.
    throw new AuthTokensError('refresh_failed', `The ${endpoint} endpoint could not be reached.`, error);
  }
  const parsed = parseJson(text);
  const body = isJsonObject(parsed) ? parsed : null;
  return { status, body, cause: { ...body, status } };
}
