// The demo app, using the package as an app would: one module dependency, one provider call. Each router's
// entry (main*.ts) adds its routes to the same four pages.
import angular, { type Injectable } from 'angular';
import 'angular-jwt';
import 'angular-storage';
import authTokens, { type AuthTokensOptions, type AuthTokensProvider } from 'angular-auth-tokens';
import { oauth2Revoke, oidcClient, type OidcClient } from 'angular-auth-tokens/oidc';
import { auth0RefreshToken } from 'angular-auth-tokens/auth0';
import type { ILocationProvider } from 'angular';
import { config, redirectUri, scope } from './config';
import { createLoginProblem } from './login';

/** What the profile page shows of the tokens' binding: the key's thumbprint, or null on the bearer path. */
export interface DemoDpop {
  /** Whether tokens are bound to a key (the oidc login), or bearer tokens (the auth0-js path). */
  enabled: boolean;
  thumbprint(): Promise<string | null>;
}

/** The oidc login's client, made once when the app configures itself; none on the auth0-js path. */
let client: OidcClient | null = null;

function createDemoDpop(): DemoDpop {
  return { enabled: client?.sender !== undefined, thumbprint: () => client?.dpopThumbprint() ?? Promise.resolve(null) };
}

/** How the session is renewed and revoked, and who logs in: the package's oidc entry, or auth0-js (DEMO_LOGIN). */
function loginOptions(): Partial<AuthTokensOptions> {
  if (config.login === 'auth0-js') {
    // The guide's path: auth0-js logs in (auth0-login.ts) and renews; the package only revokes.
    return {
      refresher: auth0RefreshToken({ domain: config.authUrl, clientID: config.clientId }),
      revoke: oauth2Revoke({ revocationEndpoint: `${config.authUrl}/oauth/revoke`, clientId: config.clientId }),
    };
  }
  // Sender-constrained tokens: every token is bound to a key the page can use but not copy out, and the
  // package presents them as `Authorization: DPoP` with a proof (the sender).
  const oidc = client = oidcClient({
    issuer: config.authUrl,
    clientId: config.clientId,
    redirectUri,
    scope,
    postLogoutRedirectUri: `${window.location.origin}/`,
    dpop: true,
  });
  return { refresher: oidc.refresher, revoke: oidc.revoke, login: oidc.login, sender: oidc.sender };
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
    .factory('demoLoginProblem', createLoginProblem)
    .factory('demoDpop', createDemoDpop);
  angular.bootstrap(document, ['demo'], { strictDi: true });
}
