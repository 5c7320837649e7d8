import { withTimeout } from './timeout';

/** An IndexedDB database and the object stores its first version creates. */
export interface Database {
  name: string;
  stores: string[];
}

/** The main entry's database: the shared session copy, and the fallback lock's records. */
export const DB_NAME = 'authTokens';
export const SESSIONS = 'sessions';
export const LOCKS = 'locks';
const SESSION_DB: Database = { name: DB_NAME, stores: [SESSIONS, LOCKS] };

/**
 * How long any IndexedDB operation may take. An IndexedDB that never answers (a hung browser process, an
 * open blocked by another tab's old connection) must degrade the tab as one that throws does, not hold
 * renewals and logouts forever.
 */
export const IDB_TIMEOUT_MS = 3000;

/** What an IndexedDB request or transaction failed with; its own error where it has one. */
const failure = (error: DOMException | null) => error ?? new Error('IndexedDB failed.');

export const request = <T>(req: IDBRequest<T>): Promise<T> => new Promise((resolve, reject) => {
  req.onsuccess = () => resolve(req.result);
  req.onerror = () => reject(failure(req.error));
});

/**
 * Runs `work` on one object store of `database` in one transaction, and resolves with its result once the transaction
 * has committed: only then is a write visible to other tabs. Each transaction has its own connection,
 * closed when it is done: a connection left open would block a newer version (or a test deleting the
 * database). Past `IDB_TIMEOUT_MS` it rejects; a transaction still running then is aborted, and a
 * connection that opens late is closed.
 */
export function transact<T>(factory: IDBFactory, name: string, mode: IDBTransactionMode,
  work: (store: IDBObjectStore) => Promise<T>, database = SESSION_DB): Promise<T> {
  // Null once timed out: a connection that opens later starts nothing.
  let tx: IDBTransaction | undefined | null;
  const open = factory.open(database.name, 1);
  open.onupgradeneeded = () => {
    for (const store of database.stores) open.result.createObjectStore(store);
  };
  const run = request(open).then(async (db) => {
    // Never the connection that holds up another tab's upgrade or deletion.
    db.onversionchange = () => db.close();
    try {
      if (tx === null) throw failure(null);
      const done = (tx = db.transaction(name, mode));
      const committed = new Promise((resolve, reject) => {
        done.oncomplete = resolve;
        done.onerror = done.onabort = () => reject(failure(done.error));
      });
      const result = await work(done.objectStore(name));
      await committed;
      return result;
    } finally {
      db.close();
    }
  });
  // The late outcome has nobody to tell; it must not surface as an unhandled rejection.
  run.catch(() => undefined);
  return withTimeout(run, IDB_TIMEOUT_MS, () => {
    try {
      tx?.abort();
    } catch {
      // already finished
    }
    tx = null;
    return new Error(`IndexedDB did not answer within ${IDB_TIMEOUT_MS / 1000} s.`);
  });
}
