import { urlFilter } from '../../src/core/hosts';

describe('hosts', () => {
  const APP = 'https://app.example.com';
  const APP_BASE = `${APP}/`;

  /** One question to a fresh filter: the app served from its origin's root, unless `baseUrl` says otherwise. */
  const isAllowed = (url: string, allowed: ReadonlyArray<string | RegExp> = [], baseUrl = APP_BASE) => urlFilter(APP, baseUrl, allowed)(url);

  it('allows the app\'s own origin: relative URLs and absolute ones', () => {
    expect(isAllowed('/api/things')).toBeTrue();
    expect(isAllowed('api/things?x=1')).toBeTrue();
    expect(isAllowed('https://app.example.com/api/things')).toBeTrue();
    expect(isAllowed('//app.example.com/api/things')).toBeTrue();
  });

  it('refuses other origins when nothing is allowed, a protocol-relative URL included', () => {
    expect(isAllowed('https://api.example.com/things')).toBeFalse();
    expect(isAllowed('//evil.example.org/steal')).toBeFalse();
  });

  it('refuses the app\'s host on another port or scheme', () => {
    expect(isAllowed('https://app.example.com:8443/api')).toBeFalse();
    expect(isAllowed('http://app.example.com/api')).toBeFalse();
  });

  describe('relative URLs', () => {
    it('resolve against the base URL, a path in it included', () => {
      const base = `${APP}/shop/index.html`;

      expect(isAllowed('api/things', [], base)).toBeTrue();
      expect(isAllowed('../api/things', [], base)).toBeTrue();
      expect(isAllowed('?page=2', [], base)).toBeTrue();
    });

    it('are not allowed when the base URL is on another origin, though the app is on its own', () => {
      // A `<base href="https://cdn.example.net/">` sends '/api/things' to the CDN: so would the token.
      const base = 'https://cdn.example.net/assets/';

      expect(isAllowed('/api/things', [], base)).toBeFalse();
      expect(isAllowed('api/things', [], base)).toBeFalse();
      expect(isAllowed('//app.example.com/api', [], 'http://cdn.example.net/')).withContext('the base\'s scheme').toBeFalse();
      expect(isAllowed('https://app.example.com/api/things', [], base)).withContext('absolute').toBeTrue();
    });

    it('are allowed when the base URL is on an allowed origin', () => {
      expect(isAllowed('/things', ['https://api.example.com'], 'https://api.example.com/v1/')).toBeTrue();
    });

    it('leave everything refused, without throwing, when the base URL does not parse', () => {
      // `new URL(url, base)` rejects a bad base even for an absolute URL: the token then stays home.
      expect(isAllowed('/api/things', [], 'not a url')).toBeFalse();
      expect(isAllowed('https://app.example.com/api/things', [], 'not a url')).toBeFalse();
    });
  });

  it('allows an origin exactly, port included', () => {
    const allowed = ['http://127.0.0.1:3002'];

    expect(isAllowed('http://127.0.0.1:3002/data', allowed)).toBeTrue();
    expect(isAllowed('http://127.0.0.1:3003/data', allowed)).toBeFalse();
    expect(isAllowed('http://127.0.0.1/data', allowed)).toBeFalse();
    expect(isAllowed('http://127.0.0.1:3001/token', allowed)).toBeFalse();
  });

  it('refuses an allowed origin\'s host under another scheme', () => {
    const allowed = ['https://api.example.com'];

    expect(isAllowed('https://api.example.com/x', allowed)).toBeTrue();
    expect(isAllowed('http://api.example.com/x', allowed)).toBeFalse();
    expect(isAllowed('wss://api.example.com/x', allowed)).toBeFalse();
  });

  it('ignores a path in an allowed origin', () => {
    expect(isAllowed('https://api.example.com/other', ['https://api.example.com/v1'])).toBeTrue();
  });

  it('normalises default ports, in the allowed entry and in the URL', () => {
    expect(isAllowed('https://api.example.com/x', ['https://api.example.com:443'])).toBeTrue();
    expect(isAllowed('https://api.example.com:443/x', ['https://api.example.com'])).toBeTrue();
    expect(isAllowed('http://api.example.com:80/x', ['http://api.example.com'])).toBeTrue();
    expect(isAllowed('https://api.example.com:80/x', ['https://api.example.com'])).toBeFalse();
  });

  it('allows a host:port string on that port only, any scheme', () => {
    const allowed = ['api.example.com:8443'];

    expect(isAllowed('https://api.example.com:8443/x', allowed)).toBeTrue();
    expect(isAllowed('http://api.example.com:8443/x', allowed)).toBeTrue();
    expect(isAllowed('https://api.example.com/x', allowed)).toBeFalse();
    expect(isAllowed('https://api.example.com:8444/x', allowed)).toBeFalse();
  });

  it('allows a bare host on the default port only, case-insensitively', () => {
    const allowed = ['API.Example.com'];

    expect(isAllowed('https://api.example.com/x', allowed)).toBeTrue();
    expect(isAllowed('http://api.example.com/x', allowed)).toBeTrue();
    expect(isAllowed('https://api.example.com:8443/x', allowed)).toBeFalse();
    expect(isAllowed('https://other.example.com/x', allowed)).toBeFalse();
  });

  it('does not take a host that merely ends or starts with an allowed one', () => {
    expect(isAllowed('https://evilapi.example.com/x', ['api.example.com'])).toBeFalse();
    expect(isAllowed('https://api.example.com.evil.org/x', ['https://api.example.com'])).toBeFalse();
  });

  describe('RegExps', () => {
    it('must match the whole origin, not a part of it', () => {
      expect(isAllowed('https://api.example.com/x', [/api\.example\.com/])).withContext('the host alone').toBeFalse();
      expect(isAllowed('https://api.example.com/x', [/https:\/\/api\.example\.com/])).toBeTrue();
      expect(isAllowed('https://api.example.com.evil.org/x', [/https:\/\/api\.example\.com/])).toBeFalse();
      expect(isAllowed('https://evil.org/https://api.example.com', [/https:\/\/api\.example\.com/])).toBeFalse();
      expect(isAllowed('https://api.example.com:8443/x', [/https:\/\/api\.example\.com/])).toBeFalse();
    });

    it('must match the whole origin with every alternative', () => {
      const allowed = [/https:\/\/a\.example\.com|https:\/\/b\.example\.com/];

      expect(isAllowed('https://a.example.com/x', allowed)).toBeTrue();
      expect(isAllowed('https://b.example.com/x', allowed)).toBeTrue();
      expect(isAllowed('https://a.example.com.evil.org/x', allowed)).toBeFalse();
    });

    it('keep their other flags', () => {
      expect(isAllowed('https://api.example.com/x', [/https:\/\/API\.EXAMPLE\.com/i])).toBeTrue();
    });

    it('already anchored work as written', () => {
      const allowed = [/^https:\/\/[a-z]+\.example\.com$/];

      expect(isAllowed('https://api.example.com/x', allowed)).toBeTrue();
      expect(isAllowed('https://api.example.com:8443/x', allowed)).toBeFalse();
    });

    for (const flag of ['g', 'y']) {
      it(`give the same answer each time with the /${flag} flag, and leave its lastIndex alone`, () => {
        const entry = new RegExp('https:\\/\\/api\\.example\\.com', flag);
        const allows = urlFilter(APP, APP_BASE, [entry]);

        // Distinct URLs, so that each is decided anew rather than remembered.
        const answers = [1, 2, 3, 4].map((n) => allows(`https://api.example.com/${n}`));

        expect(answers).toEqual([true, true, true, true]);
        expect(entry.lastIndex).toBe(0);
      });
    }
  });

  it('refuses malformed URLs and ignores malformed allowed entries, without throwing', () => {
    expect(isAllowed('http://[::1', [/.*/])).toBeFalse();
    expect(isAllowed('https://api.example.com:99999/x', ['api.example.com:99999', /.*/])).toBeFalse();
    expect(isAllowed('https://api.example.com/x', ['https://', 'http://[::1'])).toBeFalse();
  });

  it('checks every entry of the list', () => {
    const allowed = [/https:\/\/nothing/, 'other.example.com', 'https://api.example.com'];

    expect(isAllowed('https://api.example.com/x', allowed)).toBeTrue();
  });

  describe('memory', () => {
    // Asked on every request: each URL string is decided once, for up to 100 of them.
    let allows: (url: string) => boolean;
    let parse: jasmine.Spy;

    beforeEach(() => {
      allows = urlFilter(APP, APP_BASE, ['https://api.example.com']);
      parse = spyOn(window, 'URL').and.callThrough();
    });

    it('parses a URL it has answered once only once', () => {
      expect(allows('https://api.example.com/same')).toBeTrue();
      const first = parse.calls.count();
      expect(allows('https://api.example.com/same')).toBeTrue();
      expect(allows('https://api.example.com/same')).toBeTrue();

      expect(first).toBe(1);
      expect(parse.calls.count()).toBe(first);
    });

    it('holds 100 URLs, then starts over', () => {
      for (let i = 0; i < 100; i++) allows(`https://api.example.com/${i}`);
      const filled = parse.calls.count();

      allows('https://api.example.com/0');
      expect(parse.calls.count()).withContext('the 100th URL back is remembered').toBe(filled);

      allows('https://api.example.com/100');
      allows('https://api.example.com/0');
      expect(parse.calls.count()).withContext('the 101st URL forgot the others').toBe(filled + 2);
    });

    it('keeps answering right past 100 URLs', () => {
      for (let i = 0; i < 250; i++) {
        expect(allows(`https://api.example.com/${i}`)).toBeTrue();
        expect(allows(`https://evil.example.org/${i}`)).toBeFalse();
        expect(allows(`/${i}`)).toBeTrue();
      }
    });
  });
});
