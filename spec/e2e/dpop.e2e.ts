// Sender-constrained tokens (DPoP, RFC 9449) end to end: the demo binds its tokens to a key kept in IndexedDB,
// the provider and the API both require nonces, and tokens copied out of the page are worth nothing elsewhere.
import type { BrowserContext, Page, Request } from '@playwright/test';
import { DpopClient } from '../../demo/server/dpop-client.mjs';
import {
  ACCESS_TOKEN_TTL, demoStats, expect, logIn, logOut, refreshDirectly, stats, storedRefreshToken, test, type Servers,
} from './fixtures';

const API_INTERVAL_MS = 700;

test.beforeEach(async ({ context }) => {
  await context.addInitScript((interval) => localStorage.setItem('demo.apiIntervalMs', String(interval)), API_INTERVAL_MS);
});

/** A JWT's header and claims, unchecked. */
function decode(jwt: string): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const [header, claims] = jwt.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>);
  return { header, claims };
}

const storedToken = (page: Page) => page.evaluate(() => JSON.parse(localStorage.getItem('token') ?? 'null') as string);

/** The access token's `cnf.jkt`: the key the provider bound it to. */
const boundJkt = async (page: Page) => (decode(await storedToken(page)).claims.cnf as { jkt?: string } | undefined)?.jkt;

/**
 * The records of the package's key database, read in the page: ids, whether the private key is
 * extractable, and the public key's RFC 7638 thumbprint. Nothing is opened when the database does not
 * exist, since opening would create it without its store.
 */
function keyRecords(page: Page): Promise<Array<{ id: string; extractable: boolean; jkt: string }>> {
  return page.evaluate(async () => {
    if (!(await indexedDB.databases()).some((db) => db.name === 'authTokens-dpop')) return [];
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('authTokens-dpop');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    try {
      if (!db.objectStoreNames.contains('keys')) return [];
      const store = db.transaction('keys').objectStore('keys');
      const [ids, values] = await Promise.all([store.getAllKeys(), store.getAll()].map((request) => new Promise<unknown[]>((resolve, reject) => {
        request.onsuccess = () => resolve(request.result as unknown[]);
        request.onerror = () => reject(request.error);
      })));
      return Promise.all(ids.map(async (id, i) => {
        const { pair } = values[i] as { pair: CryptoKeyPair };
        const { crv, kty, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey);
        const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(JSON.stringify({ crv, kty, x, y })));
        const jkt = btoa(String.fromCharCode(...new Uint8Array(digest))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
        return { id: String(id), extractable: pair.privateKey.extractable, jkt };
      }));
    } finally {
      db.close();
    }
  });
}

const sessionKeys = async (page: Page) => (await keyRecords(page)).filter((record) => record.id.startsWith('session:'));

interface Sent { url: string; method: string; headers: Record<string, string>; status?: number; nonceChallenge?: boolean }

/** Every request of the context to the API's /api/data and the token endpoint, with its headers and answer, in order. */
function recordDpopTraffic(context: BrowserContext, servers: Servers): Sent[] {
  const sent: Sent[] = [];
  const byRequest = new Map<Request, Sent>();
  const watched = (url: string) => url === `${servers.apiUrl}/api/data` || url === `${servers.authUrl}/oauth/token`;
  context.on('request', (request) => {
    if (request.method() === 'OPTIONS' || !watched(request.url())) return;
    const entry: Sent = { url: request.url(), method: request.method(), headers: {} };
    sent.push(entry);
    byRequest.set(request, entry);
    // Answers still arriving when a spec ends are let go.
    request.allHeaders().then((headers) => { entry.headers = headers; }, () => undefined);
  });
  context.on('response', (response) => {
    const entry = byRequest.get(response.request());
    if (!entry) return;
    entry.status = response.status();
    const read = async () => {
      const headers = await response.allHeaders();
      entry.nonceChallenge = Boolean(headers['dpop-nonce']) && (
        (response.status() === 401 && /error="use_dpop_nonce"/.test(headers['www-authenticate'] ?? ''))
        || (response.status() === 400 && (await response.text()).includes('use_dpop_nonce')));
    };
    read().catch(() => undefined);
  });
  return sent;
}

/** No request was answered by a nonce challenge twice in a row: every call needed at most one retry. */
function expectAtMostOneRetryEach(sent: Sent[], url: string): { requests: number; challenges: number } {
  const answered = sent.filter((entry) => entry.url === url && entry.status !== undefined);
  for (let i = 1; i < answered.length; i++) {
    if (answered[i - 1].nonceChallenge) expect(answered[i].nonceChallenge, `${url} request ${i} after a challenge`).toBe(false);
  }
  return { requests: answered.length, challenges: answered.filter((entry) => entry.nonceChallenge).length };
}

