// The six figures of bench/README.md, and the soak (its own profile). Each takes the run's context ({ browser,
// profile, log, problems }) and answers its per-implementation results: the summaries (median, min–max) and
// the runs behind them.
// Counts come from the demo's servers (/test/stats), never from the page's own idea of what it did.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { heapAfterGc, openImpl, pauseScripts, seedDpopKey, settle } from './browser.mjs';
import { expiredAt, sessionExpiredAt, sleep, startLane, storageFor, syntheticSession } from './servers.mjs';
import { summarize, summarizeRuns } from './stats.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const range = (n) => Array.from({ length: n }, (_, i) => i);

/** Runs `task(lane)` against servers of its own (with `faults` at the token endpoint, if given), closed afterwards. */
async function withLane(ttl, task, faults) {
  const lane = await startLane({ accessTokenTtl: ttl, faults });
  try {
    return await task(lane);
  } finally {
    await lane.close();
  }
}

/** Runs `task` for every implementation at once, each in its lane; answers { impl: result }. */
async function perImpl(impls, task) {
  return Object.fromEntries(await Promise.all(impls.map(async (impl) => [impl, await task(impl)])));
}

const successes = (stats) => stats.refreshes - stats.invalidGrants;

/**
 * Waits for a burst's $http calls (`outcomes`, settling with { ok, failed }) and the refreshes they caused,
 * closes the tab, and counts: token-endpoint calls at the server, and by caller in the page.
 */
async function countBurst(lane, context, page, outcomes) {
  const { ok, failed } = await outcomes;
  await settle(page);
  const stats = await lane.stats();
  const { refreshes } = await page.evaluate(() => window.bench.counters);
  await context.close();
  return { calls: stats.refreshes, invalidGrants: stats.invalidGrants, ok, failed, bySource: refreshes };
}

/**
 * Figure 1a. The app starts with an expired access token (and a valid refresh token) and fires `burst`
 * $http calls to the API in its first digest. Counted: calls to the token endpoint.
 */
export async function refreshesAtStartup({ browser, profile, problems }) {
  return perImpl(['package', 'guide', 'naive'], (impl) => withLane(profile.burstTtl, async (lane) => {
    const sessions = await Promise.all(range(profile.burstReps).map(() => lane.login()));
    await sleep(Math.max(...sessions.map(sessionExpiredAt)) + 500 - Date.now());
    const runs = [];
    for (const session of sessions) {
      await lane.reset();
      const { context, pages: [page] } = await openImpl(browser, lane, impl, {
        storage: storageFor(session), options: { fireAtBoot: profile.burst }, problems,
      });
      runs.push(await countBurst(lane, context, page, page.evaluate(() => window.bench.bootResults)));
    }
    return { ...summarizeRuns(runs, ['calls', 'invalidGrants', 'ok', 'failed']), runs };
  }));
}

/**
 * Figure 1b. A running tab sleeps past its token's expiry (its scripts paused through the debugger, as in a
 * background tab or a sleeping laptop), wakes, and fires `burst` $http calls at once.
 */
export async function refreshesAfterSleep({ browser, profile, problems }) {
  return perImpl(['package', 'guide', 'naive'], (impl) => withLane(profile.burstTtl, async (lane) => {
    const runs = [];
    for (let rep = 0; rep < profile.burstReps; rep += 1) {
      const session = await lane.login();
      const { context, pages: [page] } = await openImpl(browser, lane, impl, {
        storage: storageFor(session), options: { heartbeat: true }, problems,
      });
      // The token in storage now: a renewal before the pause would have replaced the login's.
      const [token, expiresAt] = await page.evaluate(() => ['token', 'expiresAt'].map((key) => JSON.parse(localStorage.getItem(key))));
      const sleeper = await pauseScripts(context, page);
      await lane.reset();
      await sleep(expiredAt(token, expiresAt ?? 0) + 500 - Date.now());
      await sleeper.resume();
      runs.push(await countBurst(lane, context, page, page.evaluate((n) => window.bench.fire(n), profile.burst)));
    }
    return { ...summarizeRuns(runs, ['calls', 'invalidGrants', 'ok', 'failed']), runs };
  }));
}

/**
 * Opens `tabs` tabs on one fresh session, each calling the API every `loopMs`, and runs until the session has
 * been renewed `expiries` times, or, for a session that cannot be renewed any more, until (expiries + 1)
 * token lives and 2 s have passed. Then a grace period for calls still under way, and the count.
 */
