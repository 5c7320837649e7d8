// Karma's closing line per browser, shared by scripts/count.js and scripts/matrix.js:
// "<browser>: Executed N of M (K FAILED) ... (x secs / y secs)", once colours are taken out.
// eslint-disable-next-line no-control-regex
const stripColours = (text) => text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
const SUMMARY = /^(.+?\)): Executed (\d+) of \d+(?: \((\d+) FAILED\))?.*\(\S+ secs \/ \S+ secs\)$/gm;

/** Every closing line in `text`, in order: the browser, how many specs ran, how many failed. */
function karmaSummaries(text) {
  return [...stripColours(text).matchAll(SUMMARY)].map((m) => ({ browser: m[1], executed: Number(m[2]), failed: Number(m[3] || 0) }));
}

module.exports = { stripColours, karmaSummaries };
