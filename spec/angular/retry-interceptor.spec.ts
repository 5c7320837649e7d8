import type { IHttpBackendService, IHttpService, IRootScopeService } from 'angular';
import '../../src/module';
import { AuthTokensError as AuthTokensErrorClass, type AuthTokensError } from '../../src/core/errors';
import type { RefreshFunction, Sender } from '../../src/core/types';
import type { AuthTokensOptions } from '../../src/angular/types';
import { jwtExpiringIn } from '../helpers/jwt';
import { settle } from '../helpers/ng';

const API = 'http://127.0.0.1:3002';

describe('retry-interceptor', () => {
  let refresher: jasmine.Spy<RefreshFunction>;
  let $http: IHttpService;
  let $httpBackend: IHttpBackendService;
  let $rootScope: IRootScopeService;
  let old: string;
  let fresh: string;

  const bearer = (token: string) => (headers: Record<string, string>) => headers.Authorization === `Bearer ${token}`;

  function load(options: Partial<AuthTokensOptions> = {}) {
    angular.mock.module('authTokens', ['authTokensProvider', (p: { configure(o: Partial<AuthTokensOptions>): void }) => {
      p.configure({ refresher, storage: 'sessionStorage', allowedDomains: [API], ...options });
    }]);
    angular.mock.inject(['$http', '$httpBackend', '$rootScope', (h: IHttpService, b: IHttpBackendService, r: IRootScopeService) => {
      $http = h; $httpBackend = b; $rootScope = r;
    }]);
  }

  /** Runs native promises, digests and flushes until the backend has nothing pending. */
  async function drain() {
    for (let i = 0; i < 4; i++) {
      await settle($rootScope);
      try { $httpBackend.flush(); } catch { /* nothing pending in this round */ }
    }
  }

  beforeEach(() => {
    angular.mock.inject.strictDi(true);
    sessionStorage.clear();
    old = jwtExpiringIn(3600, { n: 1 });
    fresh = jwtExpiringIn(3600, { n: 2 });
    sessionStorage.setItem('token', JSON.stringify(old));
    sessionStorage.setItem('refreshToken', JSON.stringify('rt-1'));
    refresher = jasmine.createSpy<RefreshFunction>('refresher').and.resolveTo({ accessToken: fresh, refreshToken: 'rt-2', expiresIn: 3600 });
  });
  afterEach(() => {
    $httpBackend.verifyNoOutstandingExpectation();
    $httpBackend.verifyNoOutstandingRequest();
    sessionStorage.clear();
  });

  it('renews once on a 401 and retries once with the new token', async () => {
    load();
    $httpBackend.expectGET(`${API}/data`, bearer(old)).respond(401, {});
    $httpBackend.expectGET(`${API}/data`, bearer(fresh)).respond(200, { ok: true });
    const unauthenticated = jasmine.createSpy('unauthenticated');
    $rootScope.$on('unauthenticated', unauthenticated);
    let data: unknown;
    $http.get(`${API}/data`).then((r) => { data = r.data; });
    await drain();
    expect(data).toEqual({ ok: true });
    expect(refresher).toHaveBeenCalledTimes(1);
    // angular-jwt hears nothing of a 401 that the retry mended.
    expect(unauthenticated).not.toHaveBeenCalled();
  });

  it('adopts a token that changed while the request was in flight, without a refresh', async () => {
    load();
    $httpBackend.expectGET(`${API}/data`, bearer(old)).respond(() => {
      sessionStorage.setItem('token', JSON.stringify(fresh));
      return [401, {}];
    });
    $httpBackend.expectGET(`${API}/data`, bearer(fresh)).respond(200, {});
    $http.get(`${API}/data`);
    await drain();
    expect(refresher).not.toHaveBeenCalled();
  });

  it('hands a second 401 to the caller unchanged', async () => {
    load();
    $httpBackend.expectGET(`${API}/data`, bearer(old)).respond(401, { first: true });
    $httpBackend.expectGET(`${API}/data`, bearer(fresh)).respond(401, { second: true });
    const unauthenticated = jasmine.createSpy('unauthenticated');
    $rootScope.$on('unauthenticated', unauthenticated);
    let status = 0;
    let body: unknown;
    $http.get(`${API}/data`).catch((r) => { status = r.status; body = r.data; });
    await drain();
    expect(status).toBe(401);
    expect(body).toEqual({ second: true });
    expect(refresher).toHaveBeenCalledTimes(1);
    // angular-jwt broadcasts once, for the answer the caller gets.
    expect(unauthenticated).toHaveBeenCalledTimes(1);
    expect(unauthenticated.calls.first().args[1].data).toEqual({ second: true });
  });

  it('does not retry a request that opted out, or one that carried no token of ours', async () => {
    load();
    $httpBackend.expectGET(`${API}/skip`).respond(401, {});
    $httpBackend.expectGET('https://elsewhere.example/x').respond(401, {});
    const statuses: number[] = [];
    $http.get(`${API}/skip`, { skipAuthorization: true } as object).catch((r) => statuses.push(r.status));
    $http.get('https://elsewhere.example/x').catch((r) => statuses.push(r.status));
    await drain();
    expect(statuses.sort()).toEqual([401, 401]);
    expect(refresher).not.toHaveBeenCalled();
  });

  it('does not retry a request whose own Authorization header was not a Bearer token', async () => {
    load();
    $httpBackend.expectGET(`${API}/basic`).respond(401, {});
    let status = 0;
    $http.get(`${API}/basic`, { headers: { Authorization: 'Basic abc' } }).catch((r) => { status = r.status; });
    await drain();
    expect(status).toBe(401);
    expect(refresher).not.toHaveBeenCalled();
  });

  it('does not retry, nor replace, an Authorization header the app set itself', async () => {
    load();
    $httpBackend.expectGET(`${API}/own`, bearer('app-own')).respond(401, {});
    let status = 0;
    $http.get(`${API}/own`, { headers: { Authorization: 'Bearer app-own' } }).catch((r) => { status = r.status; });
    await drain();
    expect(status).toBe(401);
    expect(refresher).not.toHaveBeenCalled();
  });

  it('does not retry the package\'s current token when the app set it itself', async () => {
    load();
    // The app copied the token into its own header: angular-jwt left the request alone, so the package did not set it.
    $httpBackend.expectGET(`${API}/copied`, bearer(old)).respond(401, {});
    let status = 0;
    $http.get(`${API}/copied`, { headers: { Authorization: `Bearer ${old}` } }).catch((r) => { status = r.status; });
    await drain();
    expect(status).toBe(401);
    expect(refresher).not.toHaveBeenCalled();
  });

  it('retries a 401 for the package\'s token once, and only that request', async () => {
    load();
    // Both go out together, in whichever order: every request is counted by the Authorization it carried.
    const sent: string[] = [];
    const answer = (status: number) => (_method: string, url: string, _data: unknown, headers: Record<string, string>) => {
      sent.push(`${url.slice(API.length)} ${headers.Authorization === 'Bearer app-own' ? 'app-own' : headers.Authorization === `Bearer ${fresh}` ? 'fresh' : 'old'}`);
      return [status, {}] as [number, object];
    };
    $httpBackend.whenGET(`${API}/ours`, bearer(old)).respond(answer(401));
    $httpBackend.whenGET(`${API}/ours`, bearer(fresh)).respond(answer(200));
    $httpBackend.whenGET(`${API}/own`, bearer('app-own')).respond(answer(401));
    const statuses: Record<string, number> = {};
    $http.get(`${API}/ours`).then((r) => { statuses.ours = r.status; });
    $http.get(`${API}/own`, { headers: { Authorization: 'Bearer app-own' } }).catch((r) => { statuses.own = r.status; });
    await drain();
    expect(statuses).toEqual({ ours: 200, own: 401 });
    expect(sent.sort()).toEqual(['/ours fresh', '/ours old', '/own app-own']);
    expect(refresher).toHaveBeenCalledTimes(1);
  });

  it('ends the session once when the renewal after a 401 is refused', async () => {
    refresher.and.rejectWith({ error: 'invalid_grant' });
    load();
    const expired = jasmine.createSpy('sessionExpired');
    $rootScope.$on('authTokens:sessionExpired', expired);
    $httpBackend.expectGET(`${API}/a`, bearer(old)).respond(401, {});
    $httpBackend.expectGET(`${API}/b`, bearer(old)).respond(401, {});
    const errors: AuthTokensError[] = [];
    $http.get(`${API}/a`).catch((e) => errors.push(e));
    $http.get(`${API}/b`).catch((e) => errors.push(e));
    await drain();
    expect(errors.map((e) => e.code)).toEqual(['login_required', 'login_required']);
    expect(refresher).toHaveBeenCalledTimes(1);
    expect(expired).toHaveBeenCalledTimes(1);
    expect(sessionStorage.getItem('refreshToken')).toBeNull();
  });

  describe('with a sender (DPoP)', () => {
    const NONCE_401 = { 'WWW-Authenticate': 'DPoP error="use_dpop_nonce"', 'DPoP-Nonce': 'n-2' };
    let proofs: number;
    let sender: jasmine.SpyObj<Required<Sender>>;
    /** What each request to the backend carried: its Authorization and its proof. */
    let seen: Array<[string | undefined, string | undefined]>;
    const record = (status: number, headers: Record<string, string> = {}) =>
      (_method: string, _url: string, _data: unknown, sent: Record<string, string>) => {
        seen.push([sent.Authorization, sent.DPoP]);
        return [status, {}, headers] as [number, object, Record<string, string>];
      };

    beforeEach(() => {
      proofs = 0;
      seen = [];
      sender = jasmine.createSpyObj<Required<Sender>>('sender', {
        headers: Promise.resolve({}),
        answered: false,
        attach: undefined,
        sessionChanged: undefined,
      }, { scheme: 'DPoP' });
      sender.headers.and.callFake(async () => ({ DPoP: `proof-${++proofs}` }));
      sender.answered.and.callFake((_url, status, header) => status === 401 && !!header('WWW-Authenticate')?.includes('use_dpop_nonce'));
    });

    it('presents the token as DPoP with a proof of its own per request, to allowed origins only', async () => {
      load({ sender });
      $httpBackend.whenGET(/.*/).respond(record(200));
      $http.get(`${API}/a`);
      $http.get(`${API}/b?q=1`);
      $http.get('https://elsewhere.example/x');
      $http.get(`${API}/skip`, { skipAuthorization: true } as object);
      await drain();
      // The requests without a token go out first: they wait for nothing.
      expect(seen).toEqual([[undefined, undefined], [undefined, undefined], [`DPoP ${old}`, 'proof-1'], [`DPoP ${old}`, 'proof-2']]);
      expect(sender.headers.calls.allArgs()).toEqual([['GET', `${API}/a`, old], ['GET', `${API}/b?q=1`, old]]);
    });

    it('answers a nonce challenge with one retry and a fresh proof, without a renewal', async () => {
      load({ sender });
      $httpBackend.expectGET(`${API}/data`).respond(record(401, NONCE_401));
      $httpBackend.expectGET(`${API}/data`).respond(record(200));
      let status = 0;
      $http.get(`${API}/data`).then((r) => { status = r.status; });
      await drain();
      expect(status).toBe(200);
      expect(seen).toEqual([[`DPoP ${old}`, 'proof-1'], [`DPoP ${old}`, 'proof-2']]);
      expect(refresher).not.toHaveBeenCalled();
      // The challenge is read against what the first request carried.
      expect(sender.answered.calls.first().args[4]).toEqual({ DPoP: 'proof-1' });
    });

    it('keeps the nonce retry and the renewal retry apart: each at most once, so neither loops', async () => {
      load({ sender });
      $httpBackend.expectGET(`${API}/data`).respond(record(401, NONCE_401));
      $httpBackend.expectGET(`${API}/data`).respond(record(401, { 'WWW-Authenticate': 'DPoP error="invalid_token"' }));
      $httpBackend.expectGET(`${API}/data`).respond(record(401, NONCE_401));
      let status = 0;
      $http.get(`${API}/data`).catch((r) => { status = r.status; });
      await drain();
      expect(status).toBe(401);
      expect(seen).toEqual([[`DPoP ${old}`, 'proof-1'], [`DPoP ${old}`, 'proof-2'], [`DPoP ${fresh}`, 'proof-3']]);
      expect(refresher).toHaveBeenCalledTimes(1);
    });

    it('fails a request whose proof cannot be made, and never sends it as Bearer', async () => {
      sender.headers.and.rejectWith(new AuthTokensErrorClass('dpop_unavailable', 'The DPoP key of this session is gone.'));
      load({ sender });
      let error: AuthTokensError | undefined;
      $http.get(`${API}/data`).catch((e) => { error = e; });
      await drain();
      expect(error?.code).toBe('dpop_unavailable');
      // afterEach verifies that nothing reached the backend.
    });
  });
});
