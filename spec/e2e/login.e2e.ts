// The demo's login through the package's oidc entry (authTokens.login, completeLogin, logout({ endSession })),
// against the demo's oidc-provider and its own sign-in, consent and sign-out pages; and the auth0-js path.
import type { BrowserContext, Page } from '@playwright/test';
import {
  demoStats, expect, finishLogIn, logIn, loginUrlFor, logOut, recordNavigations, stats, test, toConsent, type DemoRouter, type Servers,
} from './fixtures';

const SESSION_KEYS = ['token', 'refreshToken', 'expiresAt', 'idToken', 'profile'];

const storedSession = (page: Page) => page.evaluate((keys) => keys.map((k) => localStorage.getItem(k)), SESSION_KEYS);

/** Every URL the context requests (pages, scripts, styles, fetches, form posts), from now on. */
function recordRequests(context: BrowserContext): Array<{ method: string; url: string }> {
  const requests: Array<{ method: string; url: string }> = [];
  context.on('request', (request) => requests.push({ method: request.method(), url: request.url() }));
  return requests;
}

const tokenRequests = (requests: Array<{ method: string; url: string }>, servers: Servers) =>
  requests.filter((r) => r.method === 'POST' && r.url === `${servers.authUrl}/oauth/token`);

test.describe('with 60 s tokens, so that no scheduled renewal changes the session under the checks', () => {
  test.use({ accessTokenTtl: 60 });

  test('logs in through oidcClient and the provider\'s own pages, fetching nothing outside 127.0.0.1; a reload keeps the session', async ({ page, context, servers }) => {
    const requests = recordRequests(context);
    const problems: string[] = [];
    // The browser logs every 400 or 401 as a failed resource: the DPoP nonce challenges of the token
    // endpoint and the API are expected, and counted against the servers' own counts below.
    const challenges: string[] = [];
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      const { url } = message.location();
      const expected = [`${servers.authUrl}/oauth/token`, `${servers.apiUrl}/api/data`].includes(url) && /status of 40[01]/.test(message.text());
      (expected ? challenges : problems).push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));

    await logIn(page, servers, 'ada');
    await expect(page.locator('#last')).toHaveText('200 for ada');
    await expect(page.getByText('Logged in as ada')).toBeVisible();
    // The package's login: discovery from the page, then the code exchange at the discovered endpoint.
    expect(requests.some((r) => r.url === `${servers.authUrl}/.well-known/openid-configuration`)).toBe(true);
    const authorize = new URL(requests.find((r) => r.url.startsWith(`${servers.authUrl}/authorize?`))!.url);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('nonce')).toBeTruthy();
    expect(authorize.searchParams.get('prompt')).toBe('consent');
    // One code exchange, with a DPoP proof: the provider requires a nonce, so it answers the first with
    // use_dpop_nonce, and the same exchange is sent once more with the nonce.
    expect(tokenRequests(requests, servers)).toHaveLength(2);
    expect((await stats(servers)).tokenNonceChallenges).toBe(1);
    // completeLogin took the code out of the address bar.
    expect(page.url()).toBe(`${servers.appUrl}/profile`);

    const before = (await stats(servers)).refreshes;
    const session = await storedSession(page);
    await page.reload();
    await expect(page.locator('#last')).toHaveText('200 for ada');
    expect(page.url()).toBe(`${servers.appUrl}/profile`);
    expect(await storedSession(page)).toEqual(session);
    expect((await stats(servers)).refreshes).toBe(before);

    for (const { url } of requests) {
      const { protocol, hostname } = new URL(url);
      if (protocol === 'http:' || protocol === 'https:') expect(hostname, url).toBe('127.0.0.1');
    }
    expect(problems).toEqual([]);
    const counted = await stats(servers);
    expect(challenges).toHaveLength(counted.tokenNonceChallenges + counted.apiNonceChallenges);
  });

  test('a replayed callback URL is refused with a clear error, and the session stays as it was', async ({ page, context, servers }) => {
    const navigations = recordNavigations(page);
    await logIn(page, servers, 'ada');
    navigations.stop();
    await expect(page.locator('#last')).toHaveText('200 for ada');
    const callback = navigations.urls.find((url) => url.startsWith(`${servers.appUrl}/callback?`))!;
    expect(new URL(callback).searchParams.get('code')).toBeTruthy();
    const session = await storedSession(page);
    const before = await stats(servers);
    const requests = recordRequests(context);

    await page.goto(callback);
    await page.waitForURL(`${servers.appUrl}/login`);
    await expect(page.getByRole('alert')).toHaveText(/^The login failed: The login callback matches no pending login attempt of this tab/);
    await expect(page.getByText('You are still logged in as ada')).toBeVisible();
    // The code was not sent again (a second exchange would make the provider revoke its tokens), and nothing changed.
    expect(tokenRequests(requests, servers)).toEqual([]);
    expect(await storedSession(page)).toEqual(session);
    expect((await stats(servers)).invalidGrants).toBe(before.invalidGrants);
    // No loop: the login page waits for its button.
    await page.waitForTimeout(1000);
    expect(page.url()).toBe(`${servers.appUrl}/login`);

    await page.getByRole('link', { name: 'go to your profile' }).click();
    await page.waitForURL(`${servers.appUrl}/profile`);
    await expect(page.locator('#last')).toHaveText('200 for ada');
    expect(await storedSession(page)).toEqual(session);
  });

  test('a denied consent shows a clear error on the login page, starts no session, and the button tries again', async ({ page, servers }) => {
    await page.goto(`${servers.appUrl}/profile`);
    await page.waitForURL(loginUrlFor(servers, '/profile'));
    await toConsent(page, servers, 'ada');
    const navigations = recordNavigations(page);
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.waitForURL(`${servers.appUrl}/login`);
    await expect(page.getByRole('alert')).toHaveText('You denied access on the consent page, so you are not logged in. Log in again and choose Allow to continue.');
    expect(await storedSession(page)).toEqual([null, null, null, null, null]);
    await page.waitForTimeout(1000);
    navigations.stop();
    // The provider's redirects straight to /callback?error=access_denied, then /login, and no login started
    // by itself: nothing went back to the provider.
    expect(navigations.urls.at(-1)).toBe(`${servers.appUrl}/login`);
    expect(navigations.urls.filter((url) => url.startsWith(servers.authUrl))).toEqual([]);
    const callback = new URL(navigations.urls.find((url) => url.startsWith(`${servers.appUrl}/callback?`))!);
    expect(callback.searchParams.get('error')).toBe('access_denied');

    // The provider session is still open: this time no password, only the consent.
    expect(await toConsent(page, servers, 'ada')).toBe(false);
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${servers.appUrl}/profile`);
    await expect(page.locator('#last')).toHaveText('200 for ada');
  });

  test('log out with end session asks at the provider, ends its session, and the next login asks for the password again', async ({ page, servers }) => {
    await logIn(page, servers, 'ada');
    await expect(page.locator('#last')).toHaveText('200 for ada');
    // While the provider session is open, logging in again skips the password.
    await page.goto(`${servers.appUrl}/login?returnTo=%2Fprofile`);
    expect(await toConsent(page, servers, 'ada')).toBe(false);
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${servers.appUrl}/profile`);

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL((url) => url.origin === servers.authUrl && url.pathname === '/v2/logout');
    // The app is logged out before the provider asks anything.
    expect(await storedSession(page)).toEqual([null, null, null, null, null]);
    await expect(page.getByRole('heading', { name: 'Sign out?' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Stay signed in' })).toBeVisible();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${servers.appUrl}/`);
    await expect(page.getByRole('heading', { name: 'angular-auth-tokens' })).toBeVisible();

    await page.goto(`${servers.appUrl}/profile`);
    await page.waitForURL(loginUrlFor(servers, '/profile'));
    expect(await toConsent(page, servers, 'grace')).toBe(true);
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.waitForURL(`${servers.appUrl}/profile`);
    await expect(page.locator('#last')).toHaveText('200 for grace');
  });
});

