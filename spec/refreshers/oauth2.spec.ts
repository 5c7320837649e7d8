import { AuthTokensError } from '../../src/core/errors';
import type { Session } from '../../src/core/types';
import { oauth2RefreshToken, oauth2Revoke } from '../../src/refreshers/oauth2';
import { makeSession } from '../helpers/fakes';
import { expectAuthTokensError as expectErrorHiding, rejectionOf } from '../helpers/errors';

describe('oauth2 refreshers', () => {
  const TOKEN_ENDPOINT = 'https://id.example.com/oauth/token';
  const REVOCATION_ENDPOINT = 'https://id.example.com/oauth/revoke';
  const REFRESH_TOKEN = 'rt-secret/+=&value';
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


  const expectAuthTokensError = (error: unknown, code: AuthTokensError['code']) => expectErrorHiding(error, code, REFRESH_TOKEN);

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
      const fetchSpy = fetchAnswering(jsonResponse(200, {
        access_token: 'at-2', id_token: 'id-2', refresh_token: 'rt-2', expires_in: 30, scope: 'openid read:data',
        token_type: 'Bearer', extra: 'ignored',
      }));
      const refresh = oauth2RefreshToken({ tokenEndpoint: TOKEN_ENDPOINT, clientId: 'spa', fetch: fetchSpy });

      const response = await refresh('rt-1', session);

      expect(response).toEqual({ accessToken: 'at-2', idToken: 'id-2', refreshToken: 'rt-2', expiresIn: 30, scope: 'openid read:data', tokenType: 'Bearer' });
    });

    it('converts expires_in sent as a numeric string', async () => {
      const fetchSpy = fetchAnswering(jsonResponse(200, { access_token: 'at-2', expires_in: '3600' }));
      const refresh = oauth2RefreshToken({ tokenEndpoint: TOKEN_ENDPOINT, clientId: 'spa', fetch: fetchSpy });

      expect(await refresh('rt-1', session)).toEqual({ accessToken: 'at-2', expiresIn: 3600 });
    });

    it('leaves out fields the server did not send or sent with the wrong type', async () => {
      const fetchSpy = fetchAnswering(jsonResponse(200, { access_token: 'at-2', expires_in: 'soon', refresh_token: null }));
      const refresh = oauth2RefreshToken({ tokenEndpoint: TOKEN_ENDPOINT, clientId: 'spa', fetch: fetchSpy });

      expect(await refresh('rt-1', session)).toEqual({ accessToken: 'at-2' });
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

    describe('errors', () => {
      const cases: Array<{ what: string; answer: () => Response; code: AuthTokensError['code']; status: number }> = [
        { what: '400 invalid_grant', answer: () => jsonResponse(400, { error: 'invalid_grant', error_description: 'grant request is invalid' }), code: 'login_required', status: 400 },
        { what: '400 invalid_client', answer: () => jsonResponse(400, { error: 'invalid_client' }), code: 'login_required', status: 400 },
        { what: '401 invalid_client', answer: () => jsonResponse(401, { error: 'invalid_client' }), code: 'login_required', status: 401 },
        { what: "Auth0's 403 invalid_grant", answer: () => jsonResponse(403, { error: 'invalid_grant' }), code: 'login_required', status: 403 },
        { what: '400 invalid_request', answer: () => jsonResponse(400, { error: 'invalid_request' }), code: 'refresh_failed', status: 400 },
        { what: '500 server_error', answer: () => jsonResponse(500, { error: 'server_error' }), code: 'refresh_failed', status: 500 },
        { what: '503 claiming invalid_grant', answer: () => jsonResponse(503, { error: 'invalid_grant' }), code: 'refresh_failed', status: 503 },
        { what: '429 slow_down', answer: () => jsonResponse(429, { error: 'slow_down' }), code: 'refresh_failed', status: 429 },
        { what: '408 claiming invalid_grant', answer: () => jsonResponse(408, { error: 'invalid_grant' }), code: 'refresh_failed', status: 408 },
        { what: 'a 200 with an OAuth 2.0 error body', answer: () => jsonResponse(200, { error: 'invalid_grant' }), code: 'login_required', status: 200 },
      ];

      for (const { what, answer, code, status } of cases) {
        it(`rejects ${what} as ${code}, with the body and status on cause`, async () => {
          const response = answer();
          const body = await response.clone().json();
          const refresh = oauth2RefreshToken({ tokenEndpoint: TOKEN_ENDPOINT, clientId: 'spa', fetch: fetchAnswering(response) });

          const error = await rejectionOf(refresh(REFRESH_TOKEN, session));

          expectAuthTokensError(error, code);
          expect(error.cause).toEqual({ ...body, status });
        });
      }

      it('rejects a network failure as refresh_failed, with the original error on cause', async () => {
        const failure = new TypeError('Failed to fetch');
        const refresh = oauth2RefreshToken({ tokenEndpoint: TOKEN_ENDPOINT, clientId: 'spa', fetch: jasmine.createSpy<typeof fetch>('fetch').and.rejectWith(failure) });

        const error = await rejectionOf(refresh(REFRESH_TOKEN, session));

        expectAuthTokensError(error, 'refresh_failed');
        expect(error.cause).toBe(failure);
      });

      it('rejects a fetch that throws synchronously as refresh_failed', async () => {
        const failure = new TypeError('Illegal invocation');
        const refresh = oauth2RefreshToken({ tokenEndpoint: TOKEN_ENDPOINT, clientId: 'spa', fetch: jasmine.createSpy<typeof fetch>('fetch').and.throwError(failure) });

        const error = await rejectionOf(refresh(REFRESH_TOKEN, session));

        expectAuthTokensError(error, 'refresh_failed');
        expect(error.cause).toBe(failure);
      });

      it('rejects a real network failure (nothing listens) as refresh_failed', async () => {
        // Port 9 (discard) is on both browsers' blocked-port list: fetch fails at once, without a server.
        const refresh = oauth2RefreshToken({ tokenEndpoint: 'http://127.0.0.1:9/token', clientId: 'spa' });

        const error = await rejectionOf(refresh(REFRESH_TOKEN, session));

        expectAuthTokensError(error, 'refresh_failed');
        expect(error.cause instanceof TypeError).toBeTrue();
      });

      it('rejects a 200 that is not JSON as invalid_response', async () => {
        const refresh = oauth2RefreshToken({ tokenEndpoint: TOKEN_ENDPOINT, clientId: 'spa', fetch: fetchAnswering(textResponse(200, '<html>login</html>')) });

        const error = await rejectionOf(refresh(REFRESH_TOKEN, session));

        expectAuthTokensError(error, 'invalid_response');
        expect(error.cause).toEqual({ status: 200 });
      });

      it('rejects a 200 whose JSON is not an object as invalid_response', async () => {
        const refresh = oauth2RefreshToken({ tokenEndpoint: TOKEN_ENDPOINT, clientId: 'spa', fetch: fetchAnswering(jsonResponse(200, ['at-2'])) });

        expectAuthTokensError(await rejectionOf(refresh(REFRESH_TOKEN, session)), 'invalid_response');
      });

      it('rejects a 502 that is not JSON as refresh_failed', async () => {
        const refresh = oauth2RefreshToken({ tokenEndpoint: TOKEN_ENDPOINT, clientId: 'spa', fetch: fetchAnswering(textResponse(502, '<html>Bad Gateway</html>')) });

        const error = await rejectionOf(refresh(REFRESH_TOKEN, session));

        expectAuthTokensError(error, 'refresh_failed');
        expect(error.cause).toEqual({ status: 502 });
      });

      it('rejects a 400 that is not JSON as refresh_failed', async () => {
        const refresh = oauth2RefreshToken({ tokenEndpoint: TOKEN_ENDPOINT, clientId: 'spa', fetch: fetchAnswering(textResponse(400, 'Bad Request')) });

        expectAuthTokensError(await rejectionOf(refresh(REFRESH_TOKEN, session)), 'refresh_failed');
      });

      it('keeps the refresh token out of the message even when the server echoes it', async () => {
        const refresh = oauth2RefreshToken({
          tokenEndpoint: TOKEN_ENDPOINT, clientId: 'spa',
          fetch: fetchAnswering(jsonResponse(400, { error: 'invalid_grant', error_description: `unknown token ${REFRESH_TOKEN}` })),
        });

        const error = await rejectionOf(refresh(REFRESH_TOKEN, session));

        expectAuthTokensError(error, 'login_required');
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

    it('rejects an error answer as refresh_failed, with the body and status on cause', async () => {
      const revoke = oauth2Revoke({ revocationEndpoint: REVOCATION_ENDPOINT, clientId: 'spa', fetch: fetchAnswering(jsonResponse(400, { error: 'invalid_client' })) });

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

    it('rejects a network failure as refresh_failed, with the original error on cause', async () => {
      const failure = new TypeError('NetworkError when attempting to fetch resource.');
      const revoke = oauth2Revoke({ revocationEndpoint: REVOCATION_ENDPOINT, clientId: 'spa', fetch: jasmine.createSpy<typeof fetch>('fetch').and.rejectWith(failure) });

      const error = await rejectionOf(revoke(REFRESH_TOKEN));

      expectAuthTokensError(error, 'refresh_failed');
      expect(error.cause).toBe(failure);
    });
  });
});
