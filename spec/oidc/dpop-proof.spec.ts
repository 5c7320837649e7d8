import { decodeProtectedHeader, EmbeddedJWK, jwtVerify, type JWTPayload } from 'jose';
import { base64url } from '../../src/oidc/base64url';
import { createDpopKeyPair, dpopKeyOf, type DpopKey } from '../../src/oidc/dpop-key';
import { athOf, htuOf, makeProof } from '../../src/oidc/dpop-proof';

describe('dpop proof', () => {
  const IAT = Math.floor(Date.now() / 1000);
  let key: DpopKey;
  beforeAll(async () => {
    key = await dpopKeyOf(crypto, await createDpopKeyPair(crypto));
  });

  /** The proof's payload, once jose verified it as a DPoP proof with the key in its own header. */
  async function verified(proof: string): Promise<JWTPayload> {
    const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256'], maxTokenAge: 300 });
    expect(protectedHeader).toEqual({ typ: 'dpop+jwt', alg: 'ES256', jwk: key.jwk });
    return payload;
  }

  it('is a compact JWS that jose verifies with the embedded key: typ dpop+jwt, ES256, the public jwk only', async () => {
    const proof = await makeProof(crypto, key, { htm: 'POST', htu: 'https://id.example.com/token', iat: IAT });

    expect(proof).toMatch(/^[\w-]+\.[\w-]+\.[\w-]{86}$/); // a 64-byte r || s signature
    const header = decodeProtectedHeader(proof);
    expect(Object.keys(header.jwk!).sort()).toEqual(['crv', 'kty', 'x', 'y']);
    expect(header.jwk).not.toEqual(jasmine.objectContaining({ d: jasmine.anything() }));
    expect(await verified(proof)).toEqual({ jti: jasmine.any(String), htm: 'POST', htu: 'https://id.example.com/token', iat: IAT });
  });

  it('does not verify once a claim was changed', async () => {
    const proof = await makeProof(crypto, key, { htm: 'GET', htu: 'https://api.example.com/x', iat: IAT });
    const [header, , signature] = proof.split('.');
    const forged = base64url(new TextEncoder().encode(JSON.stringify({ jti: 'x', htm: 'POST', htu: 'https://api.example.com/x', iat: IAT })));

    await expectAsync(jwtVerify(`${header}.${forged}.${signature}`, EmbeddedJWK, { typ: 'dpop+jwt' })).toBeRejected();
  });

  it('states the method in upper case, and the URL without its query and fragment', async () => {
    const payload = await verified(await makeProof(crypto, key, { htm: 'get', htu: 'https://API.example.com:443/things/1?fields=a&token=t#top', iat: IAT }));

    expect(payload.htm).toBe('GET');
    expect(payload.htu).toBe('https://api.example.com/things/1');
  });

  it('has a fresh jti of at least 128 bits each time', async () => {
    const claims = { htm: 'POST', htu: 'https://id.example.com/token', iat: IAT };
    const jtis = await Promise.all(Array.from({ length: 20 }, async () => (await verified(await makeProof(crypto, key, claims))).jti));

    expect(new Set(jtis).size).toBe(20);
    for (const jti of jtis) expect(jti).toMatch(/^[\w-]{22,}$/); // 22 base64url characters hold 128 bits
  });

  it('carries the nonce and the ath when given, and only then', async () => {
    const ath = await athOf(crypto, 'at-1');

    const payload = await verified(await makeProof(crypto, key, { htm: 'GET', htu: 'https://api.example.com/', iat: IAT, nonce: 'n-1', ath }));

    expect(payload).toEqual({ jti: jasmine.any(String), htm: 'GET', htu: 'https://api.example.com/', iat: IAT, nonce: 'n-1', ath });
  });

  describe('htuOf', () => {
    it('is scheme, host, port and path, normalized as URL does', () => {
      expect(htuOf(new URL('HTTPS://Id.Example.com:8443/a/b/../c?q=1#f'))).toBe('https://id.example.com:8443/a/c');
      expect(htuOf(new URL('http://localhost:3000'))).toBe('http://localhost:3000/');
    });
  });

  describe('athOf', () => {
    it('is the base64url SHA-256 of the token', async () => {
      const token = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1MSJ9.sig';
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token)));

      expect(await athOf(crypto, token)).toBe(base64url(digest));
      // RFC 9449, section 7.1: the example access token and its ath.
      expect(await athOf(crypto, 'Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU')).toBe('fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo');
    });
  });
});
