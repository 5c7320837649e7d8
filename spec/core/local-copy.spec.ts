import { createLocalCopy, versionKey, type LocalCopy, type Versioned } from '../../src/core/local-copy';
import { DEFAULT_STORAGE_KEYS, type StorageKeys } from '../../src/core/settings';
import { memoryStore, openStore, type KeyValueStore } from '../../src/core/storage';
import type { Session } from '../../src/core/types';
import { jwtExpiringIn } from '../helpers/jwt';

describe('local-copy', () => {
  const VERSION_KEY = 'authTokens:version:token';
  const keys = [...Object.values(DEFAULT_STORAGE_KEYS), VERSION_KEY];
  const forget = () => keys.forEach((key) => localStorage.removeItem(key));

  it('keeps the version under a key of its own, named after the token key', () => {
    expect(versionKey(DEFAULT_STORAGE_KEYS)).toBe(VERSION_KEY);
    expect(versionKey({ ...DEFAULT_STORAGE_KEYS, token: 'app.token' })).toBe('authTokens:version:app.token');
  });

  describe('on localStorage, with the guide\'s keys', () => {
    let copy: LocalCopy;

    beforeEach(() => {
      forget();
      copy = createLocalCopy(openStore('localStorage', window, keys, () => undefined), DEFAULT_STORAGE_KEYS);
    });
    afterEach(forget);

    it('reads a session the guide wrote through angular-storage (JSON-encoded values), at version 0', () => {
      const jwt = jwtExpiringIn(3600);
      const idToken = jwtExpiringIn(3600, { aud: 'client' });
      localStorage.setItem('token', JSON.stringify(jwt));
      localStorage.setItem('refreshToken', JSON.stringify('refresh-1'));
      localStorage.setItem('idToken', JSON.stringify(idToken));
      localStorage.setItem('profile', JSON.stringify({ name: 'Ann', roles: ['admin'] }));
      localStorage.setItem('expiresAt', JSON.stringify(1700000000000));

      const read = copy.read();

      expect(read).toEqual({
        session: { token: jwt, refreshToken: 'refresh-1', idToken, profile: { name: 'Ann', roles: ['admin'] }, expiresAt: 1700000000000 },
        // No version of this package wrote it.
        version: 0,
      });
    });

    it('reads the version stored under its key', () => {
      localStorage.setItem('refreshToken', '"refresh-1"');
      localStorage.setItem(VERSION_KEY, '12');

      expect(copy.read().version).toBe(12);
    });

    it('parses an unchanged copy once, and sees a value written behind its back on the next read', () => {
      localStorage.setItem('token', JSON.stringify('opaque-1'));
      localStorage.setItem('refreshToken', JSON.stringify('refresh-1'));
      localStorage.setItem(VERSION_KEY, '3');
      const parse = spyOn(JSON, 'parse').and.callThrough();

      const first = copy.read();
      const parsed = parse.calls.count();

      expect(copy.read()).toBe(first);
      expect(parse.calls.count()).toBe(parsed);

      // As another tab, or the app with angular-storage, would write it.
      localStorage.setItem('refreshToken', JSON.stringify('refresh-2'));

      expect(copy.read()).toEqual({ session: { ...first.session!, refreshToken: 'refresh-2' }, version: 3 });
      localStorage.removeItem('token');
      localStorage.removeItem('refreshToken');

      expect(copy.read()).toEqual({ session: null, version: 3 });
    });

    it('sees a new version written behind its back, even when the session keys did not change', () => {
      localStorage.setItem('refreshToken', '"refresh-1"');
      localStorage.setItem(VERSION_KEY, '3');
      const first = copy.read();

      localStorage.setItem(VERSION_KEY, '4');

      expect(copy.read()).toEqual({ session: first.session, version: 4 });
    });

    it('writes each value as JSON.stringify does, as angular-storage\'s store.set does, and the version as a number', () => {
      const session: Session = { token: jwtExpiringIn(3600), refreshToken: 'refresh-1', idToken: 'id-1', profile: { name: 'Ann' }, expiresAt: 1700000000000 };

      copy.write({ session, version: 7 });

      expect(localStorage.getItem('token')).toBe(JSON.stringify(session.token));
      expect(localStorage.getItem('refreshToken')).toBe('"refresh-1"');
      expect(localStorage.getItem('idToken')).toBe('"id-1"');
      expect(localStorage.getItem('profile')).toBe('{"name":"Ann"}');
      expect(localStorage.getItem('expiresAt')).toBe('1700000000000');
      expect(localStorage.getItem(VERSION_KEY)).toBe('7');
    });

    it('reads back what it wrote', () => {
      const written: Versioned = { session: { token: 'opaque', refreshToken: 'refresh-1', idToken: null, profile: ['a'], expiresAt: 1 }, version: 5 };

      copy.write(written);

      expect(copy.read()).toEqual(written);
    });

    it('reads nothing, at version 0, when nothing is stored', () => {
      expect(copy.read()).toEqual({ session: null, version: 0 });
    });

    it('reads no session when only the profile or the id token is stored', () => {
      localStorage.setItem('profile', '{"name":"Ann"}');
      localStorage.setItem('idToken', '"id-1"');

      expect(copy.read().session).toBeNull();
    });

    it('reads a session with a refresh token and no token', () => {
      localStorage.setItem('refreshToken', '"refresh-1"');

      expect(copy.read().session).toEqual({ token: null, refreshToken: 'refresh-1', idToken: null, profile: null, expiresAt: null });
    });
  });

  describe('garbage in storage', () => {
    let kv: KeyValueStore;
    let copy: LocalCopy;

    beforeEach(() => {
      kv = memoryStore();
      copy = createLocalCopy(kv, DEFAULT_STORAGE_KEYS);
    });

    const garbageStrings: Array<[string, string]> = [
      ['a JSON number', '42'],
      ['a JSON object', '{"token":"abc"}'],
      ['a JSON array', '["abc"]'],
      ['JSON true', 'true'],
      ['JSON null', 'null'],
      ['an empty JSON string', '""'],
      ['a raw string that is not JSON (a JWT written with setItem)', 'eyJhbGciOiJub25lIn0.e30.sig'],
      ['the raw string undefined (setItem(key, undefined))', 'undefined'],
      ['the JSON string "undefined"', '"undefined"'],
      ['the JSON string "null"', '"null"'],
      ['an empty raw string', ''],
    ];
    for (const name of ['token', 'refreshToken', 'idToken'] as Array<keyof StorageKeys>) {
      for (const [what, raw] of garbageStrings) {
        it(`reads ${what} under ${name} as null, without throwing`, () => {
          kv.set(DEFAULT_STORAGE_KEYS.refreshToken, '"refresh-1"');
          kv.set(DEFAULT_STORAGE_KEYS.token, '"token-1"');
          kv.set(DEFAULT_STORAGE_KEYS[name], raw);

          const { session } = copy.read();

          expect(session![name]).toBeNull();
        });
      }
    }

    it('reads no session when both the token and the refresh token are garbage', () => {
      kv.set('token', '"undefined"');
      kv.set('refreshToken', '42');

      expect(copy.read().session).toBeNull();
    });

    it('reads a profile that is not JSON as null', () => {
      kv.set('refreshToken', '"refresh-1"');
      kv.set('profile', '{broken');

      expect(copy.read().session!.profile).toBeNull();
    });

    for (const [what, raw] of [['a JSON string', '"1700000000000"'], ['an object', '{}'], ['not JSON', 'NaN'], ['JSON null', 'null'],
      ['a huge number that is not finite', '1e400']]) {
      it(`reads an expiresAt that is ${what} as null`, () => {
        kv.set('refreshToken', '"refresh-1"');
        kv.set('expiresAt', raw);

        expect(copy.read().session!.expiresAt).toBeNull();
      });
    }

    for (const [what, raw] of [['negative', '-3'], ['a JSON string', '"5"'], ['not JSON', 'five'], ['JSON null', 'null'],
      ['an object', '{"version":5}'], ['an array', '[5]'], ['JSON true', 'true'], ['empty', '']]) {
      it(`reads a version that is ${what} as 0, keeping the session`, () => {
        kv.set('refreshToken', '"refresh-1"');
        kv.set(VERSION_KEY, raw);

        expect(copy.read()).toEqual({ session: jasmine.objectContaining({ refreshToken: 'refresh-1' }), version: 0 });
      });
    }

    it('reads a version that is not finite as 0', () => {
      kv.set('refreshToken', '"refresh-1"');
      kv.set(VERSION_KEY, '1e400');

      expect(copy.read().version).toBe(0);
    });
  });

  describe('writing', () => {
    const custom: StorageKeys = { token: 'app.token', refreshToken: 'app.refresh', profile: 'app.profile', idToken: 'app.id', expiresAt: 'app.expires' };
    let kv: KeyValueStore;
    let copy: LocalCopy;
    const full: Session = { token: 't', refreshToken: 'r', idToken: 'i', profile: { name: 'Ann' }, expiresAt: 1 };

    beforeEach(() => {
      kv = memoryStore();
      copy = createLocalCopy(kv, custom);
      kv.set('unrelated', '"keep me"');
      copy.write({ session: full, version: 1 });
    });

    it('removes every session key, and nothing else, for a logged-out session, and keeps its version', () => {
      copy.write({ session: null, version: 2 });

      expect(Object.values(custom).map((key) => kv.get(key))).toEqual([null, null, null, null, null]);
      expect(kv.get('unrelated')).toBe('"keep me"');
      // The logout's version stays, so that a renewal that read version 1 knows it was overtaken.
      expect(kv.get('authTokens:version:app.token')).toBe('2');
      expect(copy.read()).toEqual({ session: null, version: 2 });
    });

    it('removes the keys of null fields instead of writing "null"', () => {
      copy.write({ session: { token: 't2', refreshToken: 'r', idToken: null, profile: null, expiresAt: null }, version: 2 });

      expect(kv.get('app.id')).toBeNull();
      expect(kv.get('app.profile')).toBeNull();
      expect(kv.get('app.expires')).toBeNull();
      expect(copy.read()).toEqual({ session: { token: 't2', refreshToken: 'r', idToken: null, profile: null, expiresAt: null }, version: 2 });
    });

    it('writes the version after the session, so a tab that reads half-way never sees old values under the new version', () => {
      const order: string[] = [];
      spyOn(kv, 'set').and.callFake((key: string) => { order.push(`set ${key}`); });
      spyOn(kv, 'remove').and.callFake((key: string) => { order.push(`remove ${key}`); });

      copy.write({ session: { ...full, token: 't2' }, version: 2 });

      expect(order[order.length - 1]).toBe('set authTokens:version:app.token');
      expect(order.filter((step) => step.includes('authTokens:version')).length).toBe(1);

      order.length = 0;
      copy.write({ session: null, version: 3 });

      expect(order.length).toBe(6);
      expect(order.slice(0, 5).every((step) => step.startsWith('remove '))).toBeTrue();
      expect(order[5]).toBe('set authTokens:version:app.token');
    });
  });
});
