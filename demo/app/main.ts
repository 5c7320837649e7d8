// The demo app, using the package as an app would: one module dependency, one provider call.
import angular from 'angular';
import 'angular-route';
import 'angular-jwt';
import 'angular-storage';
import authTokens, { type AuthTokensProvider } from 'angular-auth-tokens';
import { oauth2Revoke } from 'angular-auth-tokens/oidc';
import { auth0RefreshToken } from 'angular-auth-tokens/auth0';
import type { ILocationProvider } from 'angular';
import { config } from './config';
import { callbackController, callbackTemplate, loginController, loginTemplate } from './login';
import { profileController, profileTemplate } from './profile';

const homeTemplate = `
<section class="card">
  <h1>angular-auth-tokens</h1>
  <p>This page is public. The <a href="/profile">profile</a> page is not: it calls a protected API every few
  seconds with 30 s access tokens, and shows each renewal as it happens.</p>
  <p ng-if="!isAuthenticated"><a href="/login">Log in</a></p>
</section>`;

/** The little of ngRoute's provider the demo uses. */
interface RouteProvider {
  when(path: string, route: { template: string; controller?: unknown }): RouteProvider;
  otherwise(path: string): RouteProvider;
}

configure.$inject = ['authTokensProvider', '$locationProvider', '$routeProvider'];
function configure(authTokensProvider: AuthTokensProvider, $locationProvider: ILocationProvider, $routeProvider: RouteProvider): void {
  authTokensProvider.configure({
    refresher: auth0RefreshToken({ domain: config.authUrl, clientID: config.clientId }),
    revoke: oauth2Revoke({ revocationEndpoint: `${config.authUrl}/oauth/revoke`, clientId: config.clientId }),
    allowedDomains: [config.apiUrl],
    publicPaths: ['/', '/login', '/callback'],
  });
  $locationProvider.html5Mode(true);
  $routeProvider
    .when('/', { template: homeTemplate })
    .when('/login', { template: loginTemplate, controller: loginController })
    .when('/callback', { template: callbackTemplate, controller: callbackController })
    .when('/profile', { template: profileTemplate, controller: profileController })
    .otherwise('/');
}

angular.module('demo', [authTokens, 'ngRoute']).config(configure);
angular.bootstrap(document, ['demo'], { strictDi: true });
