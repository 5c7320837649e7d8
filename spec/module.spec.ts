import type { IHttpProvider } from 'angular';
import authTokensModule, { type AuthTokensProvider } from '../src/index';

describe('module', () => {
  beforeEach(() => angular.mock.inject.strictDi(true));

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
      expect(jwtOptions.getConfig().tokenGetter.slice(0, 2)).toEqual(['options', 'authTokens']);
    }]);
  });
});
