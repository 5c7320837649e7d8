import { DB_NAME, IDB_TIMEOUT_MS } from '../../src/core/idb';
import { createLocalCopy, versionKey, type LocalCopy, type Versioned } from '../../src/core/local-copy';
import { createSessionStore, type SessionStore } from '../../src/core/session-store';
import { DEFAULT_STORAGE_KEYS } from '../../src/core/settings';
import { indexedDbCopy, type SharedCopy } from '../../src/core/shared-copy';
import { memoryStore, type KeyValueStore } from '../../src/core/storage';
import { deleteDatabase, FakeSharedCopy, flushMicrotasks, makeSession, sleep, uniqueName } from '../helpers/fakes';

describe('session-store', () => {
  const A = makeSession({ refreshToken: 'refresh-A' });
  const B = makeSession({ refreshToken: 'refresh-B' });
  const C = makeSession({ refreshToken: 'refresh-C' });
  const failure = new DOMException('The transaction was aborted.', 'AbortError');

  let kv: KeyValueStore;
  let local: LocalCopy;
  let warn: jasmine.Spy<(message: string, cause?: unknown) => void>;

  beforeEach(() => {
    kv = memoryStore();
    local = createLocalCopy(kv, DEFAULT_STORAGE_KEYS);
    warn = jasmine.createSpy('warn');
  });

  /** A store over `local`, holding `localRecord`, and `shared` (null: one tab only). */
  const storeWith = (localRecord: Versioned | null, shared: SharedCopy | null): SessionStore => {
    if (localRecord) local.write(localRecord);
    return createSessionStore(local, shared, warn);
  };
  /** Another tab's write to the same Web Storage, seen by this tab's local copy. */
  const otherTabWritesLocal = (record: Versioned) => createLocalCopy(kv, DEFAULT_STORAGE_KEYS).write(record);
  /** A shared copy that runs `during` once, right after its next update's transaction and before the store resumes. */
  const sharedCopyWithHook = (inner: SharedCopy, during: () => void): SharedCopy => {
    let hook: (() => void) | null = during;
    return {
      read: () => inner.read(),
      update: async (next) => {
        const before = await inner.update(next);
        const run = hook;
        hook = null;
        run?.();
        return before;
      },
    };
  };

  describe('current', () => {
    it('reads the local copy now', () => {
      const store = storeWith({ session: A, version: 1 }, new FakeSharedCopy({ session: B, version: 2 }));

      expect(store.current()).toEqual(A);
      otherTabWritesLocal({ session: C, version: 3 });
      expect(store.current()).toEqual(C);
    });
  });

  describe('latest: the newest copy wins', () => {
    it('takes the shared copy at equal versions', async () => {
      const store = storeWith({ session: A, version: 3 }, new FakeSharedCopy({ session: B, version: 3 }));

      expect(await store.latest()).toEqual({ session: B, version: 3 });
    });

    it('takes a logged-out shared record over a lagging local copy, and writes it to the local one', async () => {
      const store = storeWith({ session: A, version: 3 }, new FakeSharedCopy({ session: null, version: 4 }));

      expect(await store.latest()).toEqual({ session: null, version: 4 });
      expect(store.current()).toBeNull();
      expect(local.read()).toEqual({ session: null, version: 4 });
    });

    it('takes a newer local copy over an older shared record (as after a failed IndexedDB write), leaving both as they are', async () => {
      const shared = new FakeSharedCopy({ session: A, version: 4 });
      const store = storeWith({ session: B, version: 5 }, shared);
      const write = spyOn(local, 'write').and.callThrough();

      expect(await store.latest()).toEqual({ session: B, version: 5 });
      expect(write).not.toHaveBeenCalled();
      expect(shared.update).not.toHaveBeenCalled();
    });

    it('takes the local copy where there is no shared record, or no shared copy', async () => {
      local.write({ session: A, version: 2 });

      expect(await createSessionStore(local, new FakeSharedCopy(undefined), warn).latest()).toEqual({ session: A, version: 2 });
      expect(await createSessionStore(local, null, warn).latest()).toEqual({ session: A, version: 2 });
    });

    it('writes a newer shared copy to the local one, so that requests see it at once', async () => {
      const store = storeWith({ session: A, version: 1 }, new FakeSharedCopy({ session: B, version: 2 }));

      await store.latest();

      expect(store.current()).toEqual(B);
      expect(local.read().version).toBe(2);
    });

    it('does not rewrite the local copy for a shared copy of the same version', async () => {
      const store = storeWith({ session: A, version: 2 }, new FakeSharedCopy({ session: A, version: 2 }));
      const write = spyOn(local, 'write').and.callThrough();

      await store.latest();

      expect(write).not.toHaveBeenCalled();
    });
  });

  describe('commit: a compare-and-set on both copies', () => {
    it('stores the session as the version after the one read, in both copies', async () => {
      const shared = new FakeSharedCopy({ session: A, version: 3 });
      const store = storeWith({ session: A, version: 3 }, shared);
      const read = await store.latest();

      expect(await store.commit(read, B)).toBeTrue();

      expect(local.read()).toEqual({ session: B, version: 4 });
      expect(shared.value).toEqual({ session: B, version: 4 });
    });

    it('stores a logout (a refused refresh token) the same way', async () => {
      const shared = new FakeSharedCopy({ session: A, version: 3 });
      const store = storeWith({ session: A, version: 3 }, shared);

      expect(await store.commit(await store.latest(), null)).toBeTrue();

      expect(local.read()).toEqual({ session: null, version: 4 });
      expect(shared.value).toEqual({ session: null, version: 4 });
    });

    it('fails after a replace() in this tab, writing nothing', async () => {
      const shared = new FakeSharedCopy({ session: A, version: 3 });
      const store = storeWith({ session: A, version: 3 }, shared);
      const read = await store.latest();

      await store.replace(null);

      expect(await store.commit(read, B)).toBeFalse();
      expect(store.current()).toBeNull();
      expect(shared.value!.session).toBeNull();
    });

    it('fails after another store (another tab) wrote the shared record, writing nothing of its own', async () => {
      const shared = new FakeSharedCopy({ session: A, version: 3 });
      const store = storeWith({ session: A, version: 3 }, shared);
      // The other tab's localStorage is its own here: this tab has not heard of its write.
      const otherLocal = createLocalCopy(memoryStore(), DEFAULT_STORAGE_KEYS);
      const otherTab = createSessionStore(otherLocal, shared, warn);
      const read = await store.latest();

      expect(await otherTab.commit(await otherTab.latest(), C)).toBeTrue();

      expect(await store.commit(read, B)).toBeFalse();
      expect(shared.value).toEqual({ session: C, version: 4 });
      // This tab sees the other tab's write at once, so that whoever asks next gets the newer session.
      expect(local.read()).toEqual({ session: C, version: 4 });
      expect(await store.latest()).toEqual({ session: C, version: 4 });
    });

    it('fails at once, without a transaction, when the local copy is already newer than the one read', async () => {
      const shared = new FakeSharedCopy({ session: A, version: 3 });
      const store = storeWith({ session: A, version: 3 }, shared);
      const read = await store.latest();
      otherTabWritesLocal({ session: C, version: 4 });

      expect(await store.commit(read, B)).toBeFalse();
      expect(shared.update).not.toHaveBeenCalled();
      expect(local.read()).toEqual({ session: C, version: 4 });
    });

    it('fails when another tab\'s write reached the local copy during the IndexedDB transaction', async () => {
      const inner = new FakeSharedCopy({ session: A, version: 3 });
      const store = storeWith({ session: A, version: 3 }, sharedCopyWithHook(inner, () => otherTabWritesLocal({ session: C, version: 4 })));
      const read = await store.latest();

      expect(await store.commit(read, B)).toBeFalse();
      // The newer write stays in the local copy.
      expect(local.read()).toEqual({ session: C, version: 4 });
    });

    it('fails when a logout in this tab came during the IndexedDB transaction, and the logout stays', async () => {
      const inner = new FakeSharedCopy({ session: A, version: 3 });
      let loggedOut: Promise<string[]> | undefined;
      const store: SessionStore = storeWith({ session: A, version: 3 }, sharedCopyWithHook(inner, () => { loggedOut = store.replace(null); }));
      const read = await store.latest();

      expect(await store.commit(read, B)).toBeFalse();
      await loggedOut;

      expect(store.current()).toBeNull();
      expect(inner.value!.session).toBeNull();
      expect(await store.latest()).toEqual(jasmine.objectContaining({ session: null }));
    });

    it('is a compare-and-set on the local copy alone with one tab (no shared copy)', async () => {
      const store = storeWith({ session: A, version: 3 }, null);
      const read = await store.latest();

      expect(await store.commit(read, B)).toBeTrue();
      expect(local.read()).toEqual({ session: B, version: 4 });

      await store.replace(null);

      expect(await store.commit(read, C)).toBeFalse();
      expect(await store.commit({ session: B, version: 4 }, C)).toBeFalse();
      expect(store.current()).toBeNull();
    });
  });

  describe('replace: a login or logout', () => {
    it('writes the local copy at once, before IndexedDB answers', () => {
      const shared = new FakeSharedCopy({ session: A, version: 3 });
      shared.neverAnswer();
      const store = storeWith({ session: A, version: 3 }, shared);

      void store.replace(B);

      expect(store.current()).toEqual(B);
      expect(local.read().version).toBe(4);
    });

    it('writes a version above every one this tab has seen, in both copies', async () => {
      const shared = new FakeSharedCopy({ session: A, version: 9 });
      const store = storeWith({ session: A, version: 3 }, shared);
      await store.latest();
      // A write of another tab's that reaches this tab late, after a newer one.
      otherTabWritesLocal({ session: A, version: 5 });

      await store.replace(B);

      expect(local.read()).toEqual({ session: B, version: 10 });
      expect(shared.value).toEqual({ session: B, version: 10 });
    });

    it('writes the shared record above its own version, so that it wins over what another tab wrote there', async () => {
      const shared = new FakeSharedCopy({ session: A, version: 7 });
      const store = storeWith({ session: A, version: 3 }, shared);

      await store.replace(null);

      expect(shared.value).toEqual({ session: null, version: 8 });
      expect(await store.latest()).toEqual({ session: null, version: 8 });
    });

    it('resolves with the refresh tokens of the copies it replaced, both of them', async () => {
      const shared = new FakeSharedCopy({ session: makeSession({ refreshToken: 'refresh-shared' }), version: 4 });
      const store = storeWith({ session: makeSession({ refreshToken: 'refresh-local' }), version: 3 }, shared);

      expect(await store.replace(null)).toEqual(jasmine.arrayWithExactContents(['refresh-local', 'refresh-shared']));
    });

    it('names a refresh token held by both copies once', async () => {
      const store = storeWith({ session: A, version: 3 }, new FakeSharedCopy({ session: A, version: 3 }));

      expect(await store.replace(B)).toEqual(['refresh-A']);
    });

    it('resolves with no refresh token when the replaced copies held none', async () => {
      const store = storeWith({ session: makeSession({ refreshToken: null }), version: 3 }, new FakeSharedCopy({ session: null, version: 4 }));

      expect(await store.replace(B)).toEqual([]);
      // Nothing stored at all.
      expect(await createSessionStore(createLocalCopy(memoryStore(), DEFAULT_STORAGE_KEYS), null, warn).replace(A)).toEqual([]);
    });
  });

  describe('when IndexedDB fails', () => {
    it('answers latest() from the local copy when the read rejects, warns once, and deletes the shared record', async () => {
      const shared = new FakeSharedCopy({ session: B, version: 9 });
      shared.rejectWith(failure, 1);
      const store = storeWith({ session: A, version: 3 }, shared);

      expect(await store.latest()).toEqual({ session: A, version: 3 });
      await flushMicrotasks();

      expect(warn).toHaveBeenCalledOnceWith(jasmine.any(String), failure);
      expect(shared.value).toBeUndefined();
    });

    it('stores a commit whose IndexedDB write failed in the local copy, and deletes the older shared record', async () => {
      const shared = new FakeSharedCopy({ session: A, version: 3 });
      const store = storeWith({ session: A, version: 3 }, shared);
      const read = await store.latest();
      shared.rejectWith(failure, 1);

      expect(await store.commit(read, B)).toBeTrue();
      await flushMicrotasks();

      expect(local.read()).toEqual({ session: B, version: 4 });
      // Left there, the record with the spent refresh token could win over a lagging local copy in another tab.
      expect(shared.value).toBeUndefined();
      expect(warn).toHaveBeenCalledTimes(1);
    });

    it('still fails a commit overtaken in the local copy when the IndexedDB write failed', async () => {
      const shared = new FakeSharedCopy({ session: A, version: 3 });
      const store = storeWith({ session: A, version: 3 }, shared);
      const read = await store.latest();
      shared.update.and.callFake(async () => {
        otherTabWritesLocal({ session: C, version: 4 });
        throw failure;
      });

      expect(await store.commit(read, B)).toBeFalse();
      expect(local.read()).toEqual({ session: C, version: 4 });
    });

    it('writes a replace() whose IndexedDB write failed to the local copy, with the local refresh token to revoke', async () => {
      const shared = new FakeSharedCopy({ session: A, version: 3 });
      shared.rejectWith(failure);
      const store = storeWith({ session: makeSession({ refreshToken: 'refresh-local' }), version: 3 }, shared);

      expect(await store.replace(null)).toEqual(['refresh-local']);
      expect(local.read()).toEqual({ session: null, version: 4 });
      expect(warn).toHaveBeenCalledTimes(1);
    });

    it('warns once, and keeps working on the local copy without asking IndexedDB again', async () => {
      const shared = new FakeSharedCopy({ session: A, version: 3 });
      shared.rejectWith(failure);
      const store = storeWith({ session: A, version: 3 }, shared);

      await store.latest();
      await flushMicrotasks();
      const reads = shared.read.calls.count();
      const updates = shared.update.calls.count();
      // IndexedDB would answer again now: this tab no longer asks it.
      shared.answerAgain();
      const read = await store.latest();
      expect(await store.commit(read, B)).toBeTrue();
      expect(await store.replace(C)).toEqual(['refresh-B']);
      expect(await store.commit(read, A)).toBeFalse();

      expect(warn).toHaveBeenCalledTimes(1);
      expect(shared.read.calls.count()).toBe(reads);
      expect(shared.update.calls.count()).toBe(updates);
      expect(local.read()).toEqual({ session: C, version: 5 });
    });

    it('warns once when operations in flight together all fail, and each of them still answers', async () => {
      const shared = new FakeSharedCopy({ session: A, version: 3 });
      shared.rejectWith(failure);
      const store = storeWith({ session: A, version: 3 }, shared);

      const [read, committed, replaced] = await Promise.all([store.latest(), store.commit({ session: A, version: 3 }, B), store.replace(C)]);

      // Each answers from the local copy as it stands once IndexedDB failed: the replace came before that.
      expect(read).toEqual({ session: C, version: 4 });
      expect(committed).toBeFalse();
      expect(replaced).toEqual(['refresh-A']);
      expect(store.current()).toEqual(C);
      expect(warn).toHaveBeenCalledTimes(1);
    });

    describe('or never answers (the IndexedDB copy over a factory whose opens never complete)', () => {
      let opens: jasmine.Spy;
      let store: SessionStore;

      beforeEach(() => {
        jasmine.clock().install();
        opens = jasmine.createSpy('open').and.callFake(() => ({}));
        store = storeWith({ session: A, version: 3 }, indexedDbCopy({ open: opens } as unknown as IDBFactory, uniqueName('spec-store')));
      });
      afterEach(() => jasmine.clock().uninstall());

      it('answers latest() from the local copy after the timeout, and goes on without waiting for IndexedDB', async () => {
        const latest = store.latest();
        jasmine.clock().tick(IDB_TIMEOUT_MS);

        const read = await latest;

        expect(read).toEqual({ session: A, version: 3 });
        expect(warn).toHaveBeenCalledTimes(1);
        // The read, and the deletion of the record; nothing more.
        const tried = opens.calls.count();
        expect(tried).toBe(2);

        // No timer is ticked from here on: nothing waits for IndexedDB any more.
        expect(await store.commit(read, B)).toBeTrue();
        expect(await store.replace(null)).toEqual(['refresh-B']);
        expect(store.current()).toBeNull();
        expect(opens.calls.count()).toBe(tried);
        expect(warn).toHaveBeenCalledTimes(1);
      });

      it('stores a commit in the local copy after the timeout', async () => {
        const read = { session: A, version: 3 };
        const committed = store.commit(read, B);
        await flushMicrotasks();
        jasmine.clock().tick(IDB_TIMEOUT_MS);

        expect(await committed).toBeTrue();
        expect(local.read()).toEqual({ session: B, version: 4 });
      });
    });
  });

  describe('across tabs (real IndexedDB)', () => {
    afterAll(() => deleteDatabase(DB_NAME));

    /** Two stores over the same IndexedDB key, each with its own localStorage, as two tabs whose storage events lag. */
    const twoTabs = () => {
      const key = uniqueName('spec-store');
      const tab = () => createSessionStore(createLocalCopy(memoryStore(), DEFAULT_STORAGE_KEYS), indexedDbCopy(indexedDB, key), warn);
      return [tab(), tab()];
    };

    it('sees another tab\'s login through the shared copy', async () => {
      const [one, two] = twoTabs();

      await one.replace(A);

      expect(await two.latest()).toEqual({ session: A, version: 1 });
      expect(two.current()).toEqual(A);
    });

    it('fails a commit after another tab wrote the same key', async () => {
      const [one, two] = twoTabs();
      await one.replace(A);
      const readOne = await one.latest();
      const readTwo = await two.latest();

      expect(await two.commit(readTwo, B)).toBeTrue();
      expect(await one.commit(readOne, C)).toBeFalse();

      expect(await one.latest()).toEqual({ session: B, version: 2 });
    });

    it('lets exactly one of two tabs committing from the same read win', async () => {
      const [one, two] = twoTabs();
      await one.replace(A);
      const [readOne, readTwo] = [await one.latest(), await two.latest()];

      const won = await Promise.all([one.commit(readOne, B), two.commit(readTwo, C)]);

      expect(won.filter(Boolean).length).toBe(1);
      expect((await one.latest()).session).toEqual(won[0] ? B : C);
    });

    it('keeps a logout in one tab over a renewal that another tab finishes later', async () => {
      const [one, two] = twoTabs();
      await one.replace(A);
      const renewal = await two.latest();

      expect(await one.replace(null)).toEqual(['refresh-A']);

      expect(await two.commit(renewal, B)).toBeFalse();
      expect(await two.latest()).toEqual({ session: null, version: 2 });
      expect(warn).not.toHaveBeenCalled();
    });
  });

  describe('against other tabs whose writes arrive late or half-way', () => {
    const warn = () => undefined;

    it('fails for a renewal that read another tab\'s logout half-way (its version with the old fields), so the logout stands', async () => {
      const backend = memoryStore();
      let snapshot: Map<string, string | null> | null = null;
      const vKey = versionKey(DEFAULT_STORAGE_KEYS);
      // B has already received A's first write (the version key, written first) but not yet the field removals.
      const bKv: KeyValueStore = {
        get: (key) => (snapshot && key !== vKey ? snapshot.get(key) ?? null : backend.get(key)),
        set: (key, value) => { snapshot = null; backend.set(key, value); },
        remove: (key) => backend.remove(key),
      };
      const shared = new FakeSharedCopy();
      // A's IndexedDB transaction starts a moment later (the open), as a real one does.
      const sharedA: SharedCopy = { read: () => shared.read(), update: async (next) => { await sleep(5); return shared.update(next); } };
      const storeA = createSessionStore(createLocalCopy(backend, DEFAULT_STORAGE_KEYS), sharedA, warn);
      const storeB = createSessionStore(createLocalCopy(bKv, DEFAULT_STORAGE_KEYS), shared, warn);
      await storeA.replace(makeSession({ refreshToken: 'rt-0' }));
      snapshot = new Map(['token', 'refreshToken', 'idToken', 'profile', 'expiresAt'].map((k) => [k, backend.get(k)]));
      const loggingOut = storeA.replace(null);
      const read = await storeB.latest(); // B's timer fires: it sees version 2 and rt-0
      expect(read.session?.refreshToken).toBe('rt-0');
      await loggingOut; // A's record {null, 2} lands
      const committed = await storeB.commit(read, makeSession({ refreshToken: 'rt-1' })); // B renewed rt-0 (not yet revoked)
      expect(committed).toBe(false);
      expect(storeA.current()).toBeNull();
      expect(shared.value?.session).toBeNull();
    });

    it('keeps a logout in one tab when another tab\'s renewal commits to IndexedDB just before it and writes localStorage after it', async () => {
      // One localStorage (last writer wins); tab B reads it late, as Chromium hands writes to other tabs asynchronously.
      const backend = memoryStore();
      let snapshot: Map<string, string | null> | null = null;
      const bKv: KeyValueStore = {
        get: (key) => (snapshot ? snapshot.get(key) ?? null : backend.get(key)),
        set: (key, value) => backend.set(key, value),
        remove: (key) => backend.remove(key),
      };
      const shared = new FakeSharedCopy();
      const localA = createLocalCopy(backend, DEFAULT_STORAGE_KEYS);
      const storeA = createSessionStore(localA, shared, warn);
      const storeB = createSessionStore(createLocalCopy(bKv, DEFAULT_STORAGE_KEYS), shared, warn);
      await storeA.replace(makeSession({ refreshToken: 'rt-0' }));
      const read = await storeB.latest(); // B, under the lock, read the session and called the server
      // B does not see A's next localStorage writes yet.
      snapshot = new Map(['token', 'refreshToken', 'idToken', 'profile', 'expiresAt', 'authTokens:version:token'].map((k) => [k, backend.get(k)]));
      const committing = storeB.commit(read, makeSession({ refreshToken: 'rt-1' })); // its IndexedDB transaction goes first
      const revoked = await storeA.replace(null); // the user logs out in A
      await committing;
      expect(revoked).toContain('rt-1'); // A revokes B's new refresh token ...
      expect(storeA.current()).toBeNull(); // ... and localStorage, which every tab reads, shows the logout
    });

    it('takes a version too large to grow by one as garbage, so that a logout still overtakes a renewal in flight', async () => {
      const kv = memoryStore();
      const local = createLocalCopy(kv, DEFAULT_STORAGE_KEYS);
      local.write({ session: makeSession({ refreshToken: 'rt-0' }), version: Number.MAX_SAFE_INTEGER });
      const store = createSessionStore(local, null, warn);
      const read = await store.latest(); // a renewal reads ...
      await store.replace(null); // ... the user logs out ...
      const committed = await store.commit(read, makeSession({ refreshToken: 'rt-1' })); // ... the renewal lands
      expect(committed).toBe(false);
      expect(store.current()).toBeNull();
    });
  });
});
