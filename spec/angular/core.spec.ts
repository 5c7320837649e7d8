import type { auto, IHttpBackendService, IHttpService, ILogService, IRootScopeService, IWindowService } from 'angular';
import '../../src/module';
import type { AuthTokensCore } from '../../src/angular/core';
import type { AuthTokensProviderImpl } from '../../src/angular/provider';
import type { AuthTokensOptions } from '../../src/angular/types';
import { DB_NAME } from '../../src/core/idb';
import type { SessionEvent } from '../../src/core/session-manager';
import type { RefreshFunction, Revoker, Sender } from '../../src/core/types';
import { deleteDatabase } from '../helpers/fakes';
import { jwtExpiringIn } from '../helpers/jwt';
import { settle } from '../helpers/ng';

type LogWithHistory = ILogService & { warn: { logs: unknown[][] } };

describe('core (authTokensCore)', () => {
  const refresher: RefreshFunction = () => Promise.resolve({ accessToken: jwtExpiringIn(3600) });
  // What a window needs besides the properties each spec names.
  const events = { addEventListener: () => undefined, removeEventListener: () => undefined };

  /** The module with `options`, and `$window` replaced where a spec needs a browser without some API. */
  function load(options: Partial<AuthTokensOptions> = {}, $window?: object) {
    angular.mock.module('authTokens', ['authTokensProvider', '$provide', (p: AuthTokensProviderImpl, $provide: auto.IProvideService) => {
      p.configure({ refresher, ...options });
      if ($window) $provide.value('$window', $window);
    }]);
    let injected!: { core: AuthTokensCore; $log: LogWithHistory; $http: IHttpService; $httpBackend: IHttpBackendService; $rootScope: IRootScopeService };
    angular.mock.inject(['authTokensCore', '$log', '$http', '$httpBackend', '$rootScope',
      (core: AuthTokensCore, $log: LogWithHistory, $http: IHttpService, $httpBackend: IHttpBackendService, $rootScope: IRootScopeService) => {
        injected = { core, $log, $http, $httpBackend, $rootScope };
      }]);
    return injected;
  }

  beforeEach(() => {
    angular.mock.inject.strictDi(true);
    sessionStorage.clear();
    localStorage.clear();
  });
  afterEach(async () => {
    sessionStorage.clear();
    localStorage.clear();
    await deleteDatabase(DB_NAME);
  });

  describe('allows', () => {
    let base: HTMLBaseElement | null = null;
    afterEach(() => {
      base?.remove();
      base = null;
    });

    const bearer = (token: string) => (headers: Record<string, string>) => headers.Authorization === `Bearer ${token}`;
    const noAuthorization = (headers: Record<string, string>) => !('Authorization' in headers);

    it('resolves a relative URL against a <base href> on another origin, which then gets no token', async () => {
      base = document.createElement('base');
      base.href = 'http://127.0.0.1:3003/';
      document.head.appendChild(base);
      const token = jwtExpiringIn(3600);
      sessionStorage.setItem('token', JSON.stringify(token));
      const { core, $http, $httpBackend, $rootScope } = load({ storage: 'sessionStorage', allowedDomains: ['http://127.0.0.1:3002'] });

      expect(core.allows('data')).toBeFalse();
      expect(core.allows('http://127.0.0.1:3003/data')).toBeFalse();
      expect(core.allows('http://127.0.0.1:3002/data')).toBeTrue();
      $httpBackend.expectGET('data', noAuthorization).respond(200, {});
      $http.get('data');
      await settle($rootScope);
      $httpBackend.flush();
      $httpBackend.verifyNoOutstandingExpectation();
    });

    it('lets a relative URL carry the token without a <base>: it goes to the app\'s own origin', async () => {
      const token = jwtExpiringIn(3600);
      sessionStorage.setItem('token', JSON.stringify(token));
      const { core, $http, $httpBackend, $rootScope } = load({ storage: 'sessionStorage' });

      expect(document.baseURI.startsWith(window.location.origin)).toBeTrue();
      expect(core.allows('data')).toBeTrue();
      $httpBackend.expectGET('data', bearer(token)).respond(200, {});
      $http.get('data');
      await settle($rootScope);
      $httpBackend.flush();
      $httpBackend.verifyNoOutstandingExpectation();
    });
  });

  describe('refresher', () => {
    it('says clearly when none was configured', () => {
      angular.mock.module('authTokens');
      expect(() => angular.mock.inject(['authTokensCore', () => undefined])).toThrowError(/configure\(\{ refresher \}\)/);
    });

    it('invokes an array-annotated refresher with its dependencies, once', () => {
      const factory = jasmine.createSpy('factory').and.returnValue(refresher);
      angular.mock.module('authTokens', ['authTokensProvider', (p: AuthTokensProviderImpl) => p.configure({ refresher: ['$window', factory] })]);
      angular.mock.inject(['authTokensCore', 'authTokens', '$window', (_core: unknown, _service: unknown, $window: IWindowService) => {
        expect(factory).toHaveBeenCalledOnceWith($window);
      }]);
    });
  });

  describe('across tabs', () => {
    it('says once that tabs renew on their own where IndexedDB is missing, and still works alone', () => {
      const { core, $log } = load({}, { ...events, location: window.location, localStorage: window.localStorage, navigator: window.navigator, document: window.document });
      core.manager.setSession({ accessToken: jwtExpiringIn(3600), refreshToken: 'rt-1', expiresIn: 3600 });
      expect(core.manager.isAuthenticated()).toBeTrue();
      expect($log.warn.logs.length).toBe(1);
      expect(String($log.warn.logs[0][0])).toMatch(/IndexedDB is missing; each tab renews on its own/);
    });

    it('falls back to the IndexedDB lock where Web Locks are missing, without a warning', async () => {
      // A window whose navigator has no Web Locks, as in Safari before 15.4.
      const { core, $log } = load({}, { ...events, location: window.location, localStorage: window.localStorage, indexedDB: window.indexedDB, navigator: {}, document: window.document });
      localStorage.setItem('token', JSON.stringify(jwtExpiringIn(-60)));
      localStorage.setItem('refreshToken', JSON.stringify('rt-1'));
      const token = await core.manager.refresh();
      expect(token).toEqual(jasmine.any(String));
      expect($log.warn.logs.length).toBe(0);
    });

    it('asks nothing of IndexedDB with sessionStorage, and says nothing', () => {
      const { core, $log } = load({ storage: 'sessionStorage' }, { ...events, location: window.location, sessionStorage: window.sessionStorage, navigator: window.navigator, document: window.document });
      core.manager.setSession({ accessToken: jwtExpiringIn(3600), refreshToken: 'rt-1', expiresIn: 3600 });
      expect(JSON.parse(sessionStorage.getItem('refreshToken')!)).toBe('rt-1');
      expect($log.warn.logs.length).toBe(0);
    });

    it('follows another tab\'s writes to localStorage once the module has started', () => {
      const { core } = load();
      const heard: SessionEvent[] = [];
      core.manager.subscribe((event) => heard.push(event));
      const token = JSON.stringify(jwtExpiringIn(3600));
      localStorage.setItem('token', token);
      // The storage event fires only in the tabs that did not write: dispatched here as another tab's write.
      window.dispatchEvent(new StorageEvent('storage', { key: 'token', oldValue: null, newValue: token, storageArea: localStorage }));
      expect(heard).toEqual([{ type: 'sessionStarted', otherTab: true }]);
    });

    it('does not follow other tabs with sessionStorage, which no other tab shares', () => {
      const { core } = load({ storage: 'sessionStorage' });
      const heard: SessionEvent[] = [];
      core.manager.subscribe((event) => heard.push(event));
      window.dispatchEvent(new StorageEvent('storage', { key: 'token', oldValue: null, newValue: '"x"', storageArea: localStorage }));
      expect(heard).toEqual([]);
    });
  });

  describe('sender', () => {
    let sender: jasmine.SpyObj<Required<Sender>>;
    beforeEach(() => {
      sender = jasmine.createSpyObj<Required<Sender>>('sender', ['headers', 'answered', 'attach', 'sessionChanged'], { scheme: 'DPoP' });
    });

    it('is told where the session is kept, once, and may say what failed through $log', () => {
      const { core, $log } = load({ sender, storage: 'sessionStorage', storageKeys: { token: 'app:token' } });
      expect(sender.attach).toHaveBeenCalledOnceWith({ storage: 'sessionStorage', key: 'app:token', window, warn: jasmine.any(Function) });
      sender.attach.calls.first().args[0].warn('The DPoP key is gone.');
      expect($log.warn.logs.map(String)).toEqual(['angular-auth-tokens: The DPoP key is gone.']);
      expect(core.settings.sender).toBe(sender);
    });

    it('hears that the session ended here (logout, refusal), or that another tab changed it', async () => {
      sessionStorage.setItem('token', JSON.stringify(jwtExpiringIn(3600)));
      sessionStorage.setItem('refreshToken', JSON.stringify('rt-1'));
      const { core } = load({ sender, storage: 'sessionStorage' });
      await core.manager.logout();
      expect(sender.sessionChanged.calls.allArgs()).toEqual([[true]]);
    });

    it('hears of another tab\'s login and logout as changes it did not make', () => {
      const { core } = load({ sender });
      core.manager.start();
      const token = JSON.stringify(jwtExpiringIn(3600));
      localStorage.setItem('token', token);
      window.dispatchEvent(new StorageEvent('storage', { key: 'token', oldValue: null, newValue: token, storageArea: localStorage }));
      localStorage.removeItem('token');
      window.dispatchEvent(new StorageEvent('storage', { key: 'token', oldValue: token, newValue: null, storageArea: localStorage }));
      core.manager.stop();
      expect(sender.sessionChanged.calls.allArgs()).toEqual([[false], [false]]);
    });
  });

  it('says each degradation once, however often it happens, and never with a token', async () => {
    const revoke = jasmine.createSpy<Revoker>('revoke').and.rejectWith({ status: 503, body: 'token=rt-1' });
    const { core, $log } = load({ storage: 'sessionStorage', revoke });
    for (let i = 0; i < 2; i++) {
      core.manager.setSession({ accessToken: jwtExpiringIn(3600), refreshToken: 'rt-1', expiresIn: 3600 });
      await core.manager.logout();
    }
    expect(revoke).toHaveBeenCalledTimes(2);
    expect($log.warn.logs.length).toBe(1);
    expect(JSON.stringify($log.warn.logs)).not.toContain('rt-1');
  });

  it('carries the resolved settings', () => {
    const { core } = load({ loginPath: '/signin', storageKeys: { token: 'apiToken' } });
    expect(core.settings.loginPath).toBe('/signin');
    expect(core.settings.storageKeys.token).toBe('apiToken');
  });

  describe('with a localStorage that throws on access but an IndexedDB that works (cookies blocked)', () => {
    afterEach(() => deleteDatabase(DB_NAME));
    it('still starts (the run block must not throw)', () => {
      angular.mock.inject.strictDi(true);
      const win = {
        addEventListener: () => undefined, removeEventListener: () => undefined,
        location: window.location, document: window.document, navigator: window.navigator, indexedDB: window.indexedDB,
        get localStorage(): Storage { throw new DOMException('Access is denied for this document.', 'SecurityError'); },
      };
      angular.mock.module('authTokens', ['authTokensProvider', '$provide', (p: AuthTokensProviderImpl, $provide: auto.IProvideService) => {
        p.configure({ refresher: () => Promise.resolve({ accessToken: jwtExpiringIn(3600) }) });
        $provide.value('$window', win);
      }]);
      let core: AuthTokensCore | undefined;
      expect(() => angular.mock.inject(['authTokensCore', (c: AuthTokensCore) => { core = c; }])).not.toThrow();
      expect(core).toBeDefined();
    });
  });
});
