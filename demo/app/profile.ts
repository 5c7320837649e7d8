import type { IHttpService, IIntervalService, IRootScopeService, IScope } from 'angular';
import type { AuthTokensError, AuthTokensService } from 'angular-auth-tokens';
import { apiIntervalMs, config } from './config';
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
  callApi(): void;
  logout(): void;
}

profileController.$inject = ['$scope', '$rootScope', '$http', '$interval', 'authTokens'];
export function profileController($scope: ProfileScope, $rootScope: IRootScopeService, $http: IHttpService, $interval: IIntervalService,
  authTokens: AuthTokensService): void {
  const started = Date.now();
  $scope.profile = authTokens.getProfile();
  $scope.marks = [];
  $scope.stats = window.demoStats;
  $scope.last = '';

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
    const claims = claimsOf(token ?? undefined) as { exp?: number; iat?: number };
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
  $scope.callApi();
  $scope.$on('$destroy', () => { $interval.cancel(calls); $interval.cancel(clock); offRefreshed(); offFailed(); });
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
</section>`;
