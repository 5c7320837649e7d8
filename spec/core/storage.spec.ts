import { memoryStore, openStore } from '../../src/core/storage';
import { uniqueName } from '../helpers/fakes';
import { FakeWebStorage, fakeWindow, windowWithoutStorage } from '../helpers/web-storage';

describe('storage', () => {
  const KEYS = ['token', 'refreshToken', 'profile', 'idToken', 'expiresAt'];
  let warn: jasmine.Spy<(message: string) => void>;

  beforeEach(() => {
    warn = jasmine.createSpy('warn');
  });

  describe('memoryStore', () => {
    it('gets what was set, null for anything else, and forgets removed keys', () => {
      const store = memoryStore();

      store.set('token', '"abc"');

      expect(store.get('token')).toBe('"abc"');
      expect(store.get('other')).toBeNull();
      store.remove('token');
      expect(store.get('token')).toBeNull();
    });

    it('keeps separate instances separate', () => {
      const one = memoryStore();
      const two = memoryStore();

      one.set('token', '"abc"');

      expect(two.get('token')).toBeNull();
    });
  });

  describe('openStore', () => {
    it('keeps values in memory with "memory", whatever the window has', () => {
      const local = new FakeWebStorage();

      const store = openStore('memory', fakeWindow({ localStorage: local }), KEYS, warn);
      store.set('token', '"abc"');

      expect(store.get('token')).toBe('"abc"');
      expect(local.values.size).toBe(0);
      expect(warn).not.toHaveBeenCalled();
    });

    it('reads and writes the window\'s localStorage with "localStorage"', () => {
      const local = new FakeWebStorage({ refreshToken: '"r-1"' });

      const store = openStore('localStorage', fakeWindow({ localStorage: local }), KEYS, warn);
      store.set('token', '"abc"');
      store.remove('refreshToken');

      expect(local.getItem('token')).toBe('"abc"');
      expect(local.getItem('refreshToken')).toBeNull();
      expect(warn).not.toHaveBeenCalled();
    });

    it('falls back to memory when a write is refused, keeping the values already stored, and warns once', () => {
      const local = new FakeWebStorage({ token: '"old-token"', refreshToken: '"r-1"', profile: '{"name":"Ann"}' });
      const store = openStore('localStorage', fakeWindow({ localStorage: local }), KEYS, warn);
      local.refuseWrites = true;

      store.set('token', '"new-token"');
      store.set('expiresAt', '1700000000000');
      store.set('idToken', '"id-1"');

      expect(store.get('token')).toBe('"new-token"');
      expect(store.get('expiresAt')).toBe('1700000000000');
      expect(store.get('refreshToken')).toBe('"r-1"');
      expect(store.get('profile')).toBe('{"name":"Ann"}');
      expect(warn).toHaveBeenCalledTimes(1);
    });

    it('stays in memory once it fell back, even when the storage takes writes again', () => {
      const local = new FakeWebStorage();
      const store = openStore('localStorage', fakeWindow({ localStorage: local }), KEYS, warn);
      local.refuseWrites = true;
      store.set('token', '"a"');
      local.refuseWrites = false;

      store.set('token', '"b"');

      expect(store.get('token')).toBe('"b"');
      expect(local.getItem('token')).toBeNull();
      expect(warn).toHaveBeenCalledTimes(1);
    });

    it('removes a key from memory and from the storage after falling back (logout)', () => {
      const local = new FakeWebStorage({ refreshToken: '"r-1"' });
      const store = openStore('localStorage', fakeWindow({ localStorage: local }), KEYS, warn);
      local.refuseWrites = true;
      store.set('token', '"a"');

      store.remove('token');
      store.remove('refreshToken');

      expect(store.get('token')).toBeNull();
      expect(store.get('refreshToken')).toBeNull();
      expect(local.getItem('refreshToken')).toBeNull();
    });

    it('removes a key even when the storage refuses the removal', () => {
      const local = new FakeWebStorage({ token: '"a"', refreshToken: '"r-1"' });
      const store = openStore('localStorage', fakeWindow({ localStorage: local }), KEYS, warn);
      local.refuseRemovals = true;

      store.remove('token');

      expect(store.get('token')).toBeNull();
      expect(store.get('refreshToken')).toBe('"r-1"');
      expect(warn).toHaveBeenCalledTimes(1);
    });

    it('keeps values in memory and warns when reading window.localStorage throws', () => {
      const store = openStore('localStorage', windowWithoutStorage(), KEYS, warn);

      store.set('token', '"abc"');

      expect(store.get('token')).toBe('"abc"');
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.calls.mostRecent().args[0]).toContain('localStorage');
    });

    it('keeps values in memory and warns when the window has no such storage', () => {
      const store = openStore('sessionStorage', fakeWindow({}), KEYS, warn);

      store.set('token', '"abc"');

      expect(store.get('token')).toBe('"abc"');
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.calls.mostRecent().args[0]).toContain('sessionStorage');
    });

    it('reads and writes the real sessionStorage with "sessionStorage"', () => {
      const key = uniqueName('spec-storage');
      const store = openStore('sessionStorage', window, [key], warn);

      try {
        store.set(key, '"abc"');

        expect(sessionStorage.getItem(key)).toBe('"abc"');
        expect(localStorage.getItem(key)).toBeNull();
        store.remove(key);
        expect(sessionStorage.getItem(key)).toBeNull();
      } finally {
        sessionStorage.removeItem(key);
      }
      expect(warn).not.toHaveBeenCalled();
    });

    it('reads and writes the real localStorage with "localStorage"', () => {
      const key = uniqueName('spec-storage');
      const store = openStore('localStorage', window, [key], warn);

      try {
        store.set(key, '"abc"');

        expect(localStorage.getItem(key)).toBe('"abc"');
        expect(store.get(key)).toBe('"abc"');
      } finally {
        localStorage.removeItem(key);
      }
    });
  });
});
