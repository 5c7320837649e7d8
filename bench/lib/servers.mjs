// One "lane" is one set of the demo's servers (app, authorization server, API), with its own counters, so
// that implementations measured at the same time never share a token endpoint's count.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loginWithPassword } from '../../demo/server/login-flow.mjs';
import { startServers } from '../../demo/server/servers.mjs';

export const BUILD_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../.build');

/**
 * @param {{ accessTokenTtl: number, faults?: { dropRate?: number, errorRate?: number, seed?: number } }} o
 *   seconds; `faults` at the token endpoint (demo/server/faults.mjs), then `lane.faults.set(rates)` changes them
 */
export async function startLane({ accessTokenTtl, faults }) {
  const servers = await startServers({ appRoot: BUILD_DIR, accessTokenTtl, quiet: true, faults });
  const post = (route) => fetch(`${servers.apiUrl}${route}`, { method: 'POST' }).then((r) => r.json());
  return {
    ...servers,
    accessTokenTtl,
    /** What the token endpoint and the API counted since the last reset. */
    stats: () => fetch(`${servers.apiUrl}/test/stats`).then((r) => r.json()),
    reset: () => post('/test/reset'),
    /** A fresh login (its own grant), with when it was received on this machine's clock. */
    async login(user = 'ada') {
      const response = await loginWithPassword({ authUrl: servers.authUrl, appUrl: servers.appUrl, clientId: servers.clientId, login: user });
      return { response, receivedAt: Date.now() };
    },
  };
}

/** The storage an app that followed the guide (or this package) holds after a login, JSON-encoded. */
export function storageFor({ response, receivedAt }) {
  return {
    token: JSON.stringify(response.access_token),
    refreshToken: JSON.stringify(response.refresh_token),
    idToken: JSON.stringify(response.id_token),
    expiresAt: JSON.stringify(receivedAt + response.expires_in * 1000),
  };
}

/**
 * When a token has expired for every reader: angular-jwt reads the JWT's `exp` (whole seconds of the server's
 * clock), this package the `expiresAt` stored at receipt (this machine's clock), which can be up to a second
 * later. A figure about expired tokens waits for both.
 */
export function expiredAt(token, expiresAt = 0) {
  const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
  return Math.max(payload.exp * 1000, expiresAt);
}

/** expiredAt for a login's tokens, as storageFor stores them. */
export const sessionExpiredAt = ({ response, receivedAt }) => expiredAt(response.access_token, receivedAt + response.expires_in * 1000);

/** A JWT nobody verifies (the cost and memory figures mock the API), valid for a day. */
export function syntheticSession() {
  const now = Date.now();
  const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const token = `${part({ alg: 'RS256', typ: 'at+jwt' })}.${part({ sub: 'bench', iat: Math.floor(now / 1000), exp: Math.floor(now / 1000) + 86400 })}.c2ln`;
  return {
    token: JSON.stringify(token),
    refreshToken: JSON.stringify('bench-refresh-token'),
    expiresAt: JSON.stringify(now + 86400 * 1000),
  };
}

export const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, Math.max(0, ms)); });
