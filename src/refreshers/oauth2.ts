import { AuthTokensError, toAuthTokensError } from '../core/errors';
import type { RefreshFunction, Revoker, Sender, TokenResponse } from '../core/types';
import { failureOf, isSuccess, postForm, revokeAt, tokenResponseOf } from './token-endpoint';

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

/** The refresh-token grant at `tokenEndpoint`, for `oauth2RefreshToken` and `oidcClient`, which finds the endpoint first. */
export async function refreshTokenGrant(tokenEndpoint: string, refreshToken: string,
  { clientId, scope, fetch }: Omit<OAuth2RefreshOptions, 'tokenEndpoint'>, sender?: Sender): Promise<TokenResponse> {
  const form: Record<string, string> = { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId };
  if (scope !== undefined) form.scope = scope;
  const { status, body, cause } = await postForm(tokenEndpoint, form, fetch, 'token', sender);
  if (!isSuccess(status)) throw failureOf(status, cause.error, cause);
  if (!body) throw new AuthTokensError('invalid_response', `The token endpoint answered ${status} without JSON.`, { status });
  // A few servers report errors with a 2xx status; the body then says what happened, as auth0-js reads it.
  if (typeof body.error === 'string' && body.access_token === undefined) throw toAuthTokensError(cause);
  return tokenResponseOf(body, true);
}

/** Renews with `grant_type=refresh_token` at any OAuth 2.0 token endpoint (RFC 6749, section 6). */
export function oauth2RefreshToken(options: OAuth2RefreshOptions): RefreshFunction {
  return (refreshToken: string) => refreshTokenGrant(options.tokenEndpoint, refreshToken, options);
}

/** The form that revokes a refresh token (RFC 7009). */
export const revocationForm = (refreshToken: string, clientId: string): Record<string, string> =>
  ({ token: refreshToken, token_type_hint: 'refresh_token', client_id: clientId });

/** Revokes a refresh token (RFC 7009). Best effort for the caller, but a failure is still reported. */
export function oauth2Revoke(options: OAuth2RevokeOptions): Revoker {
  return (refreshToken: string) => revokeAt(options.revocationEndpoint, revocationForm(refreshToken, options.clientId), options.fetch);
}
