// The browser side: Debian's Chromium through Playwright, launched as the end-to-end specs launch it.
// Nothing here downloads a browser.
import { chromium } from '@playwright/test';
import { sleep } from './servers.mjs';

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export function launch() {
  return chromium.launch({ executablePath: process.env.CHROME_BIN || '/usr/bin/chromium', args: ARGS });
}

/**
 * A new context (its own storage, IndexedDB and Web Locks) with `storage` written on the app's origin, then
 * `tabs` pages of `impl` opened at once. `options` become `window.BENCH_OPTIONS` before any script runs;
 * `prepare(page)`, when given, runs on the app's origin after the storage is written (`seedDpopKey`).
 * @param {import('@playwright/test').Browser} browser
 * @returns {Promise<{ context: import('@playwright/test').BrowserContext, pages: import('@playwright/test').Page[] }>}
 */
export async function openImpl(browser, lane, impl, { storage = {}, options = {}, tabs = 1, problems = [], prepare } = {}) {
  const context = await browser.newContext();
  await context.addInitScript((o) => { window.BENCH_OPTIONS = o; }, options);
  const pages = [await context.newPage()];
  while (pages.length < tabs) pages.push(await context.newPage());
  for (const page of pages) {
    page.on('pageerror', (err) => problems.push(`${impl}: page error: ${err.message}`));
  }
  await pages[0].goto(`${lane.appUrl}/blank.html`);
  await pages[0].evaluate((entries) => {
    localStorage.clear();
    for (const [key, value] of Object.entries(entries)) localStorage.setItem(key, value);
  }, storage);
  if (prepare) await prepare(pages[0]);
  await Promise.all(pages.map((page) => page.goto(`${lane.appUrl}/${impl}.html`)));
  await Promise.all(pages.map((page) => page.waitForFunction(() => window.bench && window.bench.ready)));
  return { context, pages };
}

/**
 * Puts a session's DPoP key where a login with `oidcClient({ dpop: true })` leaves it: a non-extractable
 * ECDSA P-256 pair made by the page's WebCrypto, in IndexedDB `authTokens-dpop`, store `keys`, record
 * `session:<token storage key>` (src/oidc/dpop.ts and dpop-store.ts). The package then loads it once, on
 * the first proof, as it does on every page load of a logged-in app.
 */
export function seedDpopKey(page, tokenKey = 'token') {
  return page.evaluate(async (id) => {
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
    const db = await new Promise((resolve, reject) => {
      const open = indexedDB.open('authTokens-dpop', 1);
      open.onupgradeneeded = () => open.result.createObjectStore('keys');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    await new Promise((resolve, reject) => {
      const tx = db.transaction('keys', 'readwrite');
      tx.objectStore('keys').put({ pair }, id);
      tx.oncomplete = resolve;
      tx.onerror = tx.onabort = () => reject(tx.error);
    });
    db.close();
  }, `session:${tokenKey}`);
}

/** Waits until the page's own refreshes have settled, then a little longer for stragglers. */
export async function settle(page, extraMs = 300) {
  await page.waitForFunction(() => window.bench.idle(), null, { timeout: 30_000 });
  await sleep(extraMs);
}

/** JS heap in use after two forced collections, in bytes (CDP Performance.getMetrics). */
export async function heapAfterGc(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'JSHeapUsedSize').value;
}

/**
 * Pauses every script of the page, as a background tab or a sleeping machine does, until `resume()`. The
 * page's heartbeat (a timer the harness keeps when asked to) makes the pause take effect at once.
 */
export async function pauseScripts(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send('Debugger.enable');
  const paused = new Promise((resolve) => { cdp.once('Debugger.paused', resolve); });
  await cdp.send('Debugger.pause');
  await paused;
  return {
    async resume() {
      await cdp.send('Debugger.resume');
      await cdp.send('Debugger.disable');
      await cdp.detach();
    },
  };
}
