import type { auto, ILocationService, IRootScopeService, ITimeoutService } from 'angular';
import type { AuthTokensCore } from '../../src/angular/core';
import { guardRun, type GuardedCore } from '../../src/angular/guard';
import { createService } from '../../src/angular/service';
import { createLocalCopy, type LocalCopy } from '../../src/core/local-copy';
import { inTabLock } from '../../src/core/lock';
import { createSessionManager } from '../../src/core/session-manager';
import { createSessionStore } from '../../src/core/session-store';
import { DEFAULT_SETTINGS, DEFAULT_STORAGE_KEYS, mergeSettings, type Settings } from '../../src/core/settings';
import { memoryStore } from '../../src/core/storage';
import type { Login, RefreshFunction, Session, TokenResponse } from '../../src/core/types';
import { deferred, flushMicrotasks, type Deferred } from '../helpers/fakes';
import { jwtExpiringIn } from '../helpers/jwt';
import { legacyUiRouter } from '../helpers/versions';

// The guard's run block in a module of its own, over a real session manager (memory storage, one tab) and
// the real service, which broadcasts what the manager publishes; angular-jwt's authManager is a fake.
angular.module('guardSpec', []).run(guardRun);

const SESSION_EXPIRED = 'authTokens:sessionExpired';

interface StateProvider {
  state(definition: { name: string; url: string }): StateProvider;
}
interface StateService {
  go(name: string, params?: object): unknown;
  current: { name: string };
}
interface TransitionService {
  onEnter(criteria: object, hook: (transition: { $to(): { name: string } }) => void): unknown;
}

