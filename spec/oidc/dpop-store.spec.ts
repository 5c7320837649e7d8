import { createDpopKeyPair } from '../../src/oidc/dpop-key';
import { indexedDbKeyStore, memoryKeyStore, type DpopKeyStore } from '../../src/oidc/dpop-store';
import { deleteDatabase } from '../helpers/fakes';

describe('dpop-store', () => {
  const DB = 'authTokens-dpop';
  let pairs: CryptoKeyPair[];
  let now: number;
  beforeAll(async () => {
    pairs = await Promise.all([createDpopKeyPair(crypto), createDpopKeyPair(crypto)]);
  });
  beforeEach(async () => {
    now = 1_000_000;
    await deleteDatabase(DB);
  });
  afterAll(() => deleteDatabase(DB));

  /** The raw records of the database, as another tab (or an attacker in the page) would read them. */
  function rawRecords(): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const open = indexedDB.open(DB, 1);
      open.onupgradeneeded = () => open.result.createObjectStore('keys');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const store = open.result.transaction('keys').objectStore('keys');
        const keys = store.getAllKeys();
        const values = store.getAll();
        values.onsuccess = () => {
          open.result.close();
          resolve(Object.fromEntries(keys.result.map((key, i) => [String(key), values.result[i]])));
        };
      };
    });
  }

  describe('in IndexedDB', () => {
    let store: DpopKeyStore;
    beforeEach(() => {
      store = indexedDbKeyStore(indexedDB, () => now);
    });

    it('keeps a key pair that still cannot be exported, and hands it back', async () => {
      await store.put('session:token', pairs[0]);
      const pair = (await store.get('session:token'))!;
      expect(pair.privateKey.extractable).toBeFalse();
      await expectAsync(crypto.subtle.exportKey('jwk', pair.privateKey)).toBeRejected();
      const data = new TextEncoder().encode('signed');
      const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, pair.privateKey, data);
      expect(await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, pairs[0].publicKey, signature, data)).toBeTrue();
    });

    it('is null for a record that is not there, or is garbage', async () => {
      expect(await store.get('session:token')).toBeNull();
      await new Promise<void>((resolve) => {
        const open = indexedDB.open(DB, 1);
        open.onupgradeneeded = () => open.result.createObjectStore('keys');
        open.onsuccess = () => {
          const tx = open.result.transaction('keys', 'readwrite');
          tx.objectStore('keys').put('garbage', 'session:token');
          tx.oncomplete = () => {
            open.result.close();
            resolve();
          };
        };
      });
      expect(await store.get('session:token')).toBeNull();
    });

    it('takes a record once: the second take finds nothing', async () => {
      await store.put('attempt:s1', pairs[0], now + 1000);
      expect((await store.take('attempt:s1'))!.privateKey).toEqual(jasmine.any(CryptoKey));
      expect(await store.take('attempt:s1')).toBeNull();
    });

    it('refuses a record past its expiry, and sweeps expired ones when an attempt is kept', async () => {
      await store.put('attempt:old', pairs[0], now + 1000);
      await store.put('session:token', pairs[1]);
      now += 2000;
      expect(await store.get('attempt:old')).toBeNull();

      await store.put('attempt:new', pairs[1], now + 1000);

      expect(Object.keys(await rawRecords()).sort()).toEqual(['attempt:new', 'session:token']);
    });

    it('deletes a record', async () => {
      await store.put('session:token', pairs[0]);
      await store.delete('session:token');
      expect(await rawRecords()).toEqual({});
    });

    it('rejects every call without IndexedDB', async () => {
      const none = indexedDbKeyStore(null, () => now);
      await expectAsync(none.get('x')).toBeRejectedWithError(/IndexedDB is missing/);
      await expectAsync(none.put('x', pairs[0])).toBeRejected();
    });
  });

  it('keeps a memory session\'s key in memory only', async () => {
    const store = memoryKeyStore();
    await store.put('session', pairs[0]);
    expect(await store.get('session')).toBe(pairs[0]);
    expect(await store.take('session')).toBe(pairs[0]);
    expect(await store.get('session')).toBeNull();
    await store.put('session', pairs[1]);
    await store.delete('session');
    expect(await store.get('session')).toBeNull();
    expect(await rawRecords()).toEqual({});
  });
});
