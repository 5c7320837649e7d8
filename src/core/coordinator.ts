import { AuthTokensError, isAuthTokensError, toAuthTokensError, type AuthTokensErrorCode } from './errors';
import { inTabLock, type Lock } from './lock';
import { canRenew, isUsable, sessionFromResponse } from './session';
import type { SessionStore } from './session-store';
import type { Settings } from './settings';
import { createEmitter } from './emitter';
import type { Versioned } from './local-copy';
import { withTimeout } from './timeout';
import type { RefreshFunction, Session, TokenResponse } from './types';

/** What one renewal came to; published once per renewal, however many callers joined it. */
export type RefreshOutcome =
  | { session: Session; adopted: boolean }
  | { error: AuthTokensError; ended: boolean };

export interface CoordinatorOptions {
  store: SessionStore;
  lock: Lock;
  refresher: RefreshFunction;
  settings: Pick<Settings, 'apiToken' | 'minValiditySeconds' | 'refreshTimeoutSeconds'>;
  now: () => number;
  /** Says what degraded, once; `cause` is the error behind it. */
  warn: (message: string, cause?: unknown) => void;
  /** Revokes a refresh token that a renewal brought back after the session was logged out. */
  revoke: (refreshToken: string) => void;
}

export interface RefreshCoordinator {
  /** Renews unless the stored token differs from `seenToken` and is usable: then that one is adopted. */
  refresh: (seenToken: string | null) => Promise<Session>;
  /** Until when a failing renewal waits before the token endpoint is asked again (0: it is not failing). */
  retryAt: () => number;
  /** Listens to every outcome; returns the function that stops listening. */
  subscribe: (listener: (outcome: RefreshOutcome) => void) => () => void;
}

const RETRY_FIRST_MS = 2000;
const RETRY_MAX_MS = 30_000;
/** How long a refresh that timed out is still awaited, under the lock, for the refresh token in its answer. */
const LATE_ANSWER_MS = 60_000;

/**
 * One renewal at a time: every caller (requests, guard, timer, `refresh()`) joins the one in flight. Inside
 * the lock it looks at the stored session again before calling the server, because another tab or an
 * earlier caller may have renewed meanwhile, and it stores the new session before the lock is released,
 * as a compare-and-set: a login or logout that came while it ran wins, and the renewal's result is dropped.
 *
 * A renewal that fails, or yields a token that is already due, is not tried again before its backoff step
 * (2 s, 4 s, ... 30 s) for the same token, whoever asks: no answer of a server and no clock can make the
 * token endpoint see a loop.
 */
