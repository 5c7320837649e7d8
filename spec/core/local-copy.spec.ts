import { DEFAULT_STORAGE_KEYS, type StorageKeys } from '../../src/core/settings';
import { memoryStore, openStore, type KeyValueStore } from '../../src/core/storage';
import { createTokenStore, type TokenStore } from '../../src/core/token-store';
import type { Session } from '../../src/core/types';
import { jwtExpiringIn } from '../helpers/jwt';

describe('token-store', () => {
  const keys = Object.values(DEFAULT_STORAGE_KEYS);
  const forget = () => keys.forEach((key) => localStorage.removeItem(key));

  describe('on localStorage, with the guide\'s keys', () => {
    let store: TokenStore;

    beforeEach(() => {
      forget();
      store = createTokenStore(openStore('localStorage', window, keys, () => undefined), DEFAULT_STORAGE_KEYS);
    });
    afterEach(forget);

    it('reads a session the guide wrote through angular-storage (JSON-encoded values)', () => {
      const jwt = jwtExpiringIn(3600);
      const idToken = jwtExpiringIn(3600, { aud: 'client' });
      localStorage.setItem('token', JSON.stringify(jwt));
      localStorage.setItem('refreshToken', JSON.stringify('refresh-1'));
      localStorage.setItem('idToken', JSON.stringify(idToken));
      localStorage.setItem('profile', JSON.stringify({ name: 'Ann', roles: ['admin'] }));
      localStorage.setItem('expiresAt', JSON.stringify(1700000000000));

      const session = store.read();

      expect(session).toEqual({ token: jwt, refreshToken: 'refresh-1', idToken, profile: { name: 'Ann', roles: ['admin'] }, expiresAt: 1700000000000 });
    });

    it('parses an unchanged session once, and sees a value written behind its back on the next read', () => {
      localStorage.setItem('token', JSON.stringify('opaque-1'));
      localStorage.setItem('refreshToken', JSON.stringify('refresh-1'));
      const parse = spyOn(JSON, 'parse').and.callThrough();

      const first = store.read();
      const parsed = parse.calls.count();

      expect(store.read()).toBe(first);
      expect(parse.calls.count()).toBe(parsed);

      // As another tab, or the app with angular-storage, would write it.
      localStorage.setItem('refreshToken', JSON.stringify('refresh-2'));

      expect(store.read()).toEqual({ ...first!, refreshToken: 'refresh-2' });
      localStorage.removeItem('token');
      localStorage.removeItem('refreshToken');

      expect(store.read()).toBeNull();
    });

    it('writes each value as JSON.stringify does, as angular-storage\'s store.set does', () => {
      const session: Session = { token: jwtExpiringIn(3600), refreshToken: 'refresh-1', idToken: 'id-1', profile: { name: 'Ann' }, expiresAt: 1700000000000 };

      store.write(session);

      expect(localStorage.getItem('token')).toBe(JSON.stringify(session.token));
      expect(localStorage.getItem('refreshToken')).toBe('"refresh-1"');
      expect(localStorage.getItem('idToken')).toBe('"id-1"');
      expect(localStorage.getItem('profile')).toBe('{"name":"Ann"}');
      expect(localStorage.getItem('expiresAt')).toBe('1700000000000');
    });

    it('reads back what it wrote', () => {
      const session: Session = { token: 'opaque', refreshToken: 'refresh-1', idToken: null, profile: ['a'], expiresAt: 1 };

      store.write(session);

      expect(store.read()).toEqual(session);
    });

    it('reads null when nothing is stored', () => {
      expect(store.read()).toBeNull();
    });

    it('reads null when only the profile or the id token is stored', () => {
      localStorage.setItem('profile', '{"name":"Ann"}');
      localStorage.setItem('idToken', '"id-1"');

      expect(store.read()).toBeNull();
    });

    it('reads a session with a refresh token and no token', () => {
      localStorage.setItem('refreshToken', '"refresh-1"');

      expect(store.read()).toEqual({ token: null, refreshToken: 'refresh-1', idToken: null, profile: null, expiresAt: null });
    });
  });

  describe('garbage in storage', () => {
    let kv: KeyValueStore;
    let store: TokenStore;

    beforeEach(() => {
      kv = memoryStore();
      store = createTokenStore(kv, DEFAULT_STORAGE_KEYS);
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

          const session = store.read();

          expect(session![name]).toBeNull();
        });
      }
    }

    it('reads null, not a session, when both the token and the refresh token are garbage', () => {
      kv.set('token', '"undefined"');
      kv.set('refreshToken', '42');

      expect(store.read()).toBeNull();
    });

    it('reads a profile that is not JSON as null', () => {
      kv.set('refreshToken', '"refresh-1"');
      kv.set('profile', '{broken');

      expect(store.read()!.profile).toBeNull();
    });

    for (const [what, raw] of [['a JSON string', '"1700000000000"'], ['an object', '{}'], ['not JSON', 'NaN'], ['JSON null', 'null'],
      ['a huge number that is not finite', '1e400']]) {
      it(`reads an expiresAt that is ${what} as null`, () => {
        kv.set('refreshToken', '"refresh-1"');
        kv.set('expiresAt', raw);

        expect(store.read()!.expiresAt).toBeNull();
      });
    }
  });

  describe('removal', () => {
    const custom: StorageKeys = { token: 'app.token', refreshToken: 'app.refresh', profile: 'app.profile', idToken: 'app.id', expiresAt: 'app.expires' };
    let kv: KeyValueStore;
    let store: TokenStore;
    const full: Session = { token: 't', refreshToken: 'r', idToken: 'i', profile: { name: 'Ann' }, expiresAt: 1 };

    beforeEach(() => {
      kv = memoryStore();
      store = createTokenStore(kv, custom);
      kv.set('unrelated', '"keep me"');
      store.write(full);
    });

    it('removes every key, and nothing else, on write(null)', () => {
      store.write(null);

      expect(Object.values(custom).map((key) => kv.get(key))).toEqual([null, null, null, null, null]);
      expect(kv.get('unrelated')).toBe('"keep me"');
      expect(store.read()).toBeNull();
    });

    it('removes every key, and nothing else, on clear()', () => {
      store.clear();

      expect(Object.values(custom).map((key) => kv.get(key))).toEqual([null, null, null, null, null]);
      expect(kv.get('unrelated')).toBe('"keep me"');
    });

    it('removes the keys of null fields instead of writing "null"', () => {
      store.write({ token: 't2', refreshToken: 'r', idToken: null, profile: null, expiresAt: null });

      expect(kv.get('app.id')).toBeNull();
      expect(kv.get('app.profile')).toBeNull();
      expect(kv.get('app.expires')).toBeNull();
      expect(store.read()).toEqual({ token: 't2', refreshToken: 'r', idToken: null, profile: null, expiresAt: null });
    });
  });
});
