import { calculateJwkThumbprint } from 'jose';
import { createDpopKeyPair, dpopKeyOf, subtleOf, thumbprintOf } from '../../src/oidc/dpop-key';
import { expectAuthTokensError, rejectionOf } from '../helpers/errors';

describe('dpop key', () => {
  describe('createDpopKeyPair', () => {
    it('makes an ECDSA P-256 signing key whose private half cannot be exported', async () => {
      const { privateKey, publicKey } = await createDpopKeyPair(crypto);

      expect(privateKey.algorithm).toEqual(jasmine.objectContaining({ name: 'ECDSA', namedCurve: 'P-256' }));
      expect(privateKey.extractable).toBeFalse();
      expect(privateKey.usages).toEqual(['sign']);
      expect(publicKey.usages).toEqual(['verify']);
      for (const format of ['jwk', 'pkcs8'] as const) {
        await expectAsync(crypto.subtle.exportKey(format, privateKey)).withContext(format).toBeRejected();
      }
    });

    it('makes a new key each time', async () => {
      const [a, b] = await Promise.all([createDpopKeyPair(crypto), createDpopKeyPair(crypto)]);

      expect((await dpopKeyOf(crypto, a)).jwk).not.toEqual((await dpopKeyOf(crypto, b)).jwk);
    });

    it('rejects dpop_unavailable without WebCrypto (a page that is not https)', async () => {
      for (const noCrypto of [undefined, {} as Crypto]) {
        expectAuthTokensError(await rejectionOf(createDpopKeyPair(noCrypto)), 'dpop_unavailable', 'secret');
      }
      expect(() => subtleOf(undefined)).toThrowMatching((error: { code?: string }) => error.code === 'dpop_unavailable');
    });

    it('rejects dpop_unavailable when the browser cannot make the key, with the reason as cause', async () => {
      const broken = { subtle: { generateKey: () => Promise.reject(new DOMException('no P-256 here', 'NotSupportedError')) } } as unknown as Crypto;

      const error = await rejectionOf(createDpopKeyPair(broken));

      expectAuthTokensError(error, 'dpop_unavailable', 'secret');
      expect(error.cause).toEqual(jasmine.objectContaining({ name: 'NotSupportedError', message: 'no P-256 here' }));
    });
  });

  describe('dpopKeyOf', () => {
    it('exports the public JWK once, with the members a proof shows and nothing private', async () => {
      const pair = await createDpopKeyPair(crypto);

      const key = await dpopKeyOf(crypto, pair);

      expect(Object.keys(key.jwk)).toEqual(['crv', 'kty', 'x', 'y']);
      expect(key.jwk).toEqual({ crv: 'P-256', kty: 'EC', x: jasmine.stringMatching(/^[\w-]{43}$/), y: jasmine.stringMatching(/^[\w-]{43}$/) });
      expect(key.privateKey).toBe(pair.privateKey);
    });

    it('refuses a key that could be copied out, or is no P-256 signing key, with dpop_unavailable', async () => {
      const extractable = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
      const p384 = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, false, ['sign', 'verify']);
      const hmac = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      const good = await createDpopKeyPair(crypto);
      const garbage = [extractable, p384, { privateKey: hmac, publicKey: hmac }, { privateKey: good.privateKey }, {}, null, 'key'];

      for (const pair of garbage) {
        expectAuthTokensError(await rejectionOf(dpopKeyOf(crypto, pair as CryptoKeyPair)), 'dpop_unavailable', 'secret');
      }
    });
  });

  describe('thumbprintOf', () => {
    it('is the RFC 7638 thumbprint, as jose computes it', async () => {
      for (let i = 0; i < 3; i++) {
        const { jwk } = await dpopKeyOf(crypto, await createDpopKeyPair(crypto));
        expect(await thumbprintOf(crypto, jwk)).toBe(await calculateJwkThumbprint(jwk, 'sha256'));
      }
    });

    it("is RFC 9449's example: the key of the proof in section 4.1 has the cnf.jkt of section 6.1", async () => {
      const jwk = { kty: 'EC', x: 'l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs', y: '9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA', crv: 'P-256' } as const;

      expect(await thumbprintOf(crypto, jwk)).toBe('0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I');
    });
  });
});