/** The API makes a new nonce now; the one before it is still accepted. */
async function rotateApiNonce(servers: Servers): Promise<void> {
  await fetch(`${servers.apiUrl}/test/rotate-nonce`, { method: 'POST' });
}

/** Until the app has renewed `count` more times. */
async function renewals(page: Page, count: number): Promise<void> {
  const renewed = (await demoStats(page)).renewed;
  await page.waitForFunction((target) => window.demoStats.renewed >= target, renewed + count, { timeout: (count + 1) * ACCESS_TOKEN_TTL * 1000 });
}

test('logs in and renews across several expiries with DPoP: every API call carries Authorization: DPoP and a proof, and none fails', async ({ page, context, servers }) => {
  const sent = recordDpopTraffic(context, servers);
  await logIn(page, servers, 'ada');
  await expect(page.locator('#last')).toHaveText('200 for ada');
  const before = await stats(servers);
  const seconds = ACCESS_TOKEN_TTL * 3.5;
  await page.waitForTimeout(seconds * 1000);
  const after = await stats(servers);
  const app = await demoStats(page);
  const refreshes = after.refreshes - before.refreshes;
  // eslint-disable-next-line no-console
  console.log(`DPoP, ${seconds} s of ${ACCESS_TOKEN_TTL} s tokens: ${app.ok} API calls, ${refreshes} refreshes, ${after.apiNonceChallenges} API and ${after.tokenNonceChallenges} token endpoint nonce challenges`);
  expect(app.failed).toBe(0);
  expect(app.renewFailed).toBe(0);
  expect(refreshes).toBeGreaterThanOrEqual(Math.floor(seconds / (ACCESS_TOKEN_TTL / 2)) - 1);
  expect(app.renewed).toBe(refreshes);
  expect(after.distinctRefreshTokens - before.distinctRefreshTokens).toBe(refreshes);
  expect(after.invalidGrants).toBe(0);
  expect(after.apiUnauthorized).toBe(0);
  expect(after.apiDpopOk).toBe(after.apiOk);

  const api = sent.filter((entry) => entry.url === `${servers.apiUrl}/api/data`);
  expect(api.length).toBeGreaterThan(seconds * 1000 / API_INTERVAL_MS / 2);
  const jkt = await boundJkt(page);
  expect(jkt).toMatch(/^[\w-]{43}$/);
  for (const { headers } of api) {
    const [scheme, token] = (headers.authorization ?? '').split(' ');
    expect(scheme).toBe('DPoP');
    const proof = decode(headers.dpop);
    expect(proof.header).toMatchObject({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty: 'EC', crv: 'P-256' } });
    expect(proof.header.jwk).not.toHaveProperty('d');
    expect(proof.claims).toMatchObject({ htm: 'GET', htu: `${servers.apiUrl}/api/data` });
    expect(proof.claims.ath).toBeTruthy();
    expect((decode(token).claims.cnf as { jkt: string }).jkt).toBe(jkt);
  }
  // Every proof single-use.
  expect(new Set(api.map((entry) => decode(entry.headers.dpop).claims.jti)).size).toBe(api.length);
  // The code exchange and every refresh came with a proof of the same key, and no Authorization header.
  const token = sent.filter((entry) => entry.url === `${servers.authUrl}/oauth/token`);
  expect(token.length).toBeGreaterThanOrEqual(refreshes + 1);
  for (const { headers } of token) {
    expect(decode(headers.dpop).claims).toMatchObject({ htm: 'POST', htu: `${servers.authUrl}/oauth/token` });
    expect(headers.authorization).toBeUndefined();
  }

  // The page shows the binding: the key's thumbprint is the token's cnf.jkt.
  await expect(page.locator('#key-jkt')).toHaveText(jkt!);
  await expect(page.locator('#token-jkt')).toHaveText(jkt!);
  await expect(page.locator('#bound')).toHaveText('yes');
  // And the key in IndexedDB is that key, not extractable.
  expect(await sessionKeys(page)).toEqual([{ id: 'session:token', extractable: false, jkt }]);

  // The third-party origin was called all along, and never received an Authorization header.
  const third = await (await fetch(`${servers.thirdPartyUrl}/stats`)).json() as { requests: number; withAuthorization: number };
  expect(third.requests).toBeGreaterThan(0);
  expect(third.withAuthorization).toBe(0);
});

