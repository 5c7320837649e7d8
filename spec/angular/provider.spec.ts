import type { ILogService, IWindowService } from 'angular';
import '../../src/module';
import { AuthTokensProviderImpl } from '../../src/angular/provider';
import type { AuthTokensInternal } from '../../src/angular/service';
import type { RefreshFunction } from '../../src/core/types';

describe('provider (authTokensProvider)', () => {
  const refresher: RefreshFunction = () => Promise.resolve({ accessToken: 'x' });
  // What a window needs besides the properties each spec names.
  const events = { addEventListener: () => undefined, removeEventListener: () => undefined };

  beforeEach(() => angular.mock.inject.strictDi(true));
  afterEach(() => localStorage.clear());

  it('merges configure() calls, storage keys key by key', () => {
    const provider = new AuthTokensProviderImpl();
    provider.configure({ refresher, loginPath: '/signin', storageKeys: { token: 'apiToken' } });
    provider.configure({ renewBeforeSeconds: 30, storageKeys: { refreshToken: 'rt' } });
    angular.mock.module('authTokens', ['$provide', ($provide: angular.auto.IProvideService) => { $provide.provider('authTokens', provider); }]);
    angular.mock.inject(['authTokens', (service: AuthTokensInternal) => {
      expect(service.settings.loginPath).toBe('/signin');
      expect(service.settings.renewBeforeSeconds).toBe(30);
      expect(service.settings.storageKeys).toEqual({ token: 'apiToken', refreshToken: 'rt', profile: 'profile', idToken: 'idToken', expiresAt: 'expiresAt' });
      expect(service.settings.minValiditySeconds).toBe(5);
    }]);
  });

  it('rejects values that are not seconds, and a refresher that is neither function nor injectable', () => {
    const provider = new AuthTokensProviderImpl();
    expect(() => provider.configure({ renewBeforeSeconds: -1 })).toThrowError(TypeError);
    expect(() => provider.configure({ lockTimeoutSeconds: NaN })).toThrowError(TypeError);
    expect(() => provider.configure({ refresher: 'nope' as unknown as RefreshFunction })).toThrowError(TypeError);
  });

  it('says clearly when no refresher was configured', () => {
    angular.mock.module('authTokens');
    expect(() => angular.mock.inject(['authTokens', () => undefined])).toThrowError(/configure\(\{ refresher \}\)/);
  });

  it('invokes an array-annotated refresher with its dependencies, once', () => {
    const factory = jasmine.createSpy('factory').and.returnValue(refresher);
    angular.mock.module('authTokens', ['authTokensProvider', (p: AuthTokensProviderImpl) => p.configure({ refresher: ['$window', factory] })]);
    angular.mock.inject(['authTokens', '$window', (_: unknown, $window: IWindowService) => {
      expect(factory).toHaveBeenCalledOnceWith($window);
    }]);
  });

  it('says once that tabs renew on their own where IndexedDB is missing', () => {
    angular.mock.module('authTokens', ['authTokensProvider', '$provide', (p: AuthTokensProviderImpl, $provide: angular.auto.IProvideService) => {
      p.configure({ refresher });
      $provide.value('$window', { ...events, location: window.location, localStorage: window.localStorage, navigator: window.navigator, document: window.document });
    }]);
    angular.mock.inject(['authTokens', '$log', (service: AuthTokensInternal, $log: ILogService & { warn: { logs: unknown[][] } }) => {
      service.isAuthenticated();
      expect($log.warn.logs.length).toBe(1);
      expect(String($log.warn.logs[0][0])).toMatch(/each tab renews on its own/);
    }]);
  });

  it('falls back to the IndexedDB lock where Web Locks are missing, without a warning', () => {
    angular.mock.module('authTokens', ['authTokensProvider', '$provide', (p: AuthTokensProviderImpl, $provide: angular.auto.IProvideService) => {
      p.configure({ refresher });
      // A window whose navigator has no Web Locks, as in Safari before 15.4.
      $provide.value('$window', { ...events, location: window.location, localStorage: window.localStorage, indexedDB: window.indexedDB, navigator: {}, document: window.document });
    }]);
    angular.mock.inject(['authTokens', '$log', (service: AuthTokensInternal, $log: ILogService & { warn: { logs: unknown[][] } }) => {
      expect(service.isAuthenticated()).toBe(false);
      expect($log.warn.logs.length).toBe(0);
    }]);
  });

  it('installs a token getter and a whitelist that lets the getter decide every request', () => {
    const provider = new AuthTokensProviderImpl();
    expect(provider.jwtOptions.whiteListedDomains.every((pattern) => pattern.test('anything.example'))).toBe(true);
    expect(provider.jwtOptions.tokenGetter.slice(0, -1)).toEqual(['options', 'authTokens']);
  });
});