async function activeSession({ browser, profile, problems }, lane, impl, { tabs, loopMs, expiries }) {
  const session = await lane.login();
  await lane.reset();
  const { context, pages } = await openImpl(browser, lane, impl, {
    storage: storageFor(session),
    options: { countWaits: true, renewBeforeSeconds: profile.renewBeforeSeconds },
    tabs,
    problems,
  });
  await Promise.all(pages.map((page) => page.evaluate((ms) => window.bench.startLoop(ms), loopMs)));
  const deadline = session.receivedAt + ((expiries + 1) * profile.ttl + 2) * 1000;
  let stats = await lane.stats();
  while (successes(stats) < expiries && Date.now() < deadline) {
    await sleep(200);
    stats = await lane.stats();
  }
  const seconds = (Date.now() - session.receivedAt) / 1000;
  await sleep(profile.graceMs);
  stats = await lane.stats();
  const counters = await Promise.all(pages.map((page) => page.evaluate(() => window.bench.counters)));
  return { context, pages, stats, counters, seconds };
}

const sum = (items, pick) => items.reduce((total, item) => total + pick(item), 0);

/**
 * Figure 2. `tabs` tabs of one browser context (so they share storage, IndexedDB and Web Locks) on one session,
 * with refresh-token rotation and reuse detection at the server, over `tabExpiries` renewals. After the count,
 * the tabs go on for one more token life and then each makes one call: a tab whose call fails has been
 * logged out.
 */
export async function tabs(ctx) {
  const { profile } = ctx;
  return perImpl(['package', 'guide'], (impl) => withLane(profile.ttl, async (lane) => {
    const runs = [];
    for (let rep = 0; rep < profile.tabReps; rep += 1) {
      const run = await activeSession(ctx, lane, impl, { tabs: profile.tabs, loopMs: profile.tabLoopMs, expiries: profile.tabExpiries });
      await sleep((profile.ttl + 1) * 1000);
      await Promise.all(run.pages.map((page) => page.evaluate(() => window.bench.stopLoop())));
      await Promise.all(run.pages.map((page) => settle(page)));
      const alive = await Promise.all(run.pages.map((page) => page.evaluate(() => window.bench.probe())));
      await run.context.close();
      runs.push({
        calls: run.stats.refreshes,
        renewals: successes(run.stats),
        invalidGrants: run.stats.invalidGrants,
        loggedOut: alive.filter((ok) => !ok).length,
        failedCalls: sum(run.counters, (c) => c.loop.failed),
        seconds: run.seconds,
      });
    }
    return { ...summarizeRuns(runs, ['calls', 'renewals', 'invalidGrants', 'loggedOut', 'failedCalls', 'seconds']), runs };
  }));
}

/**
 * Figure 3. One tab calling the API every `steadyLoopMs` over `steadyExpiries` renewals. Counted: requests
 * whose tokenGetter answered with a promise (they waited for a renewal), failed calls, and the API's 401s.
 * Every run has its own servers, and all runs go at once.
 */
export async function steadyState(ctx) {
  const { profile } = ctx;
  const impls = ['package', 'guide'];
  const lanes = impls.flatMap((impl) => range(profile.steadyReps).map(() => impl));
  const runs = await Promise.all(lanes.map((impl) => withLane(profile.ttl, async (lane) => {
    const run = await activeSession(ctx, lane, impl, { tabs: 1, loopMs: profile.steadyLoopMs, expiries: profile.steadyExpiries });
    await run.context.close();
    const [counters] = run.counters;
    return {
      impl,
      requests: counters.getterCalls,
      waited: counters.waited,
      failedCalls: counters.loop.failed,
      unauthorized: run.stats.apiUnauthorized,
      calls: run.stats.refreshes,
      renewals: successes(run.stats),
      seconds: run.seconds,
    };
  })));
  return Object.fromEntries(impls.map((impl) => {
    const mine = runs.filter((run) => run.impl === impl);
    return [impl, { ...summarizeRuns(mine, ['requests', 'waited', 'failedCalls', 'unauthorized', 'calls', 'renewals', 'seconds']), runs: mine }];
  }));
}

/**
 * Figure 4. `costN` $http calls through an API mocked in the page ($httpBackend answers in the same digest),
 * `costBatch` per digest, with a valid token: µs per request. Rounds alternate the implementations, each in
 * its own page, after a warm-up, with a garbage collection before each timing.
 */
