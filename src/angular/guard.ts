import type { auto, IAngularEvent, ILocationService, IRootScopeService, IWindowService } from 'angular';
import { isPublicPath, loginUrl, safeReturnTo } from '../core/paths';
import { isUsable } from '../core/session';
import type { SessionManager } from '../core/session-manager';
import { publicPathsOf, type Settings } from '../core/settings';
import type { AuthManager, LoggedOutElsewhere } from './service';

/** What the guard uses of the core. */
export interface GuardedCore {
  manager: Pick<SessionManager, 'current' | 'token' | 'isAuthenticated'>;
  settings: Settings;
}

// The few parts of ui-router 1.x used here, typed locally so that the package needs no ui-router types.
interface UiState {
  name: string;
  url: { format(params: object): string | null } | null;
  /** The state itself, or the nearest ancestor with a URL: what the address bar shows for it. */
  navigable: UiState | null;
  parameter(id: string): unknown;
}
interface UiTransition {
  $to(): UiState;
  params(): object;
  options(): { source?: string };
  router: {
    stateService: { target(state: string, params: object): unknown };
    urlService: { match(url: { path: string; search: object; hash: string }): { rule: { type?: string; state?: UiState } } | undefined };
  };
}
interface TransitionService {
  onStart(criteria: object, hook: (transition: UiTransition) => unknown): () => void;
}
/** ui-router 0.x's `$state`: only `href`, which gives the URL a state shows, prefix and base path included. */
interface LegacyStateService {
  href(state: object, params: object, options: { inherit: boolean }): string | null;
}

/**
 * The redirect URI's path as `$location.path()` shows it in html5 mode: below the document's base. Never
 * the base itself, which in hashbang mode is every route's document: an app whose provider calls back
 * there lists its callback route in `publicPaths`.
 */
function callbackPathOf({ login }: Settings, baseUri: string): string[] {
  if (!login) return [];
  const { origin, pathname } = new URL(login.redirectUri, baseUri);
  const base = new URL(baseUri);
  const dir = base.pathname.slice(0, base.pathname.lastIndexOf('/'));
  return origin === base.origin && pathname.startsWith(`${dir}/`) && pathname.length > dir.length + 1 ? [pathname.slice(dir.length)] : [];
}

guardRun.$inject = ['$injector', '$rootScope', '$location', '$window', 'authTokensCore', 'authManager'];
/**
 * The route guard, as the guide's `$locationChangeStart` run block but sharing the core's single flight:
 * public paths are left alone; a usable token authenticates; an expired one whose session can be renewed
 * (a refresh token, or silent renewal) lets the navigation go on while it renews; with nothing to restore,
 * one redirect to the login path with `returnTo`.
 */
