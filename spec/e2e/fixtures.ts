import { spawn } from 'node:child_process';
import { test as base, expect, type Page } from '@playwright/test';

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
}

/** Short-lived tokens so that several expiries pass within seconds. */
export const ACCESS_TOKEN_TTL = Number(process.env.E2E_ACCESS_TOKEN_TTL || 6);

/**
 * Starts the demo's servers the way `npm start` does (demo/server/start.mjs), on free ports, and reads
 * their URLs from what it prints.
 */
async function startDemo(accessTokenTtl: number): Promise<Servers> {
  const child = spawn(process.execPath, ['demo/server/start.mjs'], {
    env: { ...process.env, PORT: '0', AUTH_PORT: '0', API_PORT: '0', THIRD_PARTY_PORT: '0', ACCESS_TOKEN_TTL: String(accessTokenTtl) },
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

export const test = base.extend<{ servers: Servers; accessTokenTtl: number }>({
  accessTokenTtl: [ACCESS_TOKEN_TTL, { option: true }],
  servers: async ({ accessTokenTtl }, use) => {
    const servers = await startDemo(accessTokenTtl);
    await use(servers);
    await servers.close();
  },
});

export { expect };

export async function stats(servers: Servers): Promise<ServerStats> {
  return (await fetch(`${servers.apiUrl}/test/stats`)).json() as Promise<ServerStats>;
}

/** Logs in through the provider's real form, as a person would. */
export async function logIn(page: Page, servers: Servers, user = 'ada', path = '/profile'): Promise<void> {
  await page.goto(`${servers.appUrl}${path}`);
  await page.waitForURL(/\/login/);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${servers.authUrl}/**`);
  await page.locator('input[name=login]').fill(user);
  await page.locator('input[name=password]').fill('any password');
  await page.locator('button[type=submit]').click();
  // The consent screen: offline_access asks for it.
  const consent = page.locator('button[type=submit]');
  await page.waitForURL((url) => url.origin === servers.appUrl || url.pathname.includes('/interaction/'));
  if (!page.url().startsWith(servers.appUrl)) await consent.click();
  await page.waitForURL(`${servers.appUrl}${path}`);
}

/** Reads what the demo counted (window.demoStats). */
export function demoStats(page: Page): Promise<{ ok: number; failed: number; renewed: number; renewFailed: number; third: number }> {
  return page.evaluate(() => window.demoStats);
}

declare global {
  interface Window { demoStats: { ok: number; failed: number; renewed: number; renewFailed: number; third: number } }
}
