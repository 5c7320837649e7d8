import { AuthTokensError } from './errors';
import { committed, LOCKS, openDatabase, request } from './idb';
import type { Lock } from './lock';

interface LockRecord {
  owner: string;
  expires: number;
}

/**
 * The lock where Web Locks are missing: a compare-and-set on a record in an IndexedDB transaction, which
 * IndexedDB runs one at a time for the same store, so exactly one tab wins. The record expires, so a tab
 * that crashed while holding it blocks the others for `ttlMs` at most; the holder extends it while it
 * works. A localStorage lock would not do: writes reach other tabs late, so two tabs can both "win".
 */
export class IndexedDbLock implements Lock {
  private readonly owner = `${Date.now()}-${Math.random().toString(36).slice(2)}`;

  constructor(private readonly factory: IDBFactory, private readonly name: string, private readonly timeoutMs: number,
    private readonly ttlMs: number, private readonly now: () => number = Date.now) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    const deadline = this.now() + this.timeoutMs;
    while (!(await this.swap((held) => (!held || held.expires <= this.now() ? { owner: this.owner, expires: this.now() + this.ttlMs } : held)))) {
      if (this.now() >= deadline) {
        throw new AuthTokensError('lock_timeout', `Another tab held the refresh lock for more than ${this.timeoutMs / 1000} s.`);
      }
      // Jitter keeps tabs that woke together from polling in step.
      await new Promise((resolve) => setTimeout(resolve, 25 + Math.random() * 50));
    }
    const heartbeat = setInterval(() => { void this.swap((held) => (held?.owner === this.owner ? { owner: this.owner, expires: this.now() + this.ttlMs } : held)); }, this.ttlMs / 3);
    try {
      return await task();
    } finally {
      clearInterval(heartbeat);
      await this.swap((held) => (held?.owner === this.owner ? undefined : held));
    }
  }

  /** Replaces the record by `next(current)` in one transaction; true when this tab holds it afterwards. */
  private async swap(next: (held: LockRecord | undefined) => LockRecord | undefined): Promise<boolean> {
    const db = await openDatabase(this.factory);
    const tx = db.transaction(LOCKS, 'readwrite');
    const done = committed(tx);
    const store = tx.objectStore(LOCKS);
    const held = await request<LockRecord | undefined>(store.get(this.name));
    const record = next(held);
    if (record === undefined) store.delete(this.name);
    else if (record !== held) store.put(record, this.name);
    await done;
    return record?.owner === this.owner;
  }
}
