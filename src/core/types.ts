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

/** What `authTokens.login()` takes. */
export interface LoginOptions {
  /** Where to go after the login: a local path (checked with `safeReturnTo`), `'/'` otherwise. */
  returnTo?: string;
  /** The OpenID Connect `prompt` (`'login'`, `'consent'`, ...). */
  prompt?: string;
}

/** A completed login: the token answer, the profile (the id token's claims) and the safe `returnTo`. */
export interface LoginResult {
  response: TokenResponse;
  profile: unknown;
  returnTo: string;
}

/**
 * A redirect login (authorization code with PKCE), as `oidcClient` makes one; the service drives it. The
 * window is the app's `$window`: its `sessionStorage` holds the attempts, its `crypto` makes them.
 */
export interface Login {
  /** Where the provider sends the user back. Its path is public for the route guard by itself. */
  readonly redirectUri: string;
  /** Stores a new attempt, and resolves with the provider URL to navigate to; rejects `login_failed` before any navigation. */
  start(options: LoginOptions, window: Window): Promise<string>;
  /**
   * Checks the callback in `url` and exchanges its code once; rejects `login_failed`. Without `url`, the
   * callback taken out of the page's URL (`oidcClient` does that when it is made, before AngularJS reads the
   * URL), or else the page's URL, whose callback parameters it then removes.
   */
  complete(url: string | undefined, window: Window): Promise<LoginResult>;
  /** The provider's end-session URL for this id token; null when it has none; rejects when it cannot be found (discovery failed). */
  endSessionUrl(idToken: string | null): Promise<string | null>;
}

/**
 * How a token is presented to a server that binds it to a key (DPoP, RFC 9449). The token-endpoint calls
 * ask it for the headers of each request (a fresh proof) and show it each answer (a nonce to remember).
 */
export interface Sender {
  /** The `Authorization` scheme for tokens it sends: `'DPoP'`. */
  readonly scheme: string;
  /** The headers for one request (single use); `token` is the access token that a resource request carries. */
  headers(method: string, url: string, token?: string): PromiseLike<Record<string, string>>;
  /**
   * Reads an answer (`header` reads its headers; `sent` is what `headers` gave the request that got it);
   * true when the same request should be sent once more with fresh headers, as after DPoP's `use_dpop_nonce`.
   */
  answered(url: string, status: number, header: (name: string) => string | null, body: unknown, sent: Record<string, string>): boolean;
  /** Told once, when the package starts, where the session is kept: a key-bound sender keeps its key beside it. */
  attach?(place: SenderPlace): void;
  /**
   * Told of every change that may change the key: `ended` true, the session ended in this tab (logout, or
   * a refusal; the key goes too, once the revocation has used it); false, another tab logged in or out.
   */
  sessionChanged?(ended: boolean): void;
}

/** Where the session is kept: how (`storage`), under which token storage key, in which window; `warn` says a failure once through `$log`. */
export interface SenderPlace {
  storage: 'localStorage' | 'sessionStorage' | 'memory';
  key: string;
  window: Window;
  warn: (message: string) => void;
}
