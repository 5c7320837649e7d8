import type { auto, IDeferred, ILocationService, IPromise, IQService, IRootScopeService, ITimeoutService } from 'angular';
import { guardRun, type GuardedService } from '../../src/angular/guard';
import { AuthTokensError } from '../../src/core/errors';
import { isUsable } from '../../src/core/session';
import { DEFAULT_SETTINGS, mergeSettings, type Settings } from '../../src/core/settings';
import type { Session } from '../../src/core/types';
import { jwtExpiringIn } from '../helpers/jwt';

// The module is not finished yet: this spec runs the run block in a module of its own, with fakes of the
// authTokens service and angular-jwt's authManager.
angular.module('guardSpec', []).run(guardRun);

const SESSION_EXPIRED = 'authTokens:sessionExpired';

/** The part of the service the guard uses, storage being a variable. */
class FakeAuthTokens implements GuardedService {
  session: Session | null = null;
  settings: Settings = DEFAULT_SETTINGS;
  getToken = jasmine.createSpy<() => IPromise<string | null>>('getToken');

  current(): Session | null {
    return this.session;
  }

  isAuthenticated(): boolean {
    return isUsable(this.session, Date.now(), this.settings.minValiditySeconds) || this.session?.refreshToken != null;
  }
}

interface StateProvider {
  state(definition: { name: string; url: string }): StateProvider;
}
interface StateService {
  go(name: string): unknown;
  current: { name: string };
}
interface TransitionService {
  onEnter(criteria: object, hook: () => void): unknown;
}

