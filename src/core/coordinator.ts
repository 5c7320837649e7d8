import { AuthTokensError, isAuthTokensError, toAuthTokensError } from './errors';
import { inTabLock, type Lock } from './lock';
import { isUsable, sessionFromResponse } from './session';
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
  warn: (message: string) => void;
  onOutcome: (outcome: RefreshOutcome) => void;
}

/**
 * One refresh at a time: every caller (requests, guard, timer, `refresh()`) joins the one in flight. Inside
 * the lock it looks at the stored set again before calling the server, because another tab or an earlier
 * caller may have renewed meanwhile, and it stores the new set before the lock is released.
 */
export class RefreshCoordinator {
  private inFlight: Promise<Session> | null = null;
  private shared: SharedCopy | null;
  private lock: Lock;

  constructor(private readonly options: CoordinatorOptions) {
    this.shared = options.shared;
    this.lock = options.lock;
  }

  /** Renews unless the stored token differs from `seenToken` and is usable: then that one is adopted. */
  refresh(seenToken: string | null): Promise<Session> {
    if (!this.inFlight) {
      this.inFlight = this.run(seenToken).finally(() => { this.inFlight = null; });
    }
    return this.inFlight;
  }

  /** Stores a session (or, with null, clears it) everywhere, under the lock so no refresh interleaves. */
  async save(session: Session | null): Promise<void> {
    // The mirror is written at once so synchronous readers see the new state without waiting for the lock.
    this.options.store.write(session);
    if (this.shared) await this.locked(() => this.writeShared(session));
  }

  private async run(seenToken: string | null): Promise<Session> {
    let ended = false;
    let outcome: RefreshOutcome & { session: Session };
    try {
      outcome = await this.locked(async () => {
        const current = await this.readCurrent();
        if (isUsable(current, this.options.now(), this.options.settings.minValiditySeconds) && current.token !== seenToken) {
          this.options.store.write(current);
          return { session: current, adopted: true };
        }
        try {
          return { session: await this.renew(current), adopted: false };
        } catch (error) {
          const failure = toAuthTokensError(error);
          // The mirror counts too: another tab may have logged out (shared copy null) while this tab's
          // mirror, or its memory fallback, still holds the old session.
          if (failure.code === 'login_required' && (current !== null || this.options.store.read() !== null)) {
            // Cleared inside the lock, so no other tab tries the refused token again.
            ended = true;
            this.options.store.clear();
            await this.writeShared(null);
          }
          throw failure;
        }
      });
    } catch (error) {
      const failure = toAuthTokensError(error);
      this.report({ error: failure, ended });
      throw failure;
    }
    this.report(outcome);
    return outcome.session;
  }

  /** A listener that throws must not turn a renewal into a failure, nor be told twice. */
  private report(outcome: RefreshOutcome): void {
    try {
      this.options.onOutcome(outcome);
    } catch (error) {
      this.options.warn(`angular-auth-tokens: a listener of the refresh outcome threw (${error instanceof Error ? error.message : 'unknown error'}).`);
    }
  }

  private async renew(current: Session | null): Promise<Session> {
    const { refresher, settings, now } = this.options;
    const refreshToken = current?.refreshToken ?? null;
    if (current === null || (refreshToken === null && refresher.usesRefreshToken !== false)) {
      throw new AuthTokensError('login_required', 'There is no session to renew.');
    }
    const response = await withTimeout(Promise.resolve(refresher(refreshToken ?? '', current)), settings.refreshTimeoutSeconds * 1000);
    const next = sessionFromResponse(response, current, now(), settings.apiToken);
    await this.writeShared(next);
    this.options.store.write(next);
    return next;
  }

  /** The shared copy wins when it has been written; the mirror serves before that and without it. */
  private async readCurrent(): Promise<Session | null> {
    if (this.shared) {
      try {
        const shared = await this.shared.read();
        if (shared !== undefined) return shared;
      } catch (error) {
        this.degrade(error);
      }
    }
    return this.options.store.read();
  }

  private async writeShared(session: Session | null): Promise<void> {
    if (!this.shared) return;
    try {
      await this.shared.write(session);
    } catch (error) {
      this.degrade(error);
    }
  }

  /**
   * Runs a task under the lock. Where the lock itself fails (not the task, and not a timeout), this tab
   * goes on without it rather than failing every renewal.
   */
  private async locked<T>(task: () => Promise<T>): Promise<T> {
    let started = false;
    try {
      return await this.lock.run(() => { started = true; return task(); });
    } catch (error) {
      if (started || isAuthTokensError(error) || this.lock === inTabLock) throw error;
      this.lock = inTabLock;
      this.options.warn('angular-auth-tokens: Web Locks failed; tabs renew independently from now on.');
      return task();
    }
  }

  private degrade(error: unknown): void {
    this.shared = null;
    this.options.warn(`angular-auth-tokens: IndexedDB failed (${error instanceof Error ? error.name : 'unknown error'}); tabs renew independently from now on.`);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AuthTokensError('refresh_failed', `The refresh took longer than ${ms / 1000} s.`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
