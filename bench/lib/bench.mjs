// Runs the figures of a profile in one browser, on this machine, and answers the results with what they were
// measured on.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { launch } from './browser.mjs';
import * as figures from './figures.mjs';

/**
 * `full` is `npm run bench`; `smoke` is the same harness with small numbers, so that `npm run
 * test:bench-smoke` keeps it from rotting (it asserts counts only, never times). `soak` runs the soak figure
 * alone (`npm run bench -- --profile soak`): a profile with `soakExpiries` runs nothing else.
 */
export const PROFILES = {
  full: {
    // Seconds of access-token life. Figure 1 needs a token that outlives a burst of 50 calls on a loaded
    // machine (with 3 s tokens, the new token itself expired in flight); figures 2 and 3 count renewals, so
    // their tokens are short.
    burstTtl: 10,
    ttl: 6,
    renewBeforeSeconds: 2, // figures 2 and 3: the package renews once per token life, 2 s before expiry
    graceMs: 1000,
    burst: 50, burstReps: 3,
    tabs: 4, tabLoopMs: 500, tabExpiries: 5, tabReps: 3,
    steadyLoopMs: 250, steadyExpiries: 10, steadyReps: 3,
    costN: 5000, costBatch: 100, costRounds: 21,
    dpopN: 2000, dpopBatch: 100, dpopPerSample: 100, dpopRounds: 21,
    memTtl: 60, memRequests: 10000, memRenewals: 100, memRuns: 3,
  },
  smoke: {
    burstTtl: 10,
    ttl: 5,
    renewBeforeSeconds: 2,
    graceMs: 700,
    burst: 50, burstReps: 1,
    tabs: 4, tabLoopMs: 500, tabExpiries: 2, tabReps: 1,
    steadyLoopMs: 250, steadyExpiries: 2, steadyReps: 1,
    costN: 500, costBatch: 100, costRounds: 2,
    dpopN: 200, dpopBatch: 100, dpopPerSample: 100, dpopRounds: 1,
    memTtl: 60, memRequests: 1000, memRenewals: 10, memRuns: 1,
  },
  soak: {
    // 5% of the refreshes dropped and 5% answered 503, always the same ones (soakSeed). The package is
    // configured as the README says (renewBeforeSeconds at its default; `soakRenewBeforeSeconds` sets it).
    soakTabs: 4, soakTtl: 2, soakLoopMs: 500, soakExpiries: 1000, soakRuns: 1,
    soakDropRate: 0.05, soakErrorRate: 0.05, soakSeed: 1,
    graceMs: 1000,
  },
};

function git(...args) {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/**
 * Figures 1 to 6 (and 4b). Count figures may share the machine: each implementation has its own servers, and nothing
 * they count depends on speed. Timed and heap figures run alone.
 */
async function sixFigures(ctx, timed) {
  const [startup, asleep] = await timed('figure 1: refreshes per expiry', () => Promise.all([
    figures.refreshesAtStartup(ctx), figures.refreshesAfterSleep(ctx),
  ]));
  const [tabs, steady] = await timed('figures 2 and 3: tabs, steady state', () => Promise.all([
    figures.tabs(ctx), figures.steadyState(ctx),
  ]));
  const cost = await timed('figure 4: per-request cost', () => figures.perRequestCost(ctx));
  const dpop = await timed('figure 4b: per-request cost with DPoP', () => figures.dpopCost(ctx));
  const size = figures.sizes();
  const memory = await timed('figure 6: memory', () => figures.memory(ctx));
  return { startup, asleep, tabs, steady, cost, dpop, size, memory };
}

/**
 * @param {{ profile?: 'full' | 'smoke' | 'soak', overrides?: object, log?: (line: string) => void }} [o]
 *   `overrides` replace settings of the profile, e.g. `{ soakExpiries: 10 }`
 */
export async function runBench({ profile: profileName = 'full', overrides = {}, log = () => {} } = {}) {
  if (!PROFILES[profileName]) throw new Error(`bench: no profile ${JSON.stringify(profileName)}; one of ${Object.keys(PROFILES).join(', ')}`);
  const profile = { ...PROFILES[profileName], ...overrides };
  const started = Date.now();
  const browser = await launch();
  const problems = [];
  const ctx = { browser, profile, problems, log };
  const timed = async (label, task) => {
    const t0 = Date.now();
    log(`${label}...`);
    const result = await task();
    log(`${label}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return result;
  };
  try {
    const measured = profile.soakExpiries !== undefined
      ? { soak: await timed(`soak: ${profile.soakExpiries} expiries`, () => figures.soak(ctx)) }
      : await sixFigures(ctx, timed);
    const status = git('status', '--porcelain');
    return {
      meta: {
        date: new Date(started).toISOString(),
        profile: profileName,
        cores: os.cpus().length,
        cpu: os.cpus()[0]?.model ?? null,
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        os: `${os.type()} ${os.release()}`,
        node: process.version,
        chromium: browser.version(),
        commit: git('rev-parse', '--short', 'HEAD'),
        uncommittedChanges: status === null ? null : status !== '',
        seconds: Math.round((Date.now() - started) / 1000),
        settings: profile,
        problems,
      },
      figures: measured,
    };
  } finally {
    await browser.close();
  }
}
