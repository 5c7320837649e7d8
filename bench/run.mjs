// `npm run bench`: runs the six figures (bench/lib/figures.mjs) in headless Chromium, prints the tables, and
// writes bench/results.json and bench/results.md. `--profile smoke` runs the same harness with small numbers.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runBench } from './lib/bench.mjs';
import { toMarkdown } from './lib/report.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { profile: { type: 'string', default: 'full' } } });

const results = await runBench({ profile: values.profile, log: (line) => console.error(`bench: ${line}`) });
const markdown = toMarkdown(results);
const stem = values.profile === 'full' ? 'results' : `results-${values.profile}`;
fs.writeFileSync(path.join(here, `${stem}.json`), `${JSON.stringify(results, null, 2)}\n`);
fs.writeFileSync(path.join(here, `${stem}.md`), markdown);
console.log(markdown);
