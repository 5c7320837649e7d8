import { DB_NAME, IDB_TIMEOUT_MS, LOCKS, request, SESSIONS, transact } from '../../src/core/idb';
import { deleteDatabase, flushMicrotasks, uniqueName } from '../helpers/fakes';

/** An IDBRequest as far as `request` and `transact` use one, settled by the spec. */
class FakeRequest {
  onsuccess: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onupgradeneeded: (() => void) | null = null;
  result: unknown = undefined;
  error: DOMException | null = null;

  succeed(result: unknown): void {
    this.result = result;
    this.onsuccess?.();
  }

  fail(error: DOMException | null): void {
    this.error = error;
    this.onerror?.();
  }
}

/** A connection whose transactions never complete, as a hung browser process leaves them. */
function fakeConnection() {
  const tx: { oncomplete: (() => void) | null; onerror: (() => void) | null; onabort: (() => void) | null; error: null;
    abort: jasmine.Spy; objectStore: () => object; } = {
    oncomplete: null, onerror: null, onabort: null, error: null, abort: jasmine.createSpy('abort'), objectStore: () => ({}),
  };
  return { tx, db: { close: jasmine.createSpy('close'), transaction: jasmine.createSpy('transaction').and.returnValue(tx) } };
}

/** A factory whose open requests the spec settles, or never does. */
function fakeFactory() {
  const opened: FakeRequest[] = [];
  const factory = { open: jasmine.createSpy('open').and.callFake(() => { opened.push(new FakeRequest()); return opened[opened.length - 1]; }) };
  return { factory: factory as unknown as IDBFactory, opened };
}

/** Where a promise stands after the microtasks queued so far have run; works under `jasmine.clock()`. */
async function stateOf(promise: Promise<unknown>): Promise<'pending' | 'resolved' | 'rejected'> {
  let state: 'pending' | 'resolved' | 'rejected' = 'pending';
  promise.then(() => { state = 'resolved'; }, () => { state = 'rejected'; });
  await flushMicrotasks();
  return state;
}

/** Whether deleting the database is blocked by a connection still open (the deletion then goes on anyway). */
function deletionIsBlocked(): Promise<boolean> {
  return new Promise((resolve) => {
    const req = indexedDB.deleteDatabase(DB_NAME);
    req.onblocked = () => resolve(true);
    req.onsuccess = req.onerror = () => resolve(false);
  });
}

describe('idb', () => {
  describe('request', () => {
    it('resolves with the result', async () => {
      const req = new FakeRequest();
      const result = request(req as unknown as IDBRequest<string>);

      req.succeed('value');

      expect(await result).toBe('value');
    });

    it('rejects with the request\'s error, or an Error where the browser gives none', async () => {
      const failing = new FakeRequest();
      const failed = request(failing as unknown as IDBRequest);
      const error = new DOMException('quota', 'QuotaExceededError');
      failing.fail(error);

      await expectAsync(failed).toBeRejectedWith(error);

      const bare = new FakeRequest();
      const bareFailed = request(bare as unknown as IDBRequest);
      bare.fail(null);

      await expectAsync(bareFailed).toBeRejectedWithError(Error);
    });
  });

  describe('transact (real IndexedDB)', () => {
    afterAll(() => deleteDatabase(DB_NAME));

    it('resolves with what the work returned once the transaction committed, visible to the next transaction', async () => {
      const key = uniqueName('spec-idb');

      const wrote = await transact(indexedDB, SESSIONS, 'readwrite', async (store) => {
        store.put({ version: 1 }, key);
        return 'wrote';
      });
      const read = await transact(indexedDB, SESSIONS, 'readonly', (store) => request(store.get(key)));

      expect(wrote).toBe('wrote');
      expect(read).toEqual({ version: 1 });
    });

    it('creates both object stores in a new database', async () => {
      await deleteDatabase(DB_NAME);

      await expectAsync(transact(indexedDB, LOCKS, 'readonly', (store) => request(store.count()))).toBeResolvedTo(0);
      await expectAsync(transact(indexedDB, SESSIONS, 'readonly', (store) => request(store.count()))).toBeResolvedTo(0);
    });

    it('rejects with the work\'s failure', async () => {
      const failure = new Error('work failed');

      await expectAsync(transact(indexedDB, SESSIONS, 'readonly', () => Promise.reject(failure))).toBeRejectedWith(failure);
    });

    it('closes its connection when done, so that it blocks no deletion or newer version', async () => {
      await transact(indexedDB, SESSIONS, 'readonly', (store) => request(store.count()));

      expect(await deletionIsBlocked()).toBeFalse();
    });
  });

  describe('transact past IDB_TIMEOUT_MS (a fake IndexedDB)', () => {
    beforeEach(() => jasmine.clock().install());
    afterEach(() => jasmine.clock().uninstall());

    it('rejects IDB_TIMEOUT_MS after it started when the open request never fires, without running the work', async () => {
      const { factory } = fakeFactory();
      const work = jasmine.createSpy('work');

      const result = transact(factory, SESSIONS, 'readwrite', work);
      jasmine.clock().tick(IDB_TIMEOUT_MS - 1);

      expect(await stateOf(result)).toBe('pending');

      jasmine.clock().tick(1);

      await expectAsync(result).toBeRejectedWithError(`IndexedDB did not answer within ${IDB_TIMEOUT_MS / 1000} s.`);
      expect(work).not.toHaveBeenCalled();
    });

    it('closes a connection that opens after the timeout, without starting a transaction on it', async () => {
      const { factory, opened } = fakeFactory();
      const { db } = fakeConnection();
      const work = jasmine.createSpy('work');
      const result = transact(factory, SESSIONS, 'readwrite', work);
      jasmine.clock().tick(IDB_TIMEOUT_MS);
      await expectAsync(result).toBeRejected();

      opened[0].succeed(db);
      await flushMicrotasks();

      expect(db.close).toHaveBeenCalledTimes(1);
      expect(db.transaction).not.toHaveBeenCalled();
      expect(work).not.toHaveBeenCalled();
    });

    it('aborts a transaction still running at the timeout', async () => {
      const { factory, opened } = fakeFactory();
      const { db, tx } = fakeConnection();
      const result = transact(factory, SESSIONS, 'readwrite', () => new Promise(() => undefined));
      opened[0].succeed(db);
      await flushMicrotasks();

      expect(db.transaction).toHaveBeenCalledWith(SESSIONS, 'readwrite');
      expect(await stateOf(result)).toBe('pending');

      jasmine.clock().tick(IDB_TIMEOUT_MS);

      await expectAsync(result).toBeRejectedWithError(/did not answer/);
      expect(tx.abort).toHaveBeenCalledTimes(1);
    });

    it('resolves once the transaction completed, and does not time out after', async () => {
      const { factory, opened } = fakeFactory();
      const { db, tx } = fakeConnection();
      const result = transact(factory, SESSIONS, 'readonly', async () => 'done');
      opened[0].succeed(db);
      await flushMicrotasks();

      // The work is done, but a write is visible to other tabs only once the transaction has committed.
      expect(await stateOf(result)).toBe('pending');

      tx.oncomplete!();

      await expectAsync(result).toBeResolvedTo('done');
      jasmine.clock().tick(IDB_TIMEOUT_MS);

      expect(tx.abort).not.toHaveBeenCalled();
      expect(db.close).toHaveBeenCalledTimes(1);
    });
  });
});
