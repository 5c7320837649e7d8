import { AuthTokensError, explain, toAuthTokensError } from '../core/errors';
import type { Sender, TokenResponse } from '../core/types';
import { isJsonObject, parseJson } from '../core/values';

/** What a token or revocation endpoint answered: its status, its body when that is a JSON object, and the explaining part of both. */
export interface EndpointAnswer {
  status: number;
  body: Record<string, unknown> | null;
  /** The status, with the body's OAuth 2.0 `error` and `error_description`: what errors may carry. */
  cause: Record<string, string | number>;
}

/**
 * 5xx, 408 and 429 say "try again later" whatever their body claims: a proxy or an overloaded server may
 * relay an `invalid_grant` it did not decide, and ending the session on it would log users out for an
 * outage.
 */
export const isTransientStatus = (status: number): boolean => status >= 500 || status === 408 || status === 429;

/** The OAuth 2.0 errors that a later attempt can pass: the server's trouble, or DPoP's nonce (one retry answers it). */
const PASSING = ['temporarily_unavailable', 'server_error', 'use_dpop_nonce'];

/**
 * ` (code)` when `code` looks like an OAuth 2.0 error code, else nothing: a server (or a forged callback
 * URL) may put any text there, and it must not speak in the package's messages.
 */
export const quotedCode = (code: unknown): string => (typeof code === 'string' && /^[a-z][a-z0-9_]{0,63}$/.test(code) ? ` (${code})` : '');

/**
 * The error for a token endpoint's answer that is no success, `error` being its OAuth 2.0 (or auth0-js)
 * error code. RFC 6749 says a spent or revoked refresh token gets `invalid_grant`, but servers in use
 * answer otherwise (one answers `400 invalid_request` "Token has been revoked"): a 400, 401 or 403 with an
 * error code, whatever it is but the few that can pass, cannot change on a retry, so the session is over.
 * Other 4xx codes are judged by the refresher error contract; everything else keeps the session.
 */
export function failureOf(status: number, error: unknown, cause: Record<string, string | number>): AuthTokensError {
  if (typeof error === 'string' && status >= 400 && !isTransientStatus(status)) {
    if (![400, 401, 403].includes(status)) return toAuthTokensError(cause);
    if (!PASSING.includes(error)) return new AuthTokensError('login_required', `The server refused the refresh token${quotedCode(error)}.`, cause);
  }
  return new AuthTokensError('refresh_failed', `The token endpoint answered ${status}; the session is kept.`, cause);
}

export const isSuccess = (status: number): boolean => status >= 200 && status < 300;

/** The form fields that carry no secret; every other value sent (a token, a code, a verifier) is cut out of causes. */
const PLAIN = ['grant_type', 'client_id', 'scope', 'token_type_hint', 'redirect_uri'];

/**
 * POSTs a form. The request never carries cookies, and no cached answer is replayed for a spent refresh token.
 * `fetchOption` (else the global `fetch`) is read on every call (specs spy on window.fetch) and called
 * without a receiver: `options.fetch(...)` would call window.fetch on the options object, an "Illegal invocation".
 * A `sender` adds its headers (a DPoP proof) to the request and reads the answer; when it asks for it (a
 * nonce challenge, refused before the server looked at the grant) the request is sent once more, never twice.
 */
export async function postForm(url: string, form: Record<string, string>, fetchOption: typeof fetch | undefined, endpoint: string, sender?: Sender): Promise<EndpointAnswer> {
  const secrets = Object.keys(form).filter((name) => !PLAIN.includes(name)).map((name) => form[name]);
  for (let attempt = 0; ; attempt++) {
    // Before the request: a sender that cannot make its headers (no DPoP key) rejects with its own error, and nothing is sent.
    const sent: Record<string, string> = sender ? await sender.headers('POST', url) : {};
    let status: number;
    let text: string;
    let header: (name: string) => string | null;
    try {
      const response = await (fetchOption ?? fetch)(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json', ...sent },
        body: new URLSearchParams(form).toString(),
        credentials: 'omit',
        cache: 'no-store',
      });
      status = response.status;
      text = await response.text();
      header = (name) => response.headers.get(name);
    } catch (error) {
      // The request (or its body) never made it: the session is kept, whatever the token's fate at the server.
      throw new AuthTokensError('refresh_failed', `The ${endpoint} endpoint could not be reached.`, explain(error, secrets));
    }
    const parsed = parseJson(text);
    const body = isJsonObject(parsed) ? parsed : null;
    if (sender?.answered(url, status, header, body, sent) && attempt === 0) continue;
    const { error, error_description } = explain(body, secrets) ?? {};
    return { status, body, cause: { status, ...(error !== undefined && { error }), ...(error_description !== undefined && { error_description }) } };
  }
}

/** Revokes a token (RFC 7009); rejects `refresh_failed` when the server says no, for the caller to report. */
export async function revokeAt(endpoint: string, form: Record<string, string>, fetchOption?: typeof fetch, sender?: Sender): Promise<void> {
  const { status, cause } = await postForm(endpoint, form, fetchOption, 'revocation', sender);
  if (!isSuccess(status)) throw new AuthTokensError('refresh_failed', `The revocation endpoint answered ${status}.`, cause);
}

const FIELDS: Array<keyof TokenResponse> = ['accessToken', 'idToken', 'refreshToken', 'expiresIn', 'scope', 'tokenType'];

/**
 * The TokenResponse in an answer, read from its camelCase fields or (`snakeCase`) from the OAuth 2.0 names.
 * Fields the server did not send, or sent with the wrong type, stay missing rather than `undefined`;
 * `expires_in` is taken from a number or a numeric string (some servers send `"3600"`), so that without one
 * the session falls back to the JWT's own life.
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
