import '../../src/module';
import type { AuthTokensCore } from '../../src/angular/core';
import { AuthTokensProviderImpl } from '../../src/angular/provider';
import type { AuthTokensService } from '../../src/angular/types';
import type { Login, RefreshFunction } from '../../src/core/types';

describe('provider (authTokensProvider)', () => {
  const refresher: RefreshFunction = () => Promise.resolve({ accessToken: 'x' });

  beforeEach(() => angular.mock.inject.strictDi(true));

  it('merges configure() calls, storage keys key by key, over the defaults', () => {
    const provider = new AuthTokensProviderImpl();
    provider.configure({ refresher, loginPath: '/signin', storageKeys: { token: 'apiToken' } });
    provider.configure({ renewBeforeSeconds: 30, storageKeys: { refreshToken: 'rt' } });
    expect(provider.settings.loginPath).toBe('/signin');
    expect(provider.settings.renewBeforeSeconds).toBe(30);
    expect(provider.settings.storageKeys).toEqual({ token: 'apiToken', refreshToken: 'rt', profile: 'profile', idToken: 'idToken', expiresAt: 'expiresAt' });
    expect(provider.settings.minValiditySeconds).toBe(5);
    expect(provider.refresher).toBe(refresher);
  });

  it('ignores undefined values rather than unsetting a default', () => {
    const provider = new AuthTokensProviderImpl();
    provider.configure({ refresher, loginPath: undefined, storageKeys: { token: undefined } });
    expect(provider.settings.loginPath).toBe('/login');
    expect(provider.settings.storageKeys.token).toBe('token');
  });

  it('is the configuration the core is built from, also when replaced with $provide after the module loaded', () => {
    const provider = new AuthTokensProviderImpl();
    provider.configure({ refresher, loginPath: '/signin', storageKeys: { token: 'apiToken' } });
    angular.mock.module('authTokens', ['$provide', ($provide: angular.auto.IProvideService) => { $provide.provider('authTokens', provider); }]);
    angular.mock.inject(['authTokensCore', (core: AuthTokensCore) => {
      expect(core.settings).toBe(provider.settings);
    }]);
  });

  it('rejects values that are not seconds, a refresher that is neither function nor injectable, and a login that is not one', () => {
    const provider = new AuthTokensProviderImpl();
    expect(() => provider.configure({ renewBeforeSeconds: -1 })).toThrowError(TypeError);
    expect(() => provider.configure({ lockTimeoutSeconds: NaN })).toThrowError(TypeError);
    expect(() => provider.configure({ refreshTimeoutSeconds: Infinity })).toThrowError(TypeError);
    expect(() => provider.configure({ minValiditySeconds: '5' as unknown as number })).toThrowError(TypeError);
    expect(() => provider.configure({ refresher: 'nope' as unknown as RefreshFunction })).toThrowError(TypeError);
    expect(() => provider.configure({ login: { redirectUri: '/callback' } as unknown as Login })).toThrowError(TypeError, /oidcClient/);
    expect(provider.settings.renewBeforeSeconds).toBe(60);
    expect(provider.settings.login).toBeNull();
    expect(provider.refresher).toBeNull();
  });

  it('takes a sender, refuses what is not one, and refuses id tokens with it, in whichever order they come', () => {
    const sender = { scheme: 'DPoP', headers: () => Promise.resolve({}), answered: () => false };
    const provider = new AuthTokensProviderImpl();
    expect(() => provider.configure({ sender: { scheme: 'DPoP' } as never })).toThrowError(TypeError, /sender/);
    provider.configure({ refresher, sender });
    expect(provider.settings.sender).toBe(sender);
    expect(() => provider.configure({ apiToken: 'idToken' })).toThrowError(TypeError, /idToken/);
    expect(provider.settings.apiToken).toBe('accessToken');

    const other = new AuthTokensProviderImpl();
    other.configure({ refresher, apiToken: 'idToken' });
    expect(() => other.configure({ sender })).toThrowError(TypeError, /idToken/);
    expect(other.settings.sender).toBeNull();
  });

  it('gives the public service, which exposes no internals', () => {
    angular.mock.module('authTokens', ['authTokensProvider', (p: AuthTokensProviderImpl) => p.configure({ refresher })]);
    angular.mock.inject(['authTokens', (service: AuthTokensService) => {
      expect(Object.keys(service).sort()).toEqual(['completeLogin', 'getProfile', 'getToken', 'isAuthenticated', 'login', 'logout', 'refresh', 'setSession']);
    }]);
  });

  it('installs a token getter and a whitelist that lets the getter decide every request', () => {
    const provider = new AuthTokensProviderImpl();
    expect(provider.jwtOptions.whiteListedDomains.every((pattern) => pattern.test('anything.example'))).toBe(true);
    expect(provider.jwtOptions.tokenGetter.slice(0, -1)).toEqual(['options', 'authTokensCore']);
  });
});