describe('guard', () => {
  let refresher: jasmine.Spy<RefreshFunction> & { usesRefreshToken?: boolean };
  /** The token endpoint's answer to the renewal under way. */
  let reply: Deferred<TokenResponse>;
  let local: LocalCopy;
  let version: number;
  let authManager: { authenticate: jasmine.Spy; unauthenticate: jasmine.Spy };
  let $injector: auto.IInjectorService;
  let $location: ILocationService;
  let $rootScope: IRootScopeService & { isAuthenticated?: boolean };
  /** Every URL a location change ended on. */
  let visited: string[];

  const valid = (): Session => ({ token: jwtExpiringIn(3600), refreshToken: 'rt-1', idToken: null, profile: null, expiresAt: null });
  const expired = (refreshToken: string | null = 'rt-1'): Session =>
    ({ token: jwtExpiringIn(-60), refreshToken, idToken: null, profile: null, expiresAt: null });
  const renewedResponse = (): TokenResponse => ({ accessToken: jwtExpiringIn(3600, { n: 2 }), refreshToken: 'rt-2', expiresIn: 3600 });
  const loginsVisited = () => visited.filter((url) => url.startsWith('/login'));
  /** What storage holds, as a reload finds it or as another part of the package left it. */
  const store = (session: Session | null) => local.write({ session, version: ++version });

  function load(modules: Array<string | ((...args: never[]) => void) | Array<unknown>>, settings: Partial<Settings> = {}) {
    const resolved = mergeSettings(DEFAULT_SETTINGS, settings);
    const warn = () => undefined;
    const manager = createSessionManager({
      store: createSessionStore(local, null, warn), lock: inTabLock, refresher, settings: resolved, now: () => Date.now(), warn,
    });
    const core: GuardedCore & AuthTokensCore = { manager, settings: resolved, allows: () => true };
    angular.mock.module(...(modules as string[]), 'guardSpec', ['$provide', ($provide: auto.IProvideService) => {
      $provide.value('authTokensCore', core);
      $provide.factory('authTokens', createService);
      $provide.factory('authManager', ['$rootScope', (root: IRootScopeService & { isAuthenticated?: boolean }) => {
        // As angular-jwt's: a flag on $rootScope.
        authManager.authenticate.and.callFake(() => { root.isAuthenticated = true; });
        authManager.unauthenticate.and.callFake(() => { root.isAuthenticated = false; });
        return authManager;
      }]);
    }]);
    angular.mock.inject(['$injector', '$location', '$rootScope', 'authTokens',
      (injector: auto.IInjectorService, location: ILocationService, root: IRootScopeService) => {
        $injector = injector; $location = location; $rootScope = root;
      }]);
    visited = [];
    $rootScope.$on('$locationChangeSuccess', () => visited.push($location.url()));
  }

  /** The first navigation of a page load: $location starts on `url`, then the first digest runs. */
  function open(url: string) {
    $location.url(url);
    $rootScope.$digest();
  }

  /** Lets the core's native promises settle, then a digest applies what the guard queued with $applyAsync. */
  async function settle() {
    await flushMicrotasks(50);
    $rootScope.$digest();
  }

  beforeEach(() => {
    angular.mock.inject.strictDi(true);
    reply = deferred<TokenResponse>();
    refresher = jasmine.createSpy<RefreshFunction>('refresher').and.callFake(() => reply.promise);
    local = createLocalCopy(memoryStore(), DEFAULT_STORAGE_KEYS);
    version = 0;
    authManager = { authenticate: jasmine.createSpy('authenticate'), unauthenticate: jasmine.createSpy('unauthenticate') };
  });

  describe('with a login configured', () => {
    const loginAt = (redirectUri: string): Login => ({
      redirectUri, start: () => Promise.reject(new Error('unused')), complete: () => Promise.reject(new Error('unused')), endSessionUrl: () => Promise.resolve(null),
    });
    /** The document's directory: Karma's page is at the server's root. */
    const here = new URL('.', document.baseURI).href;

    it('leaves the redirect URI\'s path alone by itself, whatever publicPaths says', () => {
      load(['ngRoute'], { publicPaths: ['/'], login: loginAt(`${here}callback`) });
      open('/callback?code=c&state=s');
      expect($location.url()).toBe('/callback?code=c&state=s');
      expect(loginsVisited()).toEqual([]);
    });

    it('still guards everything else', () => {
      load(['ngRoute'], { login: loginAt(`${here}callback`) });
      open('/callback/more');
      expect($location.url()).toBe('/login?returnTo=%2Fcallback%2Fmore');
    });

    for (const [where, redirectUri] of [['on another origin', 'https://elsewhere.example.com/private'], ['at the document itself (every route of a hashbang app)', here]]) {
      it(`makes nothing public for a redirect URI ${where}`, () => {
        load(['ngRoute'], { publicPaths: [], login: loginAt(redirectUri) });
        open('/private');
        expect($location.url()).toBe('/login?returnTo=%2Fprivate');
        open('/');
        expect($location.url()).toBe('/login?returnTo=%2F');
      });
    }
  });

  for (const router of ['ngRoute', 'no router']) {
    describe(`with ${router}`, () => {
      beforeEach(() => {
        load(router === 'ngRoute' ? ['ngRoute'] : [], { publicPaths: ['/', '/about', /^\/docs\//] });
      });

      it('leaves public paths alone', () => {
        for (const url of ['/', '/about?x=1', '/docs/intro', '/login']) open(url);
        expect(loginsVisited()).toEqual(['/login']);
        expect($location.url()).toBe('/login');
        expect(refresher).not.toHaveBeenCalled();
        expect(authManager.authenticate).not.toHaveBeenCalled();
      });

      it('sends a private path with nothing stored to the login path once, with returnTo', () => {
        open('/private');
        expect($location.url()).toBe('/login?returnTo=%2Fprivate');
        $rootScope.$digest();
        expect(loginsVisited()).toEqual(['/login?returnTo=%2Fprivate']);
        expect(visited).not.toContain('/private');
      });

      it('guards in-app navigation too, and keeps the query in returnTo', () => {
        open('/about');
        $location.url('/private?tab=2');
        $rootScope.$digest();
        expect($location.url()).toBe('/login?returnTo=%2Fprivate%3Ftab%3D2');
        expect(loginsVisited().length).toBe(1);
      });

      it('drops a returnTo that would leave the origin', () => {
        open('//evil.example');
        expect($location.url()).toBe('/login');
      });

      it('authenticates with a usable token, once', () => {
        store(valid());
        open('/private');
        $location.url('/private/2');
        $rootScope.$digest();
        expect(authManager.authenticate).toHaveBeenCalledTimes(1);
        expect($rootScope.isAuthenticated).toBe(true);
        expect($location.url()).toBe('/private/2');
        expect(refresher).not.toHaveBeenCalled();
      });

      it('lets an expired token with a refresh token through, renews, then authenticates', async () => {
        store(expired());
        open('/private');
        await flushMicrotasks(50);
        expect(refresher).toHaveBeenCalledTimes(1);
        expect(refresher.calls.argsFor(0)[0]).toBe('rt-1');
        expect(authManager.authenticate).not.toHaveBeenCalled();
        expect($location.url()).toBe('/private');
        reply.resolve(renewedResponse());
        await settle();
        expect(authManager.authenticate).toHaveBeenCalledTimes(1);
        expect(loginsVisited()).toEqual([]);
      });

      it('on a reload with an expired token and a refresher that uses no refresh token: no redirect, renews, authenticates', async () => {
        refresher.usesRefreshToken = false;
        store(expired(null));
        open('/private');
        await flushMicrotasks(50);
        expect(refresher).toHaveBeenCalledTimes(1);
        expect(refresher.calls.argsFor(0)[0]).toBe('');
        expect($location.url()).toBe('/private');
        reply.resolve({ accessToken: jwtExpiringIn(3600, { n: 2 }), expiresIn: 3600 });
        await settle();
        expect(authManager.authenticate).toHaveBeenCalledTimes(1);
        expect($rootScope.isAuthenticated).toBe(true);
        expect(loginsVisited()).toEqual([]);
      });

      it('keeps the session on a transient failure: no redirect', async () => {
        const stored = expired();
        store(stored);
        open('/private');
        reply.reject(new TypeError('Failed to fetch'));
        await settle();
        expect($location.url()).toBe('/private');
        expect(authManager.authenticate).not.toHaveBeenCalled();
        expect(authManager.unauthenticate).not.toHaveBeenCalled();
        expect(local.read().session).toEqual(stored);
      });

      it('redirects once when the renewal is refused and the core ends the session', async () => {
        store(expired());
        open('/private');
        reply.reject({ error: 'invalid_grant' });
        await settle();
        $rootScope.$digest();
        expect($location.url()).toBe('/login?returnTo=%2Fprivate');
        expect(loginsVisited().length).toBe(1);
        expect(authManager.unauthenticate).toHaveBeenCalledTimes(1);
        expect(local.read().session).toBeNull();
      });

      it('sends an expired token without a refresh token to the login path when the refresher needs one', () => {
        store(expired(null));
        open('/private');
        expect($location.url()).toBe('/login?returnTo=%2Fprivate');
        expect(refresher).not.toHaveBeenCalled();
      });

      it('redirects once for several sessionExpired in one turn', () => {
        store(valid());
        open('/private?tab=2');
        store(null);
        $rootScope.$broadcast(SESSION_EXPIRED);
        $rootScope.$broadcast(SESSION_EXPIRED);
        $rootScope.$digest();
        $rootScope.$broadcast(SESSION_EXPIRED);
        $rootScope.$digest();
        expect(loginsVisited()).toEqual(['/login?returnTo=%2Fprivate%3Ftab%3D2']);
      });

      it('does not redirect on sessionExpired while on a public path', () => {
        store(valid());
        open('/about');
        store(null);
        $rootScope.$broadcast(SESSION_EXPIRED);
        $rootScope.$digest();
        expect($location.url()).toBe('/about');
        expect(loginsVisited()).toEqual([]);
      });

      it('leaves navigation to the app after a logout here, and redirects after a logout in another tab', async () => {
        store(valid());
        open('/private');
        await $injector.get<AuthTokensCore>('authTokensCore').manager.logout();
        $rootScope.$digest();
        expect($location.url()).toBe('/private');

        // What the service broadcasts when the core hears of another tab's logout (service.spec).
        $rootScope.$broadcast('authTokens:loggedOut', { otherTab: true });
        $rootScope.$digest();
        expect($location.url()).toBe('/login?returnTo=%2Fprivate');
        expect(loginsVisited().length).toBe(1);
      });
    });
  }

  it('never guards the login path, even when publicPaths leaves it out', () => {
    load(['ngRoute'], { publicPaths: ['/'] });
    open('/private');
    $rootScope.$digest();
    expect(loginsVisited()).toEqual(['/login?returnTo=%2Fprivate']);
  });

  /** The specs of one ui-router major only; the matrix runs this file with ui-router 0.4.3 too. */
  const onlyWith = (legacy: boolean) => (legacy === legacyUiRouter ? it : (_name: string, _spec: () => unknown): void => undefined);
  const with1x = onlyWith(false);
  const with0x = onlyWith(true);

  // ui-router 1.x hooks $transitions.onStart; 0.x ($state without $transitions) listens to $stateChangeStart.
  describe(`with ui-router ${legacyUiRouter ? '0.x' : '1.x'}`, () => {
    let $state: StateService;
    let entered: jasmine.Spy;
    /** Every state a transition started towards (0.x only, where the guard sees $stateChangeStart). */
    let started: string[];

    /** Records every private state entered, by name, in the way the loaded major announces it. */
    function watchEntering() {
      const isPrivate = (name: string) => !['home', 'about', 'login'].includes(name);
      if (legacyUiRouter) {
        $rootScope.$on('$stateChangeStart', (_event, to: { name: string }) => started.push(to.name));
        $rootScope.$on('$stateChangeSuccess', (_event, to: { name: string }) => { if (isPrivate(to.name)) entered(to.name); });
      } else {
        $injector.get<TransitionService>('$transitions').onEnter({ entering: (state: { name: string }) => isPrivate(state.name) },
          (transition) => { entered(transition.$to().name); });
      }
    }

    function loadStates(loginUrl: string, config: Array<unknown> | (() => void) = () => undefined) {
      const states = ['$stateProvider', ($stateProvider: StateProvider) => {
        $stateProvider
          .state({ name: 'home', url: '/' })
          .state({ name: 'about', url: '/about' })
          .state({ name: 'login', url: loginUrl })
          .state({ name: 'private', url: '/private?tab' })
          .state({ name: 'account', url: '/account' })
          .state({ name: 'account.settings', url: '/settings?section' });
      }];
      load(['ui.router', states, config], { publicPaths: ['/', '/about'] });
      $state = $injector.get<StateService>('$state');
      entered = jasmine.createSpy('entered a private state');
      started = [];
      watchEntering();
    }

    /** Records what `$location.replace()` was called on. */
    function recordReplaced(): string[] {
      const replaced: string[] = [];
      const replace = $location.replace.bind($location);
      spyOn($location, 'replace').and.callFake(() => { replaced.push($location.url()); return replace(); });
      return replaced;
    }

    describe('with a login state that takes returnTo', () => {
      beforeEach(() => loadStates('/login?returnTo'));

      it('never enters a private state with nothing stored, and ends on the login state with returnTo', () => {
        open('/');
        expect($state.current.name).toBe('home');
        $state.go('private', { tab: '2' });
        $rootScope.$digest();
        expect(entered).not.toHaveBeenCalled();
        expect($state.current.name).toBe('login');
        expect($location.url()).toBe('/login?returnTo=%2Fprivate%3Ftab%3D2');
        expect(loginsVisited().length).toBe(1);
      });

      it('builds returnTo from the whole path of a nested state', () => {
        open('/');
        $state.go('account.settings', { section: 'mail' });
        $rootScope.$digest();
        expect($location.url()).toBe('/login?returnTo=%2Faccount%2Fsettings%3Fsection%3Dmail');
      });

      it('keeps the page navigated from in the history when the app navigated', () => {
        open('/about');
        const replaced = recordReplaced();
        $state.go('private');
        $rootScope.$digest();
        expect($location.url()).toBe('/login?returnTo=%2Fprivate');
        expect(replaced).not.toContain('/login?returnTo=%2Fprivate');
      });

      with1x('checks the first navigation of a page load, query included, declared by the state or not', () => {
        open('/private?tab=2&ref=mail#top');
        expect(entered).not.toHaveBeenCalled();
        expect($state.current.name).toBe('login');
        expect($location.url()).toBe('/login?returnTo=%2Fprivate%3Ftab%3D2%26ref%3Dmail%23top');
      });

      it('lets public states through', () => {
        open('/');
        $state.go('about');
        $rootScope.$digest();
        expect($state.current.name).toBe('about');
        expect($location.url()).toBe('/about');
        expect(refresher).not.toHaveBeenCalled();
      });

      it('enters a private state with a usable token and authenticates', () => {
        store(valid());
        open('/');
        $state.go('private');
        $rootScope.$digest();
        expect(entered).toHaveBeenCalledOnceWith('private');
        expect($location.url()).toBe('/private');
        expect(authManager.authenticate).toHaveBeenCalledTimes(1);
      });

      it('lets an expired token with a refresh token through, then authenticates once renewed', async () => {
        store(expired());
        open('/');
        $state.go('private');
        $rootScope.$digest();
        expect(entered).toHaveBeenCalledTimes(1);
        await flushMicrotasks(50);
        expect(refresher).toHaveBeenCalledTimes(1);
        reply.resolve(renewedResponse());
        await settle();
        expect(authManager.authenticate).toHaveBeenCalledTimes(1);
        expect($state.current.name).toBe('private');
      });

      it('enters a private state on a reload with an expired token and a refresher that uses no refresh token', async () => {
        refresher.usesRefreshToken = false;
        store(expired(null));
        open('/private');
        expect(entered).toHaveBeenCalledTimes(1);
        expect($state.current.name).toBe('private');
        reply.resolve({ accessToken: jwtExpiringIn(3600, { n: 2 }), expiresIn: 3600 });
        await settle();
        expect(authManager.authenticate).toHaveBeenCalledTimes(1);
        expect(loginsVisited()).toEqual([]);
      });

      it('redirects to the login state once on sessionExpired', () => {
        store(valid());
        open('/private');
        store(null);
        $rootScope.$broadcast(SESSION_EXPIRED);
        $rootScope.$broadcast(SESSION_EXPIRED);
        $rootScope.$digest();
        expect($state.current.name).toBe('login');
        expect(loginsVisited()).toEqual(['/login?returnTo=%2Fprivate']);
      });
    });

    describe('with a login state that does not declare returnTo', () => {
      let $timeout: ITimeoutService;

      beforeEach(() => {
        loadStates('/login');
        $timeout = $injector.get<ITimeoutService>('$timeout');
      });

      it('cancels, then changes the URL once the transition settled, so returnTo is kept', () => {
        open('/');
        const replaced = recordReplaced();
        $state.go('private');
        $rootScope.$digest();
        expect(entered).not.toHaveBeenCalled();
        $timeout.flush();
        expect($location.url()).toBe('/login?returnTo=%2Fprivate');
        expect($state.current.name).toBe('login');
        expect(loginsVisited().length).toBe(1);
        // The browser never showed /private: the page navigated from stays in the history.
        expect(replaced).not.toContain('/login?returnTo=%2Fprivate');
      });

      with1x('replaces a refused URL the browser already shows (page load), so Back does not bounce', () => {
        const replaced = recordReplaced();
        open('/private');
        $timeout.flush();
        expect(entered).not.toHaveBeenCalled();
        expect($location.url()).toBe('/login?returnTo=%2Fprivate');
        expect($state.current.name).toBe('login');
        expect(replaced).toContain('/login?returnTo=%2Fprivate');
      });
    });

    with0x('checks the first navigation of a page load, enters nothing before the login state, and replaces the refused URL', () => {
      // A real page load: the address bar holds the URL before ui-router starts.
      loadStates('/login?returnTo', ['$provide', '$locationProvider', ($provide: auto.IProvideService, $locationProvider: { hashPrefix(prefix: string): unknown }) => {
        $locationProvider.hashPrefix('!');
        $provide.decorator('$browser', ['$delegate', ($browser: { url(url: string): unknown }) => {
          $browser.url('http://server/#!/private?tab=2&ref=mail');
          return $browser;
        }]);
      }]);
      const replaced = recordReplaced();
      $rootScope.$digest();
      $injector.get<ITimeoutService>('$timeout').flush();
      expect(started).toEqual(['private', 'login']);
      expect(entered).not.toHaveBeenCalled();
      expect($state.current.name).toBe('login');
      // `ref` is no parameter of the state: it is kept from the address bar.
      expect($location.url()).toBe('/login?returnTo=%2Fprivate%3Ftab%3D2%26ref%3Dmail');
      expect(replaced).toContain('/login?returnTo=%2Fprivate%3Ftab%3D2%26ref%3Dmail');
      expect(loginsVisited().length).toBe(1);
    });

    with0x('does not loop with $urlRouterProvider.otherwise leading to a private state', () => {
      loadStates('/login?returnTo', ['$urlRouterProvider', ($urlRouterProvider: { otherwise(url: string): unknown }) => {
        $urlRouterProvider.otherwise('/private');
      }]);
      open('/nowhere');
      $rootScope.$digest();
      expect(entered).not.toHaveBeenCalled();
      expect($state.current.name).toBe('login');
      expect($location.url()).toBe('/login?returnTo=%2Fprivate');
      expect(started.filter((name) => name === 'private').length).toBe(1);
      expect(loginsVisited().length).toBe(1);
    });

    for (const prefix of ['', '!']) {
      with0x(`builds returnTo from the path in hashbang mode with the hash prefix '${prefix}', never from the href`, () => {
        loadStates('/login?returnTo', ['$locationProvider', ($locationProvider: { hashPrefix(prefix: string): unknown }) => {
          $locationProvider.hashPrefix(prefix);
        }]);
        expect($injector.get<{ href(name: string): string }>('$state').href('about')).toBe(`#${prefix}/about`);
        open('/');
        $state.go('private', { tab: '1' });
        $rootScope.$digest();
        expect($location.url()).toBe('/login?returnTo=%2Fprivate%3Ftab%3D1');
        expect($state.current.name).toBe('login');
      });
    }

    with0x('builds returnTo from the path in HTML5 mode', () => {
      loadStates('/login?returnTo', ['$locationProvider', ($locationProvider: { html5Mode(mode: object): unknown }) => {
        $locationProvider.html5Mode({ enabled: true, requireBase: false });
      }]);
      open('/');
      $state.go('private', { tab: '1' });
      $rootScope.$digest();
      expect($location.url()).toBe('/login?returnTo=%2Fprivate%3Ftab%3D1');
    });
  });
});
