import { DB_NAME } from '../../src/core/idb';
import { indexedDbCopy } from '../../src/core/shared-copy';
import type { Session } from '../../src/core/types';
import { deleteDatabase, makeSession, uniqueName } from '../helpers/fakes';

describe('shared-copy (real IndexedDB)', () => {
  afterAll(() => deleteDatabase(DB_NAME));

  it('reads undefined before anything was written under its key', async () => {
    const copy = indexedDbCopy(indexedDB, uniqueName('spec-copy'));

    expect(await copy.read()).toBeUndefined();
  });

  it('reads back the session it wrote', async () => {
    const copy = indexedDbCopy(indexedDB, uniqueName('spec-copy'));
    const session: Session = makeSession({ idToken: 'id-1', profile: { name: 'Zoë', roles: ['a'] }, expiresAt: 1700000000000 });

    await copy.write(session);

    expect(await copy.read()).toEqual(session);
  });

  it('reads null after write(null): logged out, not "never written"', async () => {
    const copy = indexedDbCopy(indexedDB, uniqueName('spec-copy'));
    await copy.write(makeSession());

    await copy.write(null);

    expect(await copy.read()).toBeNull();
  });

  it('shares writes between instances (tabs) with the same key', async () => {
    const key = uniqueName('spec-copy');
    const one = indexedDbCopy(indexedDB, key);
    const two = indexedDbCopy(indexedDB, key);
    const first = makeSession({ refreshToken: 'refresh-1' });
    const second = makeSession({ refreshToken: 'refresh-2' });

    await one.write(first);
    const seenByTwo = await two.read();
    await two.write(second);
    const seenByOne = await one.read();

    expect(seenByTwo).toEqual(first);
    expect(seenByOne).toEqual(second);
  });

  it('keeps keys apart', async () => {
    const one = indexedDbCopy(indexedDB, uniqueName('spec-copy'));
    const other = indexedDbCopy(indexedDB, uniqueName('spec-copy'));

    await one.write(makeSession());

    expect(await other.read()).toBeUndefined();
  });

  it('opens the database again after it was deleted (the connection closes on versionchange)', async () => {
    const copy = indexedDbCopy(indexedDB, uniqueName('spec-copy'));
    await copy.write(makeSession());

    await deleteDatabase(DB_NAME);

    expect(await copy.read()).toBeUndefined();
  });
});
