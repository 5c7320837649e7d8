import { AuthTokensError } from '../../src/core/errors';
import type { Session } from '../../src/core/types';
import { oauth2RefreshToken, oauth2Revoke } from '../../src/refreshers/oauth2';
import { makeSession } from '../helpers/fakes';
import { expectErrorWithout, rejectionOf } from '../helpers/errors';

describe('oauth2 refreshers', () => {
  const TOKEN_ENDPOINT = 'https://id.example.com/oauth/token';
  const REVOCATION_ENDPOINT = 'https://id.example.com/oauth/revoke';
  const REFRESH_TOKEN = 'rt-secret/+=&value';
  const NEW_REFRESH_TOKEN = 'rt-rotated-secret';
  const ACCESS_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.at-secret.sig';
  const session: Session = makeSession({ refreshToken: REFRESH_TOKEN });

  function jsonResponse(status: number, body: unknown): Response {
    return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  }

  function textResponse(status: number, text: string): Response {
    return new Response(text, { status, headers: { 'Content-Type': 'text/html' } });
  }

  function fetchAnswering(response: Response): jasmine.Spy<typeof fetch> {
    return jasmine.createSpy<typeof fetch>('fetch').and.resolveTo(response);
  }

  /** An AuthTokensError with `code` that carries no token in its message, its string form or its cause. */
  const expectAuthTokensError = (error: unknown, code: AuthTokensError['code']) =>
    expectErrorWithout(error, code, [REFRESH_TOKEN, NEW_REFRESH_TOKEN, ACCESS_TOKEN]);

  const refresherAnswering = (response: Response) => oauth2RefreshToken({ tokenEndpoint: TOKEN_ENDPOINT, clientId: 'spa', fetch: fetchAnswering(response) });

  describe('oauth2RefreshToken', () => {
    it('POSTs the form-encoded refresh grant without cookies or cache', async () => {
      const fetchSpy = fetchAnswering(jsonResponse(200, { access_token: 'at-2' }));
      const refresh = oauth2RefreshToken({ tokenEndpoint: TOKEN_ENDPOINT, clientId: 'spa client', fetch: fetchSpy });

      await refresh(REFRESH_TOKEN, session);

      expect(fetchSpy).toHaveBeenCalledTimes(1);
      const [url, init] = fetchSpy.calls.mostRecent().args;
      expect(url).toBe(TOKEN_ENDPOINT);
      expect(init?.method).toBe('POST');
      expect(init?.headers).toEqual({ 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' });
      expect(init?.body).toBe('grant_type=refresh_token&refresh_token=rt-secret%2F%2B%3D%26value&client_id=spa+client');
      expect(init?.credentials).toBe('omit');
      expect(init?.cache).toBe('no-store');
    });

    it('adds the scope when one is configured', async () => {
      const fetchSpy = fetchAnswering(jsonResponse(200, { access_token: 'at-2' }));
      const refresh = oauth2RefreshToken({ tokenEndpoint: TOKEN_ENDPOINT, clientId: 'spa', scope: 'openid offline_access', fetch: fetchSpy });

      await refresh('rt-1', session);

      expect(fetchSpy.calls.mostRecent().args[1]?.body)
        .toBe('grant_type=refresh_token&refresh_token=rt-1&client_id=spa&scope=openid+offline_access');
    });

    it('maps the snake_case answer to a camelCase TokenResponse', async () => {
      const refresh = refresherAnswering(jsonResponse(200, {
        access_token: 'at-2', id_token: 'id-2', refresh_token: 'rt-2', expires_in: '30', scope: 'openid read:data',
        token_type: 'Bearer', extra: 'ignored',
      }));

      const response = await refresh('rt-1', session);

      expect(response).toEqual({ accessToken: 'at-2', idToken: 'id-2', refreshToken: 'rt-2', expiresIn: 30, scope: 'openid read:data', tokenType: 'Bearer' });
    });

    it('uses the global fetch as it is when called, not when created', async () => {
      const refresh = oauth2RefreshToken({ tokenEndpoint: TOKEN_ENDPOINT, clientId: 'spa' });
      const fetchSpy = spyOn(window, 'fetch').and.resolveTo(jsonResponse(200, { access_token: 'at-2' }));

      const response = await refresh('rt-1', session);

      expect(fetchSpy).toHaveBeenCalledTimes(1);
      expect(response.accessToken).toBe('at-2');
    });

    it('calls a fetch option without the options object as its receiver', async () => {
      const fetchSpy = fetchAnswering(jsonResponse(200, { access_token: 'at-2' }));
      const options = { tokenEndpoint: TOKEN_ENDPOINT, clientId: 'spa', fetch: fetchSpy };

      await oauth2RefreshToken(options)('rt-1', session);

      // window.fetch called on another object throws "Illegal invocation".
      expect(fetchSpy.calls.mostRecent().object).not.toBe(options);
    });

    describe('refusals and failures, as servers really send them', () => {
      const cases: Array<{ what: string; status: number; body: Record<string, unknown>; code: AuthTokensError['code'] }> = [
        { what: 'a revoked token answered 400 invalid_request', status: 400, body: { error: 'invalid_request', error_description: 'Token has been revoked' }, code: 'login_required' },
        { what: "oidc-provider's 400 invalid_grant", status: 400, body: { error: 'invalid_grant', error_description: 'grant request is invalid' }, code: 'login_required' },
        { what: '400 invalid_client', status: 400, body: { error: 'invalid_client' }, code: 'login_required' },
        { what: '401 invalid_client', status: 401, body: { error: 'invalid_client' }, code: 'login_required' },
        { what: '401 invalid_token', status: 401, body: { error: 'invalid_token', error_description: 'expired' }, code: 'login_required' },
        { what: '401 with a vendor error', status: 401, body: { error: 'session_revoked' }, code: 'login_required' },
        { what: "Auth0's 403 invalid_grant", status: 403, body: { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' }, code: 'login_required' },
        { what: '403 unauthorized_client', status: 403, body: { error: 'unauthorized_client' }, code: 'login_required' },
        { what: '403 access_denied', status: 403, body: { error: 'access_denied' }, code: 'login_required' },
        { what: '400 temporarily_unavailable', status: 400, body: { error: 'temporarily_unavailable' }, code: 'refresh_failed' },
        { what: '400 server_error', status: 400, body: { error: 'server_error', error_description: 'oops' }, code: 'refresh_failed' },
        { what: '400 use_dpop_nonce', status: 400, body: { error: 'use_dpop_nonce', error_description: 'nonce required' }, code: 'refresh_failed' },
        { what: '500 claiming invalid_grant', status: 500, body: { error: 'invalid_grant' }, code: 'refresh_failed' },
        { what: '502 claiming invalid_grant', status: 502, body: { error: 'invalid_grant' }, code: 'refresh_failed' },
        { what: '503 claiming invalid_grant', status: 503, body: { error: 'invalid_grant' }, code: 'refresh_failed' },
        { what: '408 claiming invalid_grant', status: 408, body: { error: 'invalid_grant' }, code: 'refresh_failed' },
        { what: '429 claiming invalid_grant', status: 429, body: { error: 'invalid_grant' }, code: 'refresh_failed' },
        { what: '429 slow_down', status: 429, body: { error: 'slow_down' }, code: 'refresh_failed' },
        { what: 'a 400 JSON body without error', status: 400, body: { message: 'Bad Request' }, code: 'refresh_failed' },
        { what: 'a 200 with an OAuth 2.0 error body', status: 200, body: { error: 'invalid_grant' }, code: 'login_required' },
      ];

      for (const { what, status, body, code } of cases) {
        it(`rejects ${what} as ${code}, with the status, error and error_description on cause`, async () => {
          const error = await rejectionOf(refresherAnswering(jsonResponse(status, body))(REFRESH_TOKEN, session));

          expectAuthTokensError(error, code);
          const { error: oauthError, error_description } = body;
          expect(error.cause).toEqual({ status, ...(oauthError !== undefined && { error: oauthError }), ...(error_description !== undefined && { error_description }) });
        });
      }

      const withoutOAuthBody: Array<[string, Response]> = [
        ['a 400 that is not JSON', textResponse(400, 'Bad Request')],
        ['a 401 that is not JSON', textResponse(401, '<html>Unauthorized</html>')],
        ['a 403 HTML page (a WAF)', textResponse(403, '<html>Access denied</html>')],
        ['a 502 HTML page', textResponse(502, '<html>Bad Gateway</html>')],
      ];
      for (const [what, response] of withoutOAuthBody) {
        it(`rejects ${what} as refresh_failed, with the status alone on cause`, async () => {
          const error = await rejectionOf(refresherAnswering(response)(REFRESH_TOKEN, session));

          expectAuthTokensError(error, 'refresh_failed');
          expect(error.cause).toEqual({ status: response.status });
        });
      }

      it('rejects a network failure as refresh_failed, explained on cause', async () => {
        const refresh = oauth2RefreshToken({ tokenEndpoint: TOKEN_ENDPOINT, clientId: 'spa', fetch: jasmine.createSpy<typeof fetch>('fetch').and.rejectWith(new TypeError('Failed to fetch')) });

        const error = await rejectionOf(refresh(REFRESH_TOKEN, session));

        expectAuthTokensError(error, 'refresh_failed');
        expect(error.cause).toEqual({ name: 'TypeError', message: 'Failed to fetch' });
      });

      it('rejects a fetch that throws synchronously as refresh_failed', async () => {
        const refresh = oauth2RefreshToken({ tokenEndpoint: TOKEN_ENDPOINT, clientId: 'spa', fetch: jasmine.createSpy<typeof fetch>('fetch').and.throwError(new TypeError('Illegal invocation')) });

        expectAuthTokensError(await rejectionOf(refresh(REFRESH_TOKEN, session)), 'refresh_failed');
      });
    });

    describe('invalid answers', () => {
      it('rejects a 200 that is not JSON as invalid_response, with the status alone on cause', async () => {
        const error = await rejectionOf(refresherAnswering(textResponse(200, '<html>login</html>'))(REFRESH_TOKEN, session));

        expectAuthTokensError(error, 'invalid_response');
        expect(error.cause).toEqual({ status: 200 });
      });

      it('rejects a form-encoded 200 as invalid_response, without its tokens on cause', async () => {
        // Some servers answer form-encoded unless asked otherwise; the answer holds the new tokens.
        const form = `access_token=${encodeURIComponent(ACCESS_TOKEN)}&refresh_token=${NEW_REFRESH_TOKEN}&token_type=bearer`;

        const error = await rejectionOf(refresherAnswering(new Response(form, { status: 200 }))(REFRESH_TOKEN, session));

        expectAuthTokensError(error, 'invalid_response');
        expect(error.cause).toEqual({ status: 200 });
      });

      it('rejects a 200 whose JSON is not an object as invalid_response', async () => {
        const error = await rejectionOf(refresherAnswering(jsonResponse(200, [ACCESS_TOKEN, NEW_REFRESH_TOKEN]))(REFRESH_TOKEN, session));

        expectAuthTokensError(error, 'invalid_response');
        expect(error.cause).toEqual({ status: 200 });
      });
    });

    describe('secrets', () => {
      it('keeps a refresh token the server echoes in other fields off cause and message', async () => {
        const error = await rejectionOf(refresherAnswering(jsonResponse(400, {
          error: 'invalid_grant', error_description: 'unknown refresh token', refresh_token: REFRESH_TOKEN, token: REFRESH_TOKEN,
          message: REFRESH_TOKEN, description: REFRESH_TOKEN, hint: { sent: REFRESH_TOKEN },
        }))(REFRESH_TOKEN, session));

        expectAuthTokensError(error, 'login_required');
        expect(error.cause).toEqual({ status: 400, error: 'invalid_grant', error_description: 'unknown refresh token' });
      });

      it('keeps the tokens of a 2xx error answer off cause', async () => {
        const error = await rejectionOf(refresherAnswering(jsonResponse(200, { error: 'invalid_grant', refresh_token: NEW_REFRESH_TOKEN, id_token: ACCESS_TOKEN }))(REFRESH_TOKEN, session));

        expectAuthTokensError(error, 'login_required');
        expect(error.cause).toEqual({ status: 200, error: 'invalid_grant' });
      });

      it('keeps the tokens of a 5xx answer off cause', async () => {
        const error = await rejectionOf(refresherAnswering(jsonResponse(503, { error: 'temporarily_unavailable', access_token: ACCESS_TOKEN, refresh_token: NEW_REFRESH_TOKEN }))(REFRESH_TOKEN, session));

        expectAuthTokensError(error, 'refresh_failed');
        expect(error.cause).toEqual({ status: 503, error: 'temporarily_unavailable' });
      });
    });
  });

  describe('oauth2Revoke', () => {
    it('POSTs the RFC 7009 form and resolves on 200', async () => {
      const fetchSpy = fetchAnswering(new Response('', { status: 200 }));
      const revoke = oauth2Revoke({ revocationEndpoint: REVOCATION_ENDPOINT, clientId: 'spa', fetch: fetchSpy });

      await expectAsync(Promise.resolve(revoke(REFRESH_TOKEN))).toBeResolved();

      const [url, init] = fetchSpy.calls.mostRecent().args;
      expect(url).toBe(REVOCATION_ENDPOINT);
      expect(init?.method).toBe('POST');
      expect(init?.headers).toEqual({ 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' });
      // token_type_hint: one server revokes a public client's refresh token only with it.
      expect(init?.body).toBe('token=rt-secret%2F%2B%3D%26value&token_type_hint=refresh_token&client_id=spa');
      expect(init?.credentials).toBe('omit');
      expect(init?.cache).toBe('no-store');
    });

    it('resolves on 204', async () => {
      const revoke = oauth2Revoke({ revocationEndpoint: REVOCATION_ENDPOINT, clientId: 'spa', fetch: fetchAnswering(new Response(null, { status: 204 })) });

      await expectAsync(Promise.resolve(revoke(REFRESH_TOKEN))).toBeResolved();
    });

    it('uses the global fetch as it is when called', async () => {
      const revoke = oauth2Revoke({ revocationEndpoint: REVOCATION_ENDPOINT, clientId: 'spa' });
      const fetchSpy = spyOn(window, 'fetch').and.resolveTo(new Response('', { status: 200 }));

      await revoke(REFRESH_TOKEN);

      expect(fetchSpy).toHaveBeenCalledTimes(1);
    });

    it('rejects an error answer as refresh_failed, explained on cause', async () => {
      const revoke = oauth2Revoke({ revocationEndpoint: REVOCATION_ENDPOINT, clientId: 'spa', fetch: fetchAnswering(jsonResponse(400, { error: 'invalid_client', token: REFRESH_TOKEN })) });

      const error = await rejectionOf(revoke(REFRESH_TOKEN));

      expectAuthTokensError(error, 'refresh_failed');
      expect(error.cause).toEqual({ error: 'invalid_client', status: 400 });
    });

    it('rejects a 503 that is not JSON as refresh_failed', async () => {
      const revoke = oauth2Revoke({ revocationEndpoint: REVOCATION_ENDPOINT, clientId: 'spa', fetch: fetchAnswering(textResponse(503, 'down')) });

      const error = await rejectionOf(revoke(REFRESH_TOKEN));

      expectAuthTokensError(error, 'refresh_failed');
      expect(error.cause).toEqual({ status: 503 });
    });

    it('rejects a network failure as refresh_failed, explained on cause', async () => {
      const revoke = oauth2Revoke({ revocationEndpoint: REVOCATION_ENDPOINT, clientId: 'spa', fetch: jasmine.createSpy<typeof fetch>('fetch').and.rejectWith(new TypeError('NetworkError when attempting to fetch resource.')) });

      const error = await rejectionOf(revoke(REFRESH_TOKEN));

      expectAuthTokensError(error, 'refresh_failed');
      expect(error.cause).toEqual({ name: 'TypeError', message: 'NetworkError when attempting to fetch resource.' });
    });
  });
});