export async function perRequestCost({ browser, profile, problems }) {
  const impls = ['package', 'guide', 'jwt-only', 'none'];
  return withLane(profile.ttl, async (lane) => {
    const pages = {};
    for (const impl of impls) {
      const { context, pages: [page] } = await openImpl(browser, lane, impl, { storage: syntheticSession(), options: { mockApi: true }, problems });
      const cdp = await context.newCDPSession(page);
      for (let i = 0; i < 2; i += 1) await page.evaluate(([n, b]) => window.bench.time(n, b), [profile.costN, profile.costBatch]);
      pages[impl] = { context, page, cdp };
    }
    const samples = Object.fromEntries(impls.map((impl) => [impl, []]));
    for (let round = 0; round < profile.costRounds; round += 1) {
      // Each round starts with a different implementation, so that none is always first or last.
      const order = impls.map((_, i) => impls[(i + round) % impls.length]);
      for (const impl of order) {
        const { page, cdp } = pages[impl];
        await cdp.send('HeapProfiler.collectGarbage');
        const ms = await page.evaluate(([n, b]) => window.bench.time(n, b), [profile.costN, profile.costBatch]);
        samples[impl].push((ms * 1000) / profile.costN);
      }
    }
    const result = {};
    for (const impl of impls) {
      const { page, context } = pages[impl];
      const { lastAuthorization } = await page.evaluate(() => window.bench.counters);
      await context.close();
      result[impl] = { usPerRequest: summarize(samples[impl]), attachesToken: typeof lastAuthorization === 'string' && lastAuthorization.startsWith('Bearer ') };
    }
    // Ratios within a round: both pages timed a few hundred milliseconds apart.
    result.ratioToJwtOnly = summarize(samples.package.map((us, i) => us / samples['jwt-only'][i]));
    result.ratioGuideToJwtOnly = summarize(samples.guide.map((us, i) => us / samples['jwt-only'][i]));
    return result;
  });
}

/** The pages of figure 4b: angular-jwt alone, and this package through `oidcClient` without and with DPoP. */
const DPOP_PAGES = {
  'jwt-only': { page: 'jwt-only' },
  bearer: { page: 'oidc', options: {} },
  dpop: { page: 'oidc', options: { dpop: true }, prepare: (page) => seedDpopKey(page) },
  // For scale, in the DPoP page: the signatures alone, with nothing else around them.
  signature: { samePageAs: 'dpop', timing: { signatures: true } },
};

/** Per-request µs of each sample of `perSample` calls, kept to 0.01 µs. */
const perRequest = (msSamples, perSample) => msSamples.map((ms) => Math.round((ms * 100_000) / perSample) / 100);
const median = (values) => summarize(values).median;

/**
 * Figure 4b. Per-request cost with DPoP: `dpopN` $http calls through an API mocked in the page, from the
 * call to its answer, in two shapes: `dpopBatch` at once in one digest (each batch waits for its answers
 * before the next), and one at a time. Every page is timed the same way (`bench.timeAnswered`), as a DPoP
 * request's proof is signed asynchronously and completes after its digest. Rounds alternate the pages, each
 * in its own browser context, after a warm-up (which also loads the DPoP key from IndexedDB, once per page
 * as in an app), with a garbage collection before each timing. Samples are the mean per request of
 * `dpopPerSample` calls; the overheads are taken within each round, between round medians.
 */
