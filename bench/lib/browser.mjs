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
 * `tabs` pages of `impl` opened at once. `options` become `window.BENCH_OPTIONS` before any script runs.
 * @param {import('@playwright/test').Browser} browser
 * @returns {Promise<{ context: import('@playwright/test').BrowserContext, pages: import('@playwright/test').Page[] }>}
 */
export async function openImpl(browser, lane, impl, { storage = {}, options = {}, tabs = 1, problems = [] } = {}) {
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
  await Promise.all(pages.map((page) => page.goto(`${lane.appUrl}/${impl}.html`)));
  await Promise.all(pages.map((page) => page.waitForFunction(() => window.bench && window.bench.ready)));
  return { context, pages };
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
