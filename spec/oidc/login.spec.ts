import { AuthTokensError } from '../../src/core/errors';
import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify } from 'jose';
import type { Login } from '../../src/core/types';
import { dpopBinding, type DpopBinding } from '../../src/oidc/dpop';
import { endpointLookup } from '../../src/oidc/discovery';
import { oidcLogin, type LoginSettings } from '../../src/oidc/login';
import { challengeOf } from '../../src/oidc/pkce';
import { expectErrorWithout, rejectionOf } from '../helpers/errors';
import { deleteDatabase } from '../helpers/fakes';
import { makeJwt } from '../helpers/jwt';

describe('oidcLogin', () => {
  const ISSUER = 'https://id.example.com';
  const APP = 'https://app.example.com';
  const NOW = 1_700_000_000_000;
  const CODE = 'code-secret-1';
  const ACCESS_TOKEN = 'at-secret';
  const REFRESH_TOKEN = 'rt-secret';
  const DOCUMENT = { issuer: ISSUER, authorization_endpoint: `${ISSUER}/auth?tenant=t1`, token_endpoint: `${ISSUER}/token`, end_session_endpoint: `${ISSUER}/session/end` };
  const settings: LoginSettings = { issuer: ISSUER, clientId: 'spa', redirectUri: `${APP}/callback`, scope: 'openid profile offline_access', extraParams: {} };

  let now: number;
  let tokenAnswer: () => Promise<Response>;
  let fetchSpy: jasmine.Spy<typeof fetch>;
  let replaceState: jasmine.Spy<History['replaceState']>;
  let win: Window;
  let login: Login;

  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });
  const idToken = (extra: object = {}, nonce = lastNonce()) =>
    makeJwt({ iss: ISSUER, aud: 'spa', sub: 'u1', name: 'Ada', iat: NOW / 1000, exp: NOW / 1000 + 300, nonce, ...extra });
  const tokens = (extra: object = {}) => ({ access_token: ACCESS_TOKEN, refresh_token: REFRESH_TOKEN, token_type: 'Bearer', expires_in: 30, id_token: idToken(), ...extra });

  function makeLogin(options: Partial<LoginSettings> = {}, dpop?: DpopBinding): Login {
    const merged = { ...settings, ...options };
    return oidcLogin(merged, endpointLookup(ISSUER, {}, merged.fetch), () => now, null, dpop);
  }

  /** The last authorization URL's parameters. */
  let authorization: URLSearchParams;
  const lastNonce = () => authorization.get('nonce')!;
  async function start(options = {}) {
    authorization = new URL(await login.start(options, win)).searchParams;
    return authorization;
  }
  const callback = (params: Record<string, string>) => `${APP}/callback?${new URLSearchParams(params).toString()}`;

  beforeEach(() => {
    now = NOW;
    sessionStorage.clear();
    tokenAnswer = async () => json(200, tokens());
    fetchSpy = jasmine.createSpy<typeof fetch>('fetch').and.callFake(async (input) =>
      (String(input).endsWith('/openid-configuration') ? json(200, DOCUMENT) : tokenAnswer()));
    replaceState = jasmine.createSpy('replaceState');
    win = { crypto, sessionStorage, location: { href: `${APP}/callback` }, history: { state: { kept: 1 }, replaceState } } as unknown as Window;
    login = makeLogin({ fetch: fetchSpy });
  });
  afterEach(() => sessionStorage.clear());

  describe('start', () => {
    it('sends the user to the discovered authorization endpoint with PKCE S256, state and nonce', async () => {
      const params = await start({ prompt: 'consent' });

      expect(Object.fromEntries(params)).toEqual({
        tenant: 't1', response_type: 'code', client_id: 'spa', redirect_uri: `${APP}/callback`, scope: 'openid profile offline_access',
        state: jasmine.stringMatching(/^[\w-]{43}$/), nonce: jasmine.stringMatching(/^[\w-]{43}$/),
        code_challenge: jasmine.stringMatching(/^[\w-]{43}$/), code_challenge_method: 'S256', prompt: 'consent',
      });
      const stored = JSON.parse(sessionStorage.getItem(`authTokens:login:${params.get('state')}`)!) as { verifier: string; nonce: string };
      expect(await challengeOf(crypto, stored.verifier)).toBe(params.get('code_challenge')!);
      expect(stored.nonce).toBe(params.get('nonce')!);
    });

    it('makes fresh values for every attempt', async () => {
      const first = await start();
      const second = await start();

      for (const name of ['state', 'nonce', 'code_challenge']) expect(second.get(name)).not.toBe(first.get(name));
      expect(sessionStorage.length).toBe(2);
    });

    it('keeps returnTo in the stored attempt, never in the URL', async () => {
      const params = await start({ returnTo: '/orders/42?tab=open' });

      expect(params.toString()).not.toContain('orders');
      expect(JSON.parse(sessionStorage.getItem(`authTokens:login:${params.get('state')}`)!).returnTo).toBe('/orders/42?tab=open');
    });

    it('lets extraParams add to the request but never replace its own parameters', async () => {
      login = makeLogin({ fetch: fetchSpy, extraParams: { audience: 'https://api.example.com', state: 'fixed', code_challenge_method: 'plain', redirect_uri: 'https://evil.example.com' } });

      const params = await start();

      expect(params.get('audience')).toBe('https://api.example.com');
      expect(params.get('state')).not.toBe('fixed');
      expect(params.get('code_challenge_method')).toBe('S256');
      expect(params.get('redirect_uri')).toBe(`${APP}/callback`);
    });

    it('rejects login_failed, stores nothing, when discovery fails', async () => {
      fetchSpy.and.callFake(async () => json(503, {}));

      const error = await rejectionOf(login.start({}, win));

      expect(error).toEqual(jasmine.any(AuthTokensError));
      expect(error.code).toBe('login_failed');
      expect(error.cause).toEqual({ status: 503 });
      expect(sessionStorage.length).toBe(0);
    });

    it('rejects login_failed for an authorization endpoint that is not https: a javascript: URL would run in the app\'s origin', async () => {
      fetchSpy.and.callFake(async () => json(200, { ...DOCUMENT, authorization_endpoint: 'javascript:alert(document.domain)//' }));

      const error = await rejectionOf(login.start({}, win));
      expect(error.code).toBe('login_failed');
      expect(error.message).toBe('The authorization endpoint is not an https URL.');
      expect(sessionStorage.length).toBe(0);
    });

    it('rejects login_failed when the discovery document names another issuer', async () => {
      fetchSpy.and.callFake(async () => json(200, { ...DOCUMENT, issuer: 'https://evil.example.com' }));

      const error = await rejectionOf(login.start({}, win));
      expect(error.code).toBe('login_failed');
      expect(error.message).toContain('another issuer');
    });

    it('rejects login_failed without WebCrypto (an insecure context) or when sessionStorage throws', async () => {
      const noCrypto = { ...win, crypto: {} } as unknown as Window;
      expect((await rejectionOf(login.start({}, noCrypto))).code).toBe('login_failed');
      const blocked = { crypto, get sessionStorage(): Storage { throw new DOMException('denied', 'SecurityError'); } } as unknown as Window;
      const error = await rejectionOf(login.start({}, blocked));
      expect(error.code).toBe('login_failed');
      expect(error.message).toContain('sessionStorage');
    });
  });

  describe('complete', () => {
    async function completed(params: Record<string, string> = {}) {
      const { state } = Object.fromEntries(await start({ returnTo: '/orders' }));
      return login.complete(callback({ code: CODE, state, ...params }), win);
    }

    it('exchanges the code once with the verifier, and resolves with the tokens, the claims and returnTo', async () => {
      const result = await completed();

      const exchange = fetchSpy.calls.all().filter((call) => String(call.args[0]) === `${ISSUER}/token`);
      expect(exchange.length).toBe(1);
      const form = new URLSearchParams(String(exchange[0].args[1]?.body));
      const stored = Object.keys(sessionStorage);
      expect(stored).toEqual([]);
      expect(Object.fromEntries(form)).toEqual({
        grant_type: 'authorization_code', code: CODE, redirect_uri: `${APP}/callback`, code_verifier: jasmine.stringMatching(/^[\w-]{43}$/), client_id: 'spa',
      });
      expect(exchange[0].args[1]?.credentials).toBe('omit');
      expect(result.response).toEqual({ accessToken: ACCESS_TOKEN, refreshToken: REFRESH_TOKEN, tokenType: 'Bearer', expiresIn: 30, idToken: jasmine.any(String) });
      expect(result.profile).toEqual(jasmine.objectContaining({ sub: 'u1', name: 'Ada', iss: ISSUER }));
      expect(result.returnTo).toBe('/orders');
    });

    it('gives returnTo as / when the attempt holds none that is local', async () => {
      const { state } = Object.fromEntries(await start({ returnTo: '//evil.example.com/x' }));
      expect((await login.complete(callback({ code: CODE, state }), win)).returnTo).toBe('/');
    });

    it('refuses a replayed callback URL without a second exchange, which would revoke the first login\'s tokens', async () => {
      const { state } = Object.fromEntries(await start());
      const url = callback({ code: CODE, state });
      await login.complete(url, win);

      const error = await rejectionOf(login.complete(url, win));

      expect(error.code).toBe('login_failed');
      expect(error.message).toContain('matches no pending login attempt');
      expect(fetchSpy.calls.all().filter((call) => String(call.args[0]) === `${ISSUER}/token`).length).toBe(1);
    });

    it('refuses a state of no attempt of this tab: another tab\'s, or made up', async () => {
      await start();
      const error = await rejectionOf(login.complete(callback({ code: CODE, state: 'state-of-another-tab' }), win));
      expect(error.code).toBe('login_failed');
      expect(fetchSpy).toHaveBeenCalledTimes(1); // discovery only
    });

    it('refuses a callback without state or without code, and uses the attempt up', async () => {
      expect((await rejectionOf(login.complete(callback({ code: CODE }), win))).code).toBe('login_failed');
      const { state } = Object.fromEntries(await start());
      const error = await rejectionOf(login.complete(callback({ state }), win));
      expect(error.message).toContain('no authorization code');
      expect(sessionStorage.length).toBe(0);
    });

    it('refuses an attempt older than ten minutes', async () => {
      const { state } = Object.fromEntries(await start());
      now += 10 * 60 * 1000;
      expect((await rejectionOf(login.complete(callback({ code: CODE, state }), win))).message).toContain('expired');
    });

    it('rejects a provider error with the provider\'s error and description as its cause', async () => {
      const { state } = Object.fromEntries(await start());

      const error = await rejectionOf(login.complete(callback({ error: 'access_denied', error_description: 'The user said no.', state }), win));

      expect(error.code).toBe('login_failed');
      expect(error.message).toBe('The server did not log the user in (access_denied).');
      expect(error.cause).toEqual({ error: 'access_denied', error_description: 'The user said no.' });
      expect(sessionStorage.length).toBe(0);
    });

    it('keeps a forged error\'s words out of the message, and out of cause when no attempt of this tab is answered', async () => {
      let error = await rejectionOf(login.complete(callback({ error: 'Call +1 555 0100 to unlock your account' }), win));
      expect(error.message).toBe('The server did not log the user in.');
      error = await rejectionOf(login.complete(callback({ error: 'access_denied', error_description: 'Your account is locked: call +1 555 0100', state: 'made-up' }), win));
      expect(error.message).toBe('The server did not log the user in (access_denied).');
      expect(error.cause).toBeUndefined();
    });

    it('refuses a callback whose iss names another issuer (RFC 9207)', async () => {
      const error = await rejectionOf(completed({ iss: 'https://evil.example.com' }));
      expect(error.message).toContain('another issuer');
      expect(fetchSpy).toHaveBeenCalledTimes(1);
    });

    it('rejects a refused code as login_failed, with the status and the server\'s error, never the code', async () => {
      tokenAnswer = async () => json(400, { error: 'invalid_grant', error_description: `grant ${CODE} request was invalid` });

      const error = await rejectionOf(completed());

      expectErrorWithout(error, 'login_failed', [CODE, ACCESS_TOKEN]);
      expect(error.message).toBe('The token endpoint refused the authorization code: 400 (invalid_grant).');
      expect(error.cause).toEqual({ status: 400, error: 'invalid_grant', error_description: 'grant [redacted] request was invalid' });
    });

    it('rejects login_failed with the status in cause when the token endpoint is down', async () => {
      tokenAnswer = async () => new Response('Service Unavailable', { status: 503 });
      const error = await rejectionOf(completed());
      expect(error.code).toBe('login_failed');
      expect(error.cause).toEqual({ status: 503 });
    });

    it('rejects login_failed when the token endpoint cannot be reached', async () => {
      tokenAnswer = () => Promise.reject(new TypeError('Failed to fetch'));
      const error = await rejectionOf(completed());
      expect(error.code).toBe('login_failed');
      expect(error.message).toBe('The token endpoint could not be reached.');
    });

    it('refuses an answer without an access token, or without the id token that scope openid asks for', async () => {
      tokenAnswer = async () => json(200, tokens({ access_token: undefined }));
      expect((await rejectionOf(completed())).message).toContain('without an access token');
      tokenAnswer = async () => json(200, tokens({ id_token: undefined }));
      expect((await rejectionOf(completed())).message).toContain('without an id token');
    });

    it('takes an answer without an id token when scope openid was not asked for', async () => {
      login = makeLogin({ fetch: fetchSpy, scope: 'read:data offline_access' });
      tokenAnswer = async () => json(200, tokens({ id_token: undefined }));
      expect((await completed()).profile).toBeNull();
    });

    it('refuses an id token for another audience, or with the nonce of another attempt', async () => {
      tokenAnswer = async () => json(200, tokens({ id_token: idToken({ aud: 'other-client' }) }));
      expect((await rejectionOf(completed())).message).toContain('another audience');
      tokenAnswer = async () => json(200, tokens({ id_token: idToken({}, 'nonce-of-another-attempt') }));
      expect((await rejectionOf(completed())).message).toContain('nonce');
    });

    it('reads the page\'s URL when given none, and removes the callback parameters from it, keeping the rest', async () => {
      const { state } = Object.fromEntries(await start());
      (win.location as { href: string }).href = `${APP}/callback?code=${CODE}&state=${state}&iss=${encodeURIComponent(ISSUER)}&session_state=x&keep=1#frag`;

      await login.complete(undefined, win);

      expect(replaceState).toHaveBeenCalledOnceWith({ kept: 1 }, '', `${APP}/callback?keep=1#frag`);
    });

    it('reads the query before the # in hashbang mode, where the redirect URI is the document', async () => {
      login = makeLogin({ fetch: fetchSpy, redirectUri: `${APP}/` });
      const { state } = Object.fromEntries(await start());
      (win.location as { href: string }).href = `${APP}/?code=${CODE}&state=${state}#!/callback`;

      expect((await login.complete(undefined, win)).returnTo).toBe('/');
      expect(replaceState).toHaveBeenCalledOnceWith({ kept: 1 }, '', `${APP}/#!/callback`);
    });

    it('removes the parameters from the page\'s URL even when the callback fails', async () => {
      (win.location as { href: string }).href = `${APP}/callback?code=${CODE}&state=unknown`;
      expect((await rejectionOf(login.complete(undefined, win))).code).toBe('login_failed');
      expect(replaceState).toHaveBeenCalledOnceWith({ kept: 1 }, '', `${APP}/callback`);
    });

    it('never touches the page\'s URL for a URL it was given', async () => {
      await completed();
      expect(replaceState).not.toHaveBeenCalled();
    });

    it('leaves the page\'s URL alone when it is not the redirect URI with a state', async () => {
      for (const href of [`${APP}/other?code=${CODE}&state=s`, `${APP}/callback?code=${CODE}`]) {
        (win.location as { href: string }).href = href;
        expect((await rejectionOf(login.complete(undefined, win))).code).toBe('login_failed');
      }
      expect(replaceState).not.toHaveBeenCalled();
    });

    it('reads the callback taken when the client was made, once, and leaves the page\'s URL alone', async () => {
      const { state } = Object.fromEntries(await start({ returnTo: '/orders' }));
      login = oidcLogin({ ...settings, fetch: fetchSpy }, endpointLookup(ISSUER, {}, fetchSpy), () => now, callback({ code: CODE, state }));

      expect((await login.complete(undefined, win)).returnTo).toBe('/orders');
      expect(replaceState).not.toHaveBeenCalled();
      // Taken once: the next call reads the page, which is no callback any more.
      expect((await rejectionOf(login.complete(undefined, win))).code).toBe('login_failed');
    });

    it('rejects login_failed, without quoting it, for a URL that does not parse', async () => {
      const { state } = Object.fromEntries(await start());
      const error = await rejectionOf(login.complete(`http://[bad?code=${CODE}&state=${state}`, win));
      expectErrorWithout(error, 'login_failed', [CODE, state]);
      expect(error.message).toBe('The login callback is not a URL.');
    });

    it('refuses a token endpoint that is not https, before sending the code there', async () => {
      fetchSpy.and.callFake(async (input) => (String(input).endsWith('/openid-configuration')
        ? json(200, { ...DOCUMENT, token_endpoint: 'http://id.example.com/token' }) : tokenAnswer()));
      const error = await rejectionOf(completed());
      expect(error.code).toBe('login_failed');
      expect(error.message).toBe('The token endpoint is not an https URL.');
      expect(fetchSpy).toHaveBeenCalledTimes(1);
    });
  });

  describe('with DPoP', () => {
    let binding: DpopBinding;

    /** The proof the token endpoint got with the `index`th code exchange, verified with the key in its header, and that key's thumbprint. */
    async function exchangeProof(index = 0) {
      const exchanges = fetchSpy.calls.all().filter((call) => String(call.args[0]) === `${ISSUER}/token`);
      const proof = (exchanges[index].args[1]?.headers as Record<string, string>).DPoP;
      const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256'], currentDate: new Date(now) });
      return { payload, jkt: await calculateJwkThumbprint(protectedHeader.jwk!) };
    }
    const complete = (state: string) => login.complete(callback({ code: CODE, state }), win);
    const completed = async () => complete((await start()).get('state')!);

    beforeEach(async () => {
      await deleteDatabase('authTokens-dpop');
      (win as { indexedDB?: IDBFactory }).indexedDB = indexedDB;
      binding = dpopBinding(crypto, () => now);
      binding.sender.attach!({ storage: 'localStorage', key: 'token', window: win, warn: () => undefined });
      login = makeLogin({ fetch: fetchSpy }, binding);
      tokenAnswer = async () => json(200, tokens({ token_type: 'DPoP' }));
    });
    afterAll(() => deleteDatabase('authTokens-dpop'));

    it('names the attempt key with dpop_jkt, proves the code exchange with it, and makes it the session key', async () => {
      const params = await start();
      const jkt = params.get('dpop_jkt')!;
      expect(jkt).toMatch(/^[\w-]{43}$/);
      expect(await binding.thumbprint()).toBeNull();

      await complete(params.get('state')!);

      const { payload, jkt: proven } = await exchangeProof();
      expect(proven).toBe(jkt);
      expect(payload).toEqual(jasmine.objectContaining({ htm: 'POST', htu: `${ISSUER}/token`, iat: NOW / 1000 }));
      expect(await binding.thumbprint()).toBe(jkt);
    });

    it('answers the token endpoint\'s nonce challenge with one more proof, carrying the nonce', async () => {
      const answers = [() => new Response(JSON.stringify({ error: 'use_dpop_nonce' }), { status: 400, headers: { 'DPoP-Nonce': 'n-1' } }),
        () => json(200, tokens({ token_type: 'DPoP' }))];
      tokenAnswer = async () => answers.shift()!();
      await completed();
      expect((await exchangeProof(0)).payload.nonce).toBeUndefined();
      expect((await exchangeProof(1)).payload.nonce).toBe('n-1');
    });

    it('gives each attempt a key of its own: two tabs logging in at once never share one', async () => {
      const first = await start();
      const second = await start();
      expect(first.get('dpop_jkt')).not.toBe(second.get('dpop_jkt'));

      await complete(second.get('state')!);
      expect((await exchangeProof(0)).jkt).toBe(second.get('dpop_jkt')!);
      tokenAnswer = async () => json(200, tokens({ token_type: 'DPoP', id_token: idToken({}, first.get('nonce')!) }));
      await complete(first.get('state')!);
      expect((await exchangeProof(1)).jkt).toBe(first.get('dpop_jkt')!);
      // The callback that completed last names the session's key.
      expect(await binding.thumbprint()).toBe(first.get('dpop_jkt'));
    });

    it('refuses an answer that is not DPoP-bound, and the old session keeps its key', async () => {
      const old = (await start()).get('state')!;
      await complete(old);
      const kept = await binding.thumbprint();
      tokenAnswer = async () => json(200, tokens({ token_type: 'Bearer' }));

      const error = await rejectionOf(completed());

      expect(error.code).toBe('login_failed');
      expect(error.message).toBe('The token endpoint answered with tokens that are not DPoP-bound.');
      expect(await binding.thumbprint()).toBe(kept);
    });

    it('keeps the old session and its key when the callback fails', async () => {
      await complete((await start()).get('state')!);
      const kept = await binding.thumbprint();
      tokenAnswer = async () => json(400, { error: 'invalid_grant' });
      expect((await rejectionOf(completed())).code).toBe('login_failed');
      expect(await binding.thumbprint()).toBe(kept);
    });

    it('rejects dpop_unavailable before navigating when IndexedDB fails, and keeps no attempt', async () => {
      const failing = { open: () => { throw new DOMException('blocked', 'SecurityError'); } } as unknown as IDBFactory;
      (win as { indexedDB?: IDBFactory }).indexedDB = failing;
      const error = await rejectionOf(login.start({}, win));
      expect(error.code).toBe('dpop_unavailable');
      expect(Object.keys(sessionStorage).filter((key) => key.startsWith('authTokens:login:'))).toEqual([]);
    });

    it('rejects dpop_unavailable without WebCrypto, before anything is stored', async () => {
      login = makeLogin({ fetch: fetchSpy }, dpopBinding(undefined, () => now));
      expect((await rejectionOf(start())).code).toBe('dpop_unavailable');
    });

    it('does not spend the code when the attempt\'s key is gone', async () => {
      const { state } = Object.fromEntries(await start());
      await deleteDatabase('authTokens-dpop');
      const error = await rejectionOf(complete(state));
      expect(error.code).toBe('dpop_unavailable');
      expect(fetchSpy.calls.all().filter((call) => String(call.args[0]) === `${ISSUER}/token`)).toEqual([]);
    });

    it('does not spend the code when the sender was never given to configure', async () => {
      binding = dpopBinding(crypto, () => now);
      login = makeLogin({ fetch: fetchSpy }, binding);
      const error = await rejectionOf(completed());
      expect(error.code).toBe('login_failed');
      expect(error.message).toContain('configure({ sender })');
      expect(fetchSpy.calls.all().filter((call) => String(call.args[0]) === `${ISSUER}/token`)).toEqual([]);
    });
  });

  describe('endSessionUrl', () => {
    it('names the id token, the post-logout redirect and the client', async () => {
      login = makeLogin({ fetch: fetchSpy, postLogoutRedirectUri: `${APP}/` });
      const url = new URL((await login.endSessionUrl('id-token-1'))!);
      expect(url.origin + url.pathname).toBe(`${ISSUER}/session/end`);
      expect(Object.fromEntries(url.searchParams)).toEqual({ id_token_hint: 'id-token-1', post_logout_redirect_uri: `${APP}/`, client_id: 'spa' });
    });

    it('leaves out what it does not have', async () => {
      const url = new URL((await login.endSessionUrl(null))!);
      expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: 'spa' });
    });

    it('is null without an end-session endpoint', async () => {
      fetchSpy.and.callFake(async () => json(200, { ...DOCUMENT, end_session_endpoint: undefined }));
      expect(await login.endSessionUrl('id')).toBeNull();
    });

    it('rejects when the endpoint cannot be found, or is not https (a javascript: URL would run in the app\'s origin)', async () => {
      login = makeLogin({ fetch: async () => json(500, {}) });
      expect((await rejectionOf(login.endSessionUrl('id'))).code).toBe('refresh_failed');
      login = makeLogin({ fetch: async () => json(200, { ...DOCUMENT, end_session_endpoint: 'javascript:alert(document.domain)//' }) });
      expect((await rejectionOf(login.endSessionUrl('id'))).message).toBe('The end session endpoint is not an https URL.');
    });
  });
});
