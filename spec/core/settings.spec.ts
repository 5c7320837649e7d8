import { DEFAULT_SETTINGS, DEFAULT_STORAGE_KEYS, mergeSettings, publicPathsOf } from '../../src/core/settings';

describe('settings', () => {
  describe('mergeSettings', () => {
    it('replaces the given options and keeps the rest', () => {
      const merged = mergeSettings(DEFAULT_SETTINGS, { loginPath: '/signin', minValiditySeconds: 10 });

      expect(merged).toEqual({ ...DEFAULT_SETTINGS, loginPath: '/signin', minValiditySeconds: 10 });
    });

    it('merges again onto an earlier merge (configure may be called more than once)', () => {
      const once = mergeSettings(DEFAULT_SETTINGS, { loginPath: '/signin' });

      const twice = mergeSettings(once, { storage: 'sessionStorage' });

      expect(twice.loginPath).toBe('/signin');
      expect(twice.storage).toBe('sessionStorage');
    });

    it('merges storageKeys key by key', () => {
      const merged = mergeSettings(DEFAULT_SETTINGS, { storageKeys: { token: 'accessToken' } });

      expect(merged.storageKeys).toEqual({ ...DEFAULT_STORAGE_KEYS, token: 'accessToken' });
    });

    it('ignores undefined, at the top level and inside storageKeys', () => {
      const merged = mergeSettings(DEFAULT_SETTINGS, { loginPath: undefined, revoke: undefined, storageKeys: { token: undefined, idToken: 'id' } });

      expect(merged.loginPath).toBe('/login');
      expect(merged.storageKeys).toEqual({ ...DEFAULT_STORAGE_KEYS, idToken: 'id' });
    });

    it('leaves the base and the defaults untouched', () => {
      const base = mergeSettings(DEFAULT_SETTINGS, {});

      mergeSettings(base, { loginPath: '/signin', storageKeys: { token: 't' } });

      expect(base.loginPath).toBe('/login');
      expect(base.storageKeys.token).toBe('token');
      expect(DEFAULT_SETTINGS.storageKeys.token).toBe('token');
    });
  });

  describe('publicPathsOf', () => {
    it('is the login path alone when no public paths are given', () => {
      const settings = mergeSettings(DEFAULT_SETTINGS, { loginPath: '/signin' });

      expect(publicPathsOf(settings)).toEqual(['/signin']);
    });

    it('is the public paths when given', () => {
      const paths = ['/login', /^\/public\//];

      expect(publicPathsOf(mergeSettings(DEFAULT_SETTINGS, { publicPaths: paths }))).toEqual(paths);
    });
  });
});
