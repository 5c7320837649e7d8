import { isAllowedUrl, urlFilter } from '../../src/core/hosts';

describe('hosts', () => {
  const APP = 'https://app.example.com';

  it('allows the app\'s own origin: relative URLs and absolute ones', () => {
    expect(isAllowedUrl('/api/things', APP, [])).toBeTrue();
    expect(isAllowedUrl('api/things?x=1', APP, [])).toBeTrue();
    expect(isAllowedUrl('https://app.example.com/api/things', APP, [])).toBeTrue();
  });

  it('refuses other origins when nothing is allowed, a protocol-relative URL included', () => {
    expect(isAllowedUrl('https://api.example.com/things', APP, [])).toBeFalse();
    expect(isAllowedUrl('//evil.example.org/steal', APP, [])).toBeFalse();
  });

  it('refuses the app\'s host on another port or scheme', () => {
    expect(isAllowedUrl('https://app.example.com:8443/api', APP, [])).toBeFalse();
    expect(isAllowedUrl('http://app.example.com/api', APP, [])).toBeFalse();
  });

  it('allows an origin exactly, port included', () => {
    const allowed = ['http://127.0.0.1:3002'];

    expect(isAllowedUrl('http://127.0.0.1:3002/data', APP, allowed)).toBeTrue();
    expect(isAllowedUrl('http://127.0.0.1:3003/data', APP, allowed)).toBeFalse();
    expect(isAllowedUrl('http://127.0.0.1/data', APP, allowed)).toBeFalse();
    expect(isAllowedUrl('http://127.0.0.1:3001/token', APP, allowed)).toBeFalse();
  });

  it('refuses an allowed origin\'s host under another scheme', () => {
    const allowed = ['https://api.example.com'];

    expect(isAllowedUrl('https://api.example.com/x', APP, allowed)).toBeTrue();
    expect(isAllowedUrl('http://api.example.com/x', APP, allowed)).toBeFalse();
    expect(isAllowedUrl('wss://api.example.com/x', APP, allowed)).toBeFalse();
  });

  it('ignores a path in an allowed origin', () => {
    expect(isAllowedUrl('https://api.example.com/other', APP, ['https://api.example.com/v1'])).toBeTrue();
  });

  it('normalises default ports, in the allowed entry and in the URL', () => {
    expect(isAllowedUrl('https://api.example.com/x', APP, ['https://api.example.com:443'])).toBeTrue();
    expect(isAllowedUrl('https://api.example.com:443/x', APP, ['https://api.example.com'])).toBeTrue();
    expect(isAllowedUrl('http://api.example.com:80/x', APP, ['http://api.example.com'])).toBeTrue();
    expect(isAllowedUrl('https://api.example.com:80/x', APP, ['https://api.example.com'])).toBeFalse();
  });

  it('allows a host:port string on that port only, any scheme', () => {
    const allowed = ['api.example.com:8443'];

    expect(isAllowedUrl('https://api.example.com:8443/x', APP, allowed)).toBeTrue();
    expect(isAllowedUrl('http://api.example.com:8443/x', APP, allowed)).toBeTrue();
    expect(isAllowedUrl('https://api.example.com/x', APP, allowed)).toBeFalse();
    expect(isAllowedUrl('https://api.example.com:8444/x', APP, allowed)).toBeFalse();
  });

  it('allows a bare host on the default port only, case-insensitively', () => {
    const allowed = ['API.Example.com'];

    expect(isAllowedUrl('https://api.example.com/x', APP, allowed)).toBeTrue();
    expect(isAllowedUrl('http://api.example.com/x', APP, allowed)).toBeTrue();
    expect(isAllowedUrl('https://api.example.com:8443/x', APP, allowed)).toBeFalse();
    expect(isAllowedUrl('https://other.example.com/x', APP, allowed)).toBeFalse();
  });

  it('does not take a host that merely ends with an allowed one', () => {
    expect(isAllowedUrl('https://evilapi.example.com/x', APP, ['api.example.com'])).toBeFalse();
    expect(isAllowedUrl('https://api.example.com.evil.org/x', APP, ['https://api.example.com'])).toBeFalse();
  });

  it('tests a RegExp against the origin, not the path', () => {
    const allowed = [/^https:\/\/[a-z]+\.example\.com$/];

    expect(isAllowedUrl('https://api.example.com/x', APP, allowed)).toBeTrue();
    expect(isAllowedUrl('https://api.example.com:8443/x', APP, allowed)).toBeFalse();
    expect(isAllowedUrl('https://evil.org/https://api.example.com', APP, allowed)).toBeFalse();
  });

  it('gives the same answer each time with a /g RegExp (lastIndex does not carry over)', () => {
    const allowed = [/api\.example\.com/g];

    const answers = [1, 2, 3].map(() => isAllowedUrl('https://api.example.com/x', APP, allowed));

    expect(answers).toEqual([true, true, true]);
  });

  it('refuses malformed URLs and ignores malformed allowed entries, without throwing', () => {
    expect(isAllowedUrl('http://[::1', APP, [/.*/])).toBeFalse();
    expect(isAllowedUrl('https://api.example.com:99999/x', APP, ['api.example.com:99999', /.*/])).toBeFalse();
    expect(isAllowedUrl('https://api.example.com/x', APP, ['https://', 'http://[::1'])).toBeFalse();
  });

  it('checks every entry of the list', () => {
    const allowed = [/^https:\/\/nothing$/, 'other.example.com', 'https://api.example.com'];

    expect(isAllowedUrl('https://api.example.com/x', APP, allowed)).toBeTrue();
  });

  describe('urlFilter', () => {
    const allowed = ['https://api.example.com'];

    it('answers as isAllowedUrl does, the same URL asked again included', () => {
      const allows = urlFilter(APP, allowed);
      const urls = ['/x', 'https://api.example.com/x', 'https://evil.example.org/x', '//api.example.com/x', 'http://[::1'];

      for (const url of [...urls, ...urls]) expect(allows(url)).withContext(url).toBe(isAllowedUrl(url, APP, allowed));
    });

    it('parses a URL it has answered once only once, and keeps answering right past 100 URLs', () => {
      const allows = urlFilter(APP, allowed);
      const parse = spyOn(window, 'URL').and.callThrough();

      expect(allows('https://api.example.com/same')).toBeTrue();
      const first = parse.calls.count();
      expect(allows('https://api.example.com/same')).toBeTrue();
      expect(parse.calls.count()).toBe(first);

      for (let i = 0; i < 250; i++) {
        expect(allows(`https://api.example.com/${i}`)).toBeTrue();
        expect(allows(`https://evil.example.org/${i}`)).toBeFalse();
      }
    });
  });
});
