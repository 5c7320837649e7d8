import { isPublicPath, loginUrl, safeReturnTo } from '../../src/core/paths';

describe('paths', () => {
  describe('isPublicPath', () => {
    it('matches exact strings only', () => {
      expect(isPublicPath('/login', ['/login'])).toBe(true);
      expect(isPublicPath('/login/x', ['/login'])).toBe(false);
      expect(isPublicPath('/logi', ['/login'])).toBe(false);
      expect(isPublicPath('/private', [])).toBe(false);
    });

    it('ignores the query and the hash', () => {
      expect(isPublicPath('/login?returnTo=%2Fprivate', ['/login'])).toBe(true);
      expect(isPublicPath('/login#top', ['/login'])).toBe(true);
      expect(isPublicPath('/docs/a?x=1', [/^\/docs\//])).toBe(true);
      expect(isPublicPath('/private?next=/login', ['/login', /^\/login$/])).toBe(false);
    });

    it('tests RegExps, a global one giving the same answer every time', () => {
      const docs = /^\/docs\//g;
      expect([1, 2, 3].map(() => isPublicPath('/docs/a', [docs]))).toEqual([true, true, true]);
      expect(isPublicPath('/private', [/^\/docs\//])).toBe(false);
    });
  });

  describe('safeReturnTo', () => {
    it('keeps local paths, with their query and hash', () => {
      expect(safeReturnTo('/')).toBe('/');
      expect(safeReturnTo('/private')).toBe('/private');
      expect(safeReturnTo('/private?tab=2&q=a%20b#top')).toBe('/private?tab=2&q=a%20b#top');
    });

    it('drops anything that could leave the origin', () => {
      for (const value of ['//evil.example', '/\\evil.example', '\\\\evil.example', 'https://evil.example/x',
        'javascript:alert(1)', 'private', '', ' /private', '/\t/evil.example', '/\n/evil.example', '/a\\b',
        '/%2F%2Fevil.example', '/%5Cevil.example', '/%09/evil.example', '/%E0%A4%A']) {
        expect(safeReturnTo(value)).withContext(JSON.stringify(value)).toBeNull();
      }
    });

    it('drops paths that become //host once their dot segments are resolved', () => {
      // A browser (and whoever writes the path back into a URL) resolves `.` and `..`, `%2e` included:
      // `/.//evil.example` is `//evil.example` to it, another host.
      for (const value of ['/.//evil.example', '/..//evil.example', '/%2e//evil.example', '/%2E//evil.example',
        '/%2e%2e//evil.example', '/%2E%2E//evil.example', '/.%2e//evil.example', '/a/..//evil.example',
        '/a/%2e%2e//evil.example', '/a/b/../..//evil.example', '/%2e/%2e//evil.example', '/.//evil.example/x?y=1#z']) {
        expect(safeReturnTo(value)).withContext(JSON.stringify(value)).toBeNull();
      }
    });

    it('drops paths that become //host once percent-decoded and resolved', () => {
      // Login pages that decode the parameter before navigating see the decoded form.
      for (const value of ['/./%2F/evil.example', '/.%2F/evil.example', '/%2e%2F/evil.example', '/%2E%2F%2Fevil.example',
        '/a/..%2F/evil.example', '/a/%2e%2e%2F%2Fevil.example', '/%2e%2e/%2Fevil.example']) {
        expect(safeReturnTo(value)).withContext(JSON.stringify(value)).toBeNull();
      }
    });

    it('keeps ordinary local paths with dot segments, queries and hashes, as they were written', () => {
      for (const value of ['/a/./b', '/a/b/../c?x=1#y', '/docs/../private?tab=2&q=a%20b#top', '/..', '/./private',
        '/%2e%2e/private', '/a%2Fb?next=%2Fc#d', '/search?q=.%2F%2F#./']) {
        expect(safeReturnTo(value)).withContext(JSON.stringify(value)).toBe(value);
      }
    });

    it('drops what is not a string', () => {
      for (const value of [null, undefined, 1, {}, ['/private']]) expect(safeReturnTo(value)).toBeNull();
    });
  });

  describe('loginUrl', () => {
    it('carries returnTo encoded', () => {
      expect(loginUrl('/login', 'returnTo', '/private')).toBe('/login?returnTo=%2Fprivate');
      expect(loginUrl('/login', 'next', '/a?b=1&c=2')).toBe('/login?next=%2Fa%3Fb%3D1%26c%3D2');
    });

    it('adds to a login path that has a query already', () => {
      expect(loginUrl('/login?mode=sso', 'returnTo', '/x')).toBe('/login?mode=sso&returnTo=%2Fx');
    });

    it('leaves the parameter out without a local returnTo', () => {
      expect(loginUrl('/login', 'returnTo', null)).toBe('/login');
      expect(loginUrl('/login', 'returnTo', '//evil.example')).toBe('/login');
      expect(loginUrl('/login', 'returnTo', 'https://evil.example')).toBe('/login');
    });
  });
});
