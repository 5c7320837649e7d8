import { dpopChallengeError, isNonceChallenge } from '../../src/oidc/dpop-challenge';

describe('dpop challenge', () => {
  const headers = (values: Record<string, string>) => (name: string) => {
    const key = Object.keys(values).find((k) => k.toLowerCase() === name.toLowerCase());
    return key === undefined ? null : values[key];
  };
  const NONCE_401 = 'DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"';

  describe('dpopChallengeError', () => {
    it('reads the error of the DPoP challenge, quoted or not', () => {
      expect(dpopChallengeError(NONCE_401)).toBe('use_dpop_nonce');
      expect(dpopChallengeError('DPoP error=use_dpop_nonce')).toBe('use_dpop_nonce');
      expect(dpopChallengeError('dpop   ERROR = "invalid_token" ,algs="ES256"')).toBe('invalid_token');
      expect(dpopChallengeError('DPoP error="a \\"quoted\\" one"')).toBe('a "quoted" one');
    });

    it('reads it among other challenges, and only from the DPoP one', () => {
      expect(dpopChallengeError('Bearer realm="api", error="invalid_token", DPoP algs="ES256 PS256", error="use_dpop_nonce"')).toBe('use_dpop_nonce');
      expect(dpopChallengeError('DPoP algs="ES256", error="use_dpop_nonce", Bearer error="invalid_token"')).toBe('use_dpop_nonce');
      expect(dpopChallengeError('Bearer error="use_dpop_nonce"')).toBeNull();
      expect(dpopChallengeError('Basic dXNlcjpwYXNz==, DPoP error="use_dpop_nonce"')).toBe('use_dpop_nonce');
      expect(dpopChallengeError('Bearer realm="a, DPoP error=use_dpop_nonce"')).withContext('inside a quoted string').toBeNull();
    });

    it('is null without a DPoP error', () => {
      for (const header of ['', 'DPoP', 'DPoP algs="ES256"', 'DPoPx error="use_dpop_nonce"', 'garbage "', '==']) {
        expect(dpopChallengeError(header)).withContext(header).toBeNull();
      }
    });
  });

  describe('isNonceChallenge', () => {
    it("is the token endpoint's 400 use_dpop_nonce", () => {
      expect(isNonceChallenge(400, headers({}), { error: 'use_dpop_nonce', error_description: 'Authorization server requires nonce in DPoP proof' })).toBeTrue();
    });

    it("is a resource server's 401 whose DPoP challenge says use_dpop_nonce", () => {
      expect(isNonceChallenge(401, headers({ 'WWW-Authenticate': NONCE_401 }), null)).toBeTrue();
      expect(isNonceChallenge(401, headers({ 'www-authenticate': 'Bearer realm="api", DPoP error="use_dpop_nonce"' }), '')).toBeTrue();
    });

    it('is nothing else', () => {
      const cases: Array<[number, Record<string, string>, unknown]> = [
        [400, {}, { error: 'invalid_grant' }],
        [400, {}, { error: 'invalid_dpop_proof' }],
        [400, {}, null],
        [400, {}, 'use_dpop_nonce'],
        [400, { 'WWW-Authenticate': NONCE_401 }, {}],
        [401, {}, { error: 'use_dpop_nonce' }],
        [401, { 'WWW-Authenticate': 'DPoP error="invalid_token"' }, null],
        [401, { 'WWW-Authenticate': 'Bearer error="use_dpop_nonce"' }, null],
        [403, { 'WWW-Authenticate': NONCE_401 }, { error: 'use_dpop_nonce' }],
        [200, { 'WWW-Authenticate': NONCE_401 }, { error: 'use_dpop_nonce' }],
        [500, {}, { error: 'use_dpop_nonce' }],
      ];
      for (const [status, values, body] of cases) {
        expect(isNonceChallenge(status, headers(values), body)).withContext(`${status} ${JSON.stringify(values)} ${JSON.stringify(body)}`).toBeFalse();
      }
    });
  });
});
