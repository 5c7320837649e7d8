import type { BrowserContext, Page } from '@playwright/test';
import { ACCESS_TOKEN_TTL, demoStats, expect, logIn, loginUrlFor, refreshDirectly, stats, storedRefreshToken, test, type Servers } from './fixtures';

const API_INTERVAL_MS = 700;

async function openTabs(context: BrowserContext, servers: Servers, count: number): Promise<Page[]> {
  const pages: Page[] = [];
  for (let i = 0; i < count; i++) {
    const page = await context.newPage();
    await page.goto(`${servers.appUrl}/profile`);
    await expect(page.locator('#last')).toHaveText('200 for ada');
    pages.push(page);
  }
  return pages;
}

/** Several tabs over several expiries, with rotation: one refresh per renewal between them all. */
async function runTabs(context: BrowserContext, page: Page, servers: Servers): Promise<void> {
  await logIn(page, servers, 'ada');
  const tabs = [page, ...await openTabs(context, servers, 2)];
  const before = await stats(servers);
  const seconds = ACCESS_TOKEN_TTL * 3.5;
  await page.waitForTimeout(seconds * 1000);
  const after = await stats(servers);
  const refreshes = after.refreshes - before.refreshes;
  // eslint-disable-next-line no-console
  console.log(`three tabs, ${seconds} s of ${ACCESS_TOKEN_TTL} s tokens: ${refreshes} refreshes, ${after.invalidGrants} invalid_grant`);
  expect(after.invalidGrants).toBe(0);
  // Each renewal fires half-way through a token's life, once for all tabs.
  expect(refreshes).toBeGreaterThanOrEqual(Math.floor(seconds / (ACCESS_TOKEN_TTL / 2)) - 1);
  expect(refreshes).toBeLessThanOrEqual(Math.ceil(seconds / (ACCESS_TOKEN_TTL / 2)) + 1);
  expect(after.distinctRefreshTokens - before.distinctRefreshTokens).toBe(refreshes);
  for (const tab of tabs) {
    expect(new URL(tab.url()).pathname).toBe('/profile');
    expect((await demoStats(tab)).failed).toBe(0);
  }
}

test.beforeEach(async ({ context }) => {
  await context.addInitScript((interval) => localStorage.setItem('demo.apiIntervalMs', String(interval)), API_INTERVAL_MS);
});

test('three tabs renew once per expiry between them, with no invalid_grant and no tab logged out', async ({ context, page, servers }) => {
  await runTabs(context, page, servers);
});

test('without Web Locks, the IndexedDB lock still makes one refresh per expiry', async ({ context, page, servers }) => {
  await context.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, 'locks', { get: () => undefined, configurable: true });
  });
  await page.goto(servers.appUrl);
  expect(await page.evaluate(() => navigator.locks)).toBeUndefined();
  await runTabs(context, page, servers);
});

test('two pages opened at once over an expired token make one refresh between them', async ({ context, page, servers, accessTokenTtl }) => {
  await logIn(page, servers, 'ada');
  // Closed meanwhile: an open page would renew on schedule.
  await page.goto('about:blank');
  await page.waitForTimeout((accessTokenTtl + 1) * 1000);
  const before = await stats(servers);
  const second = await context.newPage();
  await Promise.all([page, second].map((tab) => tab.goto(`${servers.appUrl}/profile`)));
  for (const tab of [page, second]) await expect(tab.locator('#last')).toHaveText('200 for ada');
  const after = await stats(servers);
  expect(after.refreshes - before.refreshes).toBe(1);
  expect(after.invalidGrants).toBe(0);
});

test('tabs asleep past expiry wake to one renewal between them', async ({ context, page, servers, accessTokenTtl }) => {
  await logIn(page, servers, 'ada');
  const tabs = [page, ...await openTabs(context, servers, 2)];
  // A paused script runs none of its timers, as in a background tab or on a sleeping machine; on resume,
  // everything that came due runs at once, as on waking.
  const sessions = await Promise.all(tabs.map((tab) => context.newCDPSession(tab)));
  await Promise.all(sessions.map(async (cdp) => { await cdp.send('Debugger.enable'); await cdp.send('Debugger.pause'); }));
  const frozen = await stats(servers);
  await page.waitForTimeout((accessTokenTtl + 2) * 1000);
  const before = await stats(servers);
  // Asleep: no tab renewed on schedule meanwhile, so the token really expired meanwhile.
  expect(before.refreshes).toBe(frozen.refreshes);
  await Promise.all(sessions.map((cdp) => cdp.send('Debugger.resume')));
  const calls = await Promise.all(tabs.map((tab) => demoStats(tab).then((s) => s.ok)));
  await Promise.all(tabs.map((tab, i) => tab.waitForFunction((count) => window.demoStats.ok > count + 1, calls[i])));
  const after = await stats(servers);
  expect(after.refreshes - before.refreshes).toBe(1);
  expect(after.invalidGrants).toBe(0);
  for (const tab of tabs) expect((await demoStats(tab)).failed).toBe(0);
});

test('a logout in one tab logs the others out within a second, and nobody can renew any more', async ({ context, page, servers }) => {
  await logIn(page, servers, 'ada');
  const others = await openTabs(context, servers, 2);
  const refreshToken = await storedRefreshToken(page);
  const revoked = page.waitForResponse((response) => response.request().method() === 'POST' && response.url() === `${servers.authUrl}/oauth/revoke`);
  await page.getByRole('button', { name: 'Log out' }).click();
  for (const tab of others) {
    await tab.waitForURL(loginUrlFor(servers, '/profile'), { timeout: 1000 });
  }
  const before = (await stats(servers)).refreshes;
  await others[0].waitForTimeout(ACCESS_TOKEN_TTL * 1000);
  expect((await stats(servers)).refreshes).toBe(before);
  // Revoked at the provider (a bound token would be refused to Node's proofless refresh anyway).
  expect((await revoked).status()).toBe(200);
  expect((await refreshDirectly(servers, refreshToken)).body.error).toBe('invalid_grant');
});

test.describe('with 60 s tokens, so that no scheduled renewal interferes', () => {
  test.use({ accessTokenTtl: 60 });

  test('an access token the API revokes early is renewed once, and the call still succeeds', async ({ page, servers }) => {
  await logIn(page, servers, 'ada');
  const token = await page.evaluate(() => JSON.parse(localStorage.getItem('token') ?? 'null') as string);
  // Counted before the token is refused: the page's own timer may call the API, meet the 401 and renew
  // before the click does, and that renewal is the one this spec counts.
  const before = await stats(servers);
  const { ok: calls, renewed } = await demoStats(page);
  await fetch(`${servers.apiUrl}/test/reject`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token }) });
  await page.getByRole('button', { name: 'Call API' }).click();
  // A call sent before the token was refused may still succeed first: wait for the renewal and a call after it.
  await page.waitForFunction(([count, renewals]) => window.demoStats.renewed > renewals && window.demoStats.ok > count, [calls, renewed]);
  const after = await stats(servers);
  expect(after.apiUnauthorized - before.apiUnauthorized).toBeGreaterThanOrEqual(1);
  expect(after.refreshes - before.refreshes).toBe(1);
  expect((await demoStats(page)).failed).toBe(0);
});
});
