// Reads a test log and prints the closing line CI wants: "N passed, N failed". Counts come from each
// runner's own summary: Karma's final "Executed N of M" per browser, node:test's "# pass/# fail", and
// Playwright's "N passed"/"N failed". A non-zero exit with nothing counted as failed still counts one.
const fs = require('fs');
const [logFile, statusArg] = process.argv.slice(2);
// eslint-disable-next-line no-control-regex
const log = fs.readFileSync(logFile, 'utf8').replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
let passed = 0;
let failed = 0;

// Karma's closing line per browser and run ends with its timing: "(0.5 secs / 0.4 secs)".
for (const m of log.matchAll(/^.+?\): Executed (\d+) of \d+(?: \((\d+) FAILED\))?.*\(\S+ secs \/ \S+ secs\)$/gm)) {
  passed += Number(m[1]) - Number(m[2] || 0);
  failed += Number(m[2] || 0);
}

for (const m of log.matchAll(/^# pass (\d+)$/gm)) passed += Number(m[1]);
for (const m of log.matchAll(/^# fail (\d+)$/gm)) failed += Number(m[1]);

for (const m of log.matchAll(/^\s+(\d+) passed \(/gm)) passed += Number(m[1]);
for (const m of log.matchAll(/^\s+(\d+) failed$/gm)) failed += Number(m[1]);

const status = Number(statusArg);
if (status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(status);
