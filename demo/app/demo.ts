// The demo app, using the package as an app would: one module dependency, one provider call. Each router's
// entry (main*.ts) adds its routes to the same four pages.
import angular, { type Injectable } from 'angular';
import 'angular-jwt';
import 'angular-storage';
import authTokens, { type AuthTokensProvider } from 'angular-auth-tokens';
import { oauth2Revoke } from 'angular-auth-tokens/oidc';
import { auth0RefreshToken } from 'angular-auth-tokens/auth0';
import type { ILocationProvider } from 'angular';
import { config } from './config';

configure.$inject = ['authTokensProvider', '$locationProvider'];
function configure(authTokensProvider: AuthTokensProvider, $locationProvider: ILocationProvider): void {
  authTokensProvider.configure({
    refresher: auth0RefreshToken({ domain: config.authUrl, clientID: config.clientId }),
    revoke: oauth2Revoke({ revocationEndpoint: `${config.authUrl}/oauth/revoke`, clientId: config.clientId }),
    allowedDomains: [config.apiUrl],
    publicPaths: ['/', '/login', '/callback'],
  });
  $locationProvider.html5Mode(true);
}

/** Starts the app on `router` (an AngularJS module name), whose pages `routes`, a config block, declares. */
export function startDemo(router: string, routes: Injectable<(...providers: never[]) => void>): void {
  angular.module('demo', [authTokens, router]).config(configure).config(routes);
  angular.bootstrap(document, ['demo'], { strictDi: true });
}
