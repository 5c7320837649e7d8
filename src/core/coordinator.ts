import { AuthTokensError, isAuthTokensError, toAuthTokensError } from './errors';
import { inTabLock, type Lock } from './lock';
import { canRenew, isUsable, sessionFromResponse } from './session';
import type { Settings } from './settings';
import type { SharedCopy } from './shared-copy';
import type { TokenStore } from './token-store';
import type { RefreshFunction, Session } from './types';

/** What one refresh came to; reported once per refresh, however many callers joined it. */
export type RefreshOutcome =
  | { session: Session; adopted: boolean }
  | { error: AuthTokensError; ended: boolean };

export interface CoordinatorOptions {
  store: TokenStore;
  /** The cross-tab copy (IndexedDB), or null with one tab only. */
  shared: SharedCopy | null;
  lock: Lock;
  refresher: RefreshFunction;
  settings: Pick<Settings, 'apiToken' | 'minValiditySeconds' | 'refreshTimeoutSeconds'>;
  now: () => number;
  /** Says what degraded, once; `cause` is the error behind it. */
  warn: (message: string, cause?: unknown) => void;
  onOutcome: (outcome: RefreshOutcome) => void;
}

export interface RefreshCoordinator {
  /** Renews unless the stored token differs from `seenToken` and is usable: then that one is adopted. */
  refresh(seenToken: string | null): Promise<Session>;
  /** Stores a session (or, with null, clears it) everywhere, under the lock so no refresh interleaves. */
  save(session: Session | null): Promise<void>;
}

/**
 * One refresh at a time: every caller (requests, guard, timer, `refresh()`) joins the one in flight. Inside
 * the lock it looks at the stored set again before calling the server, because another tab or an earlier
 * caller may have renewed meanwhile, and it stores the new set before the lock is released.
 */
export function createRefreshCoordinator({ store, shared, lock, refresher, settings, now, warn, onOutcome }: CoordinatorOptions): RefreshCoordinator {
  let inFlight: Promise<Session> | null = null;

  const degrade = (error: unknown) => {
    shared = null;
    warn('IndexedDB failed; each tab renews on its own.', error);
  };

  /** The shared copy wins when it has been written; the mirror serves before that and without it. */
  const readCurrent = async (): Promise<Session | null> => {
    try {
      const copy = await shared?.read();
      if (copy !== undefined) return copy;
    } catch (error) {
      degrade(error);
    }
    return store.read();
  };

  const writeShared = async (session: Session | null) => {
    try {
      await shared?.write(session);
    } catch (error) {
      degrade(error);
    }
  };

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
      warn('Web Locks failed; each tab renews on its own.');
      return task();
    }
  };

  const renew = async (current: Session | null): Promise<Session> => {
    if (!canRenew(current, refresher)) throw new AuthTokensError('login_required', 'No session to renew.');
    const seconds = settings.refreshTimeoutSeconds;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const response = await Promise.race([
      refresher(current.refreshToken ?? '', current),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new AuthTokensError('refresh_failed', `The refresh took over ${seconds} s.`)), seconds * 1000);
      }),
    ]).finally(() => clearTimeout(timer));
    const next = sessionFromResponse(response, current, now(), settings.apiToken);
    await writeShared(next);
    store.write(next);
    return next;
  };

  /** A listener that throws must not turn a renewal into a failure, nor be told twice. */
  const report = (outcome: RefreshOutcome) => {
    try {
      onOutcome(outcome);
    } catch (error) {
      warn('a refresh listener threw.', error);
    }
  };

  const run = (seenToken: string | null): Promise<Session> => {
    let ended = false;
    return locked(async () => {
      const current = await readCurrent();
      if (isUsable(current, now(), settings.minValiditySeconds) && current.token !== seenToken) {
        store.write(current);
        return { session: current, adopted: true };
      }
      try {
        return { session: await renew(current), adopted: false };
      } catch (error) {
        const failure = toAuthTokensError(error);
        // The mirror counts too: another tab may have logged out (shared copy null) while this tab's
        // mirror, or its memory fallback, still holds the old session.
        if (failure.code === 'login_required' && (current || store.read())) {
          // Cleared inside the lock, so no other tab tries the refused token again.
          ended = true;
          store.clear();
          await writeShared(null);
        }
        throw failure;
      }
    }).then((outcome) => {
      report(outcome);
      return outcome.session;
    }, (error: unknown) => {
      const failure = toAuthTokensError(error);
      report({ error: failure, ended });
      throw failure;
    });
  };

  return {
    refresh: (seenToken) => (inFlight ??= run(seenToken).finally(() => { inFlight = null; })),
    async save(session) {
      // The mirror is written at once so synchronous readers see the new state without waiting for the lock.
      store.write(session);
      if (shared) await locked(() => writeShared(session));
    },
  };
}
