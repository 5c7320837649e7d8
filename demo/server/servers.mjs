// Starts the demo's four origins on 127.0.0.1: the app, the authorization server, the API, a third party.
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApiHandler } from './api-server.mjs';
import { createAppHandler } from './app-server.mjs';
import { CLIENT_ID, createAuthServer } from './auth-server.mjs';
import { closeServer, listen } from './http-util.mjs';
import { createStats } from './stats.mjs';
import { createThirdPartyHandler } from './third-party-server.mjs';

const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist');

/** The routers the demo app is built on (demo/webpack.config.js), each into demo/dist/<router>. */
export const ROUTERS = ['ngRoute', 'ui-router', 'ui-router-0.4'];

/**
 * How the demo app logs in (DEMO_LOGIN): the package's own `angular-auth-tokens/oidc` login, or the guide's
 * auth0-js path. Every build holds both; the app reads the choice from /config.js.
 */
export const LOGINS = ['oidc', 'auth0-js'];

/**
 * @param {object} [opts]
 * @param {number} [opts.appPort=0]  0 picks a free port, as do the other ports
 * @param {number} [opts.authPort=0]
 * @param {number} [opts.apiPort=0]
 * @param {number} [opts.thirdPartyPort=0]
 * @param {number} [opts.accessTokenTtl=30]  seconds
 * @param {number} [opts.refreshTokenTtl=1209600]  seconds (14 days), from login
 * @param {string} [opts.router='ngRoute']  one of ROUTERS: which build of the demo app to serve
 * @param {string} [opts.login='oidc']  one of LOGINS: how the app logs in
 * @param {string} [opts.appRoot]  built demo app, default demo/dist/<router>
 * @param {boolean} [opts.quiet=false]  no log lines (the provider's own start-up notices still print)
 * @param {{ dropRate?: number, errorRate?: number, seed?: number }} [opts.faults]  for the bench's soak: shares
 *   of refresh_token grants dropped (connection cut) or answered 503 before the provider reads them, chosen by
 *   a generator seeded with `seed` (default 1), counted in /test/stats. Off without it.
 * @returns {Promise<{ appUrl: string, authUrl: string, apiUrl: string, thirdPartyUrl: string,
 *   clientId: string, faults?: { set(rates: { dropRate?: number, errorRate?: number }): void },
 *   close(): Promise<void> }>}  `faults` only when started with faults
 */
export async function startServers(opts = {}) {
  const {
    appPort = 0, authPort = 0, apiPort = 0, thirdPartyPort = 0,
    accessTokenTtl = 30, refreshTokenTtl = 14 * 24 * 60 * 60,
    router = 'ngRoute', appRoot = path.join(DIST, router), login = 'oidc', quiet = false, faults,
  } = opts;
  if (!ROUTERS.includes(router)) throw new RangeError(`router must be one of ${ROUTERS.join(', ')}, got ${JSON.stringify(router)}`);
  if (!LOGINS.includes(login)) throw new RangeError(`login must be one of ${LOGINS.join(', ')}, got ${JSON.stringify(login)}`);
  const log = quiet ? () => {} : (line) => console.log(line);

  // Listen first, configure second: with port 0 nobody knows the app's origin before it is bound, and the
  // provider needs it for CORS, redirect URIs and the post-logout URI.
  const servers = { app: http.createServer(), auth: http.createServer(), api: http.createServer(), thirdParty: http.createServer() };
  const close = () => Promise.all(Object.values(servers).map(closeServer)).then(() => {});
  let ports;
  try {
    ports = await Promise.all([
      listen(servers.app, appPort), listen(servers.auth, authPort),
      listen(servers.api, apiPort), listen(servers.thirdParty, thirdPartyPort),
    ]);
  } catch (err) {
    await close();
    throw err;
  }
  const [appUrl, authUrl, apiUrl, thirdPartyUrl] = ports.map((port) => `http://127.0.0.1:${port}`);

  let auth;
  try {
    const stats = createStats();
    auth = await createAuthServer({
      issuer: authUrl, appUrl, apiAudience: apiUrl, accessTokenTtl, refreshTokenTtl, stats, log, faults,
    });
    attach(servers.auth, auth.handler, log);
    attach(servers.api, createApiHandler({ authUrl, audience: apiUrl, appUrl, stats, log }), log);
    attach(servers.thirdParty, createThirdPartyHandler({ appUrl }), log);
    attach(servers.app, createAppHandler({
      appRoot, config: { authUrl, apiUrl, thirdPartyUrl, clientId: CLIENT_ID, login },
    }), log);
  } catch (err) {
    await close();
    throw err;
  }

  let closing;
  return {
    appUrl, authUrl, apiUrl, thirdPartyUrl, clientId: CLIENT_ID,
    ...(auth.faults && { faults: auth.faults }),
    close: () => (closing ??= close()),
  };
}

/** One failing request must answer 500, not bring the demo down with an unhandled rejection. */
function attach(server, handler, log) {
  server.on('request', async (req, res) => {
    try {
      await handler(req, res);
    } catch (err) {
      log(`[server] ${req.method} ${req.url?.split('?')[0]}: ${err.message}`);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Internal Server Error\n');
    }
  });
}
