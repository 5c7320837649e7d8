/** What a token endpoint answered, in auth0-js's camelCase. */
export interface TokenResponse {
  accessToken?: string;
  idToken?: string;
  refreshToken?: string;
  /** Seconds the access token lives, counted from receipt on this machine's clock. */
  expiresIn?: number;
  scope?: string;
  tokenType?: string;
}

/** The stored token set. */
export interface Session {
  /** The token sent to APIs: the access token, or the id token with `apiToken: 'idToken'`. */
  token: string | null;
  idToken: string | null;
  refreshToken: string | null;
  profile: unknown;
  /** Expiry of `token` in epoch milliseconds, from `expiresIn` at receipt; null when only the JWT knows. */
  expiresAt: number | null;
}

/**
 * Renews a session. Rejects with an AuthTokensError, an OAuth 2.0 error body (`{ error }`), an auth0-js
 * error (`{ code }`) or anything else; see `toAuthTokensError`. `usesRefreshToken: false` marks a
 * refresher (such as a silent `checkSession`) that can renew without a stored refresh token; it is then
 * called with `''`.
 */
export interface RefreshFunction {
  (refreshToken: string, session: Session): PromiseLike<TokenResponse>;
  usesRefreshToken?: boolean;
}

/** Revokes a refresh token at the server (RFC 7009). */
export type Revoker = (refreshToken: string) => PromiseLike<unknown>;
