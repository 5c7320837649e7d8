// This package, configured as its README says, refreshing through auth0-js as the guide does.
import angular from 'angular';
import 'angular-jwt';
import 'angular-storage';
import authTokens from 'angular-auth-tokens';
import { auth0RefreshToken } from 'angular-auth-tokens/auth0';
import { config, countRefresh, options, startBench } from './harness.mjs';

configure.$inject = ['authTokensProvider'];
function configure(authTokensProvider) {
  authTokensProvider.configure({
    refresher: countRefresh('refresher', auth0RefreshToken({ domain: config.authUrl, clientID: config.clientId })),
    allowedDomains: [config.apiUrl],
    // Set by the figures that count renewals per token life; the default (60 s, capped at half the
    // token's life) otherwise.
    ...(options.renewBeforeSeconds !== undefined ? { renewBeforeSeconds: options.renewBeforeSeconds } : {}),
  });
}

angular.module('app', [authTokens]).config(configure);

startBench({
  name: 'package',
  requires: ['app'],
  renew: ($injector) => $injector.get('authTokens').refresh(),
});
