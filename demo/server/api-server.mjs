// The protected API: trusts only JWT access tokens the demo's provider issued for it.
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { cors, readJson, sendJson } from './http-util.mjs';

/**
 * @param {object} o
 * @param {string} o.authUrl  issuer; its keys are at /jwks
 * @param {string} o.audience  this API's own URL, the resource indicator the provider issues tokens for
 * @param {string} o.appUrl  the only CORS origin
 * @param {ReturnType<import('./stats.mjs').createStats>} o.stats
 * @param {(line: string) => void} o.log
 */
export function createApiHandler({ authUrl, audience, appUrl, stats, log }) {
  // Created lazily by jose on first use and cached: the provider's keys only change on restart.
  const jwks = createRemoteJWKSet(new URL(`${authUrl}/jwks`));
  // A JWT access token stays valid until exp even when revoked at the provider; this set lets specs
  // simulate an API that learned of a revocation early.
  const rejected = new Set();

  const unauthorized = (res, description, error = 'invalid_token') => {
    stats.counters.apiUnauthorized += 1;
    log(`[api] 401 ${description}`);
    // RFC 6750: no error code when the request had no token at all.
    const challenge = error ? `Bearer error="${error}"` : 'Bearer';
    sendJson(res, 401, { error: error ?? 'unauthorized', error_description: description }, { 'WWW-Authenticate': challenge });
  };

  async function data(req, res) {
    const match = /^Bearer ([^\s]+)$/.exec(req.headers.authorization ?? '');
    if (!match) return unauthorized(res, 'no bearer token', undefined);
    const token = match[1];
    if (rejected.has(token)) return unauthorized(res, 'token rejected by the test endpoint');
    let payload;
    try {
      ({ payload } = await jwtVerify(token, jwks, { issuer: authUrl, audience, typ: 'at+jwt', algorithms: ['RS256'] }));
    } catch (err) {
      return unauthorized(res, err.code ?? err.message);
    }
    stats.counters.apiOk += 1;
    log(`[api] 200 for ${payload.sub}, token expires in ${payload.exp - Math.floor(Date.now() / 1000)} s`);
    return sendJson(res, 200, { sub: payload.sub, exp: payload.exp, at: Date.now() });
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
  };

  return async function apiHandler(req, res) {
    try {
      if (cors(req, res, appUrl, { expose: 'WWW-Authenticate' })) return;
      const route = routes[`${req.method} ${new URL(req.url, 'http://x').pathname}`];
      if (!route) return sendJson(res, 404, { error: 'not_found' });
      await route(req, res);
    } catch (err) {
      if (!res.headersSent) sendJson(res, 400, { error: 'bad_request', error_description: err.message });
    }
  };
}
