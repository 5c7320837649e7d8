import { spawn } from 'node:child_process';
import { test as base, expect, type Frame, type Page } from '@playwright/test';

export interface Servers {
  appUrl: string;
  authUrl: string;
  apiUrl: string;
  thirdPartyUrl: string;
  clientId: string;
  close(): Promise<void>;
}

export interface ServerStats {
  refreshes: number;
  invalidGrants: number;
  distinctRefreshTokens: number;
  apiOk: number;
  apiUnauthorized: number;
  /** The share of apiOk that came as `Authorization: DPoP` with a valid proof. */
  apiDpopOk: number;
  /** 401 use_dpop_nonce answers of the API, not counted in apiUnauthorized. */
  apiNonceChallenges: number;
  /** 400 use_dpop_nonce answers of the token endpoint (any grant), not counted as refreshes. */
  tokenNonceChallenges: number;
}

/** Short-lived tokens so that several expiries pass within seconds. */
export const ACCESS_TOKEN_TTL = Number(process.env.E2E_ACCESS_TOKEN_TTL || 6);

/** The builds of the demo app, one per router (demo/webpack.config.js). */
export type DemoRouter = 'ngRoute' | 'ui-router' | 'ui-router-0.4';

/** How the demo logs in (DEMO_LOGIN): the package's oidc entry, or the guide's auth0-js path. */
export type DemoLogin = 'oidc' | 'auth0-js';

/**
 * Starts the demo's servers the way `npm start` does (demo/server/start.mjs), on free ports, and reads
 * their URLs from what it prints.
 */