test('the access token and the refresh token copied out of the page and replayed from Node are refused every way', async ({ page, servers }) => {
  await logIn(page, servers, 'ada');
  await expect(page.locator('#last')).toHaveText('200 for ada');
  // Copied right after a renewal: both tokens are fresh and the ones the app holds.
  await renewals(page, 1);
  const accessToken = await storedToken(page);
  const refreshToken = await storedRefreshToken(page);
  const url = `${servers.apiUrl}/api/data`;
  const thief = await DpopClient.create();
  expect(thief.thumbprint).not.toBe(await boundJkt(page));

  const refusals: Record<string, { status: number; error?: string }> = {};
  const api = async (name: string, headers: Record<string, string>) => {
    const response = await fetch(url, { headers });
    refusals[name] = { status: response.status, error: ((await response.json()) as { error?: string }).error };
  };
  await api('access token as Bearer', { Authorization: `Bearer ${accessToken}` });
  await api('access token as DPoP, no proof', { Authorization: `DPoP ${accessToken}` });
  const stolen = await thief.fetch(url, { accessToken });
  refusals['access token as DPoP, another key\'s proof'] = { status: stolen.status, error: ((await stolen.json()) as { error?: string }).error };
  const bare = await refreshDirectly(servers, refreshToken);
  refusals['refresh token, no proof'] = { status: bare.status, error: bare.body.error };
  const proved = await thief.refresh({ authUrl: servers.authUrl, appUrl: servers.appUrl, clientId: servers.clientId, refreshToken });
  refusals['refresh token, another key\'s proof'] = { status: proved.status, error: proved.body.error };

  expect(refusals).toEqual({
    'access token as Bearer': { status: 401, error: 'invalid_token' },
    'access token as DPoP, no proof': { status: 401, error: 'invalid_dpop_proof' },
    'access token as DPoP, another key\'s proof': { status: 401, error: 'invalid_dpop_proof' },
    'refresh token, no proof': { status: 400, error: 'invalid_grant' },
    'refresh token, another key\'s proof': { status: 400, error: 'invalid_grant' },
  });
  // Not about nonces: the API checks the key before the nonce, and the provider's nonce challenge was met
  // and answered, its retry refused for the key.
  expect(thief.counts.nonceRetries).toBe(1);

  // None of that touched the session: the refusals come before reuse detection, and the app goes on
  // renewing with the very refresh token that was replayed, and its successors.
  const before = await stats(servers);
  await renewals(page, 2);
  const after = await stats(servers);
  expect(after.invalidGrants).toBe(before.invalidGrants);
  expect(after.refreshes - before.refreshes).toBeGreaterThanOrEqual(2);
  expect(await storedRefreshToken(page)).not.toBe(refreshToken);
  expect(await demoStats(page)).toMatchObject({ failed: 0, renewFailed: 0 });
  expect(new URL(page.url()).pathname).toBe('/profile');
});

test('the profile page\'s replay button shows the provider refusing the stolen refresh token, and the session keeps working', async ({ page, servers }) => {
  await logIn(page, servers, 'ada');
  await expect(page.locator('#last')).toHaveText('200 for ada');
  await renewals(page, 1);
  const refreshToken = await storedRefreshToken(page);
  const before = await stats(servers);
  await page.getByRole('button', { name: 'Copy the refresh token out and try it' }).click();
  await expect(page.locator('#replay-result')).toHaveText(/^refused: 400 invalid_grant/);
  await expect(page.getByText('The session goes on: the refusal spent nothing.')).toBeVisible();
  // Counted as one refused grant at the provider; nothing was revoked.
  expect((await stats(servers)).invalidGrants - before.invalidGrants).toBe(1);

  // The replayed refresh token still renews the session, and its successors too.
  await renewals(page, 2);
  const calls = (await demoStats(page)).ok;
  await page.waitForFunction((count) => window.demoStats.ok > count + 1, calls);
  const after = await stats(servers);
  expect(after.invalidGrants - before.invalidGrants).toBe(1);
  expect(await storedRefreshToken(page)).not.toBe(refreshToken);
  expect(await demoStats(page)).toMatchObject({ failed: 0, renewFailed: 0 });
  expect(new URL(page.url()).pathname).toBe('/profile');
});

