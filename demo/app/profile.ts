import type { IHttpService, IIntervalService, IRootScopeService, IScope } from 'angular';
import type { AuthTokensError, AuthTokensService } from 'angular-auth-tokens';
import { apiIntervalMs, config } from './config';
import type { DemoDpop } from './demo';
import { claimsOf } from './jwt';

type Mark = 'ok' | 'failed' | 'renewed';
interface Stats { ok: number; failed: number; renewed: number; renewFailed: number; third: number }

declare global {
  // Read by the end-to-end specs.
  interface Window { demoStats: Stats }
}

window.demoStats = { ok: 0, failed: 0, renewed: 0, renewFailed: 0, third: 0 };

interface ProfileScope extends IScope {
  profile: unknown;
  marks: Array<{ kind: Mark; title: string }>;
  life: { left: number; total: number; percent: number; renewAt: number } | null;
  stats: Stats;
  last: string;
  binding: Binding;
  callApi(): void;
  logout(): void;
  replayRefreshToken(): void;
}

/** What the page shows of the tokens' binding to the key (DPoP), and of the last replay of the refresh token. */
interface Binding {
  enabled: boolean;
  /** The RFC 7638 thumbprint of the session's key, as the package reports it. */
  keyJkt: string | null;
  /** The access token's `cnf.jkt`: the key the provider bound it to. */
  tokenJkt: string | null;
  replaying: boolean;
  refused: boolean;
  /** What the token endpoint said to the stolen refresh token, e.g. "refused: 400 invalid_grant (...)". */
  replay: string;
}

/**
 * What a thief who copied the refresh token out of localStorage can do with it elsewhere: a plain
 * refresh_token grant, with no DPoP proof (the key cannot be copied) and no cookies. The answer's words.
 */
async function replayWithoutKey(): Promise<string> {
  const refreshToken = JSON.parse(localStorage.getItem('refreshToken') ?? 'null') as string | null;
  if (!refreshToken) return 'no refresh token stored';
  let response: Response;
  try {
    response = await fetch(`${config.authUrl}/oauth/token`, {
      method: 'POST',
      credentials: 'omit',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: config.clientId }),
    });
  } catch (error) {
    return `no answer: ${(error as Error).message}`;
  }
  const body = await response.json().catch(() => ({})) as { error?: string; error_description?: string };
  if (response.ok) return `accepted (${response.status}): the refresh token is not bound to a key`;
  return `refused: ${response.status} ${body.error ?? 'no error code'}${body.error_description ? ` (${body.error_description})` : ''}`;
}

profileController.$inject = ['$scope', '$rootScope', '$http', '$interval', 'authTokens', 'demoDpop'];
export function profileController($scope: ProfileScope, $rootScope: IRootScopeService, $http: IHttpService, $interval: IIntervalService,
  authTokens: AuthTokensService, dpop: DemoDpop): void {
  const started = Date.now();
  $scope.profile = authTokens.getProfile();
  $scope.marks = [];
  $scope.stats = window.demoStats;
  $scope.last = '';
  $scope.binding = { enabled: dpop.enabled, keyJkt: null, tokenJkt: null, replaying: false, refused: false, replay: '' };
  let destroyed = false;
  const readKeyJkt = () => {
    dpop.thumbprint().then((jkt) => {
      if (destroyed) return;
      $scope.binding.keyJkt = jkt;
      $scope.$applyAsync();
    }, () => undefined);
  };

  const mark = (kind: Mark, title: string) => {
    $scope.marks.push({ kind, title: `${((Date.now() - started) / 1000).toFixed(1)} s: ${title}` });
    if ($scope.marks.length > 120) $scope.marks.shift();
  };

  $scope.callApi = () => {
    $http.get<{ sub: string }>(`${config.apiUrl}/api/data`).then((response) => {
      window.demoStats.ok++;
      $scope.last = `200 for ${response.data.sub}`;
      mark('ok', 'API call succeeded');
    }, (error: { status?: number; code?: string }) => {
      window.demoStats.failed++;
      $scope.last = error.code ?? `HTTP ${error.status}`;
      mark('failed', `API call failed: ${$scope.last}`);
    });
    // The third-party origin is not in allowedDomains: it must never see a token.
    $http.get(`${config.thirdPartyUrl}/data`).then(() => { window.demoStats.third++; });
  };

  $scope.replayRefreshToken = () => {
    $scope.binding.replaying = true;
    replayWithoutKey().then((result) => {
      $scope.binding.replaying = false;
      $scope.binding.replay = result;
      $scope.binding.refused = result.startsWith('refused');
      mark($scope.binding.refused ? 'ok' : 'failed', `stolen refresh token ${result}`);
      $scope.$applyAsync();
    });
  };

  $scope.logout = () => {
    if (config.login !== 'auth0-js') {
      // Local logout, revocation, then the provider's end-session page, which asks whether to sign out there too.
      authTokens.logout({ endSession: true });
      return;
    }
    // The auth0-js path has no login configured in the package: it ends the provider's session itself.
    const idToken = JSON.parse(localStorage.getItem('idToken') ?? 'null') as string | null;
    authTokens.logout().then(() => {
      const query = new URLSearchParams({ client_id: config.clientId, post_logout_redirect_uri: `${window.location.origin}/` });
      if (idToken) query.set('id_token_hint', idToken);
      window.location.assign(`${config.authUrl}/v2/logout?${query}`);
    });
  };

  const tick = () => {
    const token = JSON.parse(localStorage.getItem('token') ?? 'null') as string | null;
    const claims = claimsOf(token ?? undefined) as { exp?: number; iat?: number; cnf?: { jkt?: string } };
    const tokenJkt = typeof claims.cnf?.jkt === 'string' ? claims.cnf.jkt : null;
    // A new binding (another login, another tab's): ask for the key's thumbprint again.
    if (tokenJkt !== $scope.binding.tokenJkt) {
      $scope.binding.tokenJkt = tokenJkt;
      if (dpop.enabled) readKeyJkt();
    }
    const expiresAt = Number(localStorage.getItem('expiresAt')) || (claims.exp ?? 0) * 1000;
    const total = ((claims.exp ?? 0) - (claims.iat ?? 0)) * 1000;
    if (!token || !expiresAt || total <= 0) {
      $scope.life = null;
      return;
    }
    const left = Math.max(expiresAt - Date.now(), 0);
    // Where the package's scheduled renewal fires: 60 s before expiry, but not before half the life.
    const renewAt = Math.min(60_000, total / 2);
    $scope.life = { left, total, percent: Math.min(100, (left / total) * 100), renewAt: (renewAt / total) * 100 };
  };

  const offRefreshed = $rootScope.$on('authTokens:refreshed', () => { window.demoStats.renewed++; mark('renewed', 'token renewed'); });
  const offFailed = $rootScope.$on('authTokens:refreshFailed', (_e, error: AuthTokensError) => {
    window.demoStats.renewFailed++;
    mark('failed', `renewal failed: ${error.code}`);
  });
  const calls = $interval($scope.callApi, apiIntervalMs);
  const clock = $interval(tick, 500);
  tick();
  if (dpop.enabled) readKeyJkt();
  $scope.callApi();
  $scope.$on('$destroy', () => {
    destroyed = true;
    $interval.cancel(calls);
    $interval.cancel(clock);
    offRefreshed();
    offFailed();
  });
}