async function startDemo(accessTokenTtl: number, router: DemoRouter, login: DemoLogin): Promise<Servers> {
  const child = spawn(process.execPath, ['demo/server/start.mjs'], {
    env: {
      ...process.env, PORT: '0', AUTH_PORT: '0', API_PORT: '0', THIRD_PARTY_PORT: '0',
      ACCESS_TOKEN_TTL: String(accessTokenTtl), DEMO_ROUTER: router, DEMO_LOGIN: login,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ctrl-C stops')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`the demo servers exited with ${code}: ${output}`)));
  });
  const url = (label: string) => new RegExp(`${label}\\s+(http://\\S+)`).exec(output)![1];
  return {
    appUrl: url('app'),
    authUrl: url('auth server'),
    apiUrl: url('API'),
    thirdPartyUrl: url('third party'),
    clientId: 'demo-spa',
    close: () => new Promise((resolve) => {
      child.removeAllListeners('exit');
      child.on('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

export const test = base.extend<{ servers: Servers; accessTokenTtl: number; router: DemoRouter; login: DemoLogin }>({
  accessTokenTtl: [ACCESS_TOKEN_TTL, { option: true }],
  router: ['ngRoute', { option: true }],
  login: ['oidc', { option: true }],
  servers: async ({ accessTokenTtl, router, login }, use) => {
    const servers = await startDemo(accessTokenTtl, router, login);
    await use(servers);
    await servers.close();
  },
});

export { expect };

export async function stats(servers: Servers): Promise<ServerStats> {
  return (await fetch(`${servers.apiUrl}/test/stats`)).json() as Promise<ServerStats>;
}

/** The login page the guard sends `path` to: returnTo is the path itself, never with a hash prefix. */
export const loginUrlFor = (servers: Servers, path: string) => `${servers.appUrl}/login?returnTo=${encodeURIComponent(path)}`;

/** Logs in through the provider's real form, as a person would, starting from the protected `path`. */
export async function logIn(page: Page, servers: Servers, user = 'ada', path = '/profile'): Promise<void> {
  await page.goto(`${servers.appUrl}${path}`);
  await page.waitForURL(loginUrlFor(servers, path));
  await finishLogIn(page, servers, user, path);
}

/**
 * From the app's login page to `path`: the provider's sign-in page unless its session is still open, then
 * its consent page (offline_access asks for it), where it allows.
 */
export async function finishLogIn(page: Page, servers: Servers, user: string, path: string): Promise<void> {
  await toConsent(page, servers, user);
  await page.getByRole('button', { name: 'Allow' }).click();
  await page.waitForURL(`${servers.appUrl}${path}`);
}

/**
 * From the app's login page to the provider's consent page: clicks "Log in", and signs in as `user` when the
 * provider asks. Returns whether it asked for the password.
 */
export async function toConsent(page: Page, servers: Servers, user: string): Promise<boolean> {
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL((url) => url.origin === servers.authUrl && url.pathname.startsWith('/interaction/'));
  const signIn = page.getByRole('button', { name: 'Sign in' });
  const consent = page.getByRole('button', { name: 'Allow' });
  await expect(signIn.or(consent)).toBeVisible();
  const asked = await signIn.isVisible();
  if (asked) {
    await page.locator('input[name=login]').fill(user);
    await page.locator('input[name=password]').fill('any password');
    await signIn.click();
  }
  await expect(consent).toBeVisible();
  return asked;
}

/**
 * Clicks the profile page's "Log out", and "Sign out" on the provider's end-session page it leads to (with
 * the oidc login), back to the app's home page.
 */
export async function logOut(page: Page, servers: Servers): Promise<void> {
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL((url) => url.origin === servers.authUrl && url.pathname === '/v2/logout');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(`${servers.appUrl}/`);
}

export async function storedRefreshToken(page: Page): Promise<string> {
  return page.evaluate(() => JSON.parse(localStorage.getItem('refreshToken') ?? 'null') as string);
}

/** Spends a refresh token at the token endpoint, from outside the app. */
export async function refreshDirectly(servers: Servers, refreshToken: string): Promise<{ status: number; body: { error?: string; refresh_token?: string } }> {
  const response = await fetch(`${servers.authUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: servers.clientId }),
  });
  return { status: response.status, body: await response.json() };
}

/**
 * Revokes a refresh token at the revocation endpoint, from outside the app, as the provider's administrator
 * would; the whole grant goes with it (facts.md). It needs no proof: the endpoint ignores DPoP.
 */
export async function revokeDirectly(servers: Servers, refreshToken: string): Promise<number> {
  const response = await fetch(`${servers.authUrl}/oauth/revoke`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: refreshToken, token_type_hint: 'refresh_token', client_id: servers.clientId }),
  });
  return response.status;
}

/** The main frame's URLs, one per navigation (pushState and replaceState included), until `stop()`. */
export function recordNavigations(page: Page): { urls: string[]; stop(): void } {
  const urls: string[] = [];
  const record = (frame: Frame) => { if (frame === page.mainFrame()) urls.push(frame.url()); };
  page.on('framenavigated', record);
  return { urls, stop: () => { page.off('framenavigated', record); } };
}

/**
 * Has the server refuse the refresh token of the app open on /profile. The demo's tokens are DPoP-bound, so
 * nobody outside the app can spend the token (and so make the app's next use a reuse): the provider revokes
 * its grant instead, and the app's next refresh gets invalid_grant. The app lands once on the login page,
 * storage cleared, no loop.
 */
export async function expectRefusedRefreshToLogOut(page: Page, servers: Servers): Promise<void> {
  expect(await revokeDirectly(servers, await storedRefreshToken(page))).toBe(200);
  const navigations = recordNavigations(page);
  await page.waitForURL(loginUrlFor(servers, '/profile'), { timeout: ACCESS_TOKEN_TTL * 2000 });
  await page.waitForTimeout(1500);
  navigations.stop();
  expect(page.url()).toBe(loginUrlFor(servers, '/profile'));
  expect(navigations.urls).toEqual([loginUrlFor(servers, '/profile')]);
  expect(await page.evaluate(() => ['token', 'refreshToken', 'expiresAt', 'idToken', 'profile'].map((k) => localStorage.getItem(k)))).toEqual([null, null, null, null, null]);
  expect((await stats(servers)).invalidGrants).toBe(1);
}

/** Reads what the demo counted (window.demoStats). */
export function demoStats(page: Page): Promise<{ ok: number; failed: number; renewed: number; renewFailed: number; third: number }> {
  return page.evaluate(() => window.demoStats);
}

declare global {
  interface Window { demoStats: { ok: number; failed: number; renewed: number; renewFailed: number; third: number } }
}
