import { dpopNonces } from '../../src/oidc/dpop-nonces';

describe('dpopNonces', () => {
  it('keeps one nonce per origin, the newest', () => {
    const nonces = dpopNonces();

    expect(nonces.remember('https://id.example.com/token', 'n-1')).toBeTrue();
    expect(nonces.remember('https://api.example.com/things?x=1', 'a-1')).toBeTrue();
    expect(nonces.remember('https://id.example.com/revoke', 'n-2')).toBeTrue();

    expect(nonces.get('https://id.example.com/token')).toBe('n-2');
    expect(nonces.get('https://id.example.com/other/path#f')).toBe('n-2');
    expect(nonces.get('https://api.example.com/')).toBe('a-1');
  });

  it('tells origins apart by scheme, host and port, not by path', () => {
    const nonces = dpopNonces();
    nonces.remember('https://id.example.com/token', 'n-1');

    for (const other of ['http://id.example.com/token', 'https://id.example.com:8443/token', 'https://example.com/token', 'https://sub.id.example.com/token']) {
      expect(nonces.get(other)).withContext(other).toBeUndefined();
    }
    expect(nonces.get('https://ID.example.com:443/x')).toBe('n-1');
  });

  it("keeps only what RFC 9449 allows as a nonce: printable ASCII but '\"' and '\\'", () => {
    const nonces = dpopNonces();
    const allowed = "!#$%&'()*+,-./09:;<=>?@AZ[]^_`az{|}~";
    expect(nonces.remember('https://id.example.com/', allowed)).toBeTrue();

    for (const garbage of ['', 'a b', 'a"b', 'a\\b', 'é', 'a\nb', 'a\u0000']) {
      expect(nonces.remember('https://id.example.com/', garbage)).withContext(JSON.stringify(garbage)).toBeFalse();
    }
    expect(nonces.get('https://id.example.com/')).toBe(allowed);
  });

  it('shares nothing between caches', () => {
    const [a, b] = [dpopNonces(), dpopNonces()];
    a.remember('https://id.example.com/', 'n-1');

    expect(b.get('https://id.example.com/')).toBeUndefined();
  });
});
