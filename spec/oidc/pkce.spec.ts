import { challengeOf, randomString } from '../../src/oidc/pkce';

describe('pkce', () => {
  it('makes verifiers of 43 to 128 characters of the unreserved set (RFC 7636, section 4.1)', () => {
    for (let i = 0; i < 50; i++) {
      expect(randomString(crypto)).toMatch(/^[A-Za-z0-9\-._~]{43,128}$/);
    }
  });

  it('never makes the same value twice', () => {
    const values = new Set(Array.from({ length: 200 }, () => randomString(crypto)));
    expect(values.size).toBe(200);
  });

  it('makes the S256 challenge: base64url of the SHA-256 of the verifier', async () => {
    // RFC 7636, appendix B.
    expect(await challengeOf(crypto, 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes a different challenge for each verifier, 43 base64url characters long', async () => {
    const [a, b] = [randomString(crypto), randomString(crypto)];
    const [ca, cb] = [await challengeOf(crypto, a), await challengeOf(crypto, b)];
    expect(ca).toMatch(/^[\w-]{43}$/);
    expect(ca).not.toBe(cb);
    expect(ca).not.toBe(a);
  });
});
