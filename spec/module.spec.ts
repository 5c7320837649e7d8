import type { IHttpProvider, IRootScopeService } from 'angular';
import authTokensModule, { type AuthTokensProvider } from '../src/index';
import type { RefreshFunction, TokenResponse } from '../src/core/types';
import { sleep } from './helpers/fakes';
import { jwtExpiringIn } from './helpers/jwt';

describe('module', () => {
  beforeEach(() => {
    angular.mock.inject.strictDi(true);
    sessionStorage.clear();
  });
  afterEach(() => sessionStorage.clear());

  it('is exported by name as the default export', () => {
    expect(authTokensModule).toBe('authTokens');
    expect(angular.module('authTokens').requires).toEqual(['angular-jwt', 'angular-storage']);
  });

  it('adds angular-jwt\'s interceptor to $http and gives it the package\'s token getter', () => {
    let interceptors: IHttpProvider['interceptors'] = [];
    angular.mock.module('authTokens', ['$httpProvider', 'authTokensProvider', ($httpProvider: IHttpProvider, provider: AuthTokensProvider) => {
      interceptors = $httpProvider.interceptors;
      provider.configure({ refresher: () => Promise.resolve({ accessToken: 'a' }) });
    }]);
    angular.mock.inject(['jwtOptions', (jwtOptions: { getConfig(): { tokenGetter: unknown[] } }) => {
      expect(interceptors).toEqual(['jwtInterceptor']);
      expect(jwtOptions.getConfig().tokenGetter.slice(0, 2)).toEqual(['options', 'authTokensCore']);
    }]);
  });

  describe('start-up', () => {
    let refresher: jasmine.Spy<RefreshFunction>;

    /**
     * A session as a reload finds it: a token still usable for 30 s, but out of its last hour's 60 s margin,
     * so due for renewal. The guard lets a usable token through without renewing it: only the scheduler does.
     */
    function storeSessionDueForRenewal() {
      const now = Math.floor(Date.now() / 1000);
      sessionStorage.setItem('token', JSON.stringify(jwtExpiringIn(30, { iat: now - 3570 })));
      sessionStorage.setItem('refreshToken', JSON.stringify('rt-1'));
    }

    function loadModule() {
      angular.mock.module('authTokens', ['authTokensProvider', (provider: AuthTokensProvider) => {
        provider.configure({ refresher, storage: 'sessionStorage' });
      }]);
    }

    beforeEach(() => {
      refresher = jasmine.createSpy<RefreshFunction>('refresher').and.callFake(async (): Promise<TokenResponse> =>
        ({ accessToken: jwtExpiringIn(3600, { n: 2 }), refreshToken: 'rt-2', expiresIn: 3600 }));
    });

    it('renews a session due for renewal by itself, with nothing but the injector made', async () => {
      storeSessionDueForRenewal();
      loadModule();
      angular.mock.inject(['$rootScope', ($rootScope: IRootScopeService) => {
        expect($rootScope).toBeDefined();
      }]);
      await sleep(20);
      expect(refresher).toHaveBeenCalledOnceWith('rt-1', jasmine.anything());
      expect(JSON.parse(sessionStorage.getItem('refreshToken')!)).toBe('rt-2');
    });

    it('leaves no timer behind when the injector is torn down', async () => {
      storeSessionDueForRenewal();
      loadModule();
      angular.mock.inject(['$rootScope', ($rootScope: IRootScopeService) => {
        $rootScope.$destroy();
      }]);
      await sleep(20);
      expect(refresher).not.toHaveBeenCalled();
    });
  });
});
