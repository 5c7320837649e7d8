// The version matrix: the unit specs in headless Chromium once per supported AngularJS version, and the
// auth0 refresher specs once per auth0-js major, as ui-router runs its suite once per AngularJS version.
// Every version is installed beside the newest as an npm alias pinned in the lockfile; karma.conf.js picks
// the files from ANGULAR, UI_ROUTER and AUTH0_JS. Karma's own output goes through (scripts/count.js counts
// it), then one line per combination: what ran, how many specs, how long.
const { spawn } = require('child_process');
const { karmaSummaries } = require('./karma-summary');

const COMBINATIONS = [
  { name: 'AngularJS 1.5.11, ui-router 1.1.2, auth0-js 9', env: { ANGULAR: '1.5' } },
  { name: 'AngularJS 1.6.10, ui-router 1.1.2, auth0-js 9', env: { ANGULAR: '1.6' } },
  { name: 'AngularJS 1.7.9, ui-router 1.1.2, auth0-js 9', env: { ANGULAR: '1.7' } },
  { name: 'AngularJS 1.8.3, ui-router 1.1.2, auth0-js 9', env: {} },
  // ui-router 0.x's guard path ($stateChangeStart), with both default hash prefixes: '' (1.5) and '!' (1.6+).
  { name: 'AngularJS 1.5.11, ui-router 0.4.3 (guard and version specs)', env: { ANGULAR: '1.5', UI_ROUTER: '0.4', SPECS: 'spec/{versions,angular/guard}.spec.ts' } },
  { name: 'AngularJS 1.8.3, ui-router 0.4.3 (guard and version specs)', env: { UI_ROUTER: '0.4', SPECS: 'spec/{versions,angular/guard}.spec.ts' } },
  { name: 'auth0-js 10 (auth0 refresher specs)', env: { AUTH0_JS: 'node_modules/auth0-js-10/dist/auth0.min.js', SPECS: 'spec/refreshers/auth0.spec.ts' } },
];

function run({ env }) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn('npx', ['karma', 'start', 'karma.conf.js', '--single-run'], {
      env: { ...process.env, BROWSERS: 'ChromeHeadlessCI', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => { process.stdout.write(chunk); output += chunk; });
    child.on('close', (status) => {
      // One browser per run: its last closing line counts (Karma may print one twice when a run ends in an error).
      const last = karmaSummaries(output).pop();
      resolve({ status, executed: last?.executed ?? 0, failed: last?.failed ?? 0, seconds: (Date.now() - started) / 1000 });
    });
  });
}

(async () => {
  const lines = [];
  let ok = true;
  for (const combination of COMBINATIONS) {
    const result = await run(combination);
    const passed = result.status === 0 && result.failed === 0 && result.executed > 0;
    ok &&= passed;
    lines.push(`${passed ? 'ok  ' : 'FAIL'} ${combination.name}: ${result.executed} specs, ${result.failed} failed, ${result.seconds.toFixed(0)} s`);
  }
  console.log('\nVersion matrix (headless Chromium):');
  for (const line of lines) console.log(`  ${line}`);
  process.exit(ok ? 0 : 1);
})();
