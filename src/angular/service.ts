import type { IPromise, IQService, IRequestConfig, IRootScopeService, IWindowService } from 'angular';
import { createRefreshCoordinator, type RefreshOutcome } from '../core/coordinator';
import { urlFilter } from '../core/hosts';
import { decodeJwt } from '../core/jwt';
import type { Lock } from '../core/lock';
import { createRenewalScheduler } from '../core/scheduler';
import { canRenew, isUsable, sessionFromResponse } from '../core/session';
import type { Settings } from '../core/settings';
import type { SharedCopy } from '../core/shared-copy';
import { watchOtherTabs, type TabChange } from '../core/tab-sync';
import type { TokenStore } from '../core/token-store';
import type { RefreshFunction, Session, TokenResponse } from '../core/types';
import type { AuthTokensService } from './types';

/** The part of angular-jwt's `authManager` used here. */
export interface AuthManager {
  authenticate(): void;
  unauthenticate(): void;
}

export interface ServiceDeps {
  $q: IQService;
  $rootScope: IRootScopeService;
  $window: IWindowService;
  authManager: AuthManager;
  settings: Settings;
  refresher: RefreshFunction;
  store: TokenStore;
  shared: SharedCopy | null;
  lock: Lock;
  warn: (message: string, cause?: unknown) => void;
}

/** The events, broadcast as `authTokens:<name>`. */
export type EventName = 'sessionStarted' | 'refreshed' | 'refreshFailed' | 'sessionExpired' | 'loggedOut';

/** The argument of `authTokens:loggedOut` when another tab logged out; the guard then redirects. */
export interface LoggedOutElsewhere {
  otherTab: true;
}

/** The service plus what the token getter and the route guard need from it. */
export interface AuthTokensInternal extends AuthTokensService {
  /** angular-jwt's tokenGetter: `request` is the request config, or null when `authManager` asks. */
  tokenFor(request: IRequestConfig | null): string | null | IPromise<string | null>;
  /** The stored session, read now. */
  current(): Session | null;
  readonly settings: Settings;
  /** Whether a request to `url` may carry the token. */
  allows(url: string): boolean;
  /** Renews because the server refused `token`, or adopts a token that replaced it meanwhile. */
  replace(token: string | null): IPromise<string>;
}

/** The service as the provider creates it: `start()` arms scheduled renewal, `stop()` undoes all it set up. */
export interface AuthTokensRuntime extends AuthTokensInternal {
  start(): void;
  stop(): void;
}

/**
 * The AngularJS face of the core: wraps its native promises in `$q` and turns refresh outcomes into
 * `$rootScope` events.
 */
export function createAuthTokens(deps: ServiceDeps): AuthTokensRuntime {
  const { $q, $rootScope, $window, authManager, settings, store, refresher, warn } = deps;
  const allows = urlFilter($window.location.origin, settings.allowedDomains);
  const now = () => Date.now();
  const current = () => store.read();
  const currentToken = () => current()?.token ?? null;
  const usable = (session: Session | null): session is Session & { token: string } => isUsable(session, now(), settings.minValiditySeconds);
  const broadcast = (name: EventName, ...args: unknown[]) => $rootScope.$broadcast(`authTokens:${name}`, ...args);
  /** A session began, here or in another tab: angular-jwt's flag, then the event. */
  const started = () => {
    authManager.authenticate();
    broadcast('sessionStarted');
  };
  /** A session ended: angular-jwt's flag, then the event that says how. */
  const ended = (name: 'sessionExpired' | 'loggedOut', ...args: unknown[]) => {
    authManager.unauthenticate();
    broadcast(name, ...args);
  };

  const report = (outcome: RefreshOutcome) => {
    if ('session' in outcome) {
      scheduler.reschedule();
      broadcast('refreshed', outcome.session.token);
    } else {
      broadcast('refreshFailed', outcome.error);
      if (outcome.ended) ended('sessionExpired', outcome.error);
    }
    // Outcomes arrive from native promises, outside any digest.
    $rootScope.$applyAsync();
  };

  const coordinator = createRefreshCoordinator({ ...deps, now, onOutcome: report });
  const renewed = (seenToken: string | null) => $q.when(coordinator.refresh(seenToken)).then((session) => session.token as string);
  const scheduler = createRenewalScheduler({
    now,
    read: current,
    renew: () => coordinator.refresh(currentToken()),
    renewBeforeSeconds: settings.renewBeforeSeconds,
    minValiditySeconds: settings.minValiditySeconds,
    events: { target: $window, document: $window.document },
    onError: (error) => warn('scheduled renewal failed unexpectedly.', error),
  });

  /** Another tab logged in, renewed or logged out: storage already shows it; catch up the rest. */
  const followOtherTab = (change: TabChange) => {
    scheduler.reschedule();
    // The storage event arrives outside any digest.
    $rootScope.$applyAsync(() => {
      if (change === 'renewed') broadcast('refreshed', currentToken());
      else if (change === 'loggedIn') started();
      else ended('loggedOut', { otherTab: true } satisfies LoggedOutElsewhere);
    });
  };
  const stopWatchingTabs = settings.storage === 'localStorage' && deps.shared
    ? watchOtherTabs($window, $window.localStorage, settings.storageKeys.token, followOtherTab)
    : () => undefined;

  /** The token when it is usable; otherwise the renewal to wait for, or null when nothing can renew. */
  const validToken = (): string | null | IPromise<string | null> => {
    const session = current();
    if (usable(session)) return session.token;
    return canRenew(session, refresher) ? renewed(session.token) : null;
  };

  return {
    settings,
    allows,
    current,
    replace: renewed,
    start: scheduler.start,
    stop() {
      scheduler.stop();
      stopWatchingTabs();
    },

    setSession(response: TokenResponse, profile?: unknown) {
      coordinator.save(sessionFromResponse(response, null, now(), settings.apiToken, profile ?? null))
        .catch((error: unknown) => warn('could not share the session with other tabs.', error));
      scheduler.reschedule();
      started();
    },

    getToken: () => $q.when(validToken()),
    refresh: () => renewed(currentToken()),

    isAuthenticated() {
      const session = current();
      return usable(session) || session?.refreshToken != null;
    },

    getProfile: () => current()?.profile ?? null,

    logout() {
      const refreshToken = current()?.refreshToken ?? null;
      // Revocation is best effort: a server that cannot be reached must not keep the user logged in here.
      const revoked = refreshToken !== null && settings.revoke
        ? $q.when(settings.revoke(refreshToken)).catch(() => undefined)
        : $q.resolve();
      return revoked.then(() => coordinator.save(null)).then(() => {
        scheduler.reschedule();
        ended('loggedOut');
      });
    },

    tokenFor(request) {
      if (request === null) {
        // authManager passes this straight to jwtHelper.isTokenExpired, which throws on anything but a JWT.
        const token = currentToken();
        return decodeJwt(token) ? token : null;
      }
      return (request as { skipAuthorization?: boolean }).skipAuthorization || !allows(request.url)
        ? null : validToken();
    },
  };
}
