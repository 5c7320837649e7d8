import type { auto, IHttpService, ILocationProvider, ILocationService, IRootScopeService } from 'angular';
import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify } from 'jose';
import authTokens from '../../src/index';
import type { AuthTokensProvider, AuthTokensService } from '../../src/angular/types';
import { AuthTokensError } from '../../src/core/errors';
import { oidcClient, type OidcClientOptions } from '../../src/oidc/client';
import { deleteDatabase, makeSession } from '../helpers/fakes';
import { rejectionOf } from '../helpers/errors';
import { makeJwt } from '../helpers/jwt';

describe('oidcClient', () => {
  const ISSUER = 'https://id.example.com';
  const DOCUMENT = { issuer: ISSUER, authorization_endpoint: `${ISSUER}/auth`, token_endpoint: `${ISSUER}/token`, revocation_endpoint: `${ISSUER}/revoke` };
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });
  let fetchSpy: jasmine.Spy<typeof fetch>;
  let document: Record<string, unknown>;
  const options = (extra: Partial<OidcClientOptions> = {}): OidcClientOptions =>
    ({ issuer: ISSUER, clientId: 'spa', redirectUri: 'https://app.example.com/callback', scope: 'openid offline_access', fetch: fetchSpy, ...extra });

  beforeEach(() => {
    document = DOCUMENT;
    fetchSpy = jasmine.createSpy<typeof fetch>('fetch').and.callFake(async (input) =>
      (String(input).endsWith('/openid-configuration') ? json(200, document) : json(200, { access_token: 'at-2', refresh_token: 'rt-2', expires_in: 30 })));
  });

  it('gives what configure takes: a refresher, a revoker and a login, and no sender (bearer tokens)', () => {
    const client = oidcClient(options());
    expect(typeof client.refresher).toBe('function');
    expect(typeof client.revoke).toBe('function');
    expect(client.login.redirectUri).toBe('https://app.example.com/callback');
    expect(client.sender).toBeUndefined();
  });

  it('refuses options without issuer, clientId or redirectUri and an issuer that is not https', () => {
    for (const missing of ['issuer', 'clientId', 'redirectUri'] as const) {
      expect(() => oidcClient(options({ [missing]: '' }))).withContext(missing).toThrowError(TypeError, new RegExp(missing));
    }
    expect(() => oidcClient(options({ issuer: 'http://id.example.com' }))).toThrowError(TypeError, /https/);
  });

  describe('made on the page the provider called back to', () => {
    const page = location.href;
    afterEach(() => history.replaceState(history.state, '', page));

    it('takes the callback out of the address bar at once, and completes it from there', async () => {
      const client = oidcClient(options({ redirectUri: `${location.origin}/callback` }));
      const { searchParams } = new URL(await client.login.start({ returnTo: '/orders' }, window));
      history.replaceState({ kept: 1 }, '', `/callback?code=c-1&state=${searchParams.get('state')}&keep=1#frag`);

      const onCallback = oidcClient(options({ redirectUri: `${location.origin}/callback` }));

      expect(onCallback.calledBack).toBeTrue();
      expect(client.calledBack).toBeFalse();
      expect(location.pathname + location.search + location.hash).toBe('/callback?keep=1#frag');
      expect(history.state).toEqual({ kept: 1 });
      const error = await rejectionOf(onCallback.login.complete(undefined, window));
      // It got as far as the code exchange: the state matched the attempt, though its id token has no nonce.
      expect(error.message).toBe('The token endpoint answered without an id token.');
      expect(fetchSpy.calls.mostRecent().args[1]?.body).toContain('code=c-1');
    });

    it('leaves any other page\'s URL alone', () => {
      history.replaceState(null, '', '/elsewhere?code=c-1&state=s');
      expect(oidcClient(options({ redirectUri: `${location.origin}/callback` })).calledBack).toBeFalse();
      expect(location.pathname + location.search).toBe('/elsewhere?code=c-1&state=s');
    });
  });

  it('refreshes at the discovered token endpoint, without asking for a scope again', async () => {
    const client = oidcClient(options());

    const response = await client.refresher('rt-1', makeSession({ refreshToken: 'rt-1' }));

    expect(response).toEqual({ accessToken: 'at-2', refreshToken: 'rt-2', expiresIn: 30 });
    const call = fetchSpy.calls.mostRecent();
    expect(call.args[0]).toBe(`${ISSUER}/token`);
    expect(call.args[1]?.body).toBe('grant_type=refresh_token&refresh_token=rt-1&client_id=spa');
  });

  it('keeps the session when discovery fails at a refresh: refresh_failed, and the next refresh tries again', async () => {
    const client = oidcClient(options());
    fetchSpy.and.callFake(async () => json(503, {}));

    const error = await rejectionOf(client.refresher('rt-1', makeSession()));
    expect(error).toEqual(jasmine.any(AuthTokensError));
    expect(error.code).toBe('refresh_failed');

    fetchSpy.and.callFake(async (input) => (String(input).endsWith('/openid-configuration') ? json(200, DOCUMENT) : json(200, { access_token: 'at-3' })));
    expect((await client.refresher('rt-1', makeSession())).accessToken).toBe('at-3');
  });

  it('uses the explicit endpoints without fetching discovery', async () => {
    const client = oidcClient(options({ tokenEndpoint: 'https://id.example.com/t', revocationEndpoint: 'https://id.example.com/r' }));

    await client.refresher('rt-1', makeSession());
    await client.revoke('rt-1');

    expect(fetchSpy.calls.all().map((call) => call.args[0])).toEqual(['https://id.example.com/t', 'https://id.example.com/r']);
  });

  it('revokes the refresh token at the discovered revocation endpoint', async () => {
    await oidcClient(options()).revoke('rt-1');

    const call = fetchSpy.calls.mostRecent();
    expect(call.args[0]).toBe(`${ISSUER}/revoke`);
    expect(call.args[1]?.body).toBe('token=rt-1&token_type_hint=refresh_token&client_id=spa');
  });

  it('rejects a revocation without a revocation endpoint (Azure AD), for logout to report once, and sends nothing', async () => {
    document = { ...DOCUMENT, revocation_endpoint: undefined };

    const error = await rejectionOf(oidcClient(options()).revoke('rt-1'));

    expect(error.message).toBe('The server has no revocation endpoint.');
    expect(fetchSpy).toHaveBeenCalledTimes(1);
  });

  it('asks for openid profile offline_access when no scope is given', async () => {
    const client = oidcClient(options({ scope: undefined }));
    const url = new URL(await client.login.start({}, window));
    sessionStorage.clear();
    expect(url.searchParams.get('scope')).toBe('openid profile offline_access');
  });
});

