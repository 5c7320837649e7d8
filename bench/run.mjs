// `npm run bench`: runs the six figures (bench/lib/figures.mjs) in headless Chromium, prints the tables, and
// writes bench/results.json and bench/results.md. `--profile smoke` runs the same harness with small numbers;
// `--profile soak` runs the soak figure alone (bench/results-soak.*), `--expiries N` for a shorter soak.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runBench } from './lib/bench.mjs';
import { toMarkdown } from './lib/report.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { profile: { type: 'string', default: 'full' }, expiries: { type: 'string' } } });

const overrides = {};
if (values.expiries !== undefined) {
  const expiries = Number(values.expiries);
  if (values.profile !== 'soak' || !Number.isInteger(expiries) || expiries < 1) {
    console.error('bench: --expiries takes a whole number of at least 1, with --profile soak');
    process.exit(2);
  }
  overrides.soakExpiries = expiries;
}

const results = await runBench({ profile: values.profile, overrides, log: (line) => console.error(`bench: ${line}`) });
const markdown = toMarkdown(results);
const stem = values.profile === 'full' ? 'results' : `results-${values.profile}`;
fs.writeFileSync(path.join(here, `${stem}.json`), `${JSON.stringify(results, null, 2)}\n`);
fs.writeFileSync(path.join(here, `${stem}.md`), markdown);
console.log(markdown);
