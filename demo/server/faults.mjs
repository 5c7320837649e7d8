// Faults at the token endpoint, for the bench's soak figure; off unless startServers is given `faults`.
// Only refresh_token grants meet them, and always before the provider reads the grant, so that the refresh
// token is not spent: the page may retry it. A lost *answer* (the provider spent the token, the page never
// heard) is not injected: with rotation and reuse detection it ends the session by the server's own rule.
import http from 'node:http';
import { cors, readBody, sendJson } from './http-util.mjs';

/**
 * mulberry32: a small seeded generator. The n-th refresh of every run with the same seed meets the same
 * fate, so that runs are comparable (which refresh is n-th still depends on the page's timing).
 */
function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function checkRates({ dropRate = 0, errorRate = 0 }) {
  const rate = (value) => typeof value === 'number' && value >= 0 && value <= 1;
  if (!rate(dropRate) || !rate(errorRate) || dropRate + errorRate > 1) {
    throw new RangeError('faults: dropRate and errorRate must be shares between 0 and 1, and add up to 1 at most');
  }
  return { dropRate, errorRate };
}

/**
 * The request again, body included, for a handler that reads it itself: the original's body has been read
 * to decide its fate. Headers, method, URL and socket are the original's.
 */
function replayOf(req, body) {
  const replay = new http.IncomingMessage(req.socket);
  Object.assign(replay, {
    method: req.method,
    url: req.url,
    headers: req.headers,
    rawHeaders: req.rawHeaders,
    httpVersion: req.httpVersion,
    httpVersionMajor: req.httpVersionMajor,
    httpVersionMinor: req.httpVersionMinor,
    // Else, once read, the replay counts as aborted, and destroying it would cut the original's connection.
    complete: true,
  });
  replay.push(body);
  replay.push(null);
  return replay;
}

/**
 * Wraps the authorization server's handler. Of the refresh_token grants POSTed to `tokenPath`, a share
 * `dropRate` has its connection cut with no answer, and a share `errorRate` is answered 503, both counted
 * in `stats`; everything else goes to the provider untouched.
 * @param {(req: http.IncomingMessage, res: http.ServerResponse) => unknown} handler
 * @param {object} o
 * @param {string} o.tokenPath
 * @param {string} o.appUrl  the CORS origin, so that the page can read the 503
 * @param {{ dropRate?: number, errorRate?: number, seed?: number }} o.faults
 * @param {ReturnType<import('./stats.mjs').createStats>} o.stats
 * @param {(line: string) => void} o.log
 * @returns {{ handler: typeof handler, set(rates: { dropRate?: number, errorRate?: number }): void }}
 */
export function withTokenEndpointFaults(handler, { tokenPath, appUrl, faults, stats, log }) {
  let rates = checkRates(faults);
  const draw = seeded(faults.seed ?? 1);

  async function faulty(req, res) {
    if (req.method !== 'POST' || new URL(req.url, 'http://x').pathname !== tokenPath) return handler(req, res);
    const body = await readBody(req);
    if (new URLSearchParams(body.toString('utf8')).get('grant_type') === 'refresh_token') {
      // One draw per refresh, whatever the rates: changing them keeps the sequence of draws.
      const fate = draw();
      if (fate < rates.dropRate) {
        stats.counters.droppedRefreshes += 1;
        log('[auth] fault: refresh_token grant dropped before the provider read it');
        req.socket.destroy();
        return undefined;
      }
      if (fate < rates.dropRate + rates.errorRate) {
        stats.counters.answered503 += 1;
        log('[auth] fault: refresh_token grant answered 503 before the provider read it');
        cors(req, res, appUrl);
        return sendJson(res, 503, { error: 'temporarily_unavailable', error_description: 'fault injected by the demo' });
      }
    }
    return handler(replayOf(req, body), res);
  }

  return {
    handler: faulty,
    /** New rates from now on (the bench turns faults off before it checks who is still logged in). */
    set(next) {
      rates = checkRates(next);
    },
  };
}