export function guardRun($injector: auto.IInjectorService, $rootScope: IRootScopeService & { isAuthenticated?: boolean },
  $location: ILocationService, $window: IWindowService, { manager, settings }: GuardedCore, authManager: AuthManager): void {
  const { loginPath, returnToParam, minValiditySeconds } = settings;
  // The login path is never guarded, even when `publicPaths` leaves it out: guarding it would loop. Nor is
  // the login's redirect URI, where a session is about to start.
  const publicPaths = [loginPath, ...publicPathsOf(settings), ...callbackPathOf(settings, $window.document.baseURI)];
  const isPublic = (url: string | null) => url !== null && isPublicPath(url, publicPaths);
  const authenticate = () => {
    if (!$rootScope.isAuthenticated) authManager.authenticate();
  };

  /** Goes to the login path; replacing a refused URL the browser already shows keeps Back from bouncing into it. */
  function toLogin(returnTo: string | null, replace: boolean): void {
    const url = loginUrl(loginPath, returnToParam, returnTo);
    if ($location.url() === url) return;
    $location.url(url);
    if (replace) $location.replace();
  }

  /** False when nothing can restore the session for `url`; otherwise the navigation goes on. */
  function admit(url: string | null): boolean {
    if (isPublic(url)) return true;
    if (isUsable(manager.current(), Date.now(), minValiditySeconds)) {
      authenticate();
      return true;
    }
    if (!manager.isAuthenticated()) return false;
    // The session can be renewed: renew without holding up the navigation. login_required ends the session
    // in the core, which broadcasts sessionExpired (redirected below); other failures are transient and keep it.
    Promise.resolve(manager.token()).then((token) => {
      if (token !== null) $rootScope.$applyAsync(authenticate);
    }, () => undefined);
    return true;
  }

  // Every way a session ends (a refused renewal by a request, the timer or this guard) comes through here.
  // After the first redirect the path is the login path, so more of these in the same turn change nothing.
  // A logout in another tab ends this one's session too; a logout here leaves navigation to the app.
  const leave = () => {
    const url = $location.url();
    if (!isPublic(url)) toLogin(url, false);
  };
  $rootScope.$on('authTokens:sessionExpired', leave);
  $rootScope.$on('authTokens:loggedOut', (_event, info?: LoggedOutElsewhere) => { if (info?.otherTab) leave(); });

  if ($injector.has('$state') && !$injector.has('$transitions')) {
    // ui-router 0.x enters a state before it updates the URL, and announces it with $stateChangeStart,
    // page load included. Its href carries the hash prefix ('#!', '#') or the base path: the guard
    // judges, and writes into returnTo, the path $location.url() will hold.
    const $state = $injector.get<LegacyStateService>('$state');
    const base = $injector.get<{ baseHref(): string }>('$browser').baseHref().replace(/\/$/, '');
    $rootScope.$on('$stateChangeStart', (event: IAngularEvent, to: object, params: object, _from: object, _fromParams: object,
      options?: { location?: unknown }) => {
      const fromUrl = options?.location === false;
      const href = $state.href(to, params, { inherit: false });
      const path = href === null ? null : href[0] === '#' ? href.slice(href.indexOf('/')) : href.slice(base.length);
      // A state's href keeps only the parameters it declares: the URL the browser shows keeps the rest.
      const url = fromUrl && path?.split(/[?#]/)[0] === $location.path() ? $location.url() : path;
      if (admit(url)) return;
      event.preventDefault();
      // Through the URL, never $state.go from inside the event: ui-router finds the login state (or its
      // `otherwise`) itself, and a redirect in the event can loop (ui-router #600, #2183). A transition
      // that came from the URL (`location: false`) replaces it, so Back does not bounce.
      $rootScope.$applyAsync(() => toLogin(url, fromUrl));
    });
    return;
  }
  if (!$injector.has('$transitions')) {
    // The initial $locationChangeStart (page load) comes after run blocks, so start-up is checked too.
    $rootScope.$on('$locationChangeStart', (_event, newUrl: string) => {
      const url = $location.url();
      if (!admit(url)) toLogin(url, $window.location.href === newUrl);
    });
    return;
  }

  // ui-router 1.x updates the URL only once a transition has succeeded, after the target state was entered:
  // $locationChangeStart would come too late, so the guard hooks into the transition itself.
  $injector.get<TransitionService>('$transitions').onStart({}, (transition) => {
    const target = transition.$to().navigable;
    const shown = transition.options().source === 'url';
    // From the URL, the URL itself: a state's URL keeps only the parameters it declares, the address bar all.
    const url = shown ? $location.url() : target?.url ? target.url.format(transition.params()) : null;
    if (admit(url)) return undefined;
    const returnTo = safeReturnTo(url);
    const rule = transition.router.urlService.match({ path: loginPath, search: {}, hash: '' })?.rule;
    const login = rule?.type === 'STATE' ? rule.state : undefined;
    if (login && (returnTo === null || login.parameter(returnToParam))) {
      return transition.router.stateService.target(login.name, returnTo === null ? {} : { [returnToParam]: returnTo });
    }
    // No login state that takes the parameter: cancel, and change the URL once ui-router has settled the
    // cancelled transition, which puts the previous URL back and would drop a query set in this turn.
    $rootScope.$applyAsync(() => toLogin(url, shown));
    return false;
  });
}
