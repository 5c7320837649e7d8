/** The package's one IndexedDB database: the shared session copy, and the fallback lock's records. */
export const DB_NAME = 'authTokens';
export const SESSIONS = 'sessions';
export const LOCKS = 'locks';

export function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Resolves when the transaction commits: only then is a write visible to other tabs. */
export function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = tx.onabort = () => reject(tx.error);
  });
}

const opened = new WeakMap<IDBFactory, Promise<IDBDatabase>>();

export function openDatabase(factory: IDBFactory): Promise<IDBDatabase> {
  let db = opened.get(factory);
  if (!db) {
    const req = factory.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore(SESSIONS);
      req.result.createObjectStore(LOCKS);
    };
    db = request(req).then((database) => {
      // A newer version opened by another tab (or a test deleting the database) must not be blocked.
      database.onversionchange = () => { database.close(); opened.delete(factory); };
      return database;
    });
    db.catch(() => opened.delete(factory));
    opened.set(factory, db);
  }
  return db;
}
