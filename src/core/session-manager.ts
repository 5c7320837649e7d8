import { createRefreshCoordinator } from './coordinator';
import { createEmitter } from './emitter';
import type { AuthTokensError } from './errors';
import type { Lock } from './lock';
import { createRenewalScheduler, type RenewalSchedulerOptions } from './scheduler';
import { canRenew, isUsable, sessionFromResponse } from './session';
import type { SessionStore } from './session-store';
import type { Settings } from './settings';
import type { TabChange } from './tab-sync';
import { withTimeout } from './timeout';
import type { RefreshFunction, Session, TokenResponse } from './types';

/** Every change of the session that the app hears of (the AngularJS layer broadcasts them as `authTokens:<type>`). */
export type SessionEvent =
  | { type: 'sessionStarted'; otherTab?: true }
  | { type: 'refreshed'; token: string | null }
  | { type: 'refreshFailed'; error: AuthTokensError }
  | { type: 'sessionExpired'; error: AuthTokensError }
  | { type: 'loggedOut'; otherTab: boolean };

export interface SessionManagerOptions {
  store: SessionStore;
  lock: Lock;
  refresher: RefreshFunction;
  settings: Settings;
  now: () => number;
  /** Says what degraded, once; `cause` is the error behind it. */
  warn: (message: string, cause?: unknown) => void;
  /** Follows other tabs (the `storage` event) and returns the function that stops; absent with one tab only. */
  watchTabs?: (onChange: (change: TabChange) => void) => () => void;
  /** For the scheduler: timers, and where `online` and `visibilitychange` are heard. */
  timers?: Pick<RenewalSchedulerOptions, 'setTimeout' | 'clearTimeout' | 'events'>;
}

export interface SessionManager {
  /** The stored session, read now. */
  current: () => Session | null;
  /** A usable token is held, or the session can be renewed. */
  isAuthenticated: () => boolean;
  /** A token valid now: the stored one, or a renewal to wait for; null when nothing can renew. */
  token: () => string | null | Promise<string>;
  /** Renews now, joining a renewal under way. */
  refresh: () => Promise<string>;
  /** Renews because a server refused `token`, or adopts the token that replaced it meanwhile. */
  replace: (token: string | null) => Promise<string>;
  setSession: (response: TokenResponse, profile?: unknown) => void;
  /** Ends the session here and in every tab at once, then revokes; never rejects. */
  logout: () => Promise<void>;
  /** Listens to every `SessionEvent`; returns the function that stops listening. */
  subscribe: (listener: (event: SessionEvent) => void) => () => void;
  /** Arms scheduled renewal and follows other tabs; `stop()` undoes it. Both are safe to call twice. */
  start: () => void;
  stop: () => void;
}

/** How long a revocation may hold up `logout()`: a revocation endpoint that hangs must not keep anyone logged in. */
const REVOKE_TIMEOUT_MS = 5000;

/**
 * The one owner of the session: what is stored, the one rule for whether it can be renewed, every renewal
 * (through the coordinator), scheduled renewal, login, logout and what other tabs did. Everyone else (the
 * token getter, the route guard, the 401 retry, the public service) asks it.
 */
export function createSessionManager(options: SessionManagerOptions): SessionManager {
  const { store, refresher, settings, now, warn } = options;
  const { emit: publish, subscribe } = createEmitter<SessionEvent>(warn);
  const usable = (session: Session | null): session is Session & { token: string } => isUsable(session, now(), settings.minValiditySeconds);

  /** Best effort, bounded: a revoker that throws, rejects or never answers costs the user nothing. */
  const revoke = (refreshToken: string): Promise<void> => {
    const revoker = settings.revoke;
    if (!revoker) return Promise.resolve();
    return withTimeout(Promise.resolve().then(() => revoker(refreshToken)), REVOKE_TIMEOUT_MS, () => new Error('timeout')).then(() => undefined, () => {
      // No cause: what a revoker rejects with may carry the request, refresh token included.
      warn('a refresh token could not be revoked; it stays valid until it expires.');
    });
  };

  const coordinator = createRefreshCoordinator({ store, lock: options.lock, refresher, settings, now, warn, revoke: (token) => { void revoke(token); } });
  coordinator.subscribe((outcome) => {
    if ('session' in outcome) return publish({ type: 'refreshed', token: outcome.session.token });
    publish({ type: 'refreshFailed', error: outcome.error });
    if (outcome.ended) publish({ type: 'sessionExpired', error: outcome.error });
  });
  const renewed = (seenToken: string | null) => coordinator.refresh(seenToken).then((session) => session.token as string);
  const currentToken = () => store.current()?.token ?? null;

  const renewable = () => {
    const session = store.current();
    return canRenew(session, refresher) ? session : null;
  };
  const scheduler = createRenewalScheduler({
    ...options.timers,
    now,
    renewable,
    retryAt: coordinator.retryAt,
    renew: () => renewed(currentToken()),
    subscribe: (listener) => manager.subscribe((event) => listener(event.type === 'refreshed')),
    renewBeforeSeconds: settings.renewBeforeSeconds,
    minValiditySeconds: settings.minValiditySeconds,
  });

  /** Another tab logged in, renewed or logged out: storage already shows it. */
  const followOtherTab = (change: TabChange) => publish(change === 'renewed' ? { type: 'refreshed', token: currentToken() }
    : change === 'loggedIn' ? { type: 'sessionStarted', otherTab: true } : { type: 'loggedOut', otherTab: true });
  let stopWatchingTabs: (() => void) | null = null;

  const manager: SessionManager = {
    current: store.current,
    isAuthenticated: () => usable(store.current()) || renewable() !== null,
    token() {
      const session = store.current();
      if (usable(session)) return session.token;
      return canRenew(session, refresher) ? renewed(session.token) : null;
    },
    refresh: () => renewed(currentToken()),
    replace: renewed,

    setSession(response, profile) {
      // Written to the local copy at once (a renewal in flight is overtaken), and to the shared copy after.
      void store.replace(sessionFromResponse(response, null, now(), settings.apiToken, profile ?? null));
      publish({ type: 'sessionStarted' });
    },

    async logout() {
      // Ended here (the local copy, which other tabs hear of, and the timer) before anything is awaited.
      const replaced = store.replace(null);
      publish({ type: 'loggedOut', otherTab: false });
      // Then every refresh token the copies held, a renewal's that landed in the shared copy just before included.
      await Promise.all((await replaced).map(revoke));
    },

    subscribe,
    start() {
      scheduler.start();
      stopWatchingTabs ??= options.watchTabs?.(followOtherTab) ?? null;
    },
    stop() {
      scheduler.stop();
      stopWatchingTabs?.();
      stopWatchingTabs = null;
    },
  };
  return manager;
}
