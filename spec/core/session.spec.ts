import { AuthTokensError } from '../../src/core/errors';
import { isUsable, renewalTime, sessionFromResponse } from '../../src/core/session';
import type { Session, TokenResponse } from '../../src/core/types';
import { makeSession } from '../helpers/fakes';
import { makeJwt } from '../helpers/jwt';

describe('session', () => {
  const NOW = 1_700_000_000_000;
  const SEC = Math.floor(NOW / 1000);
  /** A JWT issued `issuedAgo` seconds before NOW that lives `life` seconds. */
  const jwt = (life: number, issuedAgo = 0) =>
    makeJwt({ iat: SEC - issuedAgo, exp: SEC - issuedAgo + life, jti: Math.random().toString(36).slice(2) });

  describe('sessionFromResponse', () => {
    const previous: Session = { token: 'old-access', idToken: 'old-id', refreshToken: 'old-refresh', profile: { name: 'Ann' }, expiresAt: NOW - 1 };

    it('takes the access token, with expiresIn anchored to now on this machine', () => {
      const response: TokenResponse = { accessToken: 'access-2', idToken: 'id-2', refreshToken: 'refresh-2', expiresIn: 3600 };

      const session = sessionFromResponse(response, null, NOW, 'accessToken');

      expect(session).toEqual({ token: 'access-2', idToken: 'id-2', refreshToken: 'refresh-2', profile: null, expiresAt: NOW + 3_600_000 });
    });

    it('takes the id token with apiToken "idToken", its expiry then from its own exp rather than expiresIn', () => {
      const response: TokenResponse = { accessToken: 'access-2', idToken: 'id-2', expiresIn: 3600 };

      const session = sessionFromResponse(response, null, NOW, 'idToken');

      expect(session.token).toBe('id-2');
      expect(session.expiresAt).toBeNull();
    });

    it('reads expiresIn given as a numeric string', () => {
      const response = { accessToken: 'access-2', expiresIn: '300' } as unknown as TokenResponse;

      expect(sessionFromResponse(response, null, NOW, 'accessToken').expiresAt).toBe(NOW + 300_000);
    });

    it('leaves expiresAt null when expiresIn is missing, zero or not a number', () => {
      for (const expiresIn of [undefined, 0, -5, 'soon', NaN]) {
        const response = { accessToken: 'access-2', expiresIn } as unknown as TokenResponse;

        expect(sessionFromResponse(response, null, NOW, 'accessToken').expiresAt).withContext(String(expiresIn)).toBeNull();
      }
    });

    it('rejects a response without the API token as invalid_response', () => {
      const responses: unknown[] = [{ idToken: 'id-2' }, { accessToken: '' }, { accessToken: 42 }, {}, null, undefined];
      for (const response of responses) {
        let thrown: unknown;

        try {
          sessionFromResponse(response as TokenResponse, previous, NOW, 'accessToken');
        } catch (error) {
          thrown = error;
        }

        expect(thrown instanceof AuthTokensError).withContext(JSON.stringify(response)).toBeTrue();
        expect((thrown as AuthTokensError).code).toBe('invalid_response');
      }
    });

    it('keeps the old refresh token, id token and profile when the response brings none', () => {
      const session = sessionFromResponse({ accessToken: 'access-2' }, previous, NOW, 'accessToken');

      expect(session.refreshToken).toBe('old-refresh');
      expect(session.idToken).toBe('old-id');
      expect(session.profile).toEqual({ name: 'Ann' });
    });

    it('replaces the refresh token with a rotated one', () => {
      const session = sessionFromResponse({ accessToken: 'access-2', refreshToken: 'refresh-2' }, previous, NOW, 'accessToken');

      expect(session.refreshToken).toBe('refresh-2');
    });

    it('replaces the profile when one is given', () => {
      const session = sessionFromResponse({ accessToken: 'access-2' }, previous, NOW, 'accessToken', { name: 'Bo' });

      expect(session.profile).toEqual({ name: 'Bo' });
    });
  });

  describe('isUsable', () => {
    it('is false for no session and for a session without a token', () => {
      expect(isUsable(null, NOW, 5)).toBeFalse();
      expect(isUsable(makeSession({ token: null, expiresAt: NOW + 3_600_000 }), NOW, 5)).toBeFalse();
    });

    it('takes expiry from expiresAt over the JWT exp', () => {
      const expiredByJwt = makeSession({ token: jwt(3600, 7200), expiresAt: NOW + 600_000 });
      const expiredByExpiresAt = makeSession({ token: jwt(3600), expiresAt: NOW - 1 });

      expect(isUsable(expiredByJwt, NOW, 5)).toBeTrue();
      expect(isUsable(expiredByExpiresAt, NOW, 5)).toBeFalse();
    });

    it('takes expiry from the JWT exp when expiresAt is null', () => {
      expect(isUsable(makeSession({ token: jwt(3600), expiresAt: null }), NOW, 5)).toBeTrue();
      expect(isUsable(makeSession({ token: jwt(3600, 3601), expiresAt: null }), NOW, 5)).toBeFalse();
    });

    it('uses an opaque token with expiresAt, and not one without', () => {
      expect(isUsable(makeSession({ token: 'opaque-abc', expiresAt: NOW + 600_000 }), NOW, 5)).toBeTrue();
      expect(isUsable(makeSession({ token: 'opaque-abc', expiresAt: null }), NOW, 5)).toBeFalse();
    });

    it('takes garbage tokens without expiresAt as expired', () => {
      for (const token of ['undefined', 'a.%%%.c', 'a.b']) {
        expect(isUsable(makeSession({ token, expiresAt: null }), NOW, 5)).withContext(token).toBeFalse();
      }
    });

    it('stops using a token minValiditySeconds before expiry', () => {
      const session = makeSession({ token: jwt(3600), expiresAt: NOW + 3_600_000 });

      expect(isUsable(session, NOW + 3_600_000 - 5_001, 5)).toBeTrue();
      expect(isUsable(session, NOW + 3_600_000 - 5_000, 5)).toBeFalse();
    });

    it('caps the margin at a tenth of the token\'s life: a 30 s token with a 5 s margin is used until 3 s before expiry', () => {
      const session = makeSession({ token: jwt(30), expiresAt: NOW + 30_000 });

      expect(isUsable(session, NOW, 5)).toBeTrue();
      expect(isUsable(session, NOW + 26_999, 5)).toBeTrue();
      expect(isUsable(session, NOW + 27_000, 5)).toBeFalse();
    });

    it('takes a JWT without exp as usable, as angular-jwt does', () => {
      expect(isUsable(makeSession({ token: makeJwt({ sub: 'user-1' }), expiresAt: null }), NOW, 5)).toBeTrue();
    });
  });

  describe('renewalTime', () => {
    it('fires half-way through a 30 s token with the default 60 s margin, not at once', () => {
      const session = makeSession({ token: jwt(30), expiresAt: NOW + 30_000 });

      expect(renewalTime(session, NOW, 60)).toBe(NOW + 15_000);
    });

    it('fires 60 s before expiry for a 1 h token', () => {
      const session = makeSession({ token: jwt(3600), expiresAt: NOW + 3_600_000 });

      expect(renewalTime(session, NOW, 60)).toBe(NOW + 3_600_000 - 60_000);
    });

    it('counts an opaque token\'s life from seenAt, a fixed point', () => {
      const session = makeSession({ token: 'opaque-abc', expiresAt: NOW + 30_000 });

      expect(renewalTime(session, NOW, 60)).toBe(NOW + 15_000);
      // Asked again later with the same seenAt, the answer does not move.
      expect(renewalTime(session, NOW, 60)).toBe(NOW + 15_000);
    });

    it('puts a token that expires in 40 days far in the future, not now', () => {
      const fortyDays = 40 * 24 * 3600;
      const session = makeSession({ token: jwt(fortyDays), expiresAt: null });

      expect(renewalTime(session, NOW, 60)).toBe(NOW + fortyDays * 1000 - 60_000);
    });

    it('has nothing to schedule for a JWT without exp, or a token whose expiry is unknown', () => {
      expect(renewalTime(makeSession({ token: makeJwt({ sub: 'user-1' }), expiresAt: null }), NOW, 60)).toBeNull();
      expect(renewalTime(makeSession({ token: 'opaque-abc', expiresAt: null }), NOW, 60)).toBeNull();
      expect(renewalTime(makeSession({ token: null }), NOW, 60)).toBeNull();
    });
  });
});
