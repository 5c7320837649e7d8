// Baseline: a naive tokenGetter. It renews whenever it sees an expired token, with no shared promise: every
// request that finds the token expired calls the token endpoint itself. Otherwise as the guide's port
// (guide.mjs): angular-storage, auth0-js `oauthToken`, rotated refresh tokens stored.
import angular from 'angular';
import 'angular-jwt';
import 'angular-storage';
import { auth0Refresh } from './auth0-refresh.mjs';
import { config, countRefresh, startBench } from './harness.mjs';

auth.$inject = ['$q'];
function auth($q) {
  return { refreshToken: countRefresh('getter', auth0Refresh($q)) };
}

function refresh(store, authService) {
  return authService.refreshToken(store.get('refreshToken')).then((result) => {
    store.set('token', result.accessToken);
    if (result.refreshToken) store.set('refreshToken', result.refreshToken);
    return result.accessToken;
  });
}

configure.$inject = ['jwtOptionsProvider', '$httpProvider'];
function configure(jwtOptionsProvider, $httpProvider) {
  jwtOptionsProvider.config({
    whiteListedDomains: [new URL(config.apiUrl).hostname],
    tokenGetter: ['options', 'store', 'jwtHelper', 'auth', function tokenGetter(_options, store, jwtHelper, authService) {
      const token = store.get('token');
      if (!token) return null;
      return jwtHelper.isTokenExpired(token) ? refresh(store, authService) : token;
    }],
  });
  $httpProvider.interceptors.push('jwtInterceptor');
}

angular.module('app', ['angular-jwt', 'angular-storage']).factory('auth', auth).config(configure);

startBench({
  name: 'naive',
  requires: ['app'],
  renew: ($injector) => refresh($injector.get('store'), $injector.get('auth')),
});