export function createRefreshCoordinator({ store, lock, refresher, settings, now, warn, revoke }: CoordinatorOptions): RefreshCoordinator {
  let inFlight: Promise<Session> | null = null;
  const outcomes = createEmitter<RefreshOutcome>(warn);
  let failing: { token: string | null; error: AuthTokensError; count: number; until: number } | null = null;
  /** The timeout of a refresh whose answer is still awaited, under the lock: nobody may send its refresh token again meanwhile. */
  let awaitingLate: AuthTokensError | null = null;
  const currentToken = () => store.current()?.token ?? null;
  const usable = (session: Session | null): session is Session & { token: string } => isUsable(session, now(), settings.minValiditySeconds);

  /**
   * Runs a task under the lock. Where the lock itself fails (not the task, and not a timeout), this tab
   * goes on without it rather than failing every renewal.
   */
  const locked = async <T>(task: () => Promise<T>): Promise<T> => {
    let started = false;
    try {
      return await lock.run(() => { started = true; return task(); });
    } catch (error) {
      if (started || isAuthTokensError(error) || lock === inTabLock) throw error;
      lock = inTabLock;
      warn('the refresh lock failed; each tab renews on its own.', error);
      return task();
    }
  };

  const seconds = settings.refreshTimeoutSeconds;
  const tooLong = () => new AuthTokensError('refresh_failed', `The refresh took over ${seconds} s.`);
  /**
   * Calls the refresher. Past `refreshTimeoutSeconds` its callers are told (`early`), but the answer is still
   * awaited, under the lock, for up to a minute: with rotation, a late answer carries the only refresh token
   * that still works, and the next attempt would otherwise send the spent one and end the session.
   */
  const call = async (current: Session, early: (result: Result) => void): Promise<TokenResponse> => {
    const answer = Promise.resolve().then(() => refresher(current.refreshToken ?? '', current));
    const timeout = tooLong();
    try {
      return await withTimeout(answer, seconds * 1000, () => timeout);
    } catch (error) {
      if (error !== timeout) throw error;
      // Set before the callers are told: one of them asking again at once must not spend the refresh token twice.
      awaitingLate = timeout;
      early(failed(timeout));
      return withTimeout(answer, LATE_ANSWER_MS, tooLong).finally(() => { awaitingLate = null; });
    }
  };

  /** What an attempt came to: the callers' answer, and the outcome to publish (none for an overtaken one). */
  type Result = { session: Session; error?: undefined; outcome: RefreshOutcome | null }
    | { session?: undefined; error: AuthTokensError; outcome: RefreshOutcome | null };

  /**
   * A login or logout came while the renewal ran: its callers get what the newer state gives, and nothing
   * is published. `brought` is the refresh token the renewal got back, `spent` the one it sent.
   */
  const overtaken = (brought: string | null, spent: string | null): Result => {
    const newer = store.current();
    if (newer === null) {
      // Logged out: nobody may keep what the renewal brought back. After a login it is only dropped: a
      // second login in one provider session may share the grant, and revoking it could end both.
      if (brought !== null && brought !== spent) revoke(brought);
      return { error: new AuthTokensError('login_required', 'Logged out during the refresh.'), outcome: null };
    }
    return usable(newer) ? { session: newer, outcome: null }
      : { error: new AuthTokensError('refresh_failed', 'The session changed during the refresh.'), outcome: null };
  };

  const failed = (error: AuthTokensError, ended = false): Result => ({ error, outcome: { error, ended } });
  const fail = (code: AuthTokensErrorCode, message: string) => failed(new AuthTokensError(code, message));

  /** Calls the refresher, stores what it gave; throws what the refresher threw. */
  const renew = async (read: Versioned, current: Session, early: (result: Result) => void): Promise<Result> => {
    const sentAt = now();
    const response = await call(current, early);
    let next: Session;
    try {
      next = sessionFromResponse(response, current, sentAt, settings.apiToken);
    } catch (error) {
      // A rotated refresh token is kept whatever else the answer lacks: the one it replaced is spent.
      const rotated = response?.refreshToken;
      if (rotated && rotated !== current.refreshToken && !(await store.commit(read, { ...current, refreshToken: rotated }))) {
        return overtaken(rotated, current.refreshToken);
      }
      throw error;
    }
    if (!(await store.commit(read, next))) return overtaken(next.refreshToken, current.refreshToken);
    return !usable(next) ? fail('invalid_response', 'The renewed token is already due.') : { session: next, outcome: { session: next, adopted: false } };
  };

  const attempt = async (seenToken: string | null, early: (result: Result) => void): Promise<Result> => {
    const read = await store.latest();
    const current = read.session;
    if (usable(current) && current.token !== seenToken) {
      return { session: current, outcome: { session: current, adopted: true } };
    }
    if (current === null) return fail('login_required', 'No session to renew.');
    try {
      if (!canRenew(current, refresher)) throw new AuthTokensError('login_required', 'The session has no refresh token.');
      return await renew(read, current, early);
    } catch (error) {
      // An app's refresher may reject with whatever its server echoed: the session's tokens are cut out.
      const failure = toAuthTokensError(error, [current.refreshToken, current.token, current.idToken]);
      // A refused refresh token, or a lost DPoP key: nothing can renew this session any more.
      if (failure.code !== 'login_required' && failure.code !== 'dpop_unavailable') return failed(failure);
      // Cleared inside the lock, so no other tab tries the refused token again; unless a login came meanwhile.
      return (await store.commit(read, null)) ? failed(failure, true) : overtaken(null, null);
    }
  };

  /** Counts the backoff and publishes the outcome; for a late result (`late`), only one that changed the session. */
  const settle = ({ outcome }: Result, before: string | null, late: boolean) => {
    const transient = !!outcome && 'error' in outcome && !outcome.ended;
    if (!outcome || (late && transient)) return;
    if (transient) {
      const token = currentToken();
      // Counted on from the token the attempt started from too: a server that answers every time with a
      // new token that is already due must meet growing steps, not the first one again and again.
      const count = failing && (failing.token === token || failing.token === before) ? failing.count + 1 : 1;
      failing = { token, error: outcome.error, count, until: now() + Math.min(RETRY_FIRST_MS * 2 ** (count - 1), RETRY_MAX_MS) };
    } else {
      failing = null;
    }
    outcomes.emit(outcome);
  };

  const run = (seenToken: string | null, before = currentToken()): Promise<Session> => new Promise((resolve, reject) => {
    let told = false;
    // Called once with what the callers get, and once more when a refresh that timed out answers late.
    const tell = (result: Result) => {
      const late = told;
      told = true;
      settle(result, before, late);
      if (late) return;
      if (result.error) reject(result.error);
      else resolve(result.session);
    };
    void locked(() => attempt(seenToken, tell))
      // The lock's own failure (lock_timeout) is a failed renewal like any other.
      .catch((error: unknown) => failed(toAuthTokensError(error)))
      .then(tell);
  });

  /**
   * Until when the current token backs off: 0 when it is not failing. A step that lies further ahead than the
   * longest one can only come from a clock set back meanwhile, and is over.
   */
  const retryAt = () => (failing && failing.token === currentToken() && failing.until - now() <= RETRY_MAX_MS ? failing.until : 0);

  return {
    refresh(seenToken) {
      if (inFlight) return inFlight;
      // Backing off: the same token is not renewed again before its step is over; a new session starts afresh.
      if (now() < retryAt()) return Promise.reject(failing!.error);
      // The lock keeps other tabs out while a late answer is awaited; in this tab, its single flight has ended.
      if (awaitingLate) return Promise.reject(awaitingLate);
      return (inFlight = run(seenToken).finally(() => { inFlight = null; }));
    },
    retryAt,
    subscribe: outcomes.subscribe,
  };
}