export async function dpopCost({ browser, profile, problems }) {
  const impls = Object.keys(DPOP_PAGES);
  const shapes = { batch: profile.dpopBatch, single: 1 };
  const { dpopN: n, dpopPerSample: perSample } = profile;
  if (n % perSample !== 0 || perSample % profile.dpopBatch !== 0) throw new Error('bench: dpopN must be a multiple of dpopPerSample, and it of dpopBatch');
  return withLane(profile.ttl, async (lane) => {
    const pages = {};
    const time = (impl, batch) => pages[impl].page.evaluate(([count, b, per, timing]) => window.bench.timeAnswered(count, b, per, timing),
      [n, batch, perSample, DPOP_PAGES[impl].timing ?? {}]);
    for (const impl of impls) {
      const { page: name, options = {}, prepare, samePageAs } = DPOP_PAGES[impl];
      if (samePageAs) {
        pages[impl] = pages[samePageAs];
      } else {
        const { context, pages: [page] } = await openImpl(browser, lane, name, {
          storage: syntheticSession(), options: { ...options, mockApi: true }, prepare, problems,
        });
        pages[impl] = { context, page, cdp: await context.newCDPSession(page) };
      }
      for (const batch of Object.values(shapes)) await time(impl, batch);
    }
    // samples[shape][impl]: every sample of every round; rounds[shape][impl]: each round's median.
    const samples = Object.fromEntries(Object.keys(shapes).map((shape) => [shape, Object.fromEntries(impls.map((impl) => [impl, []]))]));
    const rounds = Object.fromEntries(Object.keys(shapes).map((shape) => [shape, Object.fromEntries(impls.map((impl) => [impl, []]))]));
    for (let round = 0; round < profile.dpopRounds; round += 1) {
      const order = impls.map((_, i) => impls[(i + round) % impls.length]);
      for (const [shape, batch] of Object.entries(shapes)) {
        for (const impl of order) {
          await pages[impl].cdp.send('HeapProfiler.collectGarbage');
          const ms = await time(impl, batch);
          const us = perRequest(ms, perSample);
          samples[shape][impl].push(...us);
          rounds[shape][impl].push(median(us));
        }
      }
    }
    const result = {};
    for (const impl of impls) {
      const { page } = pages[impl];
      const counters = await page.evaluate(() => window.bench.counters);
      result[impl] = {
        ...Object.fromEntries(Object.keys(shapes).map((shape) => [shape, { usPerRequest: summarize(samples[shape][impl]), roundMedians: summarize(rounds[shape][impl]) }])),
        requests: counters.apiRequests,
        withProof: counters.withProof ?? 0,
        lastAuthorization: counters.lastAuthorization,
        // Two proofs, for the smoke test to check: distinct, signed, about the request they came with.
        lastProofs: [counters.previousProof ?? null, counters.lastProof ?? null],
      };
    }
    for (const { context } of new Set(Object.values(pages))) await context.close();
    // The signature row counts no requests of its own: its page's are the DPoP row's.
    delete result.signature.requests;
    delete result.signature.withProof;
    delete result.signature.lastAuthorization;
    delete result.signature.lastProofs;
    const within = (shape, pick) => summarize(range(profile.dpopRounds).map((i) => pick(rounds[shape], i)));
    result.overhead = Object.fromEntries(Object.keys(shapes).map((shape) => [shape, {
      // µs that DPoP adds to a bearer request, and the ratios, each within a round.
      dpopMinusBearer: within(shape, (r, i) => r.dpop[i] - r.bearer[i]),
      dpopToBearer: within(shape, (r, i) => r.dpop[i] / r.bearer[i]),
      bearerToJwtOnly: within(shape, (r, i) => r.bearer[i] / r['jwt-only'][i]),
      dpopToJwtOnly: within(shape, (r, i) => r.dpop[i] / r['jwt-only'][i]),
      // What DPoP adds beyond its signature: the proof's encoding, the promise steps and the digest after it.
      dpopMinusBearerMinusSignature: within(shape, (r, i) => r.dpop[i] - r.bearer[i] - r.signature[i]),
    }]));
    result.settings = { n, perSample, batch: profile.dpopBatch, rounds: profile.dpopRounds, apiUrl: `${lane.apiUrl}/api/data` };
    return result;
  });
}

/** Figure 5. Bytes of each browser build as shipped (minified), and after gzip -9. */
export function sizes() {
  const files = [
    { name: 'angular-auth-tokens', version: readVersion('.'), file: 'dist/angular-auth-tokens.umd.js' },
    { name: 'angular-auth-tokens/auth0', version: readVersion('.'), file: 'dist/angular-auth-tokens-auth0.umd.js' },
    { name: 'angular-auth-tokens/oidc', version: readVersion('.'), file: 'dist/angular-auth-tokens-oidc.umd.js' },
    { name: 'angular-jwt', version: readVersion('node_modules/angular-jwt'), file: 'node_modules/angular-jwt/dist/angular-jwt.min.js' },
    { name: '@auth0/auth0-spa-js', version: readVersion('node_modules/@auth0/auth0-spa-js'), file: 'node_modules/@auth0/auth0-spa-js/dist/auth0-spa-js.production.js' },
    { name: 'oidc-client-ts', version: readVersion('node_modules/oidc-client-ts'), file: 'node_modules/oidc-client-ts/dist/browser/oidc-client-ts.min.js' },
    { name: 'auth0-js', version: readVersion('node_modules/auth0-js'), file: 'node_modules/auth0-js/dist/auth0.min.js' },
  ];
  return Object.fromEntries(files.map(({ name, version, file }) => {
    const bytes = fs.readFileSync(path.join(ROOT, file));
    return [name, { version, file, minified: bytes.length, gzip: zlib.gzipSync(bytes, { level: 9 }).length }];
  }));
}