test('nonces required by both servers: every call succeeds with at most one retry, also right after the API changes its nonce', async ({ page, context, servers }) => {
  const sent = recordDpopTraffic(context, servers);
  await logIn(page, servers, 'ada');
  await expect(page.locator('#last')).toHaveText('200 for ada');
  // Two rotations at once: the nonce the page holds is neither the current one nor the one before it.
  for (let round = 0; round < 3; round++) {
    const calls = (await demoStats(page)).ok;
    await rotateApiNonce(servers);
    await rotateApiNonce(servers);
    await page.waitForFunction((count) => window.demoStats.ok > count + 1, calls);
  }
  // Renewals meanwhile met the provider's nonces: a challenge is answered by sending the same grant once
  // more, never by spending the refresh token twice.
  await renewals(page, 2);
  expect(await demoStats(page)).toMatchObject({ failed: 0, renewFailed: 0 });
  // Closed, so that the counts below see the same requests as the servers did.
  await page.goto('about:blank');
  await page.waitForTimeout(500);

  const result = await stats(servers);
  const api = expectAtMostOneRetryEach(sent, `${servers.apiUrl}/api/data`);
  const token = expectAtMostOneRetryEach(sent, `${servers.authUrl}/oauth/token`);
  // eslint-disable-next-line no-console
  console.log(`nonces: ${api.requests} API requests with ${api.challenges} challenges, ${token.requests} token requests with ${token.challenges} challenges`);
  // The first call of the page, and one after each double rotation.
  expect(api.challenges).toBeGreaterThanOrEqual(4);
  expect(result.apiNonceChallenges).toBe(api.challenges);
  expect(api.requests - api.challenges).toBe(result.apiOk);
  // At least the code exchange's; every challenge retried once, and each retry accepted.
  expect(token.challenges).toBeGreaterThanOrEqual(1);
  expect(result.tokenNonceChallenges).toBe(token.challenges);
  expect(token.requests - token.challenges).toBe(1 + result.refreshes);
  expect(result.invalidGrants).toBe(0);
  expect(result.apiUnauthorized).toBe(0);
  expect(sent.filter((entry) => entry.status !== undefined && entry.status !== 200 && !entry.nonceChallenge)).toEqual([]);
});

test('after logout the old key record is gone from IndexedDB, and the next login binds a new key', async ({ page, servers }) => {
  await logIn(page, servers, 'ada');
  await expect(page.locator('#last')).toHaveText('200 for ada');
  const first = await boundJkt(page);
  expect(await sessionKeys(page)).toEqual([{ id: 'session:token', extractable: false, jkt: first }]);

  await logOut(page, servers);
  await expect.poll(() => keyRecords(page)).toEqual([]);

  await logIn(page, servers, 'grace');
  await expect(page.locator('#last')).toHaveText('200 for grace');
  const second = await boundJkt(page);
  expect(second).toMatch(/^[\w-]{43}$/);
  expect(second).not.toBe(first);
  // One session key, the new one; the login attempt's record was taken over, none left behind.
  expect(await keyRecords(page)).toEqual([{ id: 'session:token', extractable: false, jkt: second }]);
  await expect(page.locator('#key-jkt')).toHaveText(second!);
});

test('two tabs use one key and make one refresh per expiry between them', async ({ context, page, servers }) => {
  await logIn(page, servers, 'ada');
  const second = await context.newPage();
  await second.goto(`${servers.appUrl}/profile`);
  await expect(second.locator('#last')).toHaveText('200 for ada');
  const jkt = await boundJkt(page);
  for (const tab of [page, second]) {
    await expect(tab.locator('#key-jkt')).toHaveText(jkt!);
    expect(await boundJkt(tab)).toBe(jkt);
  }
  expect(await sessionKeys(second)).toEqual([{ id: 'session:token', extractable: false, jkt }]);

  const before = await stats(servers);
  const seconds = ACCESS_TOKEN_TTL * 3.5;
  await page.waitForTimeout(seconds * 1000);
  const after = await stats(servers);
  const refreshes = after.refreshes - before.refreshes;
  // eslint-disable-next-line no-console
  console.log(`two tabs, one key, ${seconds} s of ${ACCESS_TOKEN_TTL} s tokens: ${refreshes} refreshes`);
  expect(after.invalidGrants).toBe(0);
  expect(refreshes).toBeGreaterThanOrEqual(Math.floor(seconds / (ACCESS_TOKEN_TTL / 2)) - 1);
  expect(refreshes).toBeLessThanOrEqual(Math.ceil(seconds / (ACCESS_TOKEN_TTL / 2)) + 1);
  expect(after.distinctRefreshTokens - before.distinctRefreshTokens).toBe(refreshes);
  // Renewed tokens stay bound to the same key, in both tabs.
  for (const tab of [page, second]) {
    expect(await boundJkt(tab)).toBe(jkt);
    expect(new URL(tab.url()).pathname).toBe('/profile');
    expect(await demoStats(tab)).toMatchObject({ failed: 0, renewFailed: 0 });
  }
  expect((await sessionKeys(page)).map((record) => record.jkt)).toEqual([jkt]);
});
