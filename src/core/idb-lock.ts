import { LOCKS, request, transact } from './idb';
import { lockTimeout, type Lock } from './lock';

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
export function indexedDbLock(factory: IDBFactory, name: string, timeoutMs: number, ttlMs: number, now: () => number = Date.now): Lock {
  const owner = String(Math.random());
  const mine = (held?: LockRecord) => held?.owner === owner;
  const claim = (): LockRecord => ({ owner, expires: now() + ttlMs });
  /** Replaces the record by `next(current)` in one transaction; true when this tab holds it afterwards. */
  const swap = (next: (held?: LockRecord) => LockRecord | undefined) => transact(factory, LOCKS, 'readwrite', async (store) => {
    const held = await request(store.get(name) as IDBRequest<LockRecord | undefined>);
    const record = next(held);
    if (!record) store.delete(name);
    else if (record !== held) store.put(record, name);
    return mine(record);
  });

  return {
    async run(task) {
      const deadline = now() + timeoutMs;
      while (!(await swap((held) => (!held || held.expires <= now() ? claim() : held)))) {
        if (now() >= deadline) throw lockTimeout(timeoutMs);
        // Jitter keeps tabs that woke together from polling in step.
        await new Promise((resolve) => setTimeout(resolve, 25 + Math.random() * 50));
      }
      // A heartbeat or a release that fails (IndexedDB gone, or timed out) costs at most the record's
      // expiry to the other tabs; it must not turn this tab's finished renewal into a failure.
      const heartbeat = setInterval(() => { swap((held) => (mine(held) ? claim() : held)).catch(() => undefined); }, ttlMs / 3);
      try {
        return await task();
      } finally {
        clearInterval(heartbeat);
        await swap((held) => (mine(held) ? undefined : held)).catch(() => undefined);
      }
    },
  };
}
