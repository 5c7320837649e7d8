import { AuthTokensError } from './errors';

/** Runs a task while holding an exclusive lock; rejects `lock_timeout` when the lock takes too long. */
export interface Lock {
  run<T>(task: () => Promise<T>): Promise<T>;
}

/** Only one tab (sessionStorage, memory): the coordinator's single flight is all the exclusion needed. */
export const inTabLock: Lock = { run: (task) => task() };

/**
 * The Web Locks API, shared by every tab of the origin. The task's result is settled inside the request's
 * callback, so whatever it writes is written before the next tab can take the lock; a `.then` after
 * `request()` resolves would already run outside it.
 */
export class WebLock implements Lock {
  constructor(private readonly locks: LockManager, private readonly name: string, private readonly timeoutMs: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.timeoutMs);
    let acquired = false;
    try {
      return await this.locks.request(this.name, { mode: 'exclusive', signal: abort.signal }, () => {
        acquired = true;
        clearTimeout(timer);
        return task();
      });
    } catch (error) {
      if (!acquired && abort.signal.aborted) {
        throw new AuthTokensError('lock_timeout', `Another tab held the refresh lock for more than ${this.timeoutMs / 1000} s.`, error);
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}
