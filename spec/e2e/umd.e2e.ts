// The shipped UMD bundle as an app without a bundler loads it: script tags after AngularJS, angular-jwt,
// angular-storage and ui-router 0.4, in hashbang mode, on the oldest and the newest AngularJS. The page is
// served by Playwright itself from node_modules and dist/: no server, and no login (the session is what
// storage holds, as after a reload).
import { readFileSync } from 'node:fs';
import { test, expect, type Page } from '@playwright/test';
import { jwtExpiringIn } from '../helpers/jwt';

const ORIGIN = 'http://app.test';

const page = (prefix: string) => `<!doctype html>
<title>UMD, ui-router 0.4</title>
<script src="/angular.js"></script>
<script src="/angular-jwt.js"></script>
<script src="/angular-storage.js"></script>
<script src="/angular-ui-router.js"></script>
<script src="/angular-auth-tokens.umd.js"></script>
<div ui-view></div>
<script>
  angular.module('app', [angularAuthTokens.default, 'ui.router'])
    .config(['authTokensProvider', '$stateProvider', '$locationProvider', function (authTokensProvider, $stateProvider, $locationProvider) {
      authTokensProvider.configure({ refresher: function () { return Promise.reject(new Error('no server here')); }, publicPaths: ['/'] });
      $locationProvider.hashPrefix(${JSON.stringify(prefix)});
      $stateProvider
        .state({ name: 'home', url: '/', template: '<h1>home</h1>' })
        .state({ name: 'login', url: '/login?returnTo', template: '<h1>login</h1>' })
        .state({ name: 'private', url: '/private?tab', template: '<h1>private</h1>' });
    }]);
  angular.bootstrap(document, ['app'], { strictDi: true });
</script>`;

/** Serves the page and its scripts for one AngularJS version and hash prefix. */
async function serve(target: Page, angularDir: string, prefix: string): Promise<void> {
  const files: Record<string, string> = {
    '/angular.js': `node_modules/${angularDir}/angular.js`,
    '/angular-jwt.js': 'node_modules/angular-jwt/dist/angular-jwt.js',
    '/angular-storage.js': 'node_modules/angular-storage/dist/angular-storage.js',
    '/angular-ui-router.js': 'node_modules/ui-router-0.4/release/angular-ui-router.js',
    '/angular-auth-tokens.umd.js': 'dist/angular-auth-tokens.umd.js',
  };
  await target.route(`${ORIGIN}/**`, (route) => {
    const { pathname } = new URL(route.request().url());
    const file = files[pathname];
    if (file) return route.fulfill({ contentType: 'text/javascript', body: readFileSync(file, 'utf8') });
    if (pathname === '/') return route.fulfill({ contentType: 'text/html', body: page(prefix) });
    return route.fulfill({ status: 404, body: '' });
  });
}

// AngularJS 1.5 defaults to the hash prefix '' and 1.6+ to '!': each is tried with its own default.
for (const { angularDir, prefix } of [{ angularDir: 'angular-1.5', prefix: '' }, { angularDir: 'angular', prefix: '!' }]) {
  test.describe(`the UMD bundle on ${angularDir} with ui-router 0.4, hash prefix '${prefix}'`, () => {
    let errors: string[];
    test.beforeEach(async ({ page: target }) => {
      errors = [];
      target.on('pageerror', (error) => errors.push(error.message));
      await serve(target, angularDir, prefix);
    });
    // An error thrown on the page (a missing global, an AngularJS API the version lacks) fails the spec.
    test.afterEach(() => expect(errors).toEqual([]));

    test('defines its global, and a page load of a private state with nothing stored ends on the login state, returnTo kept', async ({ page: target }) => {
      await target.goto(`${ORIGIN}/#${prefix}/private?tab=2&ref=mail`);
      await expect(target.locator('h1')).toHaveText('login');
      expect(new URL(target.url()).hash).toBe(`#${prefix}/login?returnTo=${encodeURIComponent('/private?tab=2&ref=mail')}`);
      expect(await target.evaluate(() => {
        const global = (window as unknown as { angularAuthTokens: { default: string; safeReturnTo(value: string): string | null } }).angularAuthTokens;
        return [global.default, global.safeReturnTo('//evil.example')];
      })).toEqual(['authTokens', null]);
    });

    test('a page load with a usable token enters the private state', async ({ page: target }) => {
      await target.addInitScript((token) => localStorage.setItem('token', JSON.stringify(token)), jwtExpiringIn(3600));
      await target.goto(`${ORIGIN}/#${prefix}/private?tab=2`);
      await expect(target.locator('h1')).toHaveText('private');
      expect(new URL(target.url()).hash).toBe(`#${prefix}/private?tab=2`);
    });
  });
}
