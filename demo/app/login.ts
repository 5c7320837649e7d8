import type { ILocationService, IQService, IScope } from 'angular';
import { safeReturnTo, type AuthTokensService } from 'angular-auth-tokens';
import { completeAuth0Login, startAuth0Login } from './auth0-login';
import { config } from './config';

/** Only a local path may be a place to return to, never `//host` or a scheme. */
const localPath = (value: unknown) => safeReturnTo(value) ?? '/profile';

/**
 * Why the last login failed, carried from /callback to /login inside the app: never in the URL, where
 * anyone could write a message of their own into a link to the login page.
 */
export interface LoginProblem {
  report(message: string): void;
  /** The message once, then null: a later visit to /login starts clean. */
  take(): string | null;
}

export function createLoginProblem(): LoginProblem {
  let message: string | null = null;
  return {
    report: (text) => { message = text; },
    take: () => {
      const text = message;
      message = null;
      return text;
    },
  };
}

/** The words for a failed login: the package's message (`login_failed`), or the demo's own for a denied consent. */
export function loginFailureText(error: unknown): string {
  const { message, cause } = (error ?? {}) as { message?: string; cause?: { error?: string } };
  if (cause?.error === 'access_denied') {
    return 'You denied access on the consent page, so you are not logged in. Log in again and choose Allow to continue.';
  }
  return `The login failed: ${message ?? String(error)}`;
}

interface LoginScope extends IScope {
  returnTo: string;
  error: string | null;
  profile: { name?: string } | null;
  busy: boolean;
  login(): void;
}

loginController.$inject = ['$scope', '$location', '$q', 'authTokens', 'demoLoginProblem'];
/**
 * The login page never logs in by itself: after a failed callback it shows why, and waits for the button,
 * so that a provider that keeps refusing cannot send the browser round in a loop.
 */
export function loginController($scope: LoginScope, $location: ILocationService, $q: IQService, authTokens: AuthTokensService, problem: LoginProblem): void {
  $scope.returnTo = localPath($location.search().returnTo);
  $scope.error = problem.take();
  // A refused callback (a replayed URL, say) leaves an existing session as it was: say so.
  $scope.profile = authTokens.isAuthenticated() ? authTokens.getProfile() as { name?: string } : null;
  $scope.busy = false;
  $scope.login = () => {
    $scope.busy = true;
    $scope.error = null;
    // prompt=consent: oidc-provider issues a refresh token for offline_access only after asking (facts.md).
    const started = config.login === 'auth0-js' ? $q.when(startAuth0Login($scope.returnTo)) : authTokens.login({ returnTo: $scope.returnTo, prompt: 'consent' });
    started.catch((error: unknown) => {
      $scope.busy = false;
      $scope.error = loginFailureText(error);
    });
  };
}

callbackController.$inject = ['$location', '$q', 'authTokens', 'demoLoginProblem'];
/** /callback: completes the login, then goes to returnTo; on failure, to the login page, which says why. */
export function callbackController($location: ILocationService, $q: IQService, authTokens: AuthTokensService, problem: LoginProblem): void {
  const completed = config.login === 'auth0-js' ? completeAuth0Login($location, $q, authTokens) : authTokens.completeLogin();
  // replace(): Back must not land on /callback again, where there is nothing left to complete.
  completed.then((returnTo) => {
    $location.url(returnTo).replace();
  }, (error: unknown) => {
    problem.report(loginFailureText(error));
    $location.url('/login').replace();
  });
}

export const loginTemplate = `
<section class="card">
  <h1>Log in</h1>
  <p class="error" role="alert" ng-if="error">{{error}}</p>
  <p ng-if="profile">You are still logged in as <strong>{{profile.name}}</strong>: <a href="/profile">go to your profile</a>.</p>
  <p>Any user name and password work on the demo's authorization server.</p>
  <button class="primary" ng-click="login()" ng-disabled="busy">Log in</button>
  <p ng-if="returnTo !== '/profile'">You will come back to <code>{{returnTo}}</code>.</p>
</section>`;

export const callbackTemplate = `
<section class="card">
  <p>Finishing the login…</p>
</section>`;
