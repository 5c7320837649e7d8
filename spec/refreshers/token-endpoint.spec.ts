import { AuthTokensError } from '../../src/core/errors';
import { failureOf, isSuccess, isTransientStatus, postForm, revokeAt, tokenResponseOf } from '../../src/refreshers/token-endpoint';
import type { Sender } from '../../src/core/types';
import { expectAuthTokensError as expectErrorHiding, rejectionOf } from '../helpers/errors';

describe('token endpoint', () => {
  const ENDPOINT = 'https://id.example.com/oauth/token';
  const REFRESH_TOKEN = 'rt-secret/+=&value';
  const ACCESS_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.at-secret.sig';

  function jsonResponse(status: number, body: unknown): Response {
    return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  }

  function fetchAnswering(response: Response): jasmine.Spy<typeof fetch> {
    return jasmine.createSpy<typeof fetch>('fetch').and.resolveTo(response);
  }

  /** An AuthTokensError with `code` that carries neither token in its message, string form or cause. */
  function expectAuthTokensError(error: unknown, code: AuthTokensError['code']): void {
    expectErrorHiding(error, code, REFRESH_TOKEN);
    for (const token of [REFRESH_TOKEN, ACCESS_TOKEN]) {
      expect(JSON.stringify((error as AuthTokensError).cause) ?? '').withContext('cause').not.toContain(token);
      expect((error as AuthTokensError).message).not.toContain(token);
    }
  }

  describe('postForm', () => {
    it('POSTs the form url-encoded, asking for JSON, without cookies or cache', async () => {
      const fetchSpy = fetchAnswering(jsonResponse(200, {}));

      await postForm(ENDPOINT, { refresh_token: REFRESH_TOKEN, client_id: 'spa client' }, fetchSpy, 'token');

      expect(fetchSpy).toHaveBeenCalledTimes(1);
      const [url, init] = fetchSpy.calls.mostRecent().args;
      expect(url).toBe(ENDPOINT);
      expect(init?.method).toBe('POST');
      expect(init?.headers).toEqual({ 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' });
      expect(init?.body).toBe('refresh_token=rt-secret%2F%2B%3D%26value&client_id=spa+client');
      // Tokens travel in the body only, and a cached answer to a spent refresh token must never be replayed.
      expect(init?.credentials).toBe('omit');
      expect(init?.cache).toBe('no-store');
    });

    describe('with a sender', () => {
      const sender = (answers: boolean[]): Sender => ({
        scheme: 'DPoP',
        headers: jasmine.createSpy('headers').and.callFake(async (method: string, url: string) => ({ DPoP: `proof for ${method} ${url}` })),
        answered: jasmine.createSpy('answered').and.callFake(() => answers.shift() ?? false),
      });

      it('adds its headers and shows it the answer, headers and body', async () => {
        const fetchSpy = fetchAnswering(new Response('{"access_token":"x"}', { status: 200, headers: { 'DPoP-Nonce': 'n-1' } }));
        const s = sender([]);

        await postForm(ENDPOINT, { grant_type: 'refresh_token' }, fetchSpy, 'token', s);

        expect(fetchSpy.calls.mostRecent().args[1]?.headers).toEqual({
          'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json', DPoP: `proof for POST ${ENDPOINT}`,
        });
        const [url, status, header, body] = (s.answered as jasmine.Spy).calls.mostRecent().args as [string, number, (name: string) => string | null, unknown];
        expect([url, status, header('dpop-nonce'), body]).toEqual([ENDPOINT, 200, 'n-1', { access_token: 'x' }]);
      });

      it('sends the request once more, with fresh headers, when the sender asks, and never a third time', async () => {
        const fetchSpy = jasmine.createSpy<typeof fetch>('fetch').and.callFake(async () => jsonResponse(400, { error: 'use_dpop_nonce' }));
        const s = sender([true, true, true]);

        const answer = await postForm(ENDPOINT, { refresh_token: REFRESH_TOKEN }, fetchSpy, 'token', s);

        expect(fetchSpy).toHaveBeenCalledTimes(2);
        expect(s.headers).toHaveBeenCalledTimes(2);
        expect(answer.status).toBe(400);
        expect(answer.cause).toEqual({ status: 400, error: 'use_dpop_nonce' });
        // The same refresh token both times: a nonce challenge is answered before the grant is looked at.
        expect(fetchSpy.calls.all().map((call) => call.args[1]?.body)).toEqual(['refresh_token=rt-secret%2F%2B%3D%26value', 'refresh_token=rt-secret%2F%2B%3D%26value']);
      });
    });

    it('answers the status and the JSON object body', async () => {
      const body = { access_token: ACCESS_TOKEN, expires_in: 30, nested: { a: 1 } };

      const answer = await postForm(ENDPOINT, {}, fetchAnswering(jsonResponse(201, body)), 'token');

      expect(answer.status).toBe(201);
      expect(answer.body).toEqual(body);
      expect(answer.cause).toEqual({ status: 201 });
    });

    it("puts only the status, error and error_description on cause, whatever else the body echoes", async () => {
      const body = {
        error: 'invalid_grant', error_description: 'grant request is invalid', refresh_token: REFRESH_TOKEN, token: REFRESH_TOKEN,
        access_token: ACCESS_TOKEN, message: REFRESH_TOKEN, description: REFRESH_TOKEN, code: REFRESH_TOKEN, name: REFRESH_TOKEN,
        request: { body: `refresh_token=${REFRESH_TOKEN}` },
      };

      const answer = await postForm(ENDPOINT, {}, fetchAnswering(jsonResponse(400, body)), 'token');

      expect(answer.cause).toEqual({ status: 400, error: 'invalid_grant', error_description: 'grant request is invalid' });
      expect(JSON.stringify(answer.cause)).not.toContain(REFRESH_TOKEN);
      expect(JSON.stringify(answer.cause)).not.toContain(ACCESS_TOKEN);
    });

    it('cuts the tokens it sent out of an error and error_description that echo them', async () => {
      const fetchSpy = fetchAnswering(jsonResponse(400, { error: REFRESH_TOKEN, error_description: `refresh token ${REFRESH_TOKEN} is revoked` }));

      const { cause } = await postForm(ENDPOINT, { grant_type: 'refresh_token', refresh_token: REFRESH_TOKEN, client_id: 'spa' }, fetchSpy, 'token');

      expect(cause).toEqual({ status: 400, error: '[redacted]', error_description: 'refresh token [redacted] is revoked' });
      // The code the server sent is no OAuth 2.0 error code: it stays out of the message.
      const error = failureOf(400, cause.error, cause);
      expect(error.code).toBe('login_required');
      expect(error.message).toBe('The server refused the refresh token.');
    });

    it('leaves an error or error_description that is not a string or number off cause', async () => {
      const answer = await postForm(ENDPOINT, {}, fetchAnswering(jsonResponse(400, { error: { token: REFRESH_TOKEN }, error_description: null })), 'token');

      expect(answer.cause).toEqual({ status: 400 });
    });

    const notObjects: Array<[string, () => Response]> = [
      ['an HTML page', () => new Response('<html>Bad Gateway</html>', { status: 502, headers: { 'Content-Type': 'text/html' } })],
      ['a form-encoded answer', () => new Response(`access_token=${ACCESS_TOKEN}&refresh_token=${REFRESH_TOKEN}`, { status: 200 })],
      ['a JSON array', () => jsonResponse(200, [ACCESS_TOKEN])],
      ['a JSON string', () => jsonResponse(200, ACCESS_TOKEN)],
      ['JSON null', () => jsonResponse(400, null)],
      ['an empty body', () => new Response(null, { status: 204 })],
    ];
    for (const [what, answer] of notObjects) {
      it(`answers a null body and the status alone on cause for ${what}`, async () => {
        const response = answer();

        const { status, body, cause } = await postForm(ENDPOINT, {}, fetchAnswering(response), 'token');

        expect(body).toBeNull();
        expect(cause).toEqual({ status });
        expect(status).toBe(response.status);
      });
    }

    it('uses the global fetch as it is when called', async () => {
      const fetchSpy = spyOn(window, 'fetch').and.resolveTo(jsonResponse(200, {}));

      await postForm(ENDPOINT, {}, undefined, 'token');

      expect(fetchSpy).toHaveBeenCalledTimes(1);
    });

    it('rejects a network failure as refresh_failed, naming the endpoint and explaining the failure', async () => {
      const fetchSpy = jasmine.createSpy<typeof fetch>('fetch').and.rejectWith(new TypeError('Failed to fetch'));

      const error = await rejectionOf(postForm(ENDPOINT, { refresh_token: REFRESH_TOKEN }, fetchSpy, 'token'));

      expectAuthTokensError(error, 'refresh_failed');
      expect(error.message).toBe('The token endpoint could not be reached.');
      expect(error.cause).toEqual({ name: 'TypeError', message: 'Failed to fetch' });
    });

    it('rejects a fetch that throws synchronously as refresh_failed', async () => {
      const fetchSpy = jasmine.createSpy<typeof fetch>('fetch').and.throwError(new TypeError('Illegal invocation'));

      const error = await rejectionOf(postForm(ENDPOINT, {}, fetchSpy, 'revocation'));

      expectAuthTokensError(error, 'refresh_failed');
      expect(error.message).toBe('The revocation endpoint could not be reached.');
      expect(error.cause).toEqual({ name: 'TypeError', message: 'Illegal invocation' });
    });

    it('rejects an answer whose body breaks off as refresh_failed', async () => {
      const broken = new ReadableStream<Uint8Array>({ start: (controller) => controller.error(new TypeError('network error')) });

      const error = await rejectionOf(postForm(ENDPOINT, {}, fetchAnswering(new Response(broken, { status: 200 })), 'token'));

      expectAuthTokensError(error, 'refresh_failed');
      // Chromium passes the stream's TypeError on; Firefox reports an AbortError.
      expect(error.cause).toEqual(jasmine.objectContaining({ name: jasmine.any(String) }));
    });

    it('rejects a real network failure (nothing listens) as refresh_failed', async () => {
      // Port 9 (discard) is on both browsers' blocked-port list: fetch fails at once, without a server.
      const error = await rejectionOf(postForm('http://127.0.0.1:9/token', { refresh_token: REFRESH_TOKEN }, undefined, 'token'));

      expectAuthTokensError(error, 'refresh_failed');
      expect(error.cause).toEqual(jasmine.objectContaining({ name: 'TypeError' }));
    });
  });

  describe('revokeAt', () => {
    const REVOKE = 'https://id.example.com/oauth/revoke';

    it('POSTs the form to the endpoint and resolves on 200', async () => {
      const fetchSpy = fetchAnswering(new Response('', { status: 200 }));

      await expectAsync(revokeAt(REVOKE, { token: REFRESH_TOKEN, client_id: 'spa' }, fetchSpy)).toBeResolvedTo(undefined);

      const [url, init] = fetchSpy.calls.mostRecent().args;
      expect(url).toBe(REVOKE);
      expect(init?.body).toBe('token=rt-secret%2F%2B%3D%26value&client_id=spa');
    });

    it('resolves on 204', async () => {
      await expectAsync(revokeAt(REVOKE, {}, fetchAnswering(new Response(null, { status: 204 })))).toBeResolved();
    });

    it('uses the global fetch when given none', async () => {
      const fetchSpy = spyOn(window, 'fetch').and.resolveTo(new Response('', { status: 200 }));

      await revokeAt(REVOKE, { token: REFRESH_TOKEN });

      expect(fetchSpy).toHaveBeenCalledTimes(1);
    });

    // A failed revocation says nothing about the session, which has already ended: it is reported, never login_required.
    for (const [status, body] of [[400, { error: 'invalid_grant' }], [401, { error: 'invalid_client' }], [503, { error: 'temporarily_unavailable' }]] as const) {
      it(`rejects ${status} ${body.error} as refresh_failed, explained on cause`, async () => {
        const error = await rejectionOf(revokeAt(REVOKE, { token: REFRESH_TOKEN }, fetchAnswering(jsonResponse(status, { ...body, token: REFRESH_TOKEN }))));

        expectAuthTokensError(error, 'refresh_failed');
        expect(error.message).toBe(`The revocation endpoint answered ${status}.`);
        expect(error.cause).toEqual({ status, error: body.error });
      });
    }

    it('rejects a network failure as refresh_failed', async () => {
      const fetchSpy = jasmine.createSpy<typeof fetch>('fetch').and.rejectWith(new TypeError('NetworkError when attempting to fetch resource.'));

      const error = await rejectionOf(revokeAt(REVOKE, { token: REFRESH_TOKEN }, fetchSpy));

      expectAuthTokensError(error, 'refresh_failed');
      expect(error.message).toBe('The revocation endpoint could not be reached.');
    });
  });

  describe('failureOf', () => {
    const cause = { status: 0 };

    // Refusals that the same request cannot pass on a retry, as servers really send them.
    const refusals: Array<[number, string]> = [
      [400, 'invalid_grant'],
      [400, 'invalid_request'], // "Token has been revoked", from an OAuth 2.0 server that does not say invalid_grant
      [400, 'invalid_client'],
      [400, 'unauthorized_client'],
      [400, 'invalid_scope'],
      [400, 'unsupported_grant_type'],
      [400, 'invalid_dpop_proof'],
      [400, 'a_vendor_code'],
      [401, 'invalid_client'],
      [401, 'invalid_token'],
      [401, 'invalid_request'],
      [401, 'a_vendor_code'],
      [403, 'invalid_grant'], // Auth0, for a revoked refresh token
      [403, 'unauthorized_client'],
      [403, 'access_denied'],
      [403, 'a_vendor_code'],
    ];
    for (const [status, error] of refusals) {
      it(`makes ${status} ${error} login_required, naming the error`, () => {
        const failure = failureOf(status, error, cause);

        expect(failure instanceof AuthTokensError).toBeTrue();
        expect(failure.code).toBe('login_required');
        expect(failure.message).toContain(`(${error})`);
        expect(failure.cause).toBe(cause);
      });
    }

    // Failures that a later attempt can pass: the server's trouble, DPoP's nonce, and whatever is not an OAuth 2.0 refusal.
    const passing: Array<[string, number, unknown]> = [
      ['400 temporarily_unavailable', 400, 'temporarily_unavailable'],
      ['400 server_error', 400, 'server_error'],
      ['400 use_dpop_nonce', 400, 'use_dpop_nonce'],
      ['401 use_dpop_nonce', 401, 'use_dpop_nonce'],
      ['403 temporarily_unavailable', 403, 'temporarily_unavailable'],
      ['500 invalid_grant', 500, 'invalid_grant'],
      ['502 invalid_grant', 502, 'invalid_grant'],
      ['503 invalid_grant', 503, 'invalid_grant'],
      ['504 invalid_request', 504, 'invalid_request'],
      ['408 invalid_grant', 408, 'invalid_grant'],
      ['429 invalid_grant', 429, 'invalid_grant'],
      ['429 slow_down', 429, 'slow_down'],
      ['400 without an OAuth 2.0 body', 400, undefined],
      ['401 without an OAuth 2.0 body', 401, undefined],
      ['403 without an OAuth 2.0 body', 403, undefined],
      ['400 with a numeric error', 400, 400],
      ['404 without an OAuth 2.0 body', 404, undefined],
      ['a redirect', 302, undefined],
      ['an opaque answer (status 0)', 0, undefined],
      ['a 200 naming an error', 200, 'invalid_grant'],
    ];
    for (const [what, status, error] of passing) {
      it(`makes ${what} refresh_failed, naming the status`, () => {
        const failure = failureOf(status, error, cause);

        expect(failure instanceof AuthTokensError).toBeTrue();
        expect(failure.code).toBe('refresh_failed');
        expect(failure.message).toBe(`The token endpoint answered ${status}; the session is kept.`);
        expect(failure.cause).toBe(cause);
      });
    }

    it('judges another 4xx with an error by the refresher error contract, keeping its cause', () => {
      const refused = failureOf(404, 'invalid_grant', { status: 404, error: 'invalid_grant' });
      const failed = failureOf(409, 'invalid_request', { status: 409, error: 'invalid_request', error_description: 'x' });

      expect(refused.code).toBe('login_required');
      expect(refused.cause).toEqual({ status: 404, error: 'invalid_grant' });
      expect(failed.code).toBe('refresh_failed');
      expect(failed.cause).toEqual({ status: 409, error: 'invalid_request', error_description: 'x' });
    });
  });

  describe('isTransientStatus', () => {
    it('is true for 5xx, 408 and 429', () => {
      for (const status of [500, 502, 503, 504, 599, 408, 429]) expect(isTransientStatus(status)).withContext(String(status)).toBeTrue();
    });

    it('is false for the other 4xx, and for what is not an error status', () => {
      for (const status of [400, 401, 403, 404, 409, 499, 200, 302, 0]) expect(isTransientStatus(status)).withContext(String(status)).toBeFalse();
    });
  });

  describe('isSuccess', () => {
    it('is true for 2xx only', () => {
      for (const status of [200, 201, 204, 299]) expect(isSuccess(status)).withContext(String(status)).toBeTrue();
      for (const status of [0, 199, 300, 304, 400, 500]) expect(isSuccess(status)).withContext(String(status)).toBeFalse();
    });
  });

  describe('tokenResponseOf', () => {
    it('reads the OAuth 2.0 snake_case names, leaving the rest', () => {
      const body = {
        access_token: 'at-2', id_token: 'id-2', refresh_token: 'rt-2', expires_in: 30, scope: 'openid read:data', token_type: 'Bearer',
        extra: 'ignored', accessToken: 'camel-ignored',
      };

      expect(tokenResponseOf(body, true)).toEqual({ accessToken: 'at-2', idToken: 'id-2', refreshToken: 'rt-2', expiresIn: 30, scope: 'openid read:data', tokenType: 'Bearer' });
    });

    it("reads auth0-js's camelCase names, leaving the snake_case ones", () => {
      const body = { accessToken: 'at-2', idToken: 'id-2', refreshToken: 'rt-2', expiresIn: 30, scope: 's', tokenType: 'Bearer', access_token: 'snake-ignored', idTokenPayload: { sub: 'u' } };

      expect(tokenResponseOf(body, false)).toEqual({ accessToken: 'at-2', idToken: 'id-2', refreshToken: 'rt-2', expiresIn: 30, scope: 's', tokenType: 'Bearer' });
    });

    it('leaves out fields not sent, or not sent as strings, rather than setting them undefined', () => {
      const response = tokenResponseOf({ access_token: 'at-2', id_token: null, refresh_token: 42, scope: ['openid'], token_type: {} }, true);

      expect(response).toEqual({ accessToken: 'at-2' });
      expect(Object.keys(response)).toEqual(['accessToken']);
    });

    const lifetimes: Array<[unknown, number | undefined]> = [
      [3600, 3600], [0, 0], [1.5, 1.5], ['3600', 3600], [' 60 ', 60], ['2.5', 2.5],
      [-1, undefined], ['-5', undefined], ['soon', undefined], ['1e3', undefined], ['', undefined], ['0x10', undefined],
      [Infinity, undefined], [NaN, undefined], [null, undefined], [true, undefined], [[30], undefined],
    ];
    for (const [sent, read] of lifetimes) {
      const shown = typeof sent === 'string' || Array.isArray(sent) ? JSON.stringify(sent) : String(sent);
      it(`reads expires_in ${shown} (${typeof sent}) as ${read === undefined ? 'missing' : read}`, () => {
        // Without a usable expires_in the session falls back to the token's own life.
        const response = tokenResponseOf({ access_token: 'at-2', expires_in: sent }, true);

        if (read === undefined) expect('expiresIn' in response).toBeFalse();
        else expect(response.expiresIn).toBe(read);
      });
    }
  });
});
