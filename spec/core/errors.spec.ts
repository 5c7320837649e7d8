import { AuthTokensError, explain, isAuthTokensError, toAuthTokensError } from '../../src/core/errors';

describe('errors', () => {
  const REFUSALS = ['invalid_grant', 'login_required', 'consent_required', 'interaction_required', 'mfa_required',
    'unauthorized_client', 'invalid_client'];

  describe('AuthTokensError', () => {
    it('is an Error with a name, a code and the cause it was given', () => {
      const cause = { status: 503 };

      const error = new AuthTokensError('refresh_failed', 'The refresh failed.', cause);

      expect(error instanceof AuthTokensError).toBeTrue();
      expect(error instanceof Error).toBeTrue();
      expect(error.name).toBe('AuthTokensError');
      expect(error.code).toBe('refresh_failed');
      expect(error.message).toBe('The refresh failed.');
      expect(error.cause).toBe(cause);
      expect(String(error)).toBe('AuthTokensError: The refresh failed.');
    });
  });

  describe('explain', () => {
    it('keeps the explaining fields that are strings or numbers, and nothing else', () => {
      const reason = {
        status: 400, statusCode: 400, error: 'invalid_grant', error_description: 'expired', code: 'invalid_grant',
        description: 'Unknown or invalid refresh token.', name: 'Error', message: 'Bad Request',
        refresh_token: 'rt-secret', access_token: 'at-secret', body: 'refresh_token=rt-secret', headers: { Authorization: 'Bearer at-secret' },
        original: { response: { req: { _data: { refresh_token: 'rt-secret' } } } }, statusText: 'Bad Request',
      };

      expect(explain(reason)).toEqual({
        status: 400, statusCode: 400, error: 'invalid_grant', error_description: 'expired', code: 'invalid_grant',
        description: 'Unknown or invalid refresh token.', name: 'Error', message: 'Bad Request',
      });
    });

    it('drops explaining fields of any other type: objects, arrays, booleans, null, undefined', () => {
      const reason = {
        status: { refresh_token: 'rt-secret' }, statusCode: null, error: ['rt-secret'], error_description: true,
        code: undefined, description: { text: 'rt-secret' }, name: 'Error', message: () => 'rt-secret',
      };

      expect(explain(reason)).toEqual({ name: 'Error' });
    });

    it("reads an Error's name from its prototype and leaves its stack out", () => {
      // An Error's `name` is inherited, and the browsers add their own fields (`stack`, Firefox's `fileName`).
      expect(explain(new TypeError('Failed to fetch'))).toEqual({ name: 'TypeError', message: 'Failed to fetch' });
    });

    it('explains nothing that is not an object', () => {
      for (const reason of [null, undefined, 'rt-secret', 42, true]) expect(explain(reason)).withContext(String(reason)).toBeUndefined();
    });
  });

  describe('toAuthTokensError', () => {
    for (const refusal of REFUSALS) {
      it(`classifies an OAuth 2.0 body { error: '${refusal}' } as login_required, explained on cause`, () => {
        const error = toAuthTokensError({ error: refusal, error_description: 'no' });

        expect(error instanceof AuthTokensError).toBeTrue();
        expect(error.code).toBe('login_required');
        expect(error.cause).toEqual({ error: refusal, error_description: 'no' });
      });

      it(`classifies an auth0-js error { code: '${refusal}' } as login_required, without its original`, () => {
        const error = toAuthTokensError({ code: refusal, description: 'no', statusCode: 403, original: {} });

        expect(error.code).toBe('login_required');
        expect(error.cause).toEqual({ code: refusal, description: 'no', statusCode: 403 });
      });
    }

    it('classifies an Error carrying a refusal code as login_required', () => {
      const failure = Object.assign(new Error('refused'), { code: 'invalid_grant' });

      const error = toAuthTokensError(failure);

      expect(error.code).toBe('login_required');
      expect(error.cause).toEqual({ code: 'invalid_grant', name: 'Error', message: 'refused' });
    });

    const transient: Array<[string, unknown, Record<string, string | number> | undefined]> = [
      ['a server error body', { error: 'server_error' }, { error: 'server_error' }],
      ['temporarily_unavailable', { error: 'temporarily_unavailable' }, { error: 'temporarily_unavailable' }],
      ['an auth0-js 429', { code: 'too_many_requests', statusCode: 429 }, { code: 'too_many_requests', statusCode: 429 }],
      ['an auth0-js timeout', { code: 'request_timeout', statusCode: 408 }, { code: 'request_timeout', statusCode: 408 }],
      ['a 5xx without a body', { statusCode: 503 }, { statusCode: 503 }],
      ['an error that is not a string', { error: { message: 'invalid_grant' } }, {}],
      ['a refusal code as a bare string', 'invalid_grant', undefined],
      ['some other string', 'boom', undefined],
      ['null', null, undefined],
      ['undefined', undefined, undefined],
      ['a number', 42, undefined],
      ['a network Error', new TypeError('Failed to fetch'), { name: 'TypeError', message: 'Failed to fetch' }],
      ['a plain Error', new Error('boom'), { name: 'Error', message: 'boom' }],
      ['an empty object', {}, {}],
    ];
    for (const [what, reason, cause] of transient) {
      it(`classifies ${what} as refresh_failed, explained on cause`, () => {
        const error = toAuthTokensError(reason);

        expect(error instanceof AuthTokensError).toBeTrue();
        expect(error.code).toBe('refresh_failed');
        expect(error.cause).toEqual(cause);
      });
    }

    describe('never carries a token', () => {
      // Apps log errors and send them to telemetry. auth0-js errors hold the request they sent in
      // `original`, and answer bodies may hold anything: neither may reach `cause` or `message`.
      const REFRESH = 'v1.rt-secret-7f3a';
      const ACCESS = 'eyJhbGciOiJSUzI1NiJ9.at-secret.sig';
      const ID = 'eyJhbGciOiJSUzI1NiJ9.id-secret.sig';
      const original = {
        message: 'Forbidden',
        response: { statusCode: 403, req: { method: 'POST', _data: { grant_type: 'refresh_token', refresh_token: REFRESH } } },
        request: { body: `grant_type=refresh_token&refresh_token=${REFRESH}` },
      };

      const reasons: Array<[string, unknown, AuthTokensError['code']]> = [
        ['a refusal', { code: 'invalid_grant', description: 'Unknown or invalid refresh token.', statusCode: 403, refresh_token: REFRESH, access_token: ACCESS, id_token: ID, original }, 'login_required'],
        ['a transient failure', { code: null, description: null, statusCode: 503, refreshToken: REFRESH, accessToken: ACCESS, idToken: ID, original }, 'refresh_failed'],
        ['an OAuth 2.0 body', { error: 'invalid_grant', refresh_token: REFRESH, access_token: ACCESS, id_token: ID, request: original.request }, 'login_required'],
        ['an Error with the request on it', Object.assign(new Error('Request failed'), { refreshToken: REFRESH, accessToken: ACCESS, original }), 'refresh_failed'],
        ['a bare token', REFRESH, 'refresh_failed'],
      ];
      for (const [what, reason, code] of reasons) {
        it(`in cause, message or its string form, for ${what}`, () => {
          const error = toAuthTokensError(reason);

          expect(error.code).toBe(code);
          for (const token of [REFRESH, ACCESS, ID]) {
            expect(JSON.stringify(error.cause) ?? '').withContext('cause').not.toContain(token);
            expect(error.message).withContext('message').not.toContain(token);
            expect(String(error)).withContext('String(error)').not.toContain(token);
          }
        });
      }
    });

    it('passes an AuthTokensError through unchanged, code and all', () => {
      const original = new AuthTokensError('invalid_response', 'no token');

      expect(toAuthTokensError(original)).toBe(original);
    });

    it('passes an AuthTokensError from another realm (same name and a code) through unchanged', () => {
      const foreign = { name: 'AuthTokensError', code: 'lock_timeout', message: 'waited too long' };

      expect(toAuthTokensError(foreign)).toBe(foreign as unknown as AuthTokensError);
    });
  });

  describe('isAuthTokensError', () => {
    it('recognises instances', () => {
      expect(isAuthTokensError(new AuthTokensError('lock_timeout', 'x'))).toBeTrue();
    });

    it('recognises the shape of one made by another copy of the package or another realm', () => {
      const foreign = { name: 'AuthTokensError', code: 'refresh_failed', message: 'x' };

      expect(isAuthTokensError(foreign)).toBeTrue();
    });

    it('recognises an error built in another realm (an iframe)', () => {
      const frame = document.createElement('iframe');
      document.body.appendChild(frame);
      try {
        const OtherError = (frame.contentWindow as unknown as { Error: ErrorConstructor }).Error;
        const foreign = Object.assign(new OtherError('x'), { name: 'AuthTokensError', code: 'login_required' });

        expect(foreign instanceof Error).toBeFalse();
        expect(isAuthTokensError(foreign)).toBeTrue();
      } finally {
        frame.remove();
      }
    });

    it('rejects look-alikes: no code, another name, a plain Error, a string, null', () => {
      expect(isAuthTokensError({ name: 'AuthTokensError' })).toBeFalse();
      expect(isAuthTokensError({ name: 'AuthTokensError', code: 42 })).toBeFalse();
      expect(isAuthTokensError({ name: 'Error', code: 'refresh_failed' })).toBeFalse();
      expect(isAuthTokensError(new Error('AuthTokensError'))).toBeFalse();
      expect(isAuthTokensError('AuthTokensError')).toBeFalse();
      expect(isAuthTokensError(null)).toBeFalse();
      expect(isAuthTokensError(undefined)).toBeFalse();
    });
  });
  it('cuts the given secrets out of every string it keeps, wherever they stand in it', () => {
    const reason = { error: 'invalid_grant', error_description: 'token rt-9 was spent; rt-9 again', code: 'rt-9', status: 400 };

    const failure = toAuthTokensError(reason, ['rt-9', null, '']);

    expect(failure.code).toBe('login_required');
    expect(failure.cause).toEqual({ error: 'invalid_grant', error_description: 'token [redacted] was spent; [redacted] again', code: '[redacted]', status: 400 });
    expect(JSON.stringify(failure)).not.toContain('rt-9');
  });
  it('cuts a secret out in its percent-encoded form too, as a server echoing the form it was sent writes it', () => {
    const secret = 'rt/+=secret';
    const failure = toAuthTokensError({ error: 'invalid_grant', error_description: `bad refresh_token=${encodeURIComponent(secret)}` }, [secret]);

    expect(failure.cause).toEqual({ error: 'invalid_grant', error_description: 'bad refresh_token=[redacted]' });
  });
});
