import { request, SESSIONS, transact } from './idb';
import type { Versioned } from './local-copy';
import { toSession } from './session';
import { isJsonObject, isVersion } from './values';

/**
 * The shared copy: the session for all tabs, kept in IndexedDB, which (unlike localStorage) every tab reads
 * consistently at the moment the refresh lock changes hands: a tab that takes the lock right after another
 * released it can still read the old, already spent refresh token in localStorage (measured: 94 stale reads
 * in 600 hand-offs), and spending it twice makes a rotating server revoke the whole grant.
 *
 * `undefined` means "no usable record" (never written, e.g. right after switching from the guide's snippet,
 * or garbage): the local copy is then the only source. A record with a null session means "logged out",
 * which must win over a local copy that still shows the old session in a lagging tab.
 */
export interface SharedCopy {
  read(): Promise<Versioned | undefined>;
  /**
   * In one transaction, so that no other write comes between: reads the record, and replaces it by what
   * `next` makes of it (null deletes it, undefined leaves it). Resolves with the record that was there.
   */
  update(next: (current: Versioned | undefined) => Versioned | null | undefined): Promise<Versioned | undefined>;
}

/**
 * A record is checked exactly like a local copy: anything that is not a versioned session, or a logout
 * (`session: null`), is garbage, never taken for a logout.
 */
function toVersioned(record: unknown): Versioned | undefined {
  if (!isJsonObject(record) || !isVersion(record.version)) return undefined;
  const session = toSession(record.session);
  return session === null && record.session !== null ? undefined : { session, version: record.version };
}

/** The copy under `key` in the package's database. */
export const indexedDbCopy = (factory: IDBFactory, key: string): SharedCopy => ({
  read: () => transact(factory, SESSIONS, 'readonly', async (store) => toVersioned(await request(store.get(key)))),
  update: (next) => transact(factory, SESSIONS, 'readwrite', async (store) => {
    const current = toVersioned(await request(store.get(key)));
    const record = next(current);
    if (record) store.put(record, key);
    else if (record === null) store.delete(key);
    return current;
  }),
});
