import type { auto, IHttpBackendService, IHttpService, ILocationService, ILogService, IRootScopeService } from 'angular';
import '../../src/module';
import type { AuthTokensCore } from '../../src/angular/core';
import type { AuthManager } from '../../src/angular/service';
import type { AuthTokensOptions, AuthTokensService } from '../../src/angular/types';
import { AuthTokensError } from '../../src/core/errors';
import type { SessionEvent, SessionManager } from '../../src/core/session-manager';
import { versionKey } from '../../src/core/local-copy';
import { DEFAULT_SETTINGS, DEFAULT_STORAGE_KEYS } from '../../src/core/settings';
import type { Login, LoginResult, RefreshFunction, Revoker, TokenResponse } from '../../src/core/types';
import { deferred } from '../helpers/fakes';
import { stringsIn } from '../helpers/errors';
import { jwtExpiringIn } from '../helpers/jwt';
import { settle } from '../helpers/ng';

const API = 'http://127.0.0.1:3002';
const OTHER = 'http://127.0.0.1:3003';

describe('service (authTokens, per request)', () => {
  let refresher: jasmine.Spy<RefreshFunction>;
  let $http: IHttpService;
  let $httpBackend: IHttpBackendService;
  let $rootScope: IRootScopeService;
  let $log: ILogService;
  let $location: ILocationService;
  let authTokens: AuthTokensService;
  let core: AuthTokensCore;
  let events: string[];

  /**
   * Starts the service with the given options. These specs are about the request path, so whatever the
   * spec stored is put back only after start-up: the start-up renewal (scheduler.spec, guard.spec) would
   * otherwise be counted here.
   */
  function load(options: Partial<AuthTokensOptions> = {}) {
    const stored = Object.entries(sessionStorage);
    sessionStorage.clear();
    angular.mock.module('authTokens', ['authTokensProvider', (provider: { configure(o: Partial<AuthTokensOptions>): void }) => {
      provider.configure({ refresher, storage: 'sessionStorage', allowedDomains: [API], ...options });
    }]);
    angular.mock.inject(['$http', '$httpBackend', '$rootScope', '$log', '$location', 'authTokens', 'authTokensCore',
      (http: IHttpService, backend: IHttpBackendService, root: IRootScopeService, log: ILogService, location: ILocationService,
        service: AuthTokensService, authTokensCore: AuthTokensCore) => {
        $http = http; $httpBackend = backend; $rootScope = root; $log = log; $location = location; authTokens = service; core = authTokensCore;
      }]);
    for (const [key, value] of stored) sessionStorage.setItem(key, value);
    events = [];
    for (const name of ['sessionStarted', 'refreshed', 'refreshFailed', 'sessionExpired', 'loggedOut']) {
      $rootScope.$on(`authTokens:${name}`, () => events.push(name));
    }
  }

  function store(values: Record<string, unknown>, raw: Record<string, string> = {}) {
    for (const [key, value] of Object.entries(values)) sessionStorage.setItem(key, JSON.stringify(value));
    for (const [key, value] of Object.entries(raw)) sessionStorage.setItem(key, value);
  }

  /**
   * The keys left in sessionStorage, but for the version key: a logout writes its version (a number) so that
   * a renewal it overtook knows it was.
   */
  const storedKeys = () => Object.keys(sessionStorage).filter((key) => key !== versionKey(DEFAULT_STORAGE_KEYS));

  const bearer = (token: string) => (headers: Record<string, string>) => headers.Authorization === `Bearer ${token}`;
  const noAuthorization = (headers: Record<string, string>) => !('Authorization' in headers);

  beforeEach(() => {
    angular.mock.inject.strictDi(true);
    sessionStorage.clear();
    refresher = jasmine.createSpy<RefreshFunction>('refresher');
  });
  afterEach(() => {
    $httpBackend?.verifyNoOutstandingExpectation();
    $httpBackend?.verifyNoOutstandingRequest();
    sessionStorage.clear();
  });

  describe('with a valid token', () => {
    it('sends it as a Bearer token without refreshing', async () => {
      const token = jwtExpiringIn(3600);
      store({ token, refreshToken: 'rt-1' });
      load();
      $httpBackend.expectGET(`${API}/data`, bearer(token)).respond(200, {});
      $http.get(`${API}/data`);
      await settle($rootScope);
      $httpBackend.flush();
      expect(refresher).not.toHaveBeenCalled();
    });

    it('takes expiry from expiresAt over the JWT exp', async () => {
      const token = jwtExpiringIn(-60);
      store({ token, refreshToken: 'rt-1', expiresAt: Date.now() + 60_000 });
      load();
      $httpBackend.expectGET(`${API}/data`, bearer(token)).respond(200, {});
      $http.get(`${API}/data`);
      await settle($rootScope);
      $httpBackend.flush();
      expect(refresher).not.toHaveBeenCalled();
    });

    it('works with an opaque token whose expiry is known', async () => {
      store({ token: 'opaque-access-token', refreshToken: 'rt-1', expiresAt: Date.now() + 60_000 });
      load();
      $httpBackend.expectGET('/local', bearer('opaque-access-token')).respond(200, {});
      $http.get('/local');
      await settle($rootScope);
      $httpBackend.flush();
      expect(refresher).not.toHaveBeenCalled();
    });
  });

  describe('with an expired token and a refresh token', () => {
    it('refreshes once for 20 simultaneous requests and sends the new token with all of them', async () => {
      const fresh = jwtExpiringIn(3600);
      store({ token: jwtExpiringIn(-10), refreshToken: 'rt-1' });
      let resolve!: (r: TokenResponse) => void;
      refresher.and.returnValue(new Promise<TokenResponse>((r) => { resolve = r; }));
      load();
      $httpBackend.whenGET(`${API}/data`, bearer(fresh)).respond(200, {});
      const done: number[] = [];
      for (let i = 0; i < 20; i++) $http.get(`${API}/data`).then(() => done.push(i));
      await settle($rootScope);
      resolve({ accessToken: fresh, refreshToken: 'rt-2', expiresIn: 3600 });
      await settle($rootScope);
      $httpBackend.flush();
      expect(refresher).toHaveBeenCalledTimes(1);
      expect(refresher.calls.argsFor(0)[0]).toBe('rt-1');
      expect(done.length).toBe(20);
      expect(JSON.parse(sessionStorage.getItem('token')!)).toBe(fresh);
      expect(JSON.parse(sessionStorage.getItem('refreshToken')!)).toBe('rt-2');
      expect(events).toEqual(['refreshed']);
    });

    it('treats a token within minValiditySeconds of expiry as expired', async () => {
      const fresh = jwtExpiringIn(3600);
      // An hour-long token with 3 s left: within the 5 s margin.
      store({ token: jwtExpiringIn(3, { iat: Math.floor(Date.now() / 1000) - 3600 }), refreshToken: 'rt-1' });
      refresher.and.resolveTo({ accessToken: fresh, expiresIn: 3600 });
      load({ minValiditySeconds: 5 });
      $httpBackend.expectGET(`${API}/data`, bearer(fresh)).respond(200, {});
      $http.get(`${API}/data`);
      await settle($rootScope);
      $httpBackend.flush();
      expect(refresher).toHaveBeenCalledTimes(1);
    });

    it('does not renew a 30 s token again and again with the default margins', async () => {
      store({ token: jwtExpiringIn(-1), refreshToken: 'rt-1' });
      refresher.and.callFake(async () => ({ accessToken: jwtExpiringIn(30), expiresIn: 30 }));
      load();
      $httpBackend.whenGET(`${API}/data`).respond(200, {});
      for (let i = 0; i < 5; i++) {
        $http.get(`${API}/data`);
        await settle($rootScope);
        $httpBackend.flush();
      }
      expect(refresher).toHaveBeenCalledTimes(1);
    });

    it('keeps the old refresh token when the response has no new one', async () => {
      store({ token: jwtExpiringIn(-1), refreshToken: 'rt-1' });
      refresher.and.resolveTo({ accessToken: jwtExpiringIn(3600) });
      load();
      await settle($rootScope);
      authTokens.getToken();
      await settle($rootScope);
      expect(JSON.parse(sessionStorage.getItem('refreshToken')!)).toBe('rt-1');
    });
  });

  describe('with garbage in storage', () => {
    const garbage: Array<[string, string]> = [
      ['"undefined"', JSON.stringify('undefined')],
      ['"null"', JSON.stringify('null')],
      ['""', JSON.stringify('')],
      ['not three parts', JSON.stringify('a.b')],
      ['bad base64', JSON.stringify('a.%%%.c')],
      ['a payload that is not JSON', JSON.stringify(`x.${btoa('not json')}.y`)],
      ['a JSON array payload', JSON.stringify(`x.${btoa('[1,2]')}.y`)],
      ['exp as a string', JSON.stringify(`x.${btoa('{"exp":"9999999999"}')}.y`)],
      ['exp as NaN', JSON.stringify(`x.${btoa('{"exp":"NaN"}')}.y`)],
      ['a JSON number', '42'],
      ['a JSON object', '{"a":1}'],
      ['a raw value that is not JSON-encoded', 'raw-token'],
    ];
    for (const [name, raw] of garbage) {
      it(`renews over ${name} when a refresh token is held`, async () => {
        const fresh = jwtExpiringIn(3600);
        store({ refreshToken: 'rt-1' }, { token: raw });
        refresher.and.resolveTo({ accessToken: fresh, expiresIn: 3600 });
        load();
        $httpBackend.expectGET(`${API}/data`, bearer(fresh)).respond(200, {});
        $http.get(`${API}/data`);
        await settle($rootScope);
        $httpBackend.flush();
        expect(refresher).toHaveBeenCalledTimes(1);
      });

      it(`sends no Authorization over ${name} without a refresh token`, async () => {
        store({}, { token: raw });
        load();
        $httpBackend.expectGET(`${API}/data`, noAuthorization).respond(200, {});
        $http.get(`${API}/data`);
        await settle($rootScope);
        $httpBackend.flush();
        expect(refresher).not.toHaveBeenCalled();
        expect(authTokens.isAuthenticated()).toBeFalse();
      });
    }
  });

  describe('when the refresh fails', () => {
    it('rejects every waiting request with login_required when the refresh token is refused, and ends the session once', async () => {
      store({ token: jwtExpiringIn(-1), refreshToken: 'rt-1', profile: { name: 'A' } });
      refresher.and.rejectWith({ error: 'invalid_grant' });
      load();
      const errors: unknown[] = [];
      for (let i = 0; i < 3; i++) $http.get(`${API}/data`).catch((e) => errors.push(e));
      await settle($rootScope);
      expect(errors.length).toBe(3);
      for (const error of errors) {
        expect(error).toEqual(jasmine.any(AuthTokensError));
        expect((error as AuthTokensError).code).toBe('login_required');
      }
      expect(refresher).toHaveBeenCalledTimes(1);
      expect(storedKeys()).toEqual([]);
      expect(events).toEqual(['refreshFailed', 'sessionExpired']);
      expect(authTokens.isAuthenticated()).toBe(false);
    });

    for (const [name, reason] of [['a network error', new TypeError('Failed to fetch')], ['a 5xx', { error: 'server_error', status: 503 }]] as const) {
      it(`rejects with refresh_failed on ${name}, keeps the session, and tries again on a request after the backoff`, async () => {
        const startedAt = Date.now();
        store({ token: jwtExpiringIn(-1), refreshToken: 'rt-1' });
        refresher.and.rejectWith(reason);
        load();
        let error: unknown;
        $http.get(`${API}/data`).catch((e) => { error = e; });
        await settle($rootScope);
        expect((error as AuthTokensError).code).toBe('refresh_failed');
        expect(JSON.parse(sessionStorage.getItem('refreshToken')!)).toBe('rt-1');
        expect(events).toEqual(['refreshFailed']);

        // Within the first backoff step (2 s) the same error comes at once, and the token endpoint hears nothing.
        let early: unknown;
        $http.get(`${API}/data`).catch((e) => { early = e; });
        await settle($rootScope);
        expect(early).toBe(error);
        expect(refresher).toHaveBeenCalledTimes(1);

        const fresh = jwtExpiringIn(3600);
        refresher.and.resolveTo({ accessToken: fresh, expiresIn: 3600 });
        spyOn(Date, 'now').and.returnValue(startedAt + 2_500);
        $httpBackend.expectGET(`${API}/data`, bearer(fresh)).respond(200, {});
        $http.get(`${API}/data`);
        await settle($rootScope);
        $httpBackend.flush();
        expect(refresher).toHaveBeenCalledTimes(2);
      });
    }

    it('rejects with refresh_failed when the refresher takes longer than refreshTimeoutSeconds', async () => {
      store({ token: jwtExpiringIn(-1), refreshToken: 'rt-1' });
      refresher.and.returnValue(new Promise(() => undefined));
      load({ refreshTimeoutSeconds: 0.05 });
      let error: unknown;
      authTokens.getToken().catch((e) => { error = e; });
      await new Promise((resolve) => setTimeout(resolve, 100));
      await settle($rootScope);
      expect((error as AuthTokensError).code).toBe('refresh_failed');
      expect(JSON.parse(sessionStorage.getItem('refreshToken')!)).toBe('rt-1');
    });
  });

  describe('hosts', () => {
    beforeEach(() => {
      store({ token: jwtExpiringIn(3600), refreshToken: 'rt-1' });
    });

    it('sends the token to the app origin and to allowed origins, port included', async () => {
      load();
      const token = JSON.parse(sessionStorage.getItem('token')!);
      $httpBackend.expectGET('/same-origin', bearer(token)).respond(200, {});
      $httpBackend.expectGET(`${API}/data`, bearer(token)).respond(200, {});
      $http.get('/same-origin');
      $http.get(`${API}/data`);
      await settle($rootScope);
      $httpBackend.flush();
    });

    it('sends no token to another port of an allowed host, and the request still succeeds', async () => {
      load();
      let status = 0;
      $httpBackend.expectGET(`${OTHER}/data`, noAuthorization).respond(200, {});
      $http.get(`${OTHER}/data`).then((r) => { status = r.status; });
      await settle($rootScope);
      $httpBackend.flush();
      expect(status).toBe(200);
    });

    it('sends no token to any other origin even with no allowedDomains at all', async () => {
      load({ allowedDomains: [] });
      $httpBackend.expectGET('https://elsewhere.example/x', noAuthorization).respond(200, {});
      $http.get('https://elsewhere.example/x');
      await settle($rootScope);
      $httpBackend.flush();
    });

    it('sends no token with skipAuthorization', async () => {
      load();
      $httpBackend.expectGET(`${API}/data`, noAuthorization).respond(200, {});
      $http.get(`${API}/data`, { skipAuthorization: true } as object);
      await settle($rootScope);
      $httpBackend.flush();
    });
  });

  describe('the service', () => {
    it('setSession stores JSON-encoded values under the guide keys, authenticates and broadcasts sessionStarted', () => {
      load();
      const token = jwtExpiringIn(3600);
      authTokens.setSession({ accessToken: token, idToken: 'id-1', refreshToken: 'rt-1', expiresIn: 3600 }, { name: 'Ada' });
      expect(JSON.parse(sessionStorage.getItem('token')!)).toBe(token);
      expect(JSON.parse(sessionStorage.getItem('idToken')!)).toBe('id-1');
      expect(JSON.parse(sessionStorage.getItem('refreshToken')!)).toBe('rt-1');
      expect(JSON.parse(sessionStorage.getItem('expiresAt')!)).toBeCloseTo(Date.now() + 3_600_000, -3);
      expect(authTokens.getProfile()).toEqual({ name: 'Ada' });
      expect(($rootScope as IRootScopeService & { isAuthenticated: boolean }).isAuthenticated).toBe(true);
      expect(authTokens.isAuthenticated()).toBe(true);
      expect(events).toEqual(['sessionStarted']);
    });

    it('setSession throws invalid_response for a response without a token and stores nothing', () => {
      load();
      expect(() => authTokens.setSession({ refreshToken: 'rt' })).toThrowMatching((e) => (e as AuthTokensError).code === 'invalid_response');
      expect(sessionStorage.length).toBe(0);
    });

    it('stores the id token under token with apiToken: idToken, as the guide did', () => {
      load({ apiToken: 'idToken' });
      const id = jwtExpiringIn(3600);
      authTokens.setSession({ accessToken: 'opaque', idToken: id, expiresIn: 3600 });
      expect(JSON.parse(sessionStorage.getItem('token')!)).toBe(id);
    });

    it('getToken resolves null without a session, the token when valid', async () => {
      load();
      let value: string | null | undefined;
      authTokens.getToken().then((t) => { value = t; });
      await settle($rootScope);
      expect(value).toBeNull();
      const token = jwtExpiringIn(3600);
      authTokens.setSession({ accessToken: token, expiresIn: 3600 });
      authTokens.getToken().then((t) => { value = t; });
      await settle($rootScope);
      expect(value).toBe(token);
    });

    it('refresh renews a valid token now, and joins one under way', async () => {
      store({ token: jwtExpiringIn(3600), refreshToken: 'rt-1' });
      const fresh = jwtExpiringIn(3600, { n: 2 });
      refresher.and.resolveTo({ accessToken: fresh, expiresIn: 3600 });
      load();
      const got: string[] = [];
      authTokens.refresh().then((t) => got.push(t));
      authTokens.refresh().then((t) => got.push(t));
      authTokens.getToken();
      await settle($rootScope);
      expect(refresher).toHaveBeenCalledTimes(1);
      expect(got).toEqual([fresh, fresh]);
    });

    it('isAuthenticated holds with only a refresh token', () => {
      store({ refreshToken: 'rt-1' });
      load();
      expect(authTokens.isAuthenticated()).toBe(true);
    });

    it('logout revokes the refresh token, clears every key and broadcasts loggedOut, even when revocation fails', async () => {
      const revoke = jasmine.createSpy('revoke').and.rejectWith(new Error('offline'));
      store({ token: jwtExpiringIn(3600), refreshToken: 'rt-1', profile: {}, idToken: 'x', expiresAt: Date.now() + 1000 });
      load({ revoke });
      let resolved = false;
      authTokens.logout().then(() => { resolved = true; });
      await settle($rootScope);
      expect(revoke).toHaveBeenCalledOnceWith('rt-1');
      expect(resolved).toBe(true);
      expect(storedKeys()).toEqual([]);
      expect(events).toEqual(['loggedOut']);
    });
  });

  describe('with a refresher that uses no refresh token (silent renewal)', () => {
    beforeEach(() => {
      Object.assign(refresher, { usesRefreshToken: false });
    });

    it('renews an expired token on a reload and stays on the page, with no redirect to the login path', async () => {
      const fresh = jwtExpiringIn(3600);
      refresher.and.resolveTo({ accessToken: fresh, expiresIn: 3600 });
      store({ token: jwtExpiringIn(-60) });
      load();
      $location.url('/private');
      $httpBackend.expectGET(`${API}/data`, bearer(fresh)).respond(200, {});
      $http.get(`${API}/data`);
      await settle($rootScope);
      $httpBackend.flush();

      // The guard and the request asked together: one renewal.
      expect(refresher).toHaveBeenCalledTimes(1);
      expect(refresher.calls.argsFor(0)[0]).toBe('');
      expect($location.url()).toBe('/private');
      expect(authTokens.isAuthenticated()).toBeTrue();
      expect(($rootScope as IRootScopeService & { isAuthenticated?: boolean }).isAuthenticated).toBeTrue();
      expect(events).toEqual(['refreshed']);
    });
  });

  describe('secrets', () => {
    it('never lets a token reach $log, a broadcast or a rejection, whatever the refresher and the revoker reject with', async () => {
      const access = jwtExpiringIn(-60);
      store({ token: access, refreshToken: 'rt-secret' });
      // As auth0-js rejects on a 5xx: the request it sent, refresh token included, rides along.
      refresher.and.rejectWith({
        statusCode: 503, code: 'server_error', description: 'could not refresh rt-secret',
        original: { response: { req: { _data: 'grant_type=refresh_token&refresh_token=rt-secret' } } },
      });
      const revoke = jasmine.createSpy<Revoker>('revoke').and.rejectWith({ status: 503, body: `token=rt-secret&token_type_hint=refresh_token` });
      load({ revoke });
      const levels = ['log', 'info', 'warn', 'error', 'debug'] as const;
      const spies = levels.map((level) => spyOn($log, level).and.callThrough());
      const broadcast: unknown[] = [];
      $rootScope.$on('authTokens:refreshFailed', (_event, error: unknown) => broadcast.push(error));

      let rejection: unknown;
      $http.get(`${API}/data`).catch((error: unknown) => { rejection = error; });
      await settle($rootScope);
      authTokens.logout();
      await settle($rootScope);

      expect((rejection as AuthTokensError).code).toBe('refresh_failed');
      expect(broadcast).toEqual([rejection]);
      expect(revoke).toHaveBeenCalledOnceWith('rt-secret');
      // The failed revocation was said: $log was listened to.
      const logged = spies.flatMap((spy) => spy.calls.allArgs());
      expect(logged.length).toBeGreaterThan(0);
      const text = stringsIn([logged, broadcast, rejection]).join(' ');
      expect(text).not.toContain('rt-secret');
      expect(text).not.toContain(access);
    });
  });

  describe('storage', () => {
    it('falls back to memory when the browser refuses writes, and says so once', () => {
      load();
      spyOn(Storage.prototype, 'setItem').and.throwError(new DOMException('full', 'QuotaExceededError'));
      const warn = spyOn($log, 'warn');
      const token = jwtExpiringIn(3600);
      authTokens.setSession({ accessToken: token, refreshToken: 'rt-1', expiresIn: 3600 });
      authTokens.setSession({ accessToken: token, refreshToken: 'rt-2', expiresIn: 3600 });
      expect(core.manager.current()?.refreshToken).toBe('rt-2');
      expect(warn).toHaveBeenCalledTimes(1);
    });

    it('keeps a memory session out of Web Storage', () => {
      load({ storage: 'memory' });
      authTokens.setSession({ accessToken: jwtExpiringIn(3600), refreshToken: 'rt-1' });
      expect(sessionStorage.length).toBe(0);
      expect(authTokens.isAuthenticated()).toBe(true);
    });
  });
});

