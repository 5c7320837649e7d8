import type { ILocationService, IQService, IScope } from 'angular';
import * as auth0 from 'auth0-js';
import { safeReturnTo, type AuthTokensService, type TokenResponse } from 'angular-auth-tokens';
import { config, redirectUri, scope } from './config';
import { challengeFor, randomString } from './pkce';

const PENDING = 'demo.pendingLogin';

interface PendingLogin { verifier: string; state: string; returnTo: string }

/** Only a local path may be a place to return to, never `//host` or a scheme. */
const localPath = (value: unknown) => safeReturnTo(value) ?? '/profile';

export function claimsOf(idToken: string | undefined): Record<string, unknown> {
  try {
    return JSON.parse(atob(idToken!.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
  } catch {
    return {};
  }
}

loginController.$inject = ['$scope', '$location'];
export function loginController($scope: IScope & Record<string, unknown>, $location: ILocationService): void {
  $scope.returnTo = localPath($location.search().returnTo);
  $scope.login = async () => {
    const pending: PendingLogin = { verifier: randomString(), state: randomString(16), returnTo: $scope.returnTo as string };
    sessionStorage.setItem(PENDING, JSON.stringify(pending));
    new auth0.WebAuth({ domain: config.authUrl, clientID: config.clientId, redirectUri, responseType: 'code', scope }).authorize({
      prompt: 'consent',
      state: pending.state,
      code_challenge: await challengeFor(pending.verifier),
      code_challenge_method: 'S256',
    } as auth0.AuthorizeOptions);
  };
}

callbackController.$inject = ['$scope', '$location', '$q', 'authTokens'];
export function callbackController($scope: IScope & Record<string, unknown>, $location: ILocationService, $q: IQService, authTokens: AuthTokensService): void {
  const { code, state, error } = $location.search() as Record<string, string | undefined>;
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null') as PendingLogin | null;
  sessionStorage.removeItem(PENDING);
  if (error || !code || !pending || state !== pending.state) {
    $scope.error = error ?? 'The login could not be completed; please try again.';
    return;
  }
  const authentication = new auth0.Authentication({
    domain: config.authUrl,
    clientID: config.clientId,
    // oidc-provider, like most OAuth 2.0 servers, accepts only form-encoded token requests.
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    _sendTelemetry: false,
  } as auth0.AuthOptions);
  // auth0-js calls back outside the digest: $q brings the result back in.
  $q<TokenResponse>((resolve, reject) => authentication.oauthToken(
    { grantType: 'authorization_code', code, codeVerifier: pending.verifier, redirectUri },
    (err: unknown, result: TokenResponse) => (err ? reject(err) : resolve(result)),
  )).then((result) => {
    const claims = claimsOf(result.idToken);
    authTokens.setSession(result, { sub: claims.sub, name: claims.name ?? claims.sub });
    $location.url(pending.returnTo);
  }, (err: { description?: string; error?: string }) => {
    $scope.error = err.description ?? err.error ?? 'The code exchange failed.';
  });
}

export const loginTemplate = `
<section class="card">
  <h1>Log in</h1>
  <p>Any user name and password work on the demo's authorization server.</p>
  <button class="primary" ng-click="login()">Log in</button>
  <p ng-if="returnTo !== '/profile'">You will come back to <code>{{returnTo}}</code>.</p>
</section>`;

export const callbackTemplate = `
<section class="card">
  <p ng-if="!error">Finishing the login…</p>
  <p class="error" ng-if="error">{{error}} <a href="/login">Log in</a></p>
</section>`;
