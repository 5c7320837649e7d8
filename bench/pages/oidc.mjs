// This package logging in with `oidcClient`, as its README says: bearer tokens, or with
// `BENCH_OPTIONS.dpop` DPoP-bound ones (the client's `sender` passed to `configure`). The two differ in the
// sender alone, so that the DPoP figure reads what DPoP adds to a request. The session's key is the one the
// harness put in IndexedDB where a login would have left it (bench/lib/browser.mjs, `seedDpopKey`).
import angular from 'angular';
import 'angular-jwt';
import 'angular-storage';
import authTokens from 'angular-auth-tokens';
import { oidcClient } from 'angular-auth-tokens/oidc';
import { config, countRefresh, options, startBench } from './harness.mjs';

const oidc = oidcClient({
  issuer: config.authUrl,
  clientId: config.clientId,
  redirectUri: `${location.origin}/callback`,
  dpop: Boolean(options.dpop),
});

configure.$inject = ['authTokensProvider'];
function configure(authTokensProvider) {
  authTokensProvider.configure({
    refresher: countRefresh('refresher', oidc.refresher),
    revoke: oidc.revoke,
    login: oidc.login,
    sender: oidc.sender,
    allowedDomains: [config.apiUrl],
  });
}

angular.module('app', [authTokens]).config(configure);

startBench({
  name: options.dpop ? 'dpop' : 'bearer',
  requires: ['app'],
  renew: ($injector) => $injector.get('authTokens').refresh(),
});
