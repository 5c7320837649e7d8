import { AuthTokensError, toAuthTokensError } from '../core/errors';
import type { RefreshFunction, Revoker, TokenResponse } from '../core/types';

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
    const answer = await postForm(tokenEndpoint, form, options.fetch, 'token');
    return tokenResponseOf(answer);
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
  const answer = await postForm(endpoint, form, fetchOption, 'revocation');
  if (!isSuccess(answer.status)) {
    throw new AuthTokensError('refresh_failed', `The revocation endpoint answered ${answer.status}.`, causeOf(answer));
  }
}

/**
 * 5xx, 408 and 429 say "try again later" whatever their body claims: a proxy or an overloaded server may
 * relay an `invalid_grant` it did not decide, and ending the session on it would log users out for an
 * outage.
 * @internal
 */
export function isTransientStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/**
 * Seconds from a number or a numeric string (some servers send `"3600"`); anything else is dropped so
 * that the session falls back to the JWT's own `exp`.
 * @internal
 */
export function toSeconds(value: unknown): number | undefined {
  const seconds = typeof value === 'number' ? value
    : typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

/** Drops the fields the server did not send, so that a missing field stays missing rather than `undefined`. @internal */
export function withoutUndefined(response: TokenResponse): TokenResponse {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(response)) {
    if (value !== undefined) result[key] = value;
  }
  return result as TokenResponse;
}

/** @internal */
export function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** What came back: the status, and the body when it parsed as JSON. */
interface Answer {
  status: number;
  json: { parsed: true; value: unknown } | { parsed: false };
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** @internal */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The cause the contract asks for: the parsed body plus `status`, or just `status` when there is none. */
function causeOf(answer: Answer): Record<string, unknown> {
  return answer.json.parsed && isObject(answer.json.value) ? { ...answer.json.value, status: answer.status } : { status: answer.status };
}

async function postForm(url: string, form: Record<string, string>, fetchOption: typeof fetch | undefined,
  endpoint: 'token' | 'revocation'): Promise<Answer> {
  // Taken from the options or the global on every call (specs spy on window.fetch), and called without a
  // receiver: `options.fetch(...)` would call window.fetch on the options object, an "Illegal invocation".
  const send = fetchOption ?? fetch;
  try {
    const response = await send(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
      // Tokens travel in the body only: no cookies, and no cached answer replayed for a spent refresh token.
      credentials: 'omit',
      cache: 'no-store',
    });
    return { status: response.status, json: parseJson(await response.text()) };
  } catch (error) {
    // The request (or its body) never made it: the session is kept, whatever the token's fate at the server.
    throw new AuthTokensError('refresh_failed', `The ${endpoint} endpoint could not be reached.`, error);
  }
}

function parseJson(text: string): Answer['json'] {
  try {
    return { parsed: true, value: JSON.parse(text) };
  } catch {
    return { parsed: false };
  }
}

function tokenResponseOf(answer: Answer): TokenResponse {
  if (!isSuccess(answer.status)) throw failureOf(answer);
  const body = answer.json.parsed ? answer.json.value : undefined;
  if (!isObject(body)) {
    throw new AuthTokensError('invalid_response', `The token endpoint answered ${answer.status} without a JSON object.`,
      { status: answer.status });
  }
  // A few servers report errors with a 2xx status; the body then says what happened, as auth0-js reads it.
  if (typeof body.error === 'string' && body.access_token === undefined) throw toAuthTokensError(causeOf(answer));
  return withoutUndefined({
    accessToken: stringOrUndefined(body.access_token),
    idToken: stringOrUndefined(body.id_token),
    refreshToken: stringOrUndefined(body.refresh_token),
    expiresIn: toSeconds(body.expires_in),
    scope: stringOrUndefined(body.scope),
    tokenType: stringOrUndefined(body.token_type),
  });
}

/**
 * Only a 4xx other than 408/429 can be the server refusing the refresh token; its OAuth 2.0 error body then
 * decides (RFC 6749 says 400, or 401 for client authentication, and Auth0 answers 403 for a revoked token).
 */
function failureOf(answer: Answer): AuthTokensError {
  const cause = causeOf(answer);
  if (answer.status >= 400 && !isTransientStatus(answer.status) && typeof cause.error === 'string') {
    return toAuthTokensError(cause);
  }
  return new AuthTokensError('refresh_failed', `The token endpoint answered ${answer.status}; the session is kept.`, cause);
}