describe('guard', () => {
  let authTokens: FakeAuthTokens;
  let authManager: { authenticate: jasmine.Spy; unauthenticate: jasmine.Spy };
  let $injector: auto.IInjectorService;
  let $location: ILocationService;
  let $rootScope: IRootScopeService & { isAuthenticated?: boolean };
  let $q: IQService;
  /** Every URL a location change ended on. */
  let visited: string[];

  const valid = (): Session => ({ token: jwtExpiringIn(3600), refreshToken: 'rt-1', idToken: null, profile: null, expiresAt: null });
  const expired = (refreshToken: string | null = 'rt-1'): Session =>
    ({ token: jwtExpiringIn(-60), refreshToken, idToken: null, profile: null, expiresAt: null });
  const loginsVisited = () => visited.filter((url) => url.startsWith('/login'));

  function load(modules: Array<string | ((...args: never[]) => void) | Array<unknown>>, settings: Partial<Settings> = {}) {
    authTokens.settings = mergeSettings(DEFAULT_SETTINGS, settings);
    angular.mock.module(...(modules as string[]), 'guardSpec', ['$provide', ($provide: auto.IProvideService) => {
      $provide.value('authTokens', authTokens);
      $provide.factory('authManager', ['$rootScope', (root: IRootScopeService & { isAuthenticated?: boolean }) => {
        // As angular-jwt's: a flag on $rootScope.
        authManager.authenticate.and.callFake(() => { root.isAuthenticated = true; });
        authManager.unauthenticate.and.callFake(() => { root.isAuthenticated = false; });
        return authManager;
      }]);
    }]);
    angular.mock.inject(['$injector', '$location', '$rootScope', '$q',
      (injector: auto.IInjectorService, location: ILocationService, root: IRootScopeService, q: IQService) => {
        $injector = injector; $location = location; $rootScope = root; $q = q;
      }]);
    visited = [];
    $rootScope.$on('$locationChangeSuccess', () => visited.push($location.url()));
  }

  /** The first navigation of a page load: $location starts on `url`, then the first digest runs. */
  function open(url: string) {
    $location.url(url);
    $rootScope.$digest();
  }

  beforeEach(() => {
    angular.mock.inject.strictDi(true);
    authTokens = new FakeAuthTokens();
    authManager = { authenticate: jasmine.createSpy('authenticate'), unauthenticate: jasmine.createSpy('unauthenticate') };
  });

  for (const router of ['ngRoute', 'no router']) {
    describe(`with ${router}`, () => {
      let renewal: IDeferred<string | null>;

      beforeEach(() => {
        load(router === 'ngRoute' ? ['ngRoute'] : [], { publicPaths: ['/', '/about', /^\/docs\//] });
        renewal = $q.defer<string | null>();
        authTokens.getToken.and.returnValue(renewal.promise);
      });

      it('leaves public paths alone', () => {
        for (const url of ['/', '/about?x=1', '/docs/intro', '/login']) open(url);
        expect(loginsVisited()).toEqual(['/login']);
        expect($location.url()).toBe('/login');
        expect(authTokens.getToken).not.toHaveBeenCalled();
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
        authTokens.session = valid();
        open('/private');
        $location.url('/private/2');
        $rootScope.$digest();
        expect(authManager.authenticate).toHaveBeenCalledTimes(1);
        expect($rootScope.isAuthenticated).toBe(true);
        expect($location.url()).toBe('/private/2');
        expect(authTokens.getToken).not.toHaveBeenCalled();
      });

      it('lets an expired token with a refresh token through, renews, then authenticates', () => {
        authTokens.session = expired();
        open('/private');
        expect(authTokens.getToken).toHaveBeenCalledTimes(1);
        expect(authManager.authenticate).not.toHaveBeenCalled();
        expect($location.url()).toBe('/private');
        renewal.resolve('new-token');
        $rootScope.$digest();
        expect(authManager.authenticate).toHaveBeenCalledTimes(1);
        expect(loginsVisited()).toEqual([]);
      });

      it('keeps the session on a transient failure: no redirect', () => {
        authTokens.session = expired();
        open('/private');
        renewal.reject(new AuthTokensError('refresh_failed', 'offline'));
        $rootScope.$digest();
        expect($location.url()).toBe('/private');
        expect(authManager.authenticate).not.toHaveBeenCalled();
        expect(authManager.unauthenticate).not.toHaveBeenCalled();
      });

      it('redirects once when the renewal is refused and the service ends the session', () => {
        authTokens.session = expired();
        open('/private');
        const refused = new AuthTokensError('login_required', 'refused');
        renewal.reject(refused);
        // What the service does on login_required.
        authTokens.session = null;
        $rootScope.$broadcast(SESSION_EXPIRED, refused);
        $rootScope.$digest();
        expect($location.url()).toBe('/login?returnTo=%2Fprivate');
        expect(loginsVisited().length).toBe(1);
      });

      it('sends an expired token without a refresh token to the login path', () => {
        authTokens.session = expired(null);
        open('/private');
        expect($location.url()).toBe('/login?returnTo=%2Fprivate');
        expect(authTokens.getToken).not.toHaveBeenCalled();
      });

      it('redirects once for several sessionExpired in one turn', () => {
        authTokens.session = valid();
        open('/private?tab=2');
        authTokens.session = null;
        $rootScope.$broadcast(SESSION_EXPIRED);
        $rootScope.$broadcast(SESSION_EXPIRED);
        $rootScope.$digest();
        $rootScope.$broadcast(SESSION_EXPIRED);
        $rootScope.$digest();
        expect(loginsVisited()).toEqual(['/login?returnTo=%2Fprivate%3Ftab%3D2']);
      });

      it('does not redirect on sessionExpired while on a public path', () => {
        authTokens.session = valid();
        open('/about');
        authTokens.session = null;
        $rootScope.$broadcast(SESSION_EXPIRED);
        $rootScope.$digest();
        expect($location.url()).toBe('/about');
        expect(loginsVisited()).toEqual([]);
      });
    });
  }

  it('never guards the login path, even when publicPaths leaves it out', () => {
    load(['ngRoute'], { publicPaths: ['/'] });
    open('/private');
    $rootScope.$digest();
    expect(loginsVisited()).toEqual(['/login?returnTo=%2Fprivate']);
  });

  describe('with ui-router', () => {
    let renewal: IDeferred<string | null>;
    let $state: StateService;
    let entered: jasmine.Spy;

    function loadStates(loginUrl: string) {
      load(['ui.router', ['$stateProvider', ($stateProvider: StateProvider) => {
        $stateProvider
          .state({ name: 'home', url: '/' })
          .state({ name: 'about', url: '/about' })
          .state({ name: 'login', url: loginUrl })
          .state({ name: 'private', url: '/private?tab' });
      }]], { publicPaths: ['/', '/about'] });
      $state = $injector.get<StateService>('$state');
      entered = jasmine.createSpy('entered private');
      $injector.get<TransitionService>('$transitions').onEnter({ entering: 'private' }, entered);
      renewal = $q.defer<string | null>();
      authTokens.getToken.and.returnValue(renewal.promise);
    }

    describe('with a login state that takes returnTo', () => {
      beforeEach(() => loadStates('/login?returnTo'));

      it('never enters a private state with nothing stored, and ends on the login state with returnTo', () => {
        open('/');
        expect($state.current.name).toBe('home');
        $state.go('private');
        $rootScope.$digest();
        expect(entered).not.toHaveBeenCalled();
        expect($state.current.name).toBe('login');
        expect($location.url()).toBe('/login?returnTo=%2Fprivate');
        expect(loginsVisited().length).toBe(1);
      });

      it('checks the first navigation of a page load, query included', () => {
        open('/private?tab=2');
        expect(entered).not.toHaveBeenCalled();
        expect($state.current.name).toBe('login');
        expect($location.url()).toBe('/login?returnTo=%2Fprivate%3Ftab%3D2');
      });

      it('lets public states through', () => {
        open('/');
        $state.go('about');
        $rootScope.$digest();
        expect($state.current.name).toBe('about');
        expect($location.url()).toBe('/about');
        expect(authTokens.getToken).not.toHaveBeenCalled();
      });

      it('enters a private state with a usable token and authenticates', () => {
        authTokens.session = valid();
        open('/');
        $state.go('private');
        $rootScope.$digest();
        expect(entered).toHaveBeenCalledTimes(1);
        expect($location.url()).toBe('/private');
        expect(authManager.authenticate).toHaveBeenCalledTimes(1);
      });

      it('lets an expired token with a refresh token through, then authenticates once renewed', () => {
        authTokens.session = expired();
        open('/');
        $state.go('private');
        $rootScope.$digest();
        expect(entered).toHaveBeenCalledTimes(1);
        expect(authTokens.getToken).toHaveBeenCalledTimes(1);
        renewal.resolve('new-token');
        $rootScope.$digest();
        expect(authManager.authenticate).toHaveBeenCalledTimes(1);
        expect($state.current.name).toBe('private');
      });

      it('redirects to the login state on sessionExpired', () => {
        authTokens.session = valid();
        open('/private');
        authTokens.session = null;
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
        const replaced: string[] = [];
        const replace = $location.replace.bind($location);
        spyOn($location, 'replace').and.callFake(() => { replaced.push($location.url()); return replace(); });
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

      it('replaces a refused URL the browser already shows (page load), so Back does not bounce', () => {
        const replaced: string[] = [];
        const replace = $location.replace.bind($location);
        spyOn($location, 'replace').and.callFake(() => { replaced.push($location.url()); return replace(); });
        open('/private');
        $timeout.flush();
        expect(entered).not.toHaveBeenCalled();
        expect($location.url()).toBe('/login?returnTo=%2Fprivate');
        expect($state.current.name).toBe('login');
        expect(replaced).toContain('/login?returnTo=%2Fprivate');
      });
    });
  });
});