export const profileTemplate = `
<section class="card">
  <h1>Profile</h1>
  <p>Logged in as <strong>{{profile.name}}</strong> <small>({{profile.sub}})</small></p>
  <button class="primary" ng-click="callApi()">Call API</button>
  <button ng-click="logout()">Log out</button>
</section>
<section class="card">
  <h2>The access token's life</h2>
  <div class="bar" ng-if="life" role="img" aria-label="time left on the access token">
    <div class="left" ng-class="{ low: life.percent < 20 }" ng-style="{ width: life.percent + '%' }"></div>
    <div class="renew" ng-style="{ left: life.renewAt + '%' }" title="scheduled renewal"></div>
  </div>
  <div class="bar-label" ng-if="life">{{ (life.left / 1000) | number:1 }} s left of {{ (life.total / 1000) | number:0 }} s</div>
  <p ng-if="!life">No access token held.</p>
  <div class="timeline" aria-label="timeline of calls and renewals">
    <span ng-repeat="m in marks track by $index" class="{{m.kind}}" title="{{m.title}}"></span>
  </div>
  <div class="legend"><span><i class="ok"></i>API call</span><span><i class="renewed"></i>renewal</span><span><i class="failed"></i>failure</span></div>
  <table>
    <tr><td>API calls that succeeded</td><td id="stat-ok">{{stats.ok}}</td></tr>
    <tr><td>API calls that failed</td><td id="stat-failed">{{stats.failed}}</td></tr>
    <tr><td>renewals</td><td id="stat-renewed">{{stats.renewed}}</td></tr>
    <tr><td>failed renewals</td><td id="stat-renew-failed">{{stats.renewFailed}}</td></tr>
    <tr><td>last API answer</td><td id="last">{{last}}</td></tr>
  </table>
</section>
<section class="card">
  <h2>Tokens bound to this browser's key</h2>
  <div ng-if="binding.enabled">
    <p>The tokens are sender-constrained (DPoP): the provider bound them to a key that this page can sign
    with but cannot copy out. A token copied out of the page is worth nothing without it.</p>
    <table>
      <tr><td>the key's thumbprint</td><td><code id="key-jkt">{{binding.keyJkt || 'none'}}</code></td></tr>
      <tr><td>the access token's <code>cnf.jkt</code></td><td><code id="token-jkt">{{binding.tokenJkt || 'none'}}</code></td></tr>
      <tr><td>bound to this key</td><td id="bound">{{ binding.keyJkt && binding.keyJkt === binding.tokenJkt ? 'yes' : 'no' }}</td></tr>
    </table>
    <p><button ng-click="replayRefreshToken()" ng-disabled="binding.replaying">Copy the refresh token out and try it</button></p>
    <p ng-if="binding.replay">The token endpoint, asked without the key: <strong id="replay-result">{{binding.replay}}</strong>.
      <span ng-if="binding.refused">The session goes on: the refusal spent nothing.</span></p>
  </div>
  <p ng-if="!binding.enabled">Bearer tokens (the auth0-js login): not bound to any key, so a copy works anywhere until it expires.</p>
</section>`;