function readVersion(dir) {
  return JSON.parse(fs.readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8')).version;
}

/**
 * Figure 6. JS heap in use (after garbage collection) before and after `memRequests` requests through the
 * mocked API and `memRenewals` renewals against the real token endpoint, interleaved. A listener, timer or
 * promise kept by mistake per request or per renewal shows up as growth, in the second half as in the first.
 */
export async function memory({ browser, profile, problems }) {
  return perImplSequential(['package', 'guide', 'jwt-only'], (impl) => withLane(profile.memTtl, async (lane) => {
    const runs = [];
    for (let rep = 0; rep < profile.memRuns; rep += 1) {
      const renews = impl !== 'jwt-only';
      const storage = renews ? storageFor(await lane.login()) : syntheticSession();
      const { context, pages: [page] } = await openImpl(browser, lane, impl, { storage, options: { mockApi: true }, problems });
      const cdp = await context.newCDPSession(page);
      await cdp.send('Performance.enable');
      const perRound = Math.ceil(profile.memRequests / profile.memRenewals);
      // Warm-up: lazy initialisation (the first renewal's auth0-js client, IndexedDB) belongs to the start.
      await page.evaluate((n) => window.bench.time(n, n), perRound);
      if (renews) await page.evaluate(() => window.bench.renew());
      await lane.reset();
      const before = await heapAfterGc(cdp);
      let half = null;
      for (let round = 0; round < profile.memRenewals; round += 1) {
        await page.evaluate((n) => window.bench.time(n, n), perRound);
        if (renews) await page.evaluate(() => window.bench.renew());
        if (round + 1 === profile.memRenewals / 2) half = await heapAfterGc(cdp);
      }
      const after = await heapAfterGc(cdp);
      const stats = await lane.stats();
      await context.close();
      // The second half's growth tells a leak (it grows as much again) from the first use of code paths.
      runs.push({ before, after, growth: after - before, secondHalf: after - half, requests: perRound * profile.memRenewals, renewals: stats.refreshes });
    }
    return { ...summarizeRuns(runs, ['growth', 'secondHalf', 'before', 'after', 'renewals']), runs };
  }));
}

/** One implementation after the other: heap figures are taken with nothing else running. */
async function perImplSequential(impls, task) {
  const result = {};
  for (const impl of impls) result[impl] = await task(impl);
  return result;
}

// The longest backoff step of the package's coordinator after failed renewals (src/core/coordinator.ts).
const LONGEST_BACKOFF_MS = 30_000;

/**
 * Figure 7, the soak. `soakTabs` tabs of one browser context on one session, each calling the API every
 * `soakLoopMs`, with `soakTtl` s tokens, rotation and reuse detection, over `soakExpiries` renewals, while the
 * token endpoint drops a share `soakDropRate` of the refreshes (the connection cut before the provider reads
 * the grant, so that the refresh token is not spent) and answers `soakErrorRate` with 503. Only this package:
 * the guide loses every tab within seconds without any fault (figure 2). JS heap is taken in every tab as
 * figure 6 takes it: after a tenth of the renewals (the warm-up), half-way through the rest, and at the end.
 */
export async function soak(ctx) {
  const { profile } = ctx;
  const faults = { dropRate: profile.soakDropRate, errorRate: profile.soakErrorRate, seed: profile.soakSeed };
  const runs = [];
  // One after the other, each with servers of its own and the same seed: the n-th refresh of every run meets the same fate.
  for (let rep = 0; rep < profile.soakRuns; rep += 1) runs.push(await withLane(profile.soakTtl, (lane) => soakRun(ctx, lane), faults));
  const tabsOf = (pick) => summarize(runs.flatMap((run) => run.heap.after.map((after, tab) => pick(run.heap, after, tab))));
  return {
    package: {
      ...summarizeRuns(runs, ['expiries', 'calls', 'callsPerExpiry', 'goalPerExpiry', 'dropped', 'answered503', 'invalidGrants',
        'loggedOut', 'failedCalls', 'apiCalls', 'unauthorized', 'waited', 'reusedRefreshTokens', 'refresherCalls', 'secondsPerExpiry', 'seconds']),
      // Per tab, over every tab of every run.
      heapGrowth: tabsOf((heap, after, tab) => after - heap.before[tab]),
      heapSecondHalf: tabsOf((heap, after, tab) => after - heap.half[tab]),
      heapBefore: tabsOf((heap, _after, tab) => heap.before[tab]),
      runs,
    },
  };
}

async function soakRun({ browser, profile, problems, log = () => {} }, lane) {
  const expiries = profile.soakExpiries;
  const session = await lane.login();
  await lane.reset();
  const { context, pages } = await openImpl(browser, lane, 'package', {
    storage: storageFor(session),
    options: { countWaits: true, ...(profile.soakRenewBeforeSeconds !== undefined && { renewBeforeSeconds: profile.soakRenewBeforeSeconds }) },
    tabs: profile.soakTabs,
    problems,
  });
  const cdps = await Promise.all(pages.map(async (page) => {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    return cdp;
  }));
  const heaps = () => Promise.all(cdps.map(heapAfterGc));
  await Promise.all(pages.map((page) => page.evaluate((ms) => window.bench.startLoop(ms), profile.soakLoopMs)));
  const started = Date.now();

  // A session that has not been renewed for longer than the longest backoff step and two token lives is lost:
  // the run ends there rather than at the count.
  const stallMs = LONGEST_BACKOFF_MS + 2 * profile.soakTtl * 1000;
  let renewals = 0;
  let renewedAt = started;
  const until = async (target) => {
    while (renewals < target && Date.now() - renewedAt < stallMs) {
      await sleep(200);
      const seen = successes(await lane.stats());
      if (seen > renewals) {
        if (Math.floor(seen / (expiries / 10)) > Math.floor(renewals / (expiries / 10))) {
          log(`soak: ${seen} of ${expiries} renewals, ${Math.round((Date.now() - started) / 1000)} s`);
        }
        renewals = seen;
        renewedAt = Date.now();
      }
    }
  };
  const warmUp = Math.ceil(expiries / 10);
  await until(warmUp);
  const before = await heaps();
  await until(Math.ceil((warmUp + expiries) / 2));
  const half = await heaps();
  await until(expiries);
  const after = await heaps();
  const seconds = (Date.now() - started) / 1000;
  const counted = renewals;

  // The count ends here, and the faults with it: a tab that cannot make a call afterwards has lost its
  // session, it has not just met a fault.
  lane.faults.set({ dropRate: 0, errorRate: 0 });
  await sleep(profile.graceMs);
  const stats = await lane.stats();
  const counters = await Promise.all(pages.map((page) => page.evaluate(() => window.bench.counters)));
  // As figure 2: one more token life, then one call per tab; a tab backing off from a fault gets until the
  // longest backoff step is over.
  await sleep((profile.soakTtl + 1) * 1000);
  await Promise.all(pages.map((page) => page.evaluate(() => window.bench.stopLoop())));
  await Promise.all(pages.map((page) => settle(page)));
  const probeUntil = Date.now() + LONGEST_BACKOFF_MS + profile.soakTtl * 1000;
  const alive = await Promise.all(pages.map(async (page) => {
    while (!(await page.evaluate(() => window.bench.probe()))) {
      if (Date.now() > probeUntil) return false;
      await sleep(1000);
    }
    return true;
  }));
  await context.close();

  const renewed = successes(stats);
  const injected = stats.droppedRefreshes + stats.answered503;
  // Every refresh_token grant that reached the token endpoint: those the provider processed and the faults.
  const calls = stats.refreshes + injected;
  return {
    expiries: renewed,
    calls,
    callsPerExpiry: calls / renewed,
    // 1 per expiry, and 1 more for every refresh a fault cost.
    goalPerExpiry: (renewed + injected) / renewed,
    dropped: stats.droppedRefreshes,
    answered503: stats.answered503,
    // The refreshes the tabs started; fewer than `calls` when Chromium re-sent a dropped one on its own (facts.md).
    refresherCalls: sum(counters, (c) => c.refreshes.refresher ?? 0),
    invalidGrants: stats.invalidGrants,
    // A refresh token the provider saw twice: reuse, which revokes the grant.
    reusedRefreshTokens: stats.refreshes - stats.distinctRefreshTokens,
    loggedOut: alive.filter((ok) => !ok).length,
    failedCalls: sum(counters, (c) => c.loop.failed),
    apiCalls: sum(counters, (c) => c.loop.sent),
    unauthorized: stats.apiUnauthorized,
    waited: sum(counters, (c) => c.waited),
    seconds,
    secondsPerExpiry: seconds / counted,
    heap: { before, half, after },
  };
}
