import type { IHttpProvider } from 'angular';
import authTokensModule from '../src/index';

describe('module', () => {
  beforeEach(() => angular.mock.inject.strictDi(true));

  it('is exported by name as the default export', () => {
    expect(authTokensModule).toBe('authTokens');
    expect(angular.module('authTokens').requires).toEqual(['angular-jwt', 'angular-storage']);
  });

  it('adds angular-jwt\'s interceptor to $http and gives it the package\'s token getter', () => {
    let interceptors: IHttpProvider['interceptors'] = [];
    angular.mock.module('authTokens', ['$httpProvider', ($httpProvider: IHttpProvider) => { interceptors = $httpProvider.interceptors; }]);
    angular.mock.inject(['jwtOptions', (jwtOptions: { getConfig(): { tokenGetter: unknown[] } }) => {
      expect(interceptors).toContain('jwtInterceptor');
      expect(jwtOptions.getConfig().tokenGetter.slice(0, 2)).toEqual(['options', 'authTokens']);
    }]);
  });
});
