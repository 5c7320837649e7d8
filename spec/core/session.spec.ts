import { AuthTokensError } from '../../src/core/errors';
import { canRenew, isUsable, renewalTime, sessionFromResponse, toSession } from '../../src/core/session';
import type { Session, TokenResponse } from '../../src/core/types';
import { makeSession } from '../helpers/fakes';
import { makeJwt } from '../helpers/jwt';

describe('session', () => {
  const NOW = 1_700_000_000_000;
  const SEC = Math.floor(NOW / 1000);
  /** A JWT issued `issuedAgo` seconds before NOW that lives `life` seconds. */
  const jwt = (life: number, issuedAgo = 0) =>
    makeJwt({ iat: SEC - issuedAgo, exp: SEC - issuedAgo + life, jti: Math.random().toString(36).slice(2) });
  /** What sessionFromResponse throws, or undefined. */
  const thrownBy = (build: () => unknown): unknown => {
    try {
      build();
    } catch (error) {
      return error;
    }
    return undefined;
  };

  describe('toSession', () => {
    const full = { token: 'access-1', refreshToken: 'refresh-1', idToken: 'id-1', profile: { name: 'Ann' }, expiresAt: NOW };

    it('reads a well-formed session field by field', () => {
      expect(toSession(full)).toEqual(full);
    });

    it('reads anything that is not an object as no session', () => {
      for (const value of [undefined, null, 0, 42, NaN, '', 'access-1', '{"token":"a"}', true, false, [], ['access-1'],
        Object.assign(['access-1'], { token: 'access-1', refreshToken: 'refresh-1' }), () => full]) {
        expect(toSession(value)).withContext(String(value)).toBeNull();
      }
    });

    it('reads no session when neither the token nor the refresh token is usable text', () => {
      const garbage: unknown[] = [undefined, null, '', 'undefined', 'null', 42, true, {}, ['access-1']];
      for (const token of garbage) {
        for (const refreshToken of garbage) {
          expect(toSession({ ...full, token, refreshToken })).withContext(`${String(token)} / ${String(refreshToken)}`).toBeNull();
        }
      }
    });

    it('reads a garbage field as missing, keeping the rest of the session', () => {
      const garbage: unknown[] = [undefined, null, '', 'undefined', 'null', 42, false, {}, ['x']];
      for (const value of garbage) {
        const context = JSON.stringify(value) ?? 'undefined';
        expect(toSession({ ...full, token: value })).withContext(`token ${context}`).toEqual({ ...full, token: null });
        expect(toSession({ ...full, refreshToken: value })).withContext(`refreshToken ${context}`).toEqual({ ...full, refreshToken: null });
        expect(toSession({ ...full, idToken: value })).withContext(`idToken ${context}`).toEqual({ ...full, idToken: null });
      }
    });

    it('reads an expiresAt that is not a finite number as unknown', () => {
      for (const expiresAt of [undefined, null, NaN, Infinity, -Infinity, '1700000000000', {}, [NOW], true]) {
        expect(toSession({ ...full, expiresAt })!.expiresAt).withContext(String(expiresAt)).toBeNull();
      }
    });

    it('keeps any profile, and reads a missing one as null', () => {
      for (const profile of [{ name: 'Zoë' }, ['admin'], 'Ann', 0, false]) {
        expect(toSession({ ...full, profile })!.profile).toEqual(profile);
      }
      expect(toSession({ ...full, profile: undefined })!.profile).toBeNull();
    });

    it('keeps a session with only a refresh token, or only a token', () => {
      expect(toSession({ refreshToken: 'refresh-1' })).toEqual({ token: null, refreshToken: 'refresh-1', idToken: null, profile: null, expiresAt: null });
      expect(toSession({ token: 'access-1' })).toEqual({ token: 'access-1', refreshToken: null, idToken: null, profile: null, expiresAt: null });
    });
  });

  describe('sessionFromResponse', () => {
    const previous: Session = { token: 'old-access', idToken: 'old-id', refreshToken: 'old-refresh', profile: { name: 'Ann' }, expiresAt: NOW - 1 };

    afterEach(() => jasmine.clock().uninstall());

    it('takes the access token, expiring expiresIn after the request was sent', () => {
      const response: TokenResponse = { accessToken: 'access-2', idToken: 'id-2', refreshToken: 'refresh-2', expiresIn: 3600 };

      const session = sessionFromResponse(response, null, NOW, 'accessToken');

      expect(session).toEqual({ token: 'access-2', idToken: 'id-2', refreshToken: 'refresh-2', profile: null, expiresAt: NOW + 3_600_000 });
    });

    it('counts from when the request was sent, not from when the answer arrived', () => {
      jasmine.clock().install();
      // The answer comes 20 s after the request left: the server started counting before that.
      jasmine.clock().mockDate(new Date(NOW + 20_000));

      const session = sessionFromResponse({ accessToken: 'access-2', expiresIn: 300 }, null, NOW, 'accessToken');

      expect(session.expiresAt).toBe(NOW + 300_000);
    });

    it('reads expiresIn given as a numeric string', () => {
      const response = { accessToken: 'access-2', expiresIn: '300' } as unknown as TokenResponse;

      expect(sessionFromResponse(response, null, NOW, 'accessToken').expiresAt).toBe(NOW + 300_000);
    });

    it('takes expiresIn 0 as a token due at once, not as a missing expiresIn', () => {
      // A JWT that would live an hour by its own claims: expiresIn, when given, is what the server means.
      const session = sessionFromResponse({ accessToken: jwt(3600), expiresIn: 0 }, null, NOW, 'accessToken');

      expect(session.expiresAt).toBe(NOW);
    });

    it('takes the life of a JWT from its own exp - iat where expiresIn is missing or not a number', () => {
      for (const expiresIn of [undefined, -5, 'soon', NaN, Infinity]) {
        const response = { accessToken: jwt(600), expiresIn } as unknown as TokenResponse;

        expect(sessionFromResponse(response, null, NOW, 'accessToken').expiresAt).withContext(String(expiresIn)).toBe(NOW + 600_000);
      }
    });

    it('leaves expiresAt unknown for an opaque token without expiresIn, and for a JWT whose life it cannot tell', () => {
      const cannotTell = [
        'opaque-access',
        makeJwt({ exp: SEC + 600 }), // no iat: its exp decides, later
        makeJwt({ iat: SEC }), // no exp: never expires, as angular-jwt takes it
        makeJwt({ iat: SEC, exp: SEC }), // no life at all
        makeJwt({ iat: SEC + 60, exp: SEC }),
        makeJwt({ iat: 'now', exp: SEC + 600 }),
      ];
      for (const accessToken of cannotTell) {
        expect(sessionFromResponse({ accessToken }, null, NOW, 'accessToken').expiresAt).withContext(accessToken).toBeNull();
      }
    });

    it('takes the id token with apiToken "idToken", its life from its own exp - iat rather than expiresIn', () => {
      const idToken = jwt(600);
      // expiresIn describes the access token, which lives longer here.
      const response: TokenResponse = { accessToken: 'access-2', idToken, expiresIn: 3600 };

      const session = sessionFromResponse(response, null, NOW, 'idToken');

      expect(session.token).toBe(idToken);
      expect(session.expiresAt).toBe(NOW + 600_000);
    });

    it('leaves an opaque id token\'s expiry unknown, whatever expiresIn says', () => {
      const session = sessionFromResponse({ accessToken: 'access-2', idToken: 'id-2', expiresIn: 3600 }, null, NOW, 'idToken');

      expect(session.expiresAt).toBeNull();
    });

    describe('with a client clock skewed from the server\'s', () => {
      // The server stamps iat and exp on its own clock; this machine's clock reads NOW when it sends.
      const skews: Array<[string, number]> = [['10 minutes ahead of', 600], ['10 minutes behind', -600], ['2 hours behind', -7200]];
      for (const [what, clientAhead] of skews) {
        it(`yields a usable token with its full life when the client is ${what} the server`, () => {
          const serverNow = SEC - clientAhead;
          const token = makeJwt({ iat: serverNow, exp: serverNow + 300 });

          for (const apiToken of ['accessToken', 'idToken'] as const) {
            const response: TokenResponse = apiToken === 'idToken' ? { accessToken: 'access-2', idToken: token } : { accessToken: token };

            const session = sessionFromResponse(response, null, NOW, apiToken);

            expect(session.expiresAt).withContext(apiToken).toBe(NOW + 300_000);
            expect(isUsable(session, NOW + 1000, 60)).withContext(`${apiToken} usable on arrival`).toBeTrue();
            // Used until 5 s (and the rounding second) before the end of its life as counted here, and not after.
            expect(isUsable(session, NOW + 293_999, 5)).withContext(`${apiToken} before its end`).toBeTrue();
            expect(isUsable(session, NOW + 294_000, 5)).withContext(`${apiToken} at its end`).toBeFalse();
            // Renewed half-way through its life (margin capped), on this machine's clock.
            expect(renewalTime(session, NOW, 600)).withContext(apiToken).toBe(NOW + 150_000);
          }
        });
      }
    });

    it('rejects a response without the API token as invalid_response', () => {
      const responses: unknown[] = [{ idToken: 'id-2' }, { accessToken: '' }, { accessToken: 42 }, {}, 'access-2'];
      for (const response of responses) {
        const thrown = thrownBy(() => sessionFromResponse(response as TokenResponse, previous, NOW, 'accessToken'));

        expect(thrown instanceof AuthTokensError).withContext(JSON.stringify(response)).toBeTrue();
        expect((thrown as AuthTokensError).code).toBe('invalid_response');
      }
      const withoutIdToken = thrownBy(() => sessionFromResponse({ accessToken: 'access-2' }, previous, NOW, 'idToken'));
      expect((withoutIdToken as AuthTokensError).code).toBe('invalid_response');
    });

    it('rejects a refresher that resolved with nothing as invalid_response', () => {
      for (const response of [null, undefined]) {
        const thrown = thrownBy(() => sessionFromResponse(response as unknown as TokenResponse, previous, NOW, 'accessToken'));

        expect(thrown instanceof AuthTokensError).withContext(String(response)).toBeTrue();
        expect((thrown as AuthTokensError).code).toBe('invalid_response');
      }
    });

    it('names the fields that came in invalid_response\'s cause, never their values', () => {
      const refreshToken = 'refresh-secret-2';
      const idToken = jwt(600);

      const thrown = thrownBy(() => sessionFromResponse({ idToken, refreshToken, scope: 'openid' }, previous, NOW, 'accessToken')) as AuthTokensError;

      expect(thrown.cause).toEqual({ fields: ['idToken', 'refreshToken', 'scope'] });
      const told = JSON.stringify(thrown.cause) + thrown.message + String(thrown);
      expect(told).not.toContain(refreshToken);
      expect(told).not.toContain(idToken);
    });

    it('keeps the old refresh token, id token and profile when the response brings none', () => {
      const session = sessionFromResponse({ accessToken: 'access-2' }, previous, NOW, 'accessToken');

      expect(session.refreshToken).toBe('old-refresh');
      expect(session.idToken).toBe('old-id');
      expect(session.profile).toEqual({ name: 'Ann' });
    });

    it('keeps the old refresh token when the response brings an empty one', () => {
      expect(sessionFromResponse({ accessToken: 'access-2', refreshToken: '' }, previous, NOW, 'accessToken').refreshToken).toBe('old-refresh');
    });

    it('replaces the refresh token with a rotated one', () => {
      const session = sessionFromResponse({ accessToken: 'access-2', refreshToken: 'refresh-2' }, previous, NOW, 'accessToken');

      expect(session.refreshToken).toBe('refresh-2');
    });

    it('replaces the profile when one is given, null included', () => {
      expect(sessionFromResponse({ accessToken: 'access-2' }, previous, NOW, 'accessToken', { name: 'Bo' }).profile).toEqual({ name: 'Bo' });
      expect(sessionFromResponse({ accessToken: 'access-2' }, previous, NOW, 'accessToken', null).profile).toBeNull();
    });
  });

  describe('canRenew', () => {
    const withRefreshToken = makeSession({ refreshToken: 'refresh-1' });
    const withoutRefreshToken = makeSession({ refreshToken: null });

    it('needs a stored session, whatever the refresher', () => {
      expect(canRenew(null, {})).toBeFalse();
      expect(canRenew(null, { usesRefreshToken: false })).toBeFalse();
    });

    it('needs a refresh token for a refresher that uses one', () => {
      for (const refresher of [{}, { usesRefreshToken: true }, { usesRefreshToken: undefined }]) {
        expect(canRenew(withRefreshToken, refresher)).withContext(JSON.stringify(refresher)).toBeTrue();
        expect(canRenew(withoutRefreshToken, refresher)).withContext(JSON.stringify(refresher)).toBeFalse();
      }
    });

    it('renews a session without a refresh token with a refresher that needs none (silent renewal)', () => {
      expect(canRenew(withoutRefreshToken, { usesRefreshToken: false })).toBeTrue();
      expect(canRenew(makeSession({ token: jwt(3600, 7200), refreshToken: null }), { usesRefreshToken: false })).toBeTrue();
    });

    it('renews a session holding only a refresh token (its token expired or garbage)', () => {
      expect(canRenew(makeSession({ token: null, refreshToken: 'refresh-1' }), {})).toBeTrue();
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

    it('stops using a token minValiditySeconds before expiry, and a second more for the rounding of exp', () => {
      const session = makeSession({ token: jwt(3600), expiresAt: NOW + 3_600_000 });

      expect(isUsable(session, NOW + 3_600_000 - 6_001, 5)).toBeTrue();
      expect(isUsable(session, NOW + 3_600_000 - 6_000, 5)).toBeFalse();
    });

    it('caps the margin at a tenth of the token\'s life: a 30 s token with a 5 s margin is used until 3 s (and the rounding second) before expiry', () => {
      const session = makeSession({ token: jwt(30), expiresAt: NOW + 30_000 });

      expect(isUsable(session, NOW, 5)).toBeTrue();
      expect(isUsable(session, NOW + 25_999, 5)).toBeTrue();
      expect(isUsable(session, NOW + 26_000, 5)).toBeFalse();
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

    it('fires no later than when requests stop using a token of a few seconds, so that none waits for it', () => {
      const session = makeSession({ token: jwt(2), expiresAt: NOW + 2000 });
      const due = renewalTime(session, NOW, 60, 5)!;

      // Half-way would be NOW + 1000, after requests stop using it (0.2 s margin and the rounding second).
      expect(due).toBe(NOW + 800);
      expect(isUsable(session, due - 1, 5)).toBeTrue();
      expect(isUsable(session, due, 5)).toBeFalse();
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
