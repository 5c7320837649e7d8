import type { IPromise } from 'angular';
import type { Settings, StorageKeys } from '../core/settings';
import type { LoginOptions, RefreshFunction, TokenResponse } from '../core/types';

/** A refresh function, or an array-annotated injectable that returns one (for refreshers that need services). */
export type Refresher = RefreshFunction | [...string[], (...deps: never[]) => RefreshFunction];

/** What `authTokensProvider.configure()` takes; every field is optional there but `refresher` must be set once. */
export interface AuthTokensOptions extends Omit<Settings, 'publicPaths' | 'storageKeys'> {
  refresher: Refresher;
  /** Paths the guard leaves alone; defaults to `[loginPath]`. */
  publicPaths: Array<string | RegExp>;
  /** Merged key by key into the guide's keys. */
  storageKeys: Partial<StorageKeys>;
}

/** angular-jwt's options as this package sets them; see the README on `jwtOptionsProvider.config`. */
export interface AuthTokensJwtOptions {
  tokenGetter: Array<string | ((...deps: never[]) => unknown)>;
  whiteListedDomains: RegExp[];
}

export interface AuthTokensProvider {
  /** Merges into the current options; may be called more than once. */
  configure(options: Partial<AuthTokensOptions>): void;
  /** The angular-jwt options this module installs, for apps that call `jwtOptionsProvider.config` too. */
  readonly jwtOptions: AuthTokensJwtOptions;
}

export interface AuthTokensService {
  /** Stores a new session (after login), authenticates, schedules renewal, broadcasts `authTokens:sessionStarted`. */
  setSession(response: TokenResponse, profile?: unknown): void;
  /** A token valid now, renewing first when needed; null without a session. */
  getToken(): IPromise<string | null>;
  /** Renews now, joining a renewal already under way. */
  refresh(): IPromise<string>;
  /** A usable token is held, or the session can be renewed (with a refresh token, or silently). */
  isAuthenticated(): boolean;
  getProfile(): unknown;
  /**
   * Ends the session at once (every key, IndexedDB, the timer, other tabs; broadcasts `authTokens:loggedOut`),
   * then revokes the refresh token, bounded by 5 s. Resolves even when revocation fails or hangs. With
   * `endSession` and a login configured, then navigates to the provider's end-session endpoint; otherwise
   * never navigates.
   */
  logout(options?: { endSession?: boolean }): IPromise<void>;
  /** With a `login` configured: starts a login attempt and navigates to the provider; rejects `login_failed` before navigating. */
  login(options?: LoginOptions): IPromise<void>;
  /**
   * On the redirect URI: checks the callback (default: the one `oidcClient()` took out of the page's URL, or
   * else the page's URL, whose callback parameters it then removes), exchanges the code once, starts the session as `setSession` does (profile: the id token's claims), and
   * resolves with the safe `returnTo`. Rejects `login_failed` and changes nothing when anything does not check out.
   */
  completeLogin(url?: string): IPromise<string>;
}
