import type { IPromise, IQService, IRootScopeService, IWindowService } from 'angular';
import type { SessionEvent } from '../core/session-manager';
import type { AuthTokensCore } from './core';
import type { Login } from '../core/types';
import type { AuthTokensService } from './types';

/** The part of angular-jwt's `authManager` used here. */
export interface AuthManager {
  authenticate(): void;
  unauthenticate(): void;
}

/** The argument of `authTokens:loggedOut` when another tab logged out; the guard then redirects. */
export interface LoggedOutElsewhere {
  otherTab: true;
}

createService.$inject = ['authTokensCore', '$q', '$rootScope', 'authManager', '$window'];
/**
 * The public service: the session manager's promises as `$q` promises, and its events as `$rootScope`
 * broadcasts (`authTokens:<type>`), with angular-jwt's `authManager` told of every start and end.
 */
export function createService({ manager, settings, warn }: AuthTokensCore, $q: IQService, $rootScope: IRootScopeService, authManager: AuthManager,
  $window: IWindowService): AuthTokensService {
  const broadcast = (event: SessionEvent) => {
    if (event.type === 'sessionStarted') authManager.authenticate();
    if (event.type === 'sessionExpired' || event.type === 'loggedOut') authManager.unauthenticate();
    const args = event.type === 'refreshed' ? [event.token] : 'error' in event ? [event.error]
      : event.type === 'loggedOut' && event.otherTab ? [{ otherTab: true } satisfies LoggedOutElsewhere] : [];
    $rootScope.$broadcast(`authTokens:${event.type}`, ...args);
    // Most events come from native promises or the storage event, outside any digest.
    $rootScope.$applyAsync();
  };
  // An injector torn down (tests, micro-frontends) must leave no listener behind.
  $rootScope.$on('$destroy', manager.subscribe(broadcast));

  const { login } = settings;
  /** A login call: without a login configured, it says what is missing. */
  const withLogin = <T>(call: (configured: Login) => PromiseLike<T>): IPromise<T> =>
    (login ? $q.when(call(login)) : $q.reject(new TypeError('authTokens: configure({ login }) first, with oidcClient().login.')));
  /** Navigates to `url`, and says whether there was one. */
  const navigate = (url: string | null) => {
    if (url !== null) $window.location.assign(url);
    return url !== null;
  };
  let completing: IPromise<string> | null = null;

  return {
    setSession: manager.setSession,
    getToken: () => $q.when(manager.token()),
    refresh: () => $q.when(manager.refresh()),
    isAuthenticated: manager.isAuthenticated,
    getProfile: () => manager.current()?.profile ?? null,
    logout: (options) => {
      const idToken = manager.current()?.idToken ?? null;
      // The end-session URL only after the local logout and the revocation. Without one, the provider's
      // session lives on, and the next login may not ask for a password: worth saying.
      return $q.when(manager.logout()).then(() => {
        if (options?.endSession && login) {
          return $q.when(login.endSessionUrl(idToken)).catch(() => null).then((url) => {
            if (!navigate(url)) warn('the provider session was not ended: no end-session endpoint was found.');
          });
        }
      });
    },
    login: (options = {}) => withLogin((configured) => configured.start(options, $window)).then((url) => {
      navigate(url);
    }),
    // The callback page may run twice (the router reloads it when the code leaves the URL): it joins the first.
    completeLogin: (url) => completing ??= withLogin((configured) => configured.complete(url, $window)).then(({ response, profile, returnTo }) => {
      manager.setSession(response, profile);
      return returnTo;
    }).finally(() => {
      completing = null;
    }),
  };
}