describe('service (authTokens, a thin layer over the core)', () => {
  let manager: jasmine.SpyObj<SessionManager>;
  let publish: (event: SessionEvent) => void;
  let unsubscribe: jasmine.Spy<() => void>;
  let authTokens: AuthTokensService;
  let authManager: AuthManager;
  let $rootScope: IRootScopeService;

  beforeEach(() => {
    angular.mock.inject.strictDi(true);
    manager = jasmine.createSpyObj<SessionManager>('manager',
      ['current', 'isAuthenticated', 'token', 'refresh', 'replace', 'setSession', 'logout', 'subscribe', 'start', 'stop']);
    unsubscribe = jasmine.createSpy('unsubscribe');
    manager.subscribe.and.callFake((listener) => {
      publish = listener;
      return unsubscribe;
    });
    // For the guard, which also runs: nothing stored.
    manager.current.and.returnValue(null);
    manager.isAuthenticated.and.returnValue(false);
    const core: AuthTokensCore = { manager, settings: DEFAULT_SETTINGS, allows: () => false };
    angular.mock.module('authTokens', ['$provide', ($provide: auto.IProvideService) => { $provide.value('authTokensCore', core); }]);
    angular.mock.inject(['authTokens', 'authManager', '$rootScope', (service: AuthTokensService, jwtAuthManager: AuthManager, root: IRootScopeService) => {
      authTokens = service; authManager = jwtAuthManager; $rootScope = root;
    }]);
  });

  it('broadcasts every core event as authTokens:<type>, with its argument, and tells authManager of starts and ends', () => {
    const heard: unknown[][] = [];
    for (const type of ['sessionStarted', 'refreshed', 'refreshFailed', 'sessionExpired', 'loggedOut']) {
      $rootScope.$on(`authTokens:${type}`, (_event, ...args: unknown[]) => heard.push([type, ...args]));
    }
    const authenticate = spyOn(authManager, 'authenticate');
    const unauthenticate = spyOn(authManager, 'unauthenticate');
    const failed = new AuthTokensError('refresh_failed', 'offline');
    const refused = new AuthTokensError('login_required', 'refused');

    publish({ type: 'sessionStarted' });
    expect([authenticate.calls.count(), unauthenticate.calls.count()]).toEqual([1, 0]);
    publish({ type: 'refreshed', token: 'api-token' });
    publish({ type: 'refreshFailed', error: failed });
    expect([authenticate.calls.count(), unauthenticate.calls.count()]).toEqual([1, 0]);
    publish({ type: 'sessionExpired', error: refused });
    expect(unauthenticate).toHaveBeenCalledTimes(1);
    publish({ type: 'loggedOut', otherTab: false });
    publish({ type: 'loggedOut', otherTab: true });

    expect(heard).toEqual([
      ['sessionStarted'],
      ['refreshed', 'api-token'],
      ['refreshFailed', failed],
      ['sessionExpired', refused],
      ['loggedOut'],
      ['loggedOut', { otherTab: true }],
    ]);
    expect(unauthenticate).toHaveBeenCalledTimes(3);
    expect(authenticate).toHaveBeenCalledTimes(1);
  });

  it('hands every call to the manager, its native promises as $q promises', async () => {
    const renewal = deferred<string>();
    manager.token.and.returnValues('stored', renewal.promise, null);
    manager.refresh.and.resolveTo('renewed');
    manager.logout.and.resolveTo();
    manager.isAuthenticated.and.returnValue(true);
    manager.current.and.returnValue({ token: 't', refreshToken: null, idToken: null, profile: { name: 'Ada' }, expiresAt: null });
    const got: unknown[] = [];

    authTokens.getToken().then((token) => got.push(token));
    const pending = authTokens.getToken();
    // A $q promise, so that the app's callbacks run in a digest.
    expect(pending instanceof Promise).toBeFalse();
    pending.then((token) => got.push(token));
    authTokens.getToken().then((token) => got.push(token));
    authTokens.refresh().then((token) => got.push(token));
    authTokens.logout().then(() => got.push('logged out'));
    renewal.resolve('late');
    await settle($rootScope);
    authTokens.setSession({ accessToken: 'a' }, { name: 'Ada' });

    expect(got).toEqual(jasmine.arrayWithExactContents(['stored', 'late', null, 'renewed', 'logged out']));
    expect(manager.setSession).toHaveBeenCalledOnceWith({ accessToken: 'a' }, { name: 'Ada' });
    expect(authTokens.isAuthenticated()).toBeTrue();
    expect(authTokens.getProfile()).toEqual({ name: 'Ada' });
  });

  it('stops listening to the core when the injector is torn down', () => {
    expect(unsubscribe).not.toHaveBeenCalled();
    $rootScope.$destroy();
    expect(unsubscribe).toHaveBeenCalledTimes(1);
  });
});

