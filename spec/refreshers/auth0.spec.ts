import type * as auth0 from 'auth0-js';
import { AuthTokensError } from '../../src/core/errors';
import type { Session } from '../../src/core/types';
import { auth0CheckSession, auth0RefreshToken, auth0Revoke, type Auth0Deps, type Auth0Options } from '../../src/refreshers/auth0';
import { makeSession } from '../helpers/fakes';
import { expectAuthTokensError as expectErrorHiding, rejectionOf } from '../helpers/errors';

describe('auth0 refreshers', () => {
  const DOMAIN = 'tenant.example.test';
  const REFRESH_TOKEN = 'v1.rt-secret/+=&value';
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


  const expectAuthTokensError = (error: unknown, code: AuthTokensError['code']) => expectErrorHiding(error, code, REFRESH_TOKEN);

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

    it('rejects a text answer (auth0-js resolves it as a string) as invalid_response', async () => {
      const { deps } = fakeAuth0({ error: null, result: '<html>login</html>' });

      expectAuthTokensError(await rejectionOf(auth0RefreshToken({ domain: DOMAIN, clientID: 'abc' }, deps)(REFRESH_TOKEN, session)), 'invalid_response');
    });

    const failures: Array<{ what: string; error: object; code: AuthTokensError['code'] }> = [
      { what: '403 invalid_grant', error: { code: 'invalid_grant', description: 'Unknown or invalid refresh token.', statusCode: 403, original: {} }, code: 'login_required' },
      { what: '401 invalid_client', error: { code: 'invalid_client', description: 'no', statusCode: 401, original: {} }, code: 'login_required' },
      { what: '400 invalid_request', error: { code: 'invalid_request', statusCode: 400, original: {} }, code: 'refresh_failed' },
      { what: '500', error: { statusCode: 500, code: null, description: null, original: {} }, code: 'refresh_failed' },
      { what: '503 claiming invalid_grant', error: { code: 'invalid_grant', statusCode: 503, original: {} }, code: 'refresh_failed' },
      { what: '429', error: { code: 'too_many_requests', statusCode: 429, original: {} }, code: 'refresh_failed' },
      { what: 'a network failure', error: { original: new Error('Request has been terminated'), code: undefined }, code: 'refresh_failed' },
      { what: 'a network failure naming a refusal', error: { original: new Error('terminated'), code: 'invalid_grant' }, code: 'refresh_failed' },
    ];

    for (const { what, error, code } of failures) {
      it(`rejects auth0-js's ${what} as ${code}, with the auth0-js error on cause`, async () => {
        const { deps } = fakeAuth0({ error });

        const rejection = await rejectionOf(auth0RefreshToken({ domain: DOMAIN, clientID: 'abc' }, deps)(REFRESH_TOKEN, session));

        expectAuthTokensError(rejection, code);
        expect(rejection.cause).toBe(error);
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
      expect(rejection.cause).toBe(failure);
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

    const failures: Array<{ error: object; code: AuthTokensError['code'] }> = [
      { error: { original: {}, code: 'login_required', description: 'Login required', error: 'login_required', error_description: 'Login required' }, code: 'login_required' },
      { error: { error: 'consent_required', error_description: 'Consent required' }, code: 'login_required' },
      { error: { error: 'interaction_required', error_description: 'x' }, code: 'login_required' },
      { error: { original: {}, code: 'timeout', error: 'timeout', error_description: 'Timeout during executing web_message communication' }, code: 'refresh_failed' },
      { error: { error: 'origin_mismatch', error_description: 'x' }, code: 'refresh_failed' },
    ];

    for (const { error, code } of failures) {
      const name = (error as { error: string }).error;
      it(`rejects ${name} as ${code}, with the auth0-js error on cause`, async () => {
        const { deps } = fakeAuth0({ error });

        const rejection = await rejectionOf(auth0CheckSession({ domain: DOMAIN, clientID: 'abc' }, {}, deps)('', session));

        expectAuthTokensError(rejection, code);
        expect(rejection.cause).toBe(error);
      });
    }
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
      const fetchSpy = jasmine.createSpy<typeof fetch>('fetch').and.resolveTo(new Response('{"error":"invalid_request"}', { status: 400 }));

      const rejection = await rejectionOf(auth0Revoke({ domain: DOMAIN, clientID: 'abc' }, { fetch: fetchSpy })(REFRESH_TOKEN));

      expectAuthTokensError(rejection, 'refresh_failed');
      expect(rejection.cause).toEqual({ error: 'invalid_request', status: 400 });
    });

    it('rejects a network failure as refresh_failed', async () => {
      const failure = new TypeError('Failed to fetch');
      const fetchSpy = jasmine.createSpy<typeof fetch>('fetch').and.rejectWith(failure);

      const rejection = await rejectionOf(auth0Revoke({ domain: DOMAIN, clientID: 'abc' }, { fetch: fetchSpy })(REFRESH_TOKEN));

      expectAuthTokensError(rejection, 'refresh_failed');
      expect(rejection.cause).toBe(failure);
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
