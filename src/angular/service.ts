import type { IPromise, IQService, IRequestConfig, IRootScopeService, IWindowService } from 'angular';
import { RefreshCoordinator, type RefreshOutcome } from '../core/coordinator';
import { isAllowedUrl } from '../core/hosts';
import { decodeJwt } from '../core/jwt';
import { RenewalScheduler } from '../core/scheduler';
import { isUsable, sessionFromResponse } from '../core/session';
import type { Settings } from '../core/settings';
import type { TokenStore } from '../core/token-store';
import type { RefreshFunction, Session, TokenResponse } from '../core/types';
import type { Lock } from '../core/lock';
import type { SharedCopy } from '../core/shared-copy';
import { watchOtherTabs, type TabChange } from '../core/tab-sync';
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
  appOrigin: string;
  now: () => number;
  warn: (message: string) => void;
}

export const EVENTS = {
  sessionStarted: 'authTokens:sessionStarted',
  refreshed: 'authTokens:refreshed',
  refreshFailed: 'authTokens:refreshFailed',
  sessionExpired: 'authTokens:sessionExpired',
  loggedOut: 'authTokens:loggedOut',
} as const;

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
  readonly appOrigin: string;
  /** Renews because the server refused `token`, or adopts a token that replaced it meanwhile. */
  replace(token: string): IPromise<string>;
}

/**
 * The AngularJS face of the core: wraps its native promises in `$q` and turns refresh outcomes into
 * `$rootScope` events.
 */
export class AuthTokensRuntime implements AuthTokensInternal {
  private readonly coordinator: RefreshCoordinator;
  private readonly scheduler: RenewalScheduler;
  private readonly stopWatchingTabs: () => void;
  readonly settings: Settings;
  readonly appOrigin: string;

  constructor(private readonly deps: ServiceDeps) {
    this.settings = deps.settings;
    this.appOrigin = deps.appOrigin;
    this.coordinator = new RefreshCoordinator({
      store: deps.store,
      shared: deps.shared,
      lock: deps.lock,
      refresher: deps.refresher,
      settings: deps.settings,
      now: deps.now,
      warn: deps.warn,
      onOutcome: (outcome) => this.report(outcome),
    });
    this.scheduler = new RenewalScheduler({
      now: deps.now,
      read: () => this.current(),
      renew: () => this.coordinator.refresh(this.current()?.token ?? null),
      renewBeforeSeconds: deps.settings.renewBeforeSeconds,
      minValiditySeconds: deps.settings.minValiditySeconds,
      events: { target: deps.$window, document: deps.$window.document },
      onError: (error) => deps.warn(`angular-auth-tokens: scheduled renewal failed unexpectedly (${error instanceof Error ? error.name : 'unknown error'}).`),
    });
    this.stopWatchingTabs = deps.settings.storage === 'localStorage' && deps.shared
      ? watchOtherTabs(deps.$window, deps.$window.localStorage, deps.settings.storageKeys.token, (change) => this.followOtherTab(change))
      : () => undefined;
  }

  /** Arms scheduled renewal from the stored session; `stop()` undoes everything `start()` set up. */
  start(): void {
    this.scheduler.start();
  }

  stop(): void {
    this.scheduler.stop();
    this.stopWatchingTabs();
  }

  setSession(response: TokenResponse, profile?: unknown): void {
    const { settings, now, authManager, $rootScope } = this.deps;
    const session = sessionFromResponse(response, null, now(), settings.apiToken, profile ?? null);
    this.save(session);
    this.scheduler.reschedule();
    authManager.authenticate();
    $rootScope.$broadcast(EVENTS.sessionStarted);
  }

  getToken(): IPromise<string | null> {
    return this.deps.$q.when(this.validToken());
  }

  refresh(): IPromise<string> {
    return this.replace(this.current()?.token ?? null);
  }

  replace(token: string | null): IPromise<string> {
    return this.deps.$q.when(this.coordinator.refresh(token)).then((session) => session.token as string);
  }

  isAuthenticated(): boolean {
    const session = this.current();
    return isUsable(session, this.deps.now(), this.deps.settings.minValiditySeconds) || session?.refreshToken != null;
  }

  getProfile(): unknown {
    return this.current()?.profile ?? null;
  }

  logout(): IPromise<void> {
    const { $q, settings, authManager, $rootScope } = this.deps;
    const refreshToken = this.current()?.refreshToken ?? null;
    // Revocation is best effort: a server that cannot be reached must not keep the user logged in here.
    const revoked = refreshToken !== null && settings.revoke
      ? $q.when(settings.revoke(refreshToken)).catch(() => undefined)
      : $q.resolve(undefined);
    return revoked.then(() => $q.when(this.coordinator.save(null))).then(() => {
      this.scheduler.reschedule();
      authManager.unauthenticate();
      $rootScope.$broadcast(EVENTS.loggedOut);
    });
  }

  tokenFor(request: IRequestConfig | null): string | null | IPromise<string | null> {
    if (request === null) {
      // authManager passes this straight to jwtHelper.isTokenExpired, which throws on anything but a JWT.
      const token = this.current()?.token ?? null;
      return decodeJwt(token) ? token : null;
    }
    if ((request as { skipAuthorization?: boolean }).skipAuthorization) return null;
    if (!isAllowedUrl(request.url, this.appOrigin, this.settings.allowedDomains)) return null;
    const token = this.validToken();
    return typeof token === 'string' || token === null ? token : this.deps.$q.when(token);
  }

  current(): Session | null {
    return this.deps.store.read();
  }

  /** The token when it is usable; otherwise the renewal to wait for, or null when nothing can renew. */
  private validToken(): string | null | Promise<string | null> {
    const session = this.current();
    if (isUsable(session, this.deps.now(), this.deps.settings.minValiditySeconds)) return session.token;
    if (session === null || (session.refreshToken === null && this.deps.refresher.usesRefreshToken !== false)) return null;
    return this.coordinator.refresh(session.token).then((renewed) => renewed.token);
  }

  private save(session: Session | null): void {
    this.coordinator.save(session).catch((error: unknown) => this.deps.warn(`angular-auth-tokens: could not share the session with other tabs (${String(error)}).`));
  }

  private report(outcome: RefreshOutcome): void {
    const { $rootScope, authManager } = this.deps;
    if ('session' in outcome) {
      this.scheduler.reschedule();
      $rootScope.$broadcast(EVENTS.refreshed, outcome.session.token);
    } else {
      $rootScope.$broadcast(EVENTS.refreshFailed, outcome.error);
      if (outcome.ended) {
        authManager.unauthenticate();
        $rootScope.$broadcast(EVENTS.sessionExpired, outcome.error);
      }
    }
    // Outcomes arrive from native promises, outside any digest.
    $rootScope.$applyAsync();
  }

  /** Another tab logged in, renewed or logged out: storage already shows it; catch up the rest. */
  private followOtherTab(change: TabChange): void {
    const { $rootScope, authManager } = this.deps;
    this.scheduler.reschedule();
    // The storage event arrives outside any digest.
    $rootScope.$applyAsync(() => {
      if (change === 'loggedOut') {
        authManager.unauthenticate();
        $rootScope.$broadcast(EVENTS.loggedOut, { otherTab: true } satisfies LoggedOutElsewhere);
      } else if (change === 'loggedIn') {
        authManager.authenticate();
        $rootScope.$broadcast(EVENTS.sessionStarted);
      } else {
        $rootScope.$broadcast(EVENTS.refreshed, this.current()?.token ?? null);
      }
    });
  }
}
