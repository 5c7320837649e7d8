// Reads a test log and prints the closing line CI wants: "N passed, N failed". Counts come from each
// runner's own summary: Karma's final "Executed N of M" per browser, node:test's "# pass/# fail", and
// Playwright's "N passed"/"N failed". A non-zero exit with nothing counted as failed still counts one.
const fs = require('fs');
const { karmaSummaries, stripColours } = require('./karma-summary');

const [logFile, statusArg] = process.argv.slice(2);
const log = stripColours(fs.readFileSync(logFile, 'utf8'));
let passed = 0;
let failed = 0;

// Karma's closing line per browser ends with its timing, "(0.5 secs / 0.4 secs)", and may be printed
// twice when a run ends in an error: within one run (split at "server started"), the last one counts.
for (const run of log.split(/Karma v\S+ server started/).slice(1)) {
  const browsers = new Map();
  for (const summary of karmaSummaries(run)) browsers.set(summary.browser, summary);
  for (const b of browsers.values()) { passed += b.executed - b.failed; failed += b.failed; }
}

for (const m of log.matchAll(/^# pass (\d+)$/gm)) passed += Number(m[1]);
for (const m of log.matchAll(/^# fail (\d+)$/gm)) failed += Number(m[1]);

for (const m of log.matchAll(/^\s+(\d+) passed \(/gm)) passed += Number(m[1]);
for (const m of log.matchAll(/^\s+(\d+) failed$/gm)) failed += Number(m[1]);

const status = Number(statusArg);
if (status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(status);
