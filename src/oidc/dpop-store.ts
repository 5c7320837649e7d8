import { request, transact, type Database } from '../core/idb';
import { isJsonObject } from '../core/values';

/**
 * Where DPoP key pairs are kept: the session's, and each login attempt's until its callback. IndexedDB is
 * the only browser storage that holds a `CryptoKey` (by structured clone, still not extractable); with
 * `storage: 'memory'` the session's key lives in memory, as the session does.
 */
export interface DpopKeyStore {
  /** The pair kept under `id`; null when there is none, or it expired. */
  get(id: string): Promise<CryptoKeyPair | null>;
  /** Keeps `pair` under `id`, until `expiresAt` (epoch ms) when given; records that expired are swept then. */
  put(id: string, pair: CryptoKeyPair, expiresAt?: number): Promise<void>;
  /** Reads and deletes in one transaction: a login attempt's key is single use, as its state is. */
  take(id: string): Promise<CryptoKeyPair | null>;
  delete(id: string): Promise<void>;
}

/** The entry's own database: the main entry's stays as it was, and neither upgrades the other. */
const DPOP_DB: Database = { name: 'authTokens-dpop', stores: ['keys'] };
const KEYS = 'keys';

interface KeyRecord {
  pair: CryptoKeyPair;
  expiresAt?: number;
}

/** A record as stored: anything else (garbage, a record from elsewhere) holds no key. */
const isRecord = (value: unknown): value is KeyRecord => isJsonObject(value) && isJsonObject(value.pair)
  && (value.expiresAt === undefined || typeof value.expiresAt === 'number');

/** The key pairs in IndexedDB; `factory` null (no IndexedDB) rejects every call. */
export function indexedDbKeyStore(factory: IDBFactory | null, now: () => number): DpopKeyStore {
  // An `open` that throws (a blocked IndexedDB) rejects like one that fails later.
  const run = <T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => Promise<T>): Promise<T> => new Promise((resolve) => {
    if (!factory) throw new Error('IndexedDB is missing.');
    resolve(transact(factory, KEYS, mode, work, DPOP_DB));
  });
  const live = (value: unknown): CryptoKeyPair | null => (isRecord(value) && !((value.expiresAt ?? Infinity) <= now()) ? value.pair : null);

  return {
    get: (id) => run('readonly', async (store) => live(await request(store.get(id)))),
    put: (id, pair, expiresAt) => run('readwrite', async (store) => {
      if (expiresAt !== undefined) {
        // Abandoned logins leave their keys behind: each new attempt sweeps the expired ones.
        const values = await request(store.getAll() as IDBRequest<unknown[]>);
        for (const [key, value] of zip(await request(store.getAllKeys()), values)) {
          if (isRecord(value) && value.expiresAt !== undefined && value.expiresAt <= now()) store.delete(key);
        }
      }
      store.put({ pair, ...(expiresAt !== undefined && { expiresAt }) } satisfies KeyRecord, id);
    }),
    take: (id) => run('readwrite', async (store) => {
      const value: unknown = await request(store.get(id));
      store.delete(id);
      return live(value);
    }),
    delete: (id) => run('readwrite', (store) => Promise.resolve(void store.delete(id))),
  };
}

const zip = <A, B>(a: A[], b: B[]): Array<[A, B]> => a.map((value, i) => [value, b[i]]);

/** The key pairs in memory, for a session kept in memory: gone with the page, as the session is. */
export function memoryKeyStore(): DpopKeyStore {
  const pairs = new Map<string, CryptoKeyPair>();
  const get = (id: string) => pairs.get(id) ?? null;
  return {
    get: (id) => Promise.resolve(get(id)),
    put: (id, pair) => Promise.resolve(void pairs.set(id, pair)),
    take: (id) => {
      const pair = get(id);
      pairs.delete(id);
      return Promise.resolve(pair);
    },
    delete: (id) => Promise.resolve(void pairs.delete(id)),
  };
}