for (const router of ['ngRoute', 'ui-router', 'ui-router-0.4'] satisfies DemoRouter[]) {
  test.describe(`on ${router}`, () => {
    test.use({ router });

    test('returnTo survives the round trip: /profile?x=1, the provider, and back to /profile?x=1, never in the provider\'s URL', async ({ page, servers }) => {
      const navigations = recordNavigations(page);
      await logIn(page, servers, 'ada', '/profile?x=1');
      navigations.stop();
      expect(page.url()).toBe(`${servers.appUrl}/profile?x=1`);
      await expect(page.locator('#last')).toHaveText('200 for ada');
      for (const url of navigations.urls.filter((u) => u.startsWith(servers.authUrl))) expect(url).not.toMatch(/profile|x%3D1/);
    });
  });
}

test.describe('DEMO_LOGIN=auth0-js', () => {
  test.use({ login: 'auth0-js' });

  test('the guide\'s path still logs in with auth0-js, renews with auth0RefreshToken, and logs out', async ({ page, context, servers, accessTokenTtl }) => {
    const requests = recordRequests(context);
    await logIn(page, servers, 'ada');
    await expect(page.locator('#last')).toHaveText('200 for ada');
    // auth0-js's own request (its telemetry parameter), and no discovery: not the package's login.
    expect(requests.find((r) => r.url.startsWith(`${servers.authUrl}/authorize?`))!.url).toContain('auth0Client=');
    expect(requests.some((r) => r.url.includes('/.well-known/openid-configuration'))).toBe(false);

    const before = await stats(servers);
    await page.waitForFunction(() => window.demoStats.renewed >= 2, undefined, { timeout: accessTokenTtl * 3000 });
    const after = await stats(servers);
    expect(after.refreshes - before.refreshes).toBeGreaterThanOrEqual(2);
    expect(after.invalidGrants).toBe(0);
    expect((await demoStats(page)).failed).toBe(0);

    await logOut(page, servers);
    expect(await storedSession(page)).toEqual([null, null, null, null, null]);
  });

  test('a denied consent on the auth0-js path is shown on the login page too', async ({ page, servers }) => {
    await page.goto(`${servers.appUrl}/profile`);
    await page.waitForURL(loginUrlFor(servers, '/profile'));
    await toConsent(page, servers, 'ada');
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.waitForURL(`${servers.appUrl}/login`);
    await expect(page.getByRole('alert')).toContainText('You denied access');
    // Allowing afterwards logs in.
    await finishLogIn(page, servers, 'ada', '/profile');
  });
});
