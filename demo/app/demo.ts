// The demo app, using the package as an app would: one module dependency, one provider call. Each router's
// entry (main*.ts) adds its routes to the same four pages.
import angular, { type Injectable } from 'angular';
import 'angular-jwt';
import 'angular-storage';
import authTokens, { type AuthTokensOptions, type AuthTokensProvider } from 'angular-auth-tokens';
import { oauth2Revoke, oidcClient } from 'angular-auth-tokens/oidc';
import { auth0RefreshToken } from 'angular-auth-tokens/auth0';
import type { ILocationProvider } from 'angular';
import { config, redirectUri, scope } from './config';
import { createLoginProblem } from './login';

/** How the session is renewed and revoked, and who logs in: the package's oidc entry, or auth0-js (DEMO_LOGIN). */
function loginOptions(): Partial<AuthTokensOptions> {
  if (config.login === 'auth0-js') {
    // The guide's path: auth0-js logs in (auth0-login.ts) and renews; the package only revokes.
    return {
      refresher: auth0RefreshToken({ domain: config.authUrl, clientID: config.clientId }),
      revoke: oauth2Revoke({ revocationEndpoint: `${config.authUrl}/oauth/revoke`, clientId: config.clientId }),
    };
  }
  const oidc = oidcClient({
    issuer: config.authUrl,
    clientId: config.clientId,
    redirectUri,
    scope,
    postLogoutRedirectUri: `${window.location.origin}/`,
  });
  return { refresher: oidc.refresher, revoke: oidc.revoke, login: oidc.login };
}

configure.$inject = ['authTokensProvider', '$locationProvider'];
function configure(authTokensProvider: AuthTokensProvider, $locationProvider: ILocationProvider): void {
  authTokensProvider.configure({
    ...loginOptions(),
    allowedDomains: [config.apiUrl],
    // /callback is public by itself with the oidc login (its redirect URI); auth0-js's callback needs listing.
    publicPaths: ['/', '/login', '/callback'],
  });
  $locationProvider.html5Mode(true);
}

/** Starts the app on `router` (an AngularJS module name), whose pages `routes`, a config block, declares. */
export function startDemo(router: string, routes: Injectable<(...providers: never[]) => void>): void {
  angular.module('demo', [authTokens, router])
    .config(configure)
    .config(routes)
    .factory('demoLoginProblem', createLoginProblem);
  angular.bootstrap(document, ['demo'], { strictDi: true });
}
