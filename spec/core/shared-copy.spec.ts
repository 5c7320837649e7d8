import { DB_NAME, request, SESSIONS, transact } from '../../src/core/idb';
import type { Versioned } from '../../src/core/local-copy';
import { indexedDbCopy } from '../../src/core/shared-copy';
import { deleteDatabase, makeSession, uniqueName } from '../helpers/fakes';

describe('shared-copy (real IndexedDB)', () => {
  afterAll(() => deleteDatabase(DB_NAME));

  /** Puts a record as anything else (an older version of the package, a broken extension) might have. */
  const putRaw = (key: string, record: unknown) => transact(indexedDB, SESSIONS, 'readwrite', async (store) => { store.put(record, key); });
  const getRaw = (key: string) => transact(indexedDB, SESSIONS, 'readonly', (store) => request(store.get(key)));
  /** The update that writes `record` whatever is there. */
  const put = (record: Versioned) => () => record;

  it('reads undefined before anything was written under its key', async () => {
    const copy = indexedDbCopy(indexedDB, uniqueName('spec-copy'));

    expect(await copy.read()).toBeUndefined();
  });

  it('stores a record of the session and its version, and reads it back', async () => {
    const key = uniqueName('spec-copy');
    const copy = indexedDbCopy(indexedDB, key);
    const record: Versioned = { session: makeSession({ idToken: 'id-1', profile: { name: 'Zoë', roles: ['a'] }, expiresAt: 1700000000000 }), version: 3 };

    await copy.update(put(record));

    expect(await copy.read()).toEqual(record);
    // The stored shape, which every tab (and every version of the package) reads.
    expect(await getRaw(key)).toEqual(record);
  });

  it('reads a logged-out record as a null session with its version, not as "never written"', async () => {
    const copy = indexedDbCopy(indexedDB, uniqueName('spec-copy'));
    await copy.update(put({ session: makeSession(), version: 1 }));

    await copy.update(put({ session: null, version: 2 }));

    expect(await copy.read()).toEqual({ session: null, version: 2 });
  });

  describe('update', () => {
    it('hands the record that is there to next, and resolves with it', async () => {
      const copy = indexedDbCopy(indexedDB, uniqueName('spec-copy'));
      const first: Versioned = { session: makeSession({ refreshToken: 'refresh-1' }), version: 1 };
      const next = jasmine.createSpy('next').and.returnValue(first);

      expect(await copy.update(next)).toBeUndefined();
      expect(next).toHaveBeenCalledOnceWith(undefined);

      next.calls.reset();
      next.and.returnValue({ session: null, version: 2 });

      expect(await copy.update(next)).toEqual(first);
      expect(next).toHaveBeenCalledOnceWith(first);
    });

    it('leaves the record as it is when next returns undefined', async () => {
      const copy = indexedDbCopy(indexedDB, uniqueName('spec-copy'));
      const record: Versioned = { session: makeSession(), version: 4 };
      await copy.update(put(record));

      await copy.update(() => undefined);

      expect(await copy.read()).toEqual(record);
    });

    it('deletes the record when next returns null', async () => {
      const key = uniqueName('spec-copy');
      const copy = indexedDbCopy(indexedDB, key);
      await copy.update(put({ session: makeSession(), version: 4 }));

      await copy.update(() => null);

      expect(await copy.read()).toBeUndefined();
      expect(await getRaw(key)).toBeUndefined();
    });

    it('rejects, writing nothing, when next throws', async () => {
      const copy = indexedDbCopy(indexedDB, uniqueName('spec-copy'));
      const record: Versioned = { session: makeSession(), version: 4 };
      await copy.update(put(record));
      const failure = new Error('next failed');

      await expectAsync(copy.update(() => { throw failure; })).toBeRejectedWith(failure);

      expect(await copy.read()).toEqual(record);
    });

    it('is atomic: concurrent updates that each increment the version see each other\'s writes', async () => {
      const key = uniqueName('spec-copy');
      // Separate instances, as separate tabs have.
      const tabs = [1, 2, 3, 4].map(() => indexedDbCopy(indexedDB, key));
      const increment = (current: Versioned | undefined): Versioned => ({ session: makeSession(), version: (current?.version ?? 0) + 1 });

      const seen = await Promise.all(tabs.map((tab) => tab.update(increment)));

      expect(await tabs[0].read()).toEqual(jasmine.objectContaining({ version: 4 }));
      expect(seen.map((record) => record?.version ?? 0).sort()).toEqual([0, 1, 2, 3]);
    });
  });

  describe('corrupt records, read as no record', () => {
    const wrongShapes: Array<[string, unknown]> = [
      ['a bare session (no version)', makeSession()],
      ['a string', 'refresh-1'],
      ['a number', 4],
      ['null', null],
      ['an array', [makeSession(), 4]],
      ['a version that is a string', { session: makeSession(), version: '4' }],
      ['a version that is NaN', { session: makeSession(), version: NaN }],
      ['a negative version', { session: makeSession(), version: -1 }],
    ];
    for (const [what, record] of wrongShapes) {
      it(`reads ${what} as undefined`, async () => {
        const key = uniqueName('spec-copy');
        await putRaw(key, record);

        expect(await indexedDbCopy(indexedDB, key).read()).toBeUndefined();
      });
    }

    it('hands a corrupt record to update as undefined', async () => {
      const key = uniqueName('spec-copy');
      await putRaw(key, { session: makeSession(), version: -1 });
      const next = jasmine.createSpy('next').and.returnValue(undefined);

      expect(await indexedDbCopy(indexedDB, key).update(next)).toBeUndefined();
      expect(next).toHaveBeenCalledOnceWith(undefined);
    });

    it('reads a session with garbage fields as it reads the local copy: those fields missing', async () => {
      const key = uniqueName('spec-copy');
      await putRaw(key, { session: { token: 'undefined', refreshToken: 'refresh-1', idToken: 42, profile: undefined, expiresAt: '5' }, version: 2 });

      expect(await indexedDbCopy(indexedDB, key).read())
        .toEqual({ session: { token: null, refreshToken: 'refresh-1', idToken: null, profile: null, expiresAt: null }, version: 2 });
    });

    const badSessions: Array<[string, unknown]> = [
      ['no session field', { version: 2 }],
      ['a session that is a string', { session: 'refresh-1', version: 2 }],
      ['a session without a usable token or refresh token', { session: { token: 42, refreshToken: '' }, version: 2 }],
      ['a session that is an array', { session: ['access-1', 'refresh-1'], version: 2 }],
    ];
    for (const [what, record] of badSessions) {
      it(`reads a record with ${what} as undefined, not as a logout`, async () => {
        const key = uniqueName('spec-copy');
        await putRaw(key, record);

        expect(await indexedDbCopy(indexedDB, key).read()).toBeUndefined();
      });
    }

    it('reads a version that is not finite as undefined', async () => {
      const key = uniqueName('spec-copy');
      await putRaw(key, { session: makeSession(), version: Infinity });

      expect(await indexedDbCopy(indexedDB, key).read()).toBeUndefined();
    });
  });

  it('shares records between instances (tabs) with the same key', async () => {
    const key = uniqueName('spec-copy');
    const one = indexedDbCopy(indexedDB, key);
    const two = indexedDbCopy(indexedDB, key);
    const first: Versioned = { session: makeSession({ refreshToken: 'refresh-1' }), version: 1 };
    const second: Versioned = { session: makeSession({ refreshToken: 'refresh-2' }), version: 2 };

    await one.update(put(first));
    const seenByTwo = await two.read();
    await two.update(put(second));
    const seenByOne = await one.read();

    expect(seenByTwo).toEqual(first);
    expect(seenByOne).toEqual(second);
  });

  it('keeps keys apart', async () => {
    const one = indexedDbCopy(indexedDB, uniqueName('spec-copy'));
    const other = indexedDbCopy(indexedDB, uniqueName('spec-copy'));

    await one.update(put({ session: makeSession(), version: 1 }));

    expect(await other.read()).toBeUndefined();
  });

  it('opens the database again after it was deleted (its connections are closed when done)', async () => {
    const copy = indexedDbCopy(indexedDB, uniqueName('spec-copy'));
    await copy.update(put({ session: makeSession(), version: 1 }));

    await deleteDatabase(DB_NAME);

    expect(await copy.read()).toBeUndefined();
  });
});