describe('service (authTokens, login)', () => {
  let manager: jasmine.SpyObj<SessionManager>;
  let login: jasmine.SpyObj<Login>;
  let authTokens: AuthTokensService;
  let $rootScope: IRootScopeService;
  /** Where the service sent the page: the $window given to it navigates nowhere, it records. */
  let assigned: string[];
  let fakeWindow: Window;

  /** The real window, but for a `location` whose `assign` records: the Karma page must stay where it is. */
  function recordingWindow(): Window {
    const location = { href: window.location.href, origin: window.location.origin, assign: (url: string) => assigned.push(url) };
    return new Proxy(window, {
      get: (target, key) => {
        if (key === 'location') return location;
        const value: unknown = Reflect.get(target, key);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  function load(withLogin = true) {
    angular.mock.inject.strictDi(true);
    manager = jasmine.createSpyObj<SessionManager>('manager',
      ['current', 'isAuthenticated', 'token', 'refresh', 'replace', 'setSession', 'logout', 'subscribe', 'start', 'stop']);
    manager.subscribe.and.returnValue(() => undefined);
    manager.current.and.returnValue(null);
    manager.isAuthenticated.and.returnValue(false);
    manager.logout.and.resolveTo();
    login = jasmine.createSpyObj<Login>('login', ['start', 'complete', 'endSessionUrl'], { redirectUri: 'https://app.example.com/callback' });
    assigned = [];
    fakeWindow = recordingWindow();
    const core: AuthTokensCore = { manager, settings: { ...DEFAULT_SETTINGS, login: withLogin ? login : null }, allows: () => false };
    angular.mock.module('authTokens', ['$provide', ($provide: auto.IProvideService) => {
      $provide.value('authTokensCore', core);
      $provide.value('$window', fakeWindow);
    }]);
    angular.mock.inject(['authTokens', '$rootScope', (service: AuthTokensService, root: IRootScopeService) => {
      authTokens = service; $rootScope = root;
    }]);
  }

  const failed = new AuthTokensError('login_failed', 'The login callback matches no pending login attempt.');
  const result: LoginResult = { response: { accessToken: 'at-1', refreshToken: 'rt-1', idToken: 'id-1' }, profile: { sub: 'u1' }, returnTo: '/orders' };

  async function outcome<T>(promise: PromiseLike<T>): Promise<['resolved', T] | ['rejected', unknown]> {
    let settled: ['resolved', T] | ['rejected', unknown] | null = null;
    promise.then((value) => { settled = ['resolved', value]; }, (error: unknown) => { settled = ['rejected', error]; });
    await settle($rootScope);
    if (!settled) throw new Error('still pending');
    return settled;
  }

  describe('login()', () => {
    beforeEach(() => load());

    it('starts an attempt with the options and the window, then navigates to the provider', async () => {
      login.start.and.resolveTo('https://id.example.com/auth?state=s');

      expect(await outcome(authTokens.login({ returnTo: '/orders', prompt: 'consent' }))).toEqual(['resolved', undefined]);

      expect(login.start).toHaveBeenCalledOnceWith({ returnTo: '/orders', prompt: 'consent' }, fakeWindow);
      expect(assigned).toEqual(['https://id.example.com/auth?state=s']);
    });

    it('rejects with the attempt\'s error and does not navigate', async () => {
      login.start.and.rejectWith(failed);

      expect(await outcome(authTokens.login())).toEqual(['rejected', failed]);
      expect(login.start).toHaveBeenCalledOnceWith({}, fakeWindow);
      expect(assigned).toEqual([]);
    });
  });

  describe('completeLogin()', () => {
    beforeEach(() => load());

    it('completes the callback, starts the session with the id token\'s claims, and resolves with returnTo', async () => {
      login.complete.and.resolveTo(result);

      expect(await outcome(authTokens.completeLogin())).toEqual(['resolved', '/orders']);

      expect(login.complete).toHaveBeenCalledOnceWith(undefined, fakeWindow);
      expect(manager.setSession).toHaveBeenCalledOnceWith(result.response, { sub: 'u1' });
    });

    it('passes a URL it is given', async () => {
      login.complete.and.resolveTo(result);
      await outcome(authTokens.completeLogin('https://app.example.com/callback?code=c&state=s'));
      expect(login.complete).toHaveBeenCalledOnceWith('https://app.example.com/callback?code=c&state=s', fakeWindow);
    });

    it('starts nothing and changes nothing when the callback fails', async () => {
      login.complete.and.rejectWith(failed);

      expect(await outcome(authTokens.completeLogin())).toEqual(['rejected', failed]);

      expect(manager.setSession).not.toHaveBeenCalled();
      expect(manager.logout).not.toHaveBeenCalled();
    });

    it('joins a completion under way (a router that reloads the callback page when its URL changes), and lets a later one start again', async () => {
      const completion = deferred<LoginResult>();
      login.complete.and.returnValue(completion.promise);

      const first = authTokens.completeLogin();
      const second = authTokens.completeLogin();
      completion.resolve(result);

      expect(await outcome(first)).toEqual(['resolved', '/orders']);
      expect(await outcome(second)).toEqual(['resolved', '/orders']);
      expect(login.complete).toHaveBeenCalledTimes(1);
      expect(manager.setSession).toHaveBeenCalledTimes(1);

      login.complete.and.rejectWith(failed);
      expect(await outcome(authTokens.completeLogin())).toEqual(['rejected', failed]);
      expect(login.complete).toHaveBeenCalledTimes(2);
    });
  });

  describe('logout()', () => {
    beforeEach(() => load());

    it('with endSession: logs out here first, then navigates to the end-session URL of the id token it had', async () => {
      const order: string[] = [];
      manager.current.and.returnValue({ token: 't', refreshToken: 'rt', idToken: 'id-1', profile: null, expiresAt: null });
      manager.logout.and.callFake(async () => { order.push('logout'); });
      login.endSessionUrl.and.callFake(async (idToken) => {
        order.push('endSessionUrl');
        return `https://id.example.com/session/end?id_token_hint=${idToken}`;
      });

      expect(await outcome(authTokens.logout({ endSession: true }))).toEqual(['resolved', undefined]);

      expect(order).toEqual(['logout', 'endSessionUrl']);
      expect(login.endSessionUrl).toHaveBeenCalledOnceWith('id-1');
      expect(assigned).toEqual(['https://id.example.com/session/end?id_token_hint=id-1']);
    });

    it('without endSession, or without an end-session endpoint, or when it cannot be found, does not navigate and resolves', async () => {
      login.endSessionUrl.and.resolveTo(null);
      expect(await outcome(authTokens.logout())).toEqual(['resolved', undefined]);
      expect(login.endSessionUrl).not.toHaveBeenCalled();
      expect(await outcome(authTokens.logout({ endSession: true }))).toEqual(['resolved', undefined]);
      login.endSessionUrl.and.rejectWith(new Error('a Login that breaks its promise'));
      expect(await outcome(authTokens.logout({ endSession: true }))).toEqual(['resolved', undefined]);
      expect(manager.logout).toHaveBeenCalledTimes(3);
      expect(assigned).toEqual([]);
    });
  });

  describe('without a login configured', () => {
    beforeEach(() => load(false));

    it('rejects login() and completeLogin() with a TypeError that says what to configure, and logout({ endSession }) only logs out', async () => {
      for (const call of [() => authTokens.login(), () => authTokens.completeLogin()] as Array<() => PromiseLike<unknown>>) {
        const [state, error] = await outcome(call());
        expect(state).toBe('rejected');
        expect(error).toEqual(jasmine.any(TypeError));
        expect((error as Error).message).toContain('configure({ login })');
      }
      expect(await outcome(authTokens.logout({ endSession: true }))).toEqual(['resolved', undefined]);
      expect(assigned).toEqual([]);
    });
  });
});
