// Reads a test log and prints the closing line CI wants: "N passed, N failed". Counts come from each
// runner's own summary: Karma's final "Executed N of M" per browser, node:test's "# pass/# fail", and
// Playwright's "N passed"/"N failed". A non-zero exit with nothing counted as failed still counts one.
const fs = require('fs');
const [logFile, statusArg] = process.argv.slice(2);
// eslint-disable-next-line no-control-regex
const log = fs.readFileSync(logFile, 'utf8').replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
let passed = 0;
let failed = 0;

// Karma's closing line per browser ends with its timing, "(0.5 secs / 0.4 secs)", and may be printed
// twice when a run ends in an error: within one run (split at "server started"), the last one counts.
for (const run of log.split(/Karma v\S+ server started/).slice(1)) {
  const browsers = new Map();
  for (const m of run.matchAll(/^(.+?\)): Executed (\d+) of \d+(?: \((\d+) FAILED\))?.*\(\S+ secs \/ \S+ secs\)$/gm)) {
    browsers.set(m[1], { executed: Number(m[2]), failed: Number(m[3] || 0) });
  }
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
