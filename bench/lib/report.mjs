// Turns the results of bench.mjs into the Markdown tables of bench/results.md and the README.
// Counts are shown as the median with the range of the runs (min–max) when they differ; timings as the median
// with the interquartile range and the range.

const IMPL_NAMES = {
  package: 'angular-auth-tokens',
  guide: 'the guide',
  naive: 'naive getter',
  'jwt-only': 'angular-jwt alone',
  none: 'no interceptor',
};

const fixed = (value, digits) => (value === null ? 'n/a' : value.toFixed(digits));

/** "1" or "1 (1–2)", from a summary of runs. */
function count(summary, digits = 0) {
  const median = fixed(summary.median, digits);
  if (summary.min === summary.max) return median;
  return `${median} (${fixed(summary.min, digits)}–${fixed(summary.max, digits)})`;
}

/** "1.23 (IQR 1.20–1.30, 1.10–1.50)". */
function timing(summary, digits = 2) {
  return `${fixed(summary.median, digits)} (IQR ${fixed(summary.q1, digits)}–${fixed(summary.q3, digits)}, `
    + `range ${fixed(summary.min, digits)}–${fixed(summary.max, digits)})`;
}

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

function table(header, rows) {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

export function toMarkdown({ meta, figures }) {
  const out = [];
  out.push(`Measured ${meta.date.slice(0, 10)} on ${meta.cores} cores (${meta.cpu}), ${meta.memoryGiB} GiB, ${meta.os}, `
    + `Chromium ${meta.chromium} headless, Node ${meta.node}, commit ${meta.commit}${meta.uncommittedChanges ? ' with uncommitted changes' : ''}; `
    + `profile \`${meta.profile}\`, ${meta.seconds} s in all. Counts: median (min–max) over the runs; times: median (IQR, range).`);
  out.push(...(figures.soak ? soakFigure(meta.settings, figures.soak) : sixFigures(meta.settings, figures)));
  if (meta.problems.length) out.push('', `Problems seen during the run: ${meta.problems.join('; ')}`);
  return `${out.join('\n')}\n`;
}

const runsOf = (summary) => summary.n;

/** The lines of figures 1 to 6. */
function sixFigures(s, { startup, asleep, tabs, steady, cost, dpop, size, memory }) {
  const out = [];
  out.push('', `**1. Refreshes per expiry.** ${s.burst} \`$http\` calls at once with an expired access token (${s.burstTtl} s tokens), `
    + 'against the demo\'s token endpoint. "At start-up": the app boots on an expired token and fires them in its first digest. "After sleep": a running '
    + 'tab whose scripts were paused past expiry wakes and fires them. Limit: 1 call.');
  out.push('', table(['', 'runs', 'token-endpoint calls, start-up', 'after sleep', 'invalid_grant', 'failed $http calls'],
    Object.keys(startup).map((impl) => [IMPL_NAMES[impl], runsOf(startup[impl].calls), count(startup[impl].calls), count(asleep[impl].calls),
      `${count(startup[impl].invalidGrants)} / ${count(asleep[impl].invalidGrants)}`,
      `${count(startup[impl].failed)} / ${count(asleep[impl].failed)}`])));

  out.push('', `**2. Tabs.** ${s.tabs} tabs of one browser context on one session, each calling the API every ${s.tabLoopMs} ms, `
    + `with refresh-token rotation and reuse detection, over ${s.tabExpiries} expiries of ${s.ttl} s tokens, then one more token life. `
    + `Goal: ${s.tabExpiries} calls, 0 invalid_grant, 0 tabs logged out.`);
  out.push('', table(['', 'runs', 'token-endpoint calls', 'successful renewals', 'invalid_grant', 'tabs logged out', 'failed API calls'],
    Object.keys(tabs).map((impl) => [IMPL_NAMES[impl], runsOf(tabs[impl].calls), count(tabs[impl].calls), count(tabs[impl].renewals),
      count(tabs[impl].invalidGrants), count(tabs[impl].loggedOut), count(tabs[impl].failedCalls)])));

  out.push('', `**3. Steady state.** One tab calling the API every ${s.steadyLoopMs} ms over ${s.steadyExpiries} expiries of ${s.ttl} s tokens. `
    + '"Waited": requests whose token had to wait for a renewal. Goal: 0. A run ends after its renewals: this package '
    + `renews ${s.renewBeforeSeconds} s ahead of expiry, so its runs are shorter than the guide's and make fewer requests.`);
  out.push('', table(['', 'runs', 'requests', 'waited', 'failed', 'API 401s', 'token-endpoint calls'],
    Object.keys(steady).map((impl) => [IMPL_NAMES[impl], runsOf(steady[impl].waited), count(steady[impl].requests), count(steady[impl].waited),
      count(steady[impl].failedCalls), count(steady[impl].unauthorized), count(steady[impl].calls)])));

  const costImpls = Object.keys(cost).filter((impl) => IMPL_NAMES[impl]);
  out.push('', `**4. Per-request cost with a valid token.** ${s.costN} \`$http\` calls through a backend mocked in the page, `
    + `${s.costBatch} per digest, ${s.costRounds} rounds alternating the pages. Ratios are taken within each round. Goal: at most 1.10 × angular-jwt alone.`);
  out.push('', table(['', 'µs per request', 'attaches the token'],
    costImpls.map((impl) => [IMPL_NAMES[impl], timing(cost[impl].usPerRequest), cost[impl].attachesToken ? 'yes' : 'no'])));
  out.push('', `Ratio to angular-jwt alone: this package ${timing(cost.ratioToJwtOnly, 3)}; the guide ${timing(cost.ratioGuideToJwtOnly, 3)}.`);

  if (dpop) out.push(...dpopFigure(s, dpop));

  out.push('', '**5. Size.** Browser builds as shipped (minified), and after `gzip -9`; the oidc entry includes DPoP (`dpop: true`). '
    + 'auth0-js is external to this package and listed for scale.');
  out.push('', table(['', 'version', 'file', 'minified', 'gzip -9'],
    Object.entries(size).map(([name, f]) => [name, f.version, `\`${f.file}\``, `${f.minified.toLocaleString('en')} B`, `${f.gzip.toLocaleString('en')} B (${kib(f.gzip)})`])));

  out.push('', `**6. Memory.** JS heap in use after garbage collection, before and after ${s.memRequests.toLocaleString('en')} requests and `
    + `${s.memRenewals} renewals against the real token endpoint (angular-jwt alone: requests only). A leak grows in the second `
    + 'half of the run as much as in the first; the first use of code paths (compiled code, caches) grows once.');
  out.push('', table(['', 'runs', 'heap before', 'heap after', 'growth', 'of which in the second half', 'renewals counted'],
    Object.entries(memory).map(([impl, m]) => [IMPL_NAMES[impl], runsOf(m.growth), kib(m.before.median), kib(m.after.median),
      `${kib(m.growth.median)} (${kib(m.growth.min)}–${kib(m.growth.max)})`,
      `${kib(m.secondHalf.median)} (${kib(m.secondHalf.min)}–${kib(m.secondHalf.max)})`, count(m.renewals)])));

  return out;
}

const DPOP_ROWS = {
  'jwt-only': 'angular-jwt alone',
  bearer: 'angular-auth-tokens, bearer',
  dpop: 'angular-auth-tokens, DPoP',
  signature: 'one ECDSA P-256 signature alone',
};

/** "1.23 (IQR 1.20–1.30)". */
const withIqr = (summary, digits) => `${fixed(summary.median, digits)} (IQR ${fixed(summary.q1, digits)}–${fixed(summary.q3, digits)})`;

/** The lines of figure 4b. */
function dpopFigure(s, dpop) {
  const sent = (row) => {
    if (!row.requests) return 'n/a';
    const scheme = row.lastAuthorization ? row.lastAuthorization.split(' ')[0] : 'none';
    if (row.withProof === 0) return `${scheme}, no proof`;
    return `${scheme}, ${row.withProof === row.requests ? 'a proof on every one' : `${row.withProof.toLocaleString('en')} of ${row.requests.toLocaleString('en')} with a proof`}`;
  };
  const o = dpop.overhead;
  return ['', `**4b. Per-request cost with DPoP.** ${s.dpopN.toLocaleString('en')} \`$http\` calls to an allowed origin, answered by a backend mocked in the page, `
    + `timed from the call to its answer: ${s.dpopBatch} at once in one digest (each batch waits for its answers), and one at a time; every batch `
    + `starts in a task of its own, as after a click or a network answer. ${s.dpopRounds} rounds alternate the pages; `
    + `a sample is the mean of ${s.dpopPerSample} calls, and the table gives the median and 95th percentile of all samples. `
    + 'This package logs in with `oidcClient`, without and with `dpop: true` (one page, only the sender differs), its key loaded once from IndexedDB. '
    + 'Figure 4 times requests that complete within their digest; a DPoP proof is signed asynchronously, so all rows here are timed to the answer, '
    + 'and read higher than in figure 4.',
  '', table(['', `µs per request, ${s.dpopBatch} at once`, 'p95', 'one at a time', 'p95', 'sent as'],
    Object.entries(DPOP_ROWS).map(([key, name]) => [name, fixed(dpop[key].batch.usPerRequest.median, 1), fixed(dpop[key].batch.usPerRequest.p95, 1),
      fixed(dpop[key].single.usPerRequest.median, 1), fixed(dpop[key].single.usPerRequest.p95, 1), sent(dpop[key])])),
  '', `DPoP over bearer, within each round: +${withIqr(o.batch.dpopMinusBearer, 1)} µs per request ${s.dpopBatch} at once (${withIqr(o.batch.dpopToBearer, 2)} ×), `
    + `+${withIqr(o.single.dpopMinusBearer, 1)} µs one at a time (${withIqr(o.single.dpopToBearer, 2)} ×); of that, beyond the signature itself, `
    + `${fixed(o.batch.dpopMinusBearerMinusSignature.median, 1)} and ${fixed(o.single.dpopMinusBearerMinusSignature.median, 1)} µs. `
    + `Bearer to angular-jwt alone: ${withIqr(o.batch.bearerToJwtOnly, 2)} × and ${withIqr(o.single.bearerToJwtOnly, 2)} ×.`];
}

const percent = (share) => `${Math.round(share * 1000) / 10}%`;
const kibRange = (summary) => `${kib(summary.median)} (${kib(summary.min)}–${kib(summary.max)})`;

/** The lines of the soak figure. */
function soakFigure(s, { package: soak }) {
  return ['', `**7. Soak.** ${s.soakTabs} tabs of one browser context on one session, each calling the API every ${s.soakLoopMs} ms, `
    + `with refresh-token rotation and reuse detection, over ${s.soakExpiries.toLocaleString('en')} expiries of ${s.soakTtl} s tokens, `
    + `while the token endpoint drops ${percent(s.soakDropRate)} of the refreshes (the connection is cut before the server reads the grant, `
    + `so the refresh token is not spent) and answers ${percent(s.soakErrorRate)} with 503, the same ones in every run (seed ${s.soakSeed}). `
    + 'Only this package is soaked: the guide loses all its tabs within seconds without any fault (figure 2). An expiry is one successful '
    + 'renewal, as in figure 2 ("s per expiry" is the time between them); calls are every refresh that reached the token endpoint, '
    + 'faults included. After the count the faults stop, and a tab that cannot make an authenticated call within the longest backoff '
    + 'step (30 s) is logged out. Heap: JS heap in use after garbage collection in each tab, from a tenth of the renewals (the warm-up) '
    + 'to the end, as figure 6 takes it. Goal: 1 call per expiry plus the retries the faults force, 0 invalid_grant, 0 tabs logged out.',
  '', table(['', 'runs', 'expiries', 's per expiry', 'token-endpoint calls', 'per expiry (goal)', 'dropped / 503', 'invalid_grant',
    'tabs logged out', 'failed API calls', 'heap growth per tab', 'of which in the second half'],
  [[IMPL_NAMES.package, runsOf(soak.calls), count(soak.expiries), count(soak.secondsPerExpiry, 2), count(soak.calls),
    `${count(soak.callsPerExpiry, 3)} (${count(soak.goalPerExpiry, 3)})`, `${count(soak.dropped)} / ${count(soak.answered503)}`,
    count(soak.invalidGrants), count(soak.loggedOut), `${count(soak.failedCalls)} of ${count(soak.apiCalls)}`,
    kibRange(soak.heapGrowth), kibRange(soak.heapSecondHalf)]]),
  '', `Also counted: API calls that waited for a renewal, ${count(soak.waited)}; API 401s, ${count(soak.unauthorized)}; refreshes the tabs `
    + `started, ${count(soak.refresherCalls)} (Chromium sends a dropped one again on its own, so that the page may never see the drop).`];
}
