import { AuthTokensError, isAuthTokensError, toAuthTokensError } from '../../src/core/errors';

describe('errors', () => {
  const REFUSALS = ['invalid_grant', 'login_required', 'consent_required', 'interaction_required', 'mfa_required',
    'unauthorized_client', 'invalid_client'];

  describe('AuthTokensError', () => {
    it('is an Error with a name, a code and the original error on cause', () => {
      const original = new TypeError('Failed to fetch');

      const error = new AuthTokensError('refresh_failed', 'The refresh failed.', original);

      expect(error instanceof AuthTokensError).toBeTrue();
      expect(error instanceof Error).toBeTrue();
      expect(error.name).toBe('AuthTokensError');
      expect(error.code).toBe('refresh_failed');
      expect(error.message).toBe('The refresh failed.');
      expect(error.cause).toBe(original);
      expect(String(error)).toBe('AuthTokensError: The refresh failed.');
    });
  });

  describe('toAuthTokensError', () => {
    for (const refusal of REFUSALS) {
      it(`classifies an OAuth 2.0 body { error: '${refusal}' } as login_required`, () => {
        const body = { error: refusal, error_description: 'no' };

        const error = toAuthTokensError(body);

        expect(error instanceof AuthTokensError).toBeTrue();
        expect(error.code).toBe('login_required');
        expect(error.cause).toBe(body);
      });

      it(`classifies an auth0-js error { code: '${refusal}' } as login_required`, () => {
        const auth0Error = { code: refusal, description: 'no', statusCode: 403, original: {} };

        const error = toAuthTokensError(auth0Error);

        expect(error.code).toBe('login_required');
        expect(error.cause).toBe(auth0Error);
      });
    }

    it('classifies an Error carrying a refusal code as login_required', () => {
      const failure = Object.assign(new Error('refused'), { code: 'invalid_grant' });

      expect(toAuthTokensError(failure).code).toBe('login_required');
    });

    const transient: Array<[string, unknown]> = [
      ['a server error body', { error: 'server_error' }],
      ['temporarily_unavailable', { error: 'temporarily_unavailable' }],
      ['an auth0-js 429', { code: 'too_many_requests', statusCode: 429 }],
      ['an auth0-js timeout', { code: 'request_timeout', statusCode: 408 }],
      ['a 5xx without a body', { statusCode: 503 }],
      ['an error that is not a string', { error: { message: 'invalid_grant' } }],
      ['a refusal code as a bare string', 'invalid_grant'],
      ['some other string', 'boom'],
      ['null', null],
      ['undefined', undefined],
      ['a number', 42],
      ['a network Error', new TypeError('Failed to fetch')],
      ['a plain Error', new Error('boom')],
      ['an empty object', {}],
    ];
    for (const [what, reason] of transient) {
      it(`classifies ${what} as refresh_failed, keeping it on cause`, () => {
        const error = toAuthTokensError(reason);

        expect(error instanceof AuthTokensError).toBeTrue();
        expect(error.code).toBe('refresh_failed');
        expect(error.cause).toBe(reason);
      });
    }

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
});
