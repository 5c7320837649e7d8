// The package's guard on the demo's ui-router builds: 1.x hooks its transitions, 0.4 its $stateChangeStart.
import type { Page } from '@playwright/test';
import { expect, expectRefusedRefreshToLogOut, logIn, loginUrlFor, recordNavigations, stats, test, type DemoRouter } from './fixtures';

declare global {
  interface Window { angular: { element(node: Document): { injector(): { has(name: string): boolean } } } }
}

/** The router the page's app runs on, as its injector tells. */
function routerOf(page: Page): Promise<DemoRouter> {
  return page.evaluate(() => {
    const injector = window.angular.element(document).injector();
    return injector.has('$transitions') ? 'ui-router' : injector.has('$state') ? 'ui-router-0.4' : 'ngRoute';
  });
}

for (const router of ['ui-router', 'ui-router-0.4'] satisfies DemoRouter[]) {
  test.describe(`on ${router}`, () => {
    test.use({ router });

    // Otherwise each spec here would pass as well on the ngRoute build.
    test.beforeEach(async ({ page, servers }) => {
      await page.goto(servers.appUrl);
      expect(await routerOf(page)).toBe(router);
    });

    test('an unknown path ends on the home page through otherwise(\'/\'), with no redirect loop', async ({ page, servers }) => {
      const navigations = recordNavigations(page).urls;
      await page.goto(`${servers.appUrl}/nowhere`);
      await page.waitForURL(`${servers.appUrl}/`);
      await expect(page.getByRole('heading', { name: 'angular-auth-tokens' })).toBeVisible();
      await page.waitForTimeout(1000);
      expect(navigations).toEqual([`${servers.appUrl}/nowhere`, `${servers.appUrl}/`]);
    });

    test('the Profile link, logged out, leads to the login page, and Back to the home page', async ({ page, servers }) => {
      await page.getByRole('link', { name: 'Profile', exact: true }).click();
      await page.waitForURL(loginUrlFor(servers, '/profile'));
      // The guard replaced the refused /profile entry: Back does not bounce into it.
      await page.goBack();
      await page.waitForURL(`${servers.appUrl}/`);
      await page.waitForTimeout(500);
      expect(page.url()).toBe(`${servers.appUrl}/`);
    });

    test('a page load of /profile logged out keeps the whole URL in returnTo, query and hash the state does not declare', async ({ page, servers }) => {
      await page.goto(`${servers.appUrl}/profile?tab=2#top`);
      await page.waitForURL(loginUrlFor(servers, '/profile?tab=2#top'));
    });

    test('a refused refresh token lands once on /login?returnTo=%2Fprofile', async ({ page, servers }) => {
      await logIn(page, servers, 'ada');
      await expect(page.locator('#last')).toHaveText('200 for ada');
      await expectRefusedRefreshToLogOut(page, servers);
    });

    test.describe('with 60 s tokens, so that no scheduled renewal comes between the reload and the count', () => {
      test.use({ accessTokenTtl: 60 });

      test('/profile logged out goes to /login?returnTo=%2Fprofile and back after logging in; a reload stays logged in without a refresh', async ({ page, servers }) => {
        const navigations = recordNavigations(page).urls;
        // logIn waits for the exact login URL: returnTo is the path, with no hash prefix.
        await logIn(page, servers, 'ada');
        expect(navigations.slice(0, 2)).toEqual([`${servers.appUrl}/profile`, loginUrlFor(servers, '/profile')]);
        await expect(page.locator('#last')).toHaveText('200 for ada');
        const before = (await stats(servers)).refreshes;
        await page.reload();
        await expect(page.locator('#last')).toHaveText('200 for ada');
        expect(new URL(page.url()).pathname).toBe('/profile');
        expect((await stats(servers)).refreshes).toBe(before);
      });
    });
  });
}