describe('oidcClient in a real AngularJS app (no ngMock: its $browser cannot show AngularJS writing a URL back)', () => {
  const ISSUER = 'https://id.example.com';
  const page = location.href;
  let element: HTMLElement | null = null;
  let $rootScope: IRootScopeService | null = null;

  afterEach(() => {
    $rootScope?.$destroy();
    element?.remove();
    history.replaceState(null, '', page);
    sessionStorage.clear();
  });

  /**
   * Starts a login, comes back to `callbackUrl(state)` as the provider would send the browser, makes the
   * client there, and bootstraps an ngRoute app whose `callbackPath` route completes the login.
   */
  async function boot(html5: boolean, callbackPath: string, redirectPath: string, callbackUrl: (state: string) => string, publicPaths?: string[]) {
    let nonce = '';
    const exchanges: string[] = [];
    const fakeFetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (String(input).endsWith('/openid-configuration')) {
        return new Response(JSON.stringify({ issuer: ISSUER, authorization_endpoint: `${ISSUER}/auth`, token_endpoint: `${ISSUER}/token` }));
      }
      exchanges.push(String(init?.body));
      const now = Math.floor(Date.now() / 1000);
      return new Response(JSON.stringify({ access_token: makeJwt({ iat: now, exp: now + 3600 }), refresh_token: 'rt', expires_in: 3600,
        id_token: makeJwt({ iss: ISSUER, aud: 'spa', sub: 'u1', iat: now, exp: now + 300, nonce }) }));
    }) as typeof fetch;
    const settings = { issuer: ISSUER, clientId: 'spa', redirectUri: location.origin + redirectPath, scope: 'openid', fetch: fakeFetch };
    const authorization = new URL(await oidcClient(settings).login.start({ returnTo: '/orders' }, window)).searchParams;
    nonce = authorization.get('nonce')!;
    history.replaceState(null, '', callbackUrl(authorization.get('state')!));
    const client = oidcClient(settings);

    const seen = { loginPage: 0, callbackPage: 0, failures: [] as string[], exchanges };
    angular.module('callbackApp', [authTokens, 'ngRoute'])
      .config(['authTokensProvider', '$locationProvider', '$routeProvider',
        (provider: AuthTokensProvider, $locationProvider: ILocationProvider, $routeProvider: { when(path: string, route: object): void }) => {
          provider.configure({ refresher: client.refresher, login: client.login, storage: 'memory', ...(publicPaths && { publicPaths }) });
          if (html5) $locationProvider.html5Mode({ enabled: true, requireBase: false });
          else $locationProvider.hashPrefix('!');
          $routeProvider.when(callbackPath, { template: '<p></p>', controller: ['authTokens', '$location', function callbackPage(service: AuthTokensService, $location: ILocationService) {
            seen.callbackPage++;
            service.completeLogin().then((returnTo) => $location.url(returnTo).replace(), (error: Error) => seen.failures.push(error.message));
          }] });
          $routeProvider.when('/login', { template: '<p></p>', controller: [function loginPage() { seen.loginPage++; }] });
          $routeProvider.when('/orders', { template: '<p></p>' });
        }]);
    element = document.createElement('div');
    element.innerHTML = '<div ng-view></div>';
    document.body.appendChild(element);
    const injector = angular.bootstrap(element, ['callbackApp'], { strictDi: true });
    $rootScope = injector.get<IRootScopeService>('$rootScope');
    for (let i = 0; i < 15; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    return seen;
  }

  it('html5 mode without <base>, a redirect URI below the root: one exchange, no login page, the code gone for good', async () => {
    const seen = await boot(true, '/auth/callback', '/auth/callback', (state) => `/auth/callback?code=THE-CODE&state=${state}`);

    expect(seen).toEqual({ loginPage: 0, callbackPage: 1, failures: [], exchanges: [jasmine.stringContaining('code=THE-CODE')] });
    expect(location.pathname).toBe('/orders');
    expect(location.href).not.toContain('THE-CODE');
  });

  it('hashbang mode: the code leaves the URL before AngularJS takes it as its base, and never comes back', async () => {
    const seen = await boot(false, '/callback', location.pathname, (state) => `${location.pathname}?code=THE-CODE&state=${state}#!/callback`, ['/callback']);

    expect(seen).toEqual({ loginPage: 0, callbackPage: 1, failures: [], exchanges: [jasmine.stringContaining('code=THE-CODE')] });
    expect(location.hash).toBe('#!/orders');
    expect(location.href).not.toContain('THE-CODE');
  });
});

