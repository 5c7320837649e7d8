import { AuthTokensError } from '../../src/core/errors';
import { idTokenClaims, type IdTokenExpectation } from '../../src/oidc/id-token';
import { makeJwt } from '../helpers/jwt';

describe('idTokenClaims', () => {
  const NOW = 1_700_000_000_000;
  const iat = NOW / 1000;
  const expected: IdTokenExpectation = { issuer: 'https://id.example.com', clientId: 'spa', nonce: 'nonce-1', now: NOW };
  const claims = (extra: object = {}) => ({ iss: 'https://id.example.com', aud: 'spa', sub: 'u1', name: 'Ada', iat, exp: iat + 300, nonce: 'nonce-1', ...extra });

  function refusal(token: string, expectation = expected): AuthTokensError {
    try {
      idTokenClaims(token, expectation);
    } catch (error) {
      return error as AuthTokensError;
    }
    throw new Error('expected a refusal');
  }

  it('returns every claim of a token issued for this client and attempt', () => {
    expect(idTokenClaims(makeJwt(claims()), expected)).toEqual(claims());
  });

  it('takes an audience list that holds the client, when azp names it', () => {
    const token = makeJwt(claims({ aud: ['spa', 'api'], azp: 'spa' }));
    expect(idTokenClaims(token, expected).sub).toBe('u1');
  });

  const refused: Array<[string, object | string]> = [
    ['not a JWT', 'not-a-jwt'],
    ['another issuer', claims({ iss: 'https://evil.example.com' })],
    ['no issuer', claims({ iss: undefined })],
    ['another audience', claims({ aud: 'other-client' })],
    ['an audience list without the client', claims({ aud: ['api', 'other'] })],
    ['several audiences and no azp', claims({ aud: ['spa', 'api'] })],
    ['an azp naming another party', claims({ azp: 'other-client' })],
    ['no exp', claims({ exp: undefined })],
    ['an exp not after its iat', claims({ exp: iat })],
    ['another nonce', claims({ nonce: 'nonce-2' })],
    ['no nonce', claims({ nonce: undefined })],
  ];
  for (const [what, value] of refused) {
    it(`refuses a token with ${what}, as login_failed`, () => {
      const error = refusal(typeof value === 'string' ? value : makeJwt(value));
      expect(error).toEqual(jasmine.any(AuthTokensError));
      expect(error.code).toBe('login_failed');
      expect(error.message).toMatch(/^The id token .+; the login was not completed\.$/);
    });
  }

  it('judges expiry by the token\'s own life, so a client clock ten minutes ahead changes nothing', () => {
    const ahead = { ...expected, now: NOW + 10 * 60 * 1000 };
    expect(idTokenClaims(makeJwt(claims()), ahead).sub).toBe('u1');
  });

  it('leaves a token without iat to this machine\'s clock', () => {
    const token = makeJwt(claims({ iat: undefined, exp: iat + 60 }));
    expect(idTokenClaims(token, expected).sub).toBe('u1');
    expect(refusal(token, { ...expected, now: NOW + 61_000 }).message).toContain('expired');
  });

  it('never puts the token or its claims into the error', () => {
    const token = makeJwt(claims({ nonce: 'nonce-other', name: 'secret-name' }));
    const error = refusal(token);
    expect(error.message).not.toContain('secret-name');
    expect(error.message).not.toContain(token);
    expect(error.cause).toBeUndefined();
  });
});
