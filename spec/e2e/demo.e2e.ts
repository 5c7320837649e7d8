import type { Response } from '@playwright/test';
import {
  ACCESS_TOKEN_TTL, demoStats, expect, expectRefusedRefreshToLogOut, finishLogIn, logIn, logOut, refreshDirectly, stats, storedRefreshToken, test,
} from './fixtures';

/** The app calls the API this often, so that every expiry is crossed by several calls. */
const API_INTERVAL_MS = 700;

test.beforeEach(async ({ context }) => {
  await context.addInitScript((interval) => localStorage.setItem('demo.apiIntervalMs', String(interval)), API_INTERVAL_MS);
});

test('a session lives through login, renewals, reloads, a refused refresh token and logout', async ({ page, context, servers }) => {
  // 1. Log in through the provider's form; the API answers with the user's sub.
  await logIn(page, servers, 'ada');
  await expect(page.locator('#last')).toHaveText('200 for ada');

  // 2. Several expiries while the app keeps calling: every call succeeds, one refresh per renewal.
  const before = await stats(servers);
  const seconds = ACCESS_TOKEN_TTL * 3.5;
  await page.waitForTimeout(seconds * 1000);
  const after = await stats(servers);
  const app = await demoStats(page);
  const refreshes = after.refreshes - before.refreshes;
  expect(app.failed).toBe(0);
  expect(app.ok).toBeGreaterThan(seconds * 1000 / API_INTERVAL_MS / 2);
  // Renewal fires half-way through each token's life (60 s margin capped at half of a short life).
  expect(refreshes).toBeGreaterThanOrEqual(Math.floor(seconds / (ACCESS_TOKEN_TTL / 2)) - 1);
  expect(refreshes).toBeLessThanOrEqual(Math.ceil(seconds / (ACCESS_TOKEN_TTL / 2)) + 1);
  expect(app.renewed).toBe(refreshes);
  // Rotation: every refresh sent a refresh token never sent before.
  expect(after.distinctRefreshTokens - before.distinctRefreshTokens).toBe(refreshes);
  expect(after.invalidGrants).toBe(0);

  // 3a. A reload with a valid token makes no refresh call and stays logged in.
  await page.waitForFunction((count) => window.demoStats.renewed > count, app.renewed);
  const beforeReload = (await stats(servers)).refreshes;
  await page.reload();
  await expect(page.locator('#last')).toHaveText('200 for ada');
  expect((await stats(servers)).refreshes).toBe(beforeReload);

  // 3b. A reload after expiry makes exactly one refresh and stays logged in. The app must be closed
  // meanwhile: open on any page, even a public one, it would renew on schedule.
  await page.goto('about:blank');
  await page.waitForTimeout((ACCESS_TOKEN_TTL + 1) * 1000);
  const beforeExpiredReload = (await stats(servers)).refreshes;
  await page.goto(`${servers.appUrl}/profile`);
  await expect(page.locator('#last')).toHaveText('200 for ada');
  expect((await stats(servers)).refreshes).toBe(beforeExpiredReload + 1);

  // 4. The server refuses the refresh token: the app lands once on the login page.
  await expectRefusedRefreshToLogOut(page, servers);

  // Logging in again from there returns to the page named in returnTo.
  await finishLogIn(page, servers, 'ada', '/profile');
  await expect(page.locator('#last')).toHaveText('200 for ada');

  // 5. "Log out" revokes the refresh token at the provider (answered 200), and using it afterwards gets
  // invalid_grant. The token is DPoP-bound, so Node's plain refresh would be refused anyway: the revocation
  // request itself is what shows that logout revoked it.
  const refreshToken = await storedRefreshToken(page);
  const revocations: number[] = [];
  const onResponse = (response: Response) => {
    if (response.request().method() === 'POST' && response.url() === `${servers.authUrl}/oauth/revoke`) revocations.push(response.status());
  };
  page.on('response', onResponse);
  await logOut(page, servers);
  page.off('response', onResponse);
  expect(revocations).toEqual([200]);
  const reuse = await refreshDirectly(servers, refreshToken);
  expect(reuse.body.error).toBe('invalid_grant');

  // 6. The third-party origin was called all along, and never received an Authorization header.
  const third = await (await fetch(`${servers.thirdPartyUrl}/stats`)).json() as { requests: number; withAuthorization: number };
  expect(third.requests).toBeGreaterThan(0);
  expect(third.withAuthorization).toBe(0);
  void context;
});
