// Baseline: the Auth0 guide "Refresh tokens" for AngularJS, ported to current packages. The guide's
// shape is kept: an angular-jwt tokenGetter that shares one `refreshingToken` promise per tab, tokens kept
// with angular-storage's `store` (caching on, its default), and a run block that restores the session on
// `$locationChangeStart`. What changed with the packages:
// - angular-jwt 0.1 is configured through `jwtOptionsProvider.config` (0.0.x had `jwtInterceptorProvider`),
//   and needs the API's host in `whiteListedDomains`;
// - auth0-angular's `auth.refreshIdToken` is gone: auth0-js 9 `oauthToken` with the refresh_token grant
//   does it, form-encoded, as facts.md says oidc-provider requires;
// - the token sent to the API is the access token, and the refresh token the server returns is stored:
//   with rotation, the old one is spent (the 2015 guide's server did not rotate);
// - every injectable is annotated, as strictDi wants.
// Nothing here knows it is being measured, except `countRefresh`, which counts calls by caller.
import angular from 'angular';
import 'angular-jwt';
import 'angular-storage';
import { auth0Refresh } from './auth0-refresh.mjs';
import { config, countRefresh, startBench } from './harness.mjs';

/** `auth.refreshIdToken` of the guide's days: one call to the token endpoint. */
auth.$inject = ['$q'];
function auth($q) {
  const refresh = auth0Refresh($q);
  return {
    refreshToken: countRefresh('getter', refresh),
    refreshTokenFromRunBlock: countRefresh('run block', refresh),
  };
}

function storeTokens(store, result) {
  store.set('token', result.accessToken);
  if (result.refreshToken) store.set('refreshToken', result.refreshToken);
  if (result.idToken) store.set('idToken', result.idToken);
}

// The guide's `var refreshingToken = null`, one per tab.
let refreshingToken = null;

function refreshShared(store, authService) {
  if (refreshingToken === null) {
    refreshingToken = authService.refreshToken(store.get('refreshToken')).then((result) => {
      storeTokens(store, result);
      return result.accessToken;
    }).finally(() => {
      refreshingToken = null;
    });
  }
  return refreshingToken;
}

configure.$inject = ['jwtOptionsProvider', '$httpProvider'];
function configure(jwtOptionsProvider, $httpProvider) {
  jwtOptionsProvider.config({
    whiteListedDomains: [new URL(config.apiUrl).hostname],
    tokenGetter: ['options', 'store', 'jwtHelper', 'auth', function tokenGetter(_options, store, jwtHelper, authService) {
      const token = store.get('token');
      if (token) {
        if (!jwtHelper.isTokenExpired(token)) {
          return store.get('token');
        }
        return refreshShared(store, authService);
      }
      return null;
    }],
  });
  $httpProvider.interceptors.push('jwtInterceptor');
}

// "Once the page is refreshed, you want the user to stay logged in."
restoreSession.$inject = ['$rootScope', '$location', 'store', 'jwtHelper', 'authManager', 'auth'];
function restoreSession($rootScope, $location, store, jwtHelper, authManager, authService) {
  $rootScope.$on('$locationChangeStart', () => {
    const token = store.get('token');
    const refreshToken = store.get('refreshToken');
    if (token) {
      if (!jwtHelper.isTokenExpired(token)) {
        if (!$rootScope.isAuthenticated) authManager.authenticate();
      } else if (refreshToken) {
        authService.refreshTokenFromRunBlock(refreshToken).then((result) => {
          storeTokens(store, result);
          authManager.authenticate();
        });
      } else {
        $location.path('/login');
      }
    }
  });
}

angular.module('app', ['angular-jwt', 'angular-storage'])
  .factory('auth', auth)
  .config(configure)
  .run(restoreSession);

startBench({
  name: 'guide',
  requires: ['app'],
  renew: ($injector) => refreshShared($injector.get('store'), $injector.get('auth')),
});
