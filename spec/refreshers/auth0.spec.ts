import * as auth0 from 'auth0-js';
import { AuthTokensError } from '../../src/core/errors';
import type { Session } from '../../src/core/types';
import { auth0CheckSession, auth0RefreshToken, auth0Revoke, type Auth0Deps, type Auth0Options } from '../../src/refreshers/auth0';
import { makeSession } from '../helpers/fakes';
import { expectErrorWithout, rejectionOf, stringsIn } from '../helpers/errors';

describe('auth0 refreshers', () => {
  const DOMAIN = 'tenant.example.test';
  const REFRESH_TOKEN = 'v1.rt-secret/+=&value';
  const NEW_REFRESH_TOKEN = 'v1.rt-rotated-secret';
  const ACCESS_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.at-secret.sig';
  const session: Session = makeSession({ refreshToken: REFRESH_TOKEN });

  type Callback = (error: unknown, result?: unknown) => void;
  interface Answer { error: unknown; result?: unknown }

  /** Fake auth0-js constructors that record what they are given and answer, asynchronously, with `answer`. */
  function fakeAuth0(answer: Answer) {
    const seen = {
      authenticationOptions: [] as Auth0Options[],
      oauthToken: [] as Array<{ grantType: string; refreshToken: string }>,
      webAuthOptions: [] as auth0.AuthOptions[],
      checkSession: [] as auth0.CheckSessionOptions[],
    };
    class Authentication {
      constructor(options: Auth0Options) {
        seen.authenticationOptions.push(options);
      }

      oauthToken(options: { grantType: 'refresh_token'; refreshToken: string }, cb: Callback): void {
        seen.oauthToken.push(options);
        setTimeout(() => cb(answer.error, answer.result));
      }
    }
    class WebAuth {
      constructor(options: auth0.AuthOptions) {
        seen.webAuthOptions.push(options);
      }

      checkSession(options: auth0.CheckSessionOptions, cb: Callback): void {
        seen.checkSession.push(options);
        setTimeout(() => cb(answer.error, answer.result));
      }
    }
    const deps: Auth0Deps = { Authentication, WebAuth };
    return { deps, seen };
  }


  /** An AuthTokensError with `code` that carries no token in its message, its string form or its cause. */
  const expectAuthTokensError = (error: unknown, code: AuthTokensError['code']) =>
    expectErrorWithout(error, code, [REFRESH_TOKEN, NEW_REFRESH_TOKEN, ACCESS_TOKEN]);

  describe('auth0RefreshToken', () => {
    it('creates one Authentication on first use, form-encoded and without telemetry', async () => {
      const { deps, seen } = fakeAuth0({ error: null, result: { accessToken: 'at-2' } });
      const refresh = auth0RefreshToken({ domain: DOMAIN, clientID: 'abc', audience: 'https://api' }, deps);
      expect(seen.authenticationOptions.length).withContext('before the first refresh').toBe(0);

      await refresh(REFRESH_TOKEN, session);
      await refresh('rt-2', session);

      expect(seen.authenticationOptions).toEqual([{
        domain: DOMAIN, clientID: 'abc', audience: 'https://api',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, _sendTelemetry: false,
      }]);
    });

    it('asks for the refresh_token grant with the refresh token', async () => {
      const { deps, seen } = fakeAuth0({ error: null, result: { accessToken: 'at-2' } });

      await auth0RefreshToken({ domain: DOMAIN, clientID: 'abc' }, deps)(REFRESH_TOKEN, session);

      expect(seen.oauthToken).toEqual([{ grantType: 'refresh_token', refreshToken: REFRESH_TOKEN }]);
    });

    it("keeps the caller's headers, Content-Type (in any letter case) and telemetry choice", async () => {
      const { deps, seen } = fakeAuth0({ error: null, result: { accessToken: 'at-2' } });
      const options: Auth0Options = { domain: DOMAIN, clientID: 'abc', headers: { 'content-type': 'application/json', 'X-Tenant': 't1' }, _sendTelemetry: true };

      await auth0RefreshToken(options, deps)(REFRESH_TOKEN, session);

      expect(seen.authenticationOptions[0].headers).toEqual({ 'content-type': 'application/json', 'X-Tenant': 't1' });
      expect(seen.authenticationOptions[0]._sendTelemetry).toBeTrue();
    });

    it("adds the form Content-Type to the caller's other headers and leaves the caller's object alone", async () => {
      const { deps, seen } = fakeAuth0({ error: null, result: { accessToken: 'at-2' } });
      const options: Auth0Options = { domain: DOMAIN, clientID: 'abc', headers: { 'X-Tenant': 't1' } };

      await auth0RefreshToken(options, deps)(REFRESH_TOKEN, session);

      expect(seen.authenticationOptions[0].headers).toEqual({ 'Content-Type': 'application/x-www-form-urlencoded', 'X-Tenant': 't1' });
      expect(seen.authenticationOptions[0]).not.toBe(options);
      expect(options).toEqual({ domain: DOMAIN, clientID: 'abc', headers: { 'X-Tenant': 't1' } });
    });

    it('maps the camelCase result to a TokenResponse, dropping what is not one', async () => {
      const { deps } = fakeAuth0({
        error: null,
        result: { accessToken: 'at-2', idToken: 'id-2', refreshToken: 'rt-2', expiresIn: '86400', scope: 'openid offline_access', tokenType: 'Bearer', idTokenPayload: { sub: 'u' } },
      });

      const response = await auth0RefreshToken({ domain: DOMAIN, clientID: 'abc' }, deps)(REFRESH_TOKEN, session);

      expect(response).toEqual({ accessToken: 'at-2', idToken: 'id-2', refreshToken: 'rt-2', expiresIn: 86400, scope: 'openid offline_access', tokenType: 'Bearer' });
    });

    it('rejects a text answer (auth0-js resolves it as a string) as invalid_response, without the text on cause', async () => {
      // A form-encoded answer holds the new tokens.
      const { deps } = fakeAuth0({ error: null, result: `access_token=${ACCESS_TOKEN}&refresh_token=${NEW_REFRESH_TOKEN}` });

      const rejection = await rejectionOf(auth0RefreshToken({ domain: DOMAIN, clientID: 'abc' }, deps)(REFRESH_TOKEN, session));

      expectAuthTokensError(rejection, 'invalid_response');
      expect(rejection.cause).toEqual({ type: 'string' });
    });

    /** An auth0-js error as its response handler builds it: `original` is superagent's, with the request it sent. */
    const auth0Error = (fields: Record<string, unknown>) => ({
      ...fields,
      original: { status: fields.statusCode, response: { req: { method: 'POST', _data: { grant_type: 'refresh_token', refresh_token: REFRESH_TOKEN } } } },
    });

    const failures: Array<{ what: string; error: object; code: AuthTokensError['code']; cause: object }> = [
      { what: '400 invalid_request "Token has been revoked"', error: auth0Error({ code: 'invalid_request', description: 'Token has been revoked', statusCode: 400 }), code: 'login_required', cause: { code: 'invalid_request', description: 'Token has been revoked', statusCode: 400 } },
      { what: '400 invalid_grant', error: auth0Error({ code: 'invalid_grant', description: 'grant request is invalid', statusCode: 400 }), code: 'login_required', cause: { code: 'invalid_grant', description: 'grant request is invalid', statusCode: 400 } },
      { what: '403 invalid_grant', error: auth0Error({ code: 'invalid_grant', description: 'Unknown or invalid refresh token.', statusCode: 403 }), code: 'login_required', cause: { code: 'invalid_grant', description: 'Unknown or invalid refresh token.', statusCode: 403 } },
      { what: '403 with a vendor error', error: auth0Error({ code: 'access_denied', statusCode: 403 }), code: 'login_required', cause: { code: 'access_denied', statusCode: 403 } },
      { what: '401 invalid_client', error: auth0Error({ code: 'invalid_client', description: 'no', statusCode: 401 }), code: 'login_required', cause: { code: 'invalid_client', description: 'no', statusCode: 401 } },
      { what: '401 invalid_token', error: auth0Error({ code: 'invalid_token', statusCode: 401 }), code: 'login_required', cause: { code: 'invalid_token', statusCode: 401 } },
      { what: 'a legacy error (forceLegacyError) 400 invalid_request', error: auth0Error({ error: 'invalid_request', error_description: 'revoked', statusCode: 400 }), code: 'login_required', cause: { error: 'invalid_request', error_description: 'revoked', statusCode: 400 } },
      { what: '400 temporarily_unavailable', error: auth0Error({ code: 'temporarily_unavailable', statusCode: 400 }), code: 'refresh_failed', cause: { code: 'temporarily_unavailable', statusCode: 400 } },
      { what: '400 server_error', error: auth0Error({ code: 'server_error', statusCode: 400 }), code: 'refresh_failed', cause: { code: 'server_error', statusCode: 400 } },
      { what: '400 use_dpop_nonce', error: auth0Error({ code: 'use_dpop_nonce', statusCode: 400 }), code: 'refresh_failed', cause: { code: 'use_dpop_nonce', statusCode: 400 } },
      { what: '500', error: auth0Error({ statusCode: 500, code: null, description: null }), code: 'refresh_failed', cause: { statusCode: 500 } },
      { what: '503 claiming invalid_grant', error: auth0Error({ code: 'invalid_grant', statusCode: 503 }), code: 'refresh_failed', cause: { code: 'invalid_grant', statusCode: 503 } },
      { what: '408 claiming invalid_grant', error: auth0Error({ code: 'invalid_grant', statusCode: 408 }), code: 'refresh_failed', cause: { code: 'invalid_grant', statusCode: 408 } },
      { what: '429 claiming invalid_grant', error: auth0Error({ code: 'invalid_grant', statusCode: 429 }), code: 'refresh_failed', cause: { code: 'invalid_grant', statusCode: 429 } },
      { what: '429', error: auth0Error({ code: 'too_many_requests', statusCode: 429 }), code: 'refresh_failed', cause: { code: 'too_many_requests', statusCode: 429 } },
      // Without an OAuth 2.0 body auth0-js takes superagent's status as the code.
      { what: 'a 400 without an OAuth 2.0 body', error: auth0Error({ code: 400, description: null, statusCode: 400 }), code: 'refresh_failed', cause: { code: 400, statusCode: 400 } },
      { what: 'a 403 without an OAuth 2.0 body', error: auth0Error({ code: 403, description: null, statusCode: 403 }), code: 'refresh_failed', cause: { code: 403, statusCode: 403 } },
      { what: 'a network failure', error: { original: new Error('Request has been terminated'), code: null, description: null }, code: 'refresh_failed', cause: {} },
      { what: 'a network failure naming a refusal', error: { original: new Error('terminated'), code: 'invalid_grant' }, code: 'refresh_failed', cause: { code: 'invalid_grant' } },
    ];

    for (const { what, error, code, cause } of failures) {
      it(`rejects auth0-js's ${what} as ${code}, explained on cause without the request`, async () => {
        const { deps } = fakeAuth0({ error });

        const rejection = await rejectionOf(auth0RefreshToken({ domain: DOMAIN, clientID: 'abc' }, deps)(REFRESH_TOKEN, session));

        expectAuthTokensError(rejection, code);
        expect(rejection.cause).toEqual(cause);
      });
    }

    it('rejects an Authentication that throws (auth0-js asserts its options) as refresh_failed', async () => {
      const failure = new Error('clientID option is required');
      const deps: Auth0Deps = {
        Authentication: class {
          constructor() {
            throw failure;
          }

          oauthToken(): void {
            // never reached
          }
        },
      };

      const rejection = await rejectionOf(auth0RefreshToken({ domain: DOMAIN, clientID: '' }, deps)(REFRESH_TOKEN, session));

      expectAuthTokensError(rejection, 'refresh_failed');
      expect(rejection.cause).toEqual({ name: 'Error', message: 'clientID option is required' });
    });
  });

  describe('auth0CheckSession', () => {
    it('renews without a refresh token', () => {
      expect(auth0CheckSession({ domain: DOMAIN, clientID: 'abc' }).usesRefreshToken).toBeFalse();
    });

    it('creates one WebAuth on first use and calls checkSession with its options, ignoring the refresh token', async () => {
      const { deps, seen } = fakeAuth0({ error: null, result: { accessToken: 'at-2' } });
      const webAuthOptions: auth0.AuthOptions = { domain: DOMAIN, clientID: 'abc', redirectUri: 'https://app.example.test/callback', responseType: 'token id_token' };
      const refresh = auth0CheckSession(webAuthOptions, { scope: 'openid read:data' }, deps);
      expect(seen.webAuthOptions.length).withContext('before the first refresh').toBe(0);

      await refresh('', session);
      await refresh('ignored', session);

      expect(seen.webAuthOptions).toEqual([webAuthOptions]);
      expect(seen.checkSession).toEqual([{ scope: 'openid read:data' }, { scope: 'openid read:data' }]);
    });

    it('calls checkSession with {} when given no options', async () => {
      const { deps, seen } = fakeAuth0({ error: null, result: { accessToken: 'at-2' } });

      await auth0CheckSession({ domain: DOMAIN, clientID: 'abc' }, undefined, deps)('', session);

      expect(seen.checkSession).toEqual([{}]);
    });

    it("maps checkSession's result, dropping the null refresh token and the payload", async () => {
      const { deps } = fakeAuth0({
        error: null,
        result: { accessToken: 'at-2', idToken: 'id-2', idTokenPayload: { sub: 'u' }, refreshToken: null, state: 's', expiresIn: 7200, tokenType: 'Bearer', scope: null, appState: null },
      });

      const response = await auth0CheckSession({ domain: DOMAIN, clientID: 'abc' }, {}, deps)('', session);

      expect(response).toEqual({ accessToken: 'at-2', idToken: 'id-2', expiresIn: 7200, tokenType: 'Bearer' });
    });

    const failures: Array<{ error: Record<string, unknown>; code: AuthTokensError['code'] }> = [
      { error: { original: {}, code: 'login_required', description: 'Login required', error: 'login_required', error_description: 'Login required' }, code: 'login_required' },
      { error: { error: 'consent_required', error_description: 'Consent required' }, code: 'login_required' },
      { error: { error: 'interaction_required', error_description: 'x' }, code: 'login_required' },
      { error: { original: {}, code: 'timeout', error: 'timeout', error_description: 'Timeout during executing web_message communication' }, code: 'refresh_failed' },
      { error: { error: 'origin_mismatch', error_description: 'x' }, code: 'refresh_failed' },
    ];

    for (const { error, code } of failures) {
      it(`rejects ${String(error.error)} as ${code}, explained on cause without the original`, async () => {
        const { deps } = fakeAuth0({ error });

        const rejection = await rejectionOf(auth0CheckSession({ domain: DOMAIN, clientID: 'abc' }, {}, deps)('', session));

        expectAuthTokensError(rejection, code);
        const explaining = Object.fromEntries(Object.entries(error).filter(([field]) => field !== 'original'));
        expect(rejection.cause).toEqual(explaining);
      });
    }

    it('keeps the tokens of a checkSession error off cause', async () => {
      // web_message answers are objects from the authorization server's page: they may hold anything.
      const { deps } = fakeAuth0({ error: { error: 'login_required', error_description: 'x', access_token: ACCESS_TOKEN, original: { data: { access_token: ACCESS_TOKEN } } } });

      const rejection = await rejectionOf(auth0CheckSession({ domain: DOMAIN, clientID: 'abc' }, {}, deps)('', session));

      expectAuthTokensError(rejection, 'login_required');
      expect(rejection.cause).toEqual({ error: 'login_required', error_description: 'x' });
    });
  });

  describe('auth0Revoke', () => {
    const ok = () => jasmine.createSpy<typeof fetch>('fetch').and.resolveTo(new Response('', { status: 200 }));

    it('POSTs token and client_id, form-encoded, to https://<domain>/oauth/revoke', async () => {
      const fetchSpy = ok();

      await auth0Revoke({ domain: DOMAIN, clientID: 'abc' }, { fetch: fetchSpy })(REFRESH_TOKEN);

      const [url, init] = fetchSpy.calls.mostRecent().args;
      expect(url).toBe(`https://${DOMAIN}/oauth/revoke`);
      expect(init?.method).toBe('POST');
      expect(init?.headers).toEqual({ 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' });
      expect(init?.body).toBe('token=v1.rt-secret%2F%2B%3D%26value&client_id=abc');
      expect(init?.credentials).toBe('omit');
    });

    it('uses a domain that starts with http as is', async () => {
      const fetchSpy = ok();

      await auth0Revoke({ domain: 'http://127.0.0.1:3001/', clientID: 'abc' }, { fetch: fetchSpy })(REFRESH_TOKEN);

      expect(fetchSpy.calls.mostRecent().args[0]).toBe('http://127.0.0.1:3001/oauth/revoke');
    });

    it('uses the global fetch as it is when called', async () => {
      const revoke = auth0Revoke({ domain: DOMAIN, clientID: 'abc' });
      const fetchSpy = spyOn(window, 'fetch').and.resolveTo(new Response('', { status: 200 }));

      await revoke(REFRESH_TOKEN);

      expect(fetchSpy).toHaveBeenCalledTimes(1);
    });

    it('rejects an error answer as refresh_failed', async () => {
      const fetchSpy = jasmine.createSpy<typeof fetch>('fetch').and.resolveTo(new Response(JSON.stringify({ error: 'invalid_request', token: REFRESH_TOKEN }), { status: 400 }));

      const rejection = await rejectionOf(auth0Revoke({ domain: DOMAIN, clientID: 'abc' }, { fetch: fetchSpy })(REFRESH_TOKEN));

      expectAuthTokensError(rejection, 'refresh_failed');
      expect(rejection.cause).toEqual({ error: 'invalid_request', status: 400 });
    });

    it('rejects a network failure as refresh_failed', async () => {
      const failure = new TypeError('Failed to fetch');
      const fetchSpy = jasmine.createSpy<typeof fetch>('fetch').and.rejectWith(failure);

      const rejection = await rejectionOf(auth0Revoke({ domain: DOMAIN, clientID: 'abc' }, { fetch: fetchSpy })(REFRESH_TOKEN));

      expectAuthTokensError(rejection, 'refresh_failed');
      expect(rejection.cause).toEqual({ name: 'TypeError', message: 'Failed to fetch' });
    });
  });

  // The real auth0-js (karma.conf.js loads its UMD build as the global `auth0`), with XMLHttpRequest faked
  // at the prototype: what superagent really sends, and what auth0-js really makes of the answers.
  describe('with the real auth0-js', () => {
    const BASE = 'https://tenant.example.test';

    interface Sent { method: string; url: string; headers: Record<string, string>; body: unknown }
    interface Reply { status: number; contentType?: string; text?: string }

    /** Answers requests to BASE with `reply` and records them; other requests go out untouched. */
    function fakeXhr(reply: Reply): Sent[] {
      const sent: Sent[] = [];
      const ours = new WeakMap<XMLHttpRequest, Sent>();
      const { open, setRequestHeader, send } = XMLHttpRequest.prototype;
      spyOn(XMLHttpRequest.prototype, 'open').and.callFake(function (this: XMLHttpRequest, method: string, url: string | URL, ...rest: unknown[]) {
        if (String(url).startsWith(BASE)) ours.set(this, { method, url: String(url), headers: {}, body: undefined });
        (open as (...args: unknown[]) => void).call(this, method, url, ...rest);
      });
      spyOn(XMLHttpRequest.prototype, 'setRequestHeader').and.callFake(function (this: XMLHttpRequest, name: string, value: string) {
        const request = ours.get(this);
        if (request) request.headers[name.toLowerCase()] = value;
        setRequestHeader.call(this, name, value);
      });
      spyOn(XMLHttpRequest.prototype, 'send').and.callFake(function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
        const request = ours.get(this);
        if (!request) return send.call(this, body);
        request.body = body;
        sent.push(request);
        setTimeout(() => answer(this, reply));
      });
      return sent;
    }

    /** Makes the XHR look finished with `reply`, as superagent reads it, and tells superagent so. */
    function answer(xhr: XMLHttpRequest, reply: Reply): void {
      const text = reply.text ?? '';
      const contentType = reply.contentType ?? null;
      const finished: Record<string, unknown> = {
        readyState: 4, status: reply.status, statusText: '', responseText: text, response: text,
        getAllResponseHeaders: () => (contentType ? `content-type: ${contentType}\r\n` : ''),
        getResponseHeader: (name: string) => (name.toLowerCase() === 'content-type' ? contentType : null),
      };
      for (const [name, value] of Object.entries(finished)) Object.defineProperty(xhr, name, { configurable: true, value });
      xhr.dispatchEvent(new Event('readystatechange'));
    }

    const json = (status: number, body: unknown): Reply => ({ status, contentType: 'application/json; charset=utf-8', text: JSON.stringify(body) });

    it('is loaded as the global auth0 (karma.conf.js files)', () => {
      expect(typeof (window as unknown as { auth0?: { Authentication?: unknown } }).auth0?.Authentication).toBe('function');
    });

    it('sends a form-encoded refresh grant to <domain>/oauth/token, without telemetry, and maps the answer', async () => {
      const sent = fakeXhr(json(200, { access_token: 'at-2', id_token: 'id-2', refresh_token: 'rt-2', expires_in: 30, scope: 'openid offline_access', token_type: 'Bearer' }));

      const response = await auth0RefreshToken({ domain: BASE, clientID: 'abc' })(REFRESH_TOKEN, session);

      expect(sent.length).toBe(1);
      expect(sent[0].method).toBe('POST');
      expect(sent[0].url).toBe(`${BASE}/oauth/token`);
      expect(sent[0].headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(sent[0].headers['auth0-client']).toBeUndefined();
      expect(typeof sent[0].body).toBe('string');
      const form = new URLSearchParams(sent[0].body as string);
      expect(Object.fromEntries(form)).toEqual({ client_id: 'abc', grant_type: 'refresh_token', refresh_token: REFRESH_TOKEN });
      expect(response).toEqual({ accessToken: 'at-2', idToken: 'id-2', refreshToken: 'rt-2', expiresIn: 30, scope: 'openid offline_access', tokenType: 'Bearer' });
    });

    it('rejects a real 403 invalid_grant as login_required', async () => {
      fakeXhr(json(403, { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' }));

      const rejection = await rejectionOf(auth0RefreshToken({ domain: BASE, clientID: 'abc' })(REFRESH_TOKEN, session));

      expectAuthTokensError(rejection, 'login_required');
      expect(rejection.cause).toEqual(jasmine.objectContaining({ code: 'invalid_grant', statusCode: 403 }));
    });

    it('rejects a real 400 invalid_request "Token has been revoked" as login_required', async () => {
      fakeXhr(json(400, { error: 'invalid_request', error_description: 'Token has been revoked' }));

      const rejection = await rejectionOf(auth0RefreshToken({ domain: BASE, clientID: 'abc' })(REFRESH_TOKEN, session));

      expectAuthTokensError(rejection, 'login_required');
      expect(rejection.cause).toEqual(jasmine.objectContaining({ code: 'invalid_request', description: 'Token has been revoked', statusCode: 400 }));
    });

    it('rejects a real 401 invalid_client as login_required', async () => {
      fakeXhr(json(401, { error: 'invalid_client', error_description: 'client authentication failed' }));

      const rejection = await rejectionOf(auth0RefreshToken({ domain: BASE, clientID: 'abc' })(REFRESH_TOKEN, session));

      expectAuthTokensError(rejection, 'login_required');
      expect(rejection.cause).toEqual(jasmine.objectContaining({ code: 'invalid_client', statusCode: 401 }));
    });

    it('rejects a real 400 use_dpop_nonce as refresh_failed', async () => {
      fakeXhr(json(400, { error: 'use_dpop_nonce', error_description: 'nonce required' }));

      const rejection = await rejectionOf(auth0RefreshToken({ domain: BASE, clientID: 'abc' })(REFRESH_TOKEN, session));

      expectAuthTokensError(rejection, 'refresh_failed');
    });

    it('rejects a real 503 claiming invalid_grant as refresh_failed', async () => {
      fakeXhr(json(503, { error: 'invalid_grant' }));

      const rejection = await rejectionOf(auth0RefreshToken({ domain: BASE, clientID: 'abc' })(REFRESH_TOKEN, session));

      expectAuthTokensError(rejection, 'refresh_failed');
      expect(rejection.cause).toEqual(jasmine.objectContaining({ statusCode: 503 }));
    });

    it('rejects a real 400 that is not JSON as refresh_failed', async () => {
      fakeXhr({ status: 400, contentType: 'text/plain', text: 'Bad Request' });

      const rejection = await rejectionOf(auth0RefreshToken({ domain: BASE, clientID: 'abc' })(REFRESH_TOKEN, session));

      expectAuthTokensError(rejection, 'refresh_failed');
      expect(rejection.cause).toEqual(jasmine.objectContaining({ statusCode: 400 }));
    });

    describe('secrets', () => {
      it("auth0-js's own error on a 5xx holds the request with the refresh token (what cause must not keep)", async () => {
        fakeXhr(json(503, { error: 'temporarily_unavailable' }));

        const raw = await new Promise<unknown>((resolve) => new auth0.Authentication({ domain: BASE, clientID: 'abc', _sendTelemetry: false })
          .oauthToken({ grantType: 'refresh_token', refreshToken: REFRESH_TOKEN }, (error) => resolve(error)));

        expect(stringsIn(raw).some((text) => text.includes(REFRESH_TOKEN))).toBeTrue();
      });

      for (const [status, body] of [[503, { error: 'temporarily_unavailable' }], [502, {}], [403, { error: 'invalid_grant' }]] as const) {
        it(`keeps the refresh token auth0-js holds in its error on a ${status} off cause`, async () => {
          fakeXhr(json(status, body));

          const rejection = await rejectionOf(auth0RefreshToken({ domain: BASE, clientID: 'abc' })(REFRESH_TOKEN, session));

          expectAuthTokensError(rejection, status === 403 ? 'login_required' : 'refresh_failed');
          expect(stringsIn(rejection.cause).some((text) => text.includes(REFRESH_TOKEN))).toBeFalse();
        });
      }

      it('cuts a refresh token the server echoes in the fields auth0-js copies (code, description, name) out of cause and message', async () => {
        fakeXhr(json(400, { code: REFRESH_TOKEN, description: `spent: ${REFRESH_TOKEN}`, name: REFRESH_TOKEN }));

        const rejection = await rejectionOf(auth0RefreshToken({ domain: BASE, clientID: 'abc' })(REFRESH_TOKEN, session));

        expectAuthTokensError(rejection, 'login_required');
        expect(stringsIn(rejection.cause).some((text) => text.includes(REFRESH_TOKEN))).toBeFalse();
        expect(rejection.message).toBe('The server refused the refresh token.');
      });

      it('keeps a refresh token the server echoes in other fields off cause', async () => {
        fakeXhr(json(400, {
          error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.', refresh_token: REFRESH_TOKEN, token: REFRESH_TOKEN,
          access_token: ACCESS_TOKEN, hint: { sent: REFRESH_TOKEN }, policy: REFRESH_TOKEN,
        }));

        const rejection = await rejectionOf(auth0RefreshToken({ domain: BASE, clientID: 'abc' })(REFRESH_TOKEN, session));

        expectAuthTokensError(rejection, 'login_required');
        expect(rejection.cause).toEqual({ code: 'invalid_grant', description: 'Unknown or invalid refresh token.', statusCode: 400 });
      });
    });

    it('rejects a real 502 HTML page as refresh_failed', async () => {
      fakeXhr({ status: 502, contentType: 'text/html', text: '<html>Bad Gateway</html>' });

      const rejection = await rejectionOf(auth0RefreshToken({ domain: BASE, clientID: 'abc' })(REFRESH_TOKEN, session));

      expectAuthTokensError(rejection, 'refresh_failed');
      expect(rejection.cause).toEqual(jasmine.objectContaining({ statusCode: 502 }));
    });

    it('rejects a real network failure (status 0) as refresh_failed', async () => {
      fakeXhr({ status: 0 });

      const rejection = await rejectionOf(auth0RefreshToken({ domain: BASE, clientID: 'abc' })(REFRESH_TOKEN, session));

      expectAuthTokensError(rejection, 'refresh_failed');
      expect((rejection.cause as { statusCode?: number }).statusCode).toBeUndefined();
    });
  });
});
