/** The package's one IndexedDB database: the shared session copy, and the fallback lock's records. */
export const DB_NAME = 'authTokens';
export const SESSIONS = 'sessions';
export const LOCKS = 'locks';

export const request = <T>(req: IDBRequest<T>): Promise<T> => new Promise((resolve, reject) => {
  req.onsuccess = () => resolve(req.result);
  req.onerror = () => reject(req.error);
});

/**
 * Runs `work` on one object store in one transaction, and resolves with its result once the transaction
 * has committed: only then is a write visible to other tabs. Each transaction has its own connection,
 * closed when it is done: a connection left open would block a newer version (or a test deleting the
 * database).
 */
export async function transact<T>(factory: IDBFactory, name: string, mode: IDBTransactionMode,
  work: (store: IDBObjectStore) => Promise<T>): Promise<T> {
  const open = factory.open(DB_NAME, 1);
  open.onupgradeneeded = () => {
    open.result.createObjectStore(SESSIONS);
    open.result.createObjectStore(LOCKS);
  };
  const db = await request(open);
  try {
    const tx = db.transaction(name, mode);
    const committed = new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
    const result = await work(tx.objectStore(name));
    await committed;
    return result;
  } finally {
    db.close();
  }
}
