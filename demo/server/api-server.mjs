// The protected API: trusts only JWT access tokens the demo's provider issued for it. A token bound to a key
// (`cnf.jkt`) is accepted only as `Authorization: DPoP <token>` with a valid DPoP proof of that key
// (RFC 9449 section 7); an unbound one only as `Authorization: Bearer <token>` (RFC 6750).
import { createHash, randomBytes } from 'node:crypto';
import { EmbeddedJWK, calculateJwkThumbprint, createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { cors, readJson, sendJson } from './http-util.mjs';

/** A proof's `iat` may be this many seconds before or after the API's clock. */
export const DPOP_IAT_WINDOW_S = 60;
/** The API makes a new nonce this often, and accepts the current one and the one before it. */
export const DPOP_NONCE_ROTATION_S = 60;
/** At most this many proofs' `jti` are remembered; a proof that would need one more is refused (503). */
export const DPOP_REPLAY_CACHE_SIZE = 100_000;
/** The only proof algorithm, what the package's browser side signs with. */
const DPOP_ALGS = ['ES256'];

const COMPACT_JWS = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/**
 * The API's own DPoP nonces (RFC 9449 section 9): random values, a new one every `rotation` seconds; the
 * current one and its predecessor are accepted, so a nonce handed out just before a rotation still works
 * for one more period. `rotate()` is the test endpoint's way to make every client's nonce one step older.
 */
function createNonces(rotation, now) {
  const fresh = () => randomBytes(24).toString('base64url');
  let current = fresh();
  let previous;
  let rotatedAt = now();
  const rotate = () => {
    previous = current;
    current = fresh();
    rotatedAt = now();
  };
  const catchUp = () => {
    const elapsed = now() - rotatedAt;
    if (elapsed >= 2 * rotation * 1000) {
      // Idle for two periods or more: both the nonces it knew are too old.
      rotate();
      previous = undefined;
    } else if (elapsed >= rotation * 1000) {
      rotate();
    }
  };
  return {
    current() {
      catchUp();
      return current;
    },
    accepts(nonce) {
      catchUp();
      return typeof nonce === 'string' && (nonce === current || (previous !== undefined && nonce === previous));
    },
    rotate,
  };
}

/**
 * The `jti` of every accepted proof, kept until the proof's `iat` window has closed (after that its `iat`
 * check refuses it anyway), keyed with the key's thumbprint so that one key cannot spend another's `jti`.
 * Bounded in time (entries expire) and in size (`limit`; when full of live entries, `add` says so).
 */
function createReplayCache(limit, now) {
  const seen = new Map();
  const sweep = () => {
    const t = now();
    for (const [key, expires] of seen) if (expires <= t) seen.delete(key);
  };
  return {
    /** 'added', 'replayed', or 'full' */
    add(key, expires) {
      const known = seen.get(key);
      if (known !== undefined && known > now()) return 'replayed';
      if (seen.size >= limit) sweep();
      if (seen.size >= limit) return 'full';
      seen.set(key, expires);
      return 'added';
    },
    get size() {
      return seen.size;
    },
  };
}

/** A refusal that the handler turns into a 401 (or, for a full replay cache, a 503). */
class Refusal extends Error {
  constructor(scheme, error, description, { status = 401, nonce } = {}) {
    super(description);
    Object.assign(this, { scheme, error, status, nonce });
  }
}

/**
 * @param {object} o
 * @param {string} o.authUrl  issuer; its keys are at /jwks
 * @param {string} o.audience  this API's own URL, the resource indicator the provider issues tokens for;
 *   also the origin that a proof's `htu` must name
 * @param {string} o.appUrl  the only CORS origin
 * @param {ReturnType<import('./stats.mjs').createStats>} o.stats
 * @param {(line: string) => void} o.log
 * @param {() => number} [o.now]  the clock, in milliseconds
 */
export function createApiHandler({ authUrl, audience, appUrl, stats, log, now = Date.now }) {
  // Created lazily by jose on first use and cached: the provider's keys only change on restart.
  const jwks = createRemoteJWKSet(new URL(`${authUrl}/jwks`));
  // A JWT access token stays valid until exp even when revoked at the provider; this set lets specs
  // simulate an API that learned of a revocation early.
  const rejected = new Set();
  const nonces = createNonces(DPOP_NONCE_ROTATION_S, now);
  const replays = createReplayCache(DPOP_REPLAY_CACHE_SIZE, now);
  const origin = new URL(audience).origin;

  const challenge = (scheme, error, description) => {
    const params = [
      ...(error ? [`error="${error}"`, `error_description="${description.replace(/["\\]/g, '')}"`] : []),
      ...(scheme === 'DPoP' ? [`algs="${DPOP_ALGS.join(' ')}"`] : []),
    ];
    return params.length ? `${scheme} ${params.join(', ')}` : scheme;
  };

  function refuse(res, { scheme, error, message: description, status, nonce }) {
    const headers = {};
    if (nonce) {
      stats.counters.apiNonceChallenges += 1;
      headers['DPoP-Nonce'] = nonce;
    } else if (status === 401) {
      stats.counters.apiUnauthorized += 1;
    }
    log(`[api] ${status} ${error ?? 'no token'}: ${description}`);
    if (status === 503) {
      return sendJson(res, 503, { error: 'temporarily_unavailable', error_description: description }, { 'Retry-After': '1' });
    }
    if (scheme === 'Bearer' && !error) {
      // RFC 6750: no error code when the request had no token at all. Both schemes are offered (RFC 9449
      // section 7.1), Bearer first, as before.
      headers['WWW-Authenticate'] = `Bearer, ${challenge('DPoP')}`;
    } else {
      headers['WWW-Authenticate'] = scheme === 'Bearer' ? `Bearer error="${error}"` : challenge(scheme, error, description);
    }
    return sendJson(res, status, { error: error ?? 'unauthorized', error_description: description }, headers);
  }

  async function verifyAccessToken(token, scheme) {
    if (rejected.has(token)) throw new Refusal(scheme, 'invalid_token', 'token rejected by the test endpoint');
    try {
      const { payload } = await jwtVerify(token, jwks, { issuer: authUrl, audience, typ: 'at+jwt', algorithms: ['RS256'] });
      return payload;
    } catch (err) {
      throw new Refusal(scheme, 'invalid_token', err.code ?? err.message);
    }
  }

  /**
   * RFC 9449 section 4.3 and 7.1, for a token already verified. Every check but the nonce and the replay
   * comes first, so that a use_dpop_nonce answer means "this proof was right but for its nonce": one retry
   * with a fresh proof then succeeds. Returns the nonce to hand out with the answer, if the proof's is not
   * the current one.
   */
  async function verifyProof(req, proof, token, payload) {
    const invalid = (description) => new Refusal('DPoP', 'invalid_dpop_proof', description);
    const jkt = payload.cnf?.jkt;
    if (typeof jkt !== 'string' || !jkt) throw new Refusal('DPoP', 'invalid_token', 'the access token is not bound to a key (no cnf.jkt)');
    if (typeof proof !== 'string' || !proof) throw invalid('no DPoP proof');
    // Node joins repeated headers with ", ": a compact JWS has no comma, so this also refuses two proofs.
    if (!COMPACT_JWS.test(proof)) throw invalid('the DPoP header is not one compact JWT');

    let claims;
    let header;
    try {
      ({ payload: claims, protectedHeader: header } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: DPOP_ALGS }));
    } catch (err) {
      let alg;
      try {
        ({ alg } = decodeProtectedHeader(proof));
      } catch {
        // reported below as it is
      }
      throw invalid(`${err.code ?? 'ERR_JWT_INVALID'}${alg && !DPOP_ALGS.includes(alg) ? ` (alg ${alg})` : ''}: ${err.message}`);
    }
    if (await calculateJwkThumbprint(header.jwk) !== jkt) throw invalid('the proof is signed by another key than the token is bound to');
    if (typeof claims.jti !== 'string' || !claims.jti || claims.jti.length > 256) throw invalid('jti missing or not a string');
    if (typeof claims.iat !== 'number' || !Number.isFinite(claims.iat)) throw invalid('iat missing or not a number');
    const nowS = now() / 1000;
    if (Math.abs(nowS - claims.iat) > DPOP_IAT_WINDOW_S) throw invalid(`iat is more than ${DPOP_IAT_WINDOW_S} s from the server's clock`);
    if (claims.htm !== req.method) throw invalid(`htm ${JSON.stringify(claims.htm)} is not the request's method ${req.method}`);
    // This API's own origin and the path that was routed, whatever the Host header or request line said.
    const expectedHtu = new URL(`${origin}${new URL(req.url, 'http://x').pathname}`);
    let htu;
    try {
      htu = typeof claims.htu === 'string' ? new URL(claims.htu) : undefined;
    } catch {
      // a URL that does not parse is simply wrong
    }
    if (htu) {
      htu.search = '';
      htu.hash = '';
    }
    if (htu?.href !== expectedHtu.href) throw invalid(`htu ${JSON.stringify(claims.htu)} is not the request's URL ${expectedHtu.href}`);
    const ath = createHash('sha256').update(token).digest('base64url');
    if (claims.ath !== ath) throw invalid('ath is not the hash of the access token');

    if (claims.nonce === undefined) {
      throw new Refusal('DPoP', 'use_dpop_nonce', 'the API requires a DPoP nonce in the proof', { nonce: nonces.current() });
    }
    if (!nonces.accepts(claims.nonce)) {
      throw new Refusal('DPoP', 'use_dpop_nonce', 'the DPoP nonce is not one the API handed out lately', { nonce: nonces.current() });
    }

    // Until the iat window has closed: later, the iat check refuses the proof by itself.
    const verdict = replays.add(`${jkt} ${claims.jti}`, (claims.iat + DPOP_IAT_WINDOW_S + 1) * 1000);
    if (verdict === 'replayed') throw invalid('the proof was used before (jti replayed)');
    if (verdict === 'full') throw new Refusal('DPoP', 'temporarily_unavailable', 'too many DPoP proofs to remember; try again', { status: 503 });
    const current = nonces.current();
    return claims.nonce === current ? undefined : current;
  }

  async function data(req, res) {
    const match = /^(Bearer|DPoP) ([^\s]+)$/i.exec(req.headers.authorization ?? '');
    if (!match) return refuse(res, new Refusal('Bearer', undefined, 'no bearer or DPoP token'));
    const scheme = match[1].toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer';
    const token = match[2];
    let payload;
    let nonce;
    try {
      payload = await verifyAccessToken(token, scheme);
      if (scheme === 'DPoP') {
        nonce = await verifyProof(req, req.headers.dpop, token, payload);
      } else if (payload.cnf !== undefined) {
        // RFC 9449 section 7.2: a bound token sent as a bearer token is what a thief would send.
        throw new Refusal('DPoP', 'invalid_token', 'a DPoP-bound token must be sent with the DPoP scheme and a proof');
      }
    } catch (err) {
      if (err instanceof Refusal) return refuse(res, err);
      throw err;
    }
    stats.counters.apiOk += 1;
    if (scheme === 'DPoP') stats.counters.apiDpopOk += 1;
    log(`[api] 200 for ${payload.sub} (${scheme}), token expires in ${payload.exp - Math.floor(now() / 1000)} s`);
    return sendJson(res, 200, { sub: payload.sub, exp: payload.exp, at: now() }, nonce ? { 'DPoP-Nonce': nonce } : {});
  }

  const routes = {
    'GET /api/data': data,
    'GET /test/stats': (_req, res) => sendJson(res, 200, stats.snapshot()),
    'POST /test/reset': (_req, res) => {
      stats.reset();
      sendJson(res, 200, stats.snapshot());
    },
    'POST /test/reject': async (req, res) => {
      const { token } = await readJson(req);
      if (typeof token !== 'string' || !token) return sendJson(res, 400, { error: 'token (string) required' });
      rejected.add(token);
      return sendJson(res, 200, { rejected: rejected.size });
    },
    // A new DPoP nonce now, as if a rotation period had passed: the nonce before it is still accepted, the
    // one before that no longer. Lets specs meet a stale nonce without waiting.
    'POST /test/rotate-nonce': (_req, res) => {
      nonces.rotate();
      sendJson(res, 200, { rotated: true });
    },
  };

  return async function apiHandler(req, res) {
    try {
      if (cors(req, res, appUrl, { headers: 'Authorization, Content-Type, DPoP', expose: 'WWW-Authenticate, DPoP-Nonce' })) return;
      const route = routes[`${req.method} ${new URL(req.url, 'http://x').pathname}`];
      if (!route) return sendJson(res, 404, { error: 'not_found' });
      await route(req, res);
    } catch (err) {
      if (!res.headersSent) sendJson(res, 400, { error: 'bad_request', error_description: err.message });
    }
  };
}
