import { AuthTokensError } from './errors';

/** Runs a task while holding an exclusive lock; rejects `lock_timeout` when the lock takes too long. */
export interface Lock {
  run<T>(task: () => Promise<T>): Promise<T>;
}

/** Only one tab (sessionStorage, memory): the coordinator's single flight is all the exclusion needed. */
export const inTabLock: Lock = { run: (task) => task() };

export const lockTimeout = (ms: number, cause?: unknown): AuthTokensError =>
  new AuthTokensError('lock_timeout', `Another tab held the refresh lock over ${ms / 1000} s.`, cause);

/**
 * The Web Locks API, shared by every tab of the origin. The task's result is settled inside the request's
 * callback, so whatever it writes is written before the next tab can take the lock; a `.then` after
 * `request()` resolves would already run outside it.
 */
export const webLock = (locks: LockManager, name: string, timeoutMs: number): Lock => ({
  async run(task) {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    let acquired = false;
    try {
      return await locks.request(name, { signal: abort.signal }, () => {
        acquired = true;
        clearTimeout(timer);
        return task();
      });
    } catch (error) {
      throw !acquired && abort.signal.aborted ? lockTimeout(timeoutMs, error) : error;
    } finally {
      clearTimeout(timer);
    }
  },
});