describe('oidcClient with DPoP in a real AngularJS app', () => {
  const ISSUER = 'https://id.example.com';
  const API = 'https://api.example.com';
  const page = location.href;
  let element: HTMLElement | null = null;
  let $rootScope: IRootScopeService | null = null;

  afterEach(async () => {
    $rootScope?.$destroy();
    element?.remove();
    history.replaceState(null, '', page);
    sessionStorage.clear();
    localStorage.clear();
    await Promise.all([deleteDatabase('authTokens-dpop'), deleteDatabase('authTokens')]);
  });

  /** The thumbprint of the key that signed `proof`, after checking it as a server would. */
  async function signerOf(proof: string | undefined, htm: string, htu: string) {
    const { payload, protectedHeader } = await jwtVerify(proof!, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256'], maxTokenAge: 60 });
    expect(payload).toEqual(jasmine.objectContaining({ htm, htu }));
    return calculateJwkThumbprint(protectedHeader.jwk!);
  }

  it('binds a key at login, presents every token with it (API, refresh, revocation), and deletes it at logout', async () => {
    let nonce = '';
    let tokenType = 'DPoP';
    const calls: Array<{ url: string; body: string; proof?: string }> = [];
    const fakeFetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (String(input).endsWith('/openid-configuration')) {
        return new Response(JSON.stringify({ issuer: ISSUER, authorization_endpoint: `${ISSUER}/auth`, token_endpoint: `${ISSUER}/token`,
          revocation_endpoint: `${ISSUER}/revoke` }));
      }
      calls.push({ url: String(input), body: String(init?.body), proof: (init?.headers as Record<string, string>).DPoP });
      const now = Math.floor(Date.now() / 1000);
      return new Response(String(input).endsWith('/revoke') ? '' : JSON.stringify({ access_token: makeJwt({ iat: now, exp: now + 3600, n: calls.length }),
        refresh_token: `rt-${calls.length}`, expires_in: 3600, token_type: tokenType, id_token: makeJwt({ iss: ISSUER, aud: 'spa', sub: 'u1', iat: now, exp: now + 300, nonce }) }));
    }) as typeof fetch;
    const settings = { issuer: ISSUER, clientId: 'spa', redirectUri: `${location.origin}/auth/callback`, scope: 'openid', fetch: fakeFetch, dpop: true };
    const starter = oidcClient(settings);
    // The login page's client: attached as the app's would be, so that its attempt's key can be kept.
    starter.sender!.attach!({ storage: 'localStorage', key: 'token', window, warn: () => undefined });
    const authorization = new URL(await starter.login.start({}, window)).searchParams;
    nonce = authorization.get('nonce')!;
    const jkt = authorization.get('dpop_jkt')!;
    history.replaceState(null, '', `/auth/callback?code=THE-CODE&state=${authorization.get('state')!}`);
    const client = oidcClient(settings);

    const requests: Array<Record<string, string>> = [];
    let service!: AuthTokensService;
    angular.module('dpopApp', [authTokens])
      .config(['authTokensProvider', '$locationProvider', '$provide', (provider: AuthTokensProvider, $locationProvider: ILocationProvider, $provide: auto.IProvideService) => {
        provider.configure({ refresher: client.refresher, revoke: client.revoke, login: client.login, sender: client.sender, allowedDomains: [API] });
        $locationProvider.html5Mode({ enabled: true, requireBase: false });
        // The API's side of $http: what each request carried.
        $provide.value('$httpBackend', (_method: string, _url: string, _data: unknown, done: (status: number, data: string, headers: string, text: string) => void,
          headers: Record<string, string>) => {
          requests.push(headers);
          setTimeout(() => done(200, '{}', '', 'OK'));
        });
      }])
      .run(['authTokens', (s: AuthTokensService) => { service = s; }]);
    element = document.createElement('div');
    document.body.appendChild(element);
    const injector = angular.bootstrap(element, ['dpopApp'], { strictDi: true });
    $rootScope = injector.get<IRootScopeService>('$rootScope');
    const $http = injector.get<IHttpService>('$http');

    await service.completeLogin();
    expect(await client.dpopThumbprint()).toBe(jkt);
    expect(await signerOf(calls[0].proof, 'POST', `${ISSUER}/token`)).toBe(jkt);

    await $http.get(`${API}/things?page=2`);
    await $http.get('https://elsewhere.example.com/x');
    expect(requests[0].Authorization).toBe(`DPoP ${localStorage.getItem('token')!.slice(1, -1)}`);
    expect(await signerOf(requests[0].DPoP, 'GET', `${API}/things`)).toBe(jkt);
    expect(requests[1].Authorization).toBeUndefined();
    expect(requests[1].DPoP).toBeUndefined();

    await service.refresh();
    expect(calls[1].body).toContain('grant_type=refresh_token');
    expect(await signerOf(calls[1].proof, 'POST', `${ISSUER}/token`)).toBe(jkt);

    // A server that ignores the proof gets its bearer tokens refused, never stored.
    tokenType = 'Bearer';
    expect((await rejectionOf(client.refresher('rt-2', makeSession()))).code).toBe('invalid_response');
    calls.pop();

    await service.logout();
    expect(calls[2].url).toBe(`${ISSUER}/revoke`);
    expect(await signerOf(calls[2].proof, 'POST', `${ISSUER}/revoke`)).toBe(jkt);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await client.dpopThumbprint()).toBeNull();
  });
});
