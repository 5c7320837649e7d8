// Sender-constrained tokens (DPoP, RFC 9449) at the demo's provider and API, in Node:
// run with `node --test demo/server/dpop.test.mjs` (or `npm run test:servers`).
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import { DPOP_IAT_WINDOW_S } from './api-server.mjs';
import { DpopClient, accessTokenHash, isNonceChallenge } from './dpop-client.mjs';
import { loginWithPassword } from './login-flow.mjs';
import { startServers } from './servers.mjs';

let servers;
let appRoot;

before(async () => {
  appRoot = await mkdtemp(path.join(tmpdir(), 'demo-app-'));
  await writeFile(path.join(appRoot, 'index.html'), '<!doctype html><title>demo placeholder</title>');
  servers = await startServers({ accessTokenTtl: 30, appRoot, quiet: true });
});

after(async () => {
  await servers?.close();
  await rm(appRoot, { recursive: true, force: true });
});

const login = (name, extra = {}) => loginWithPassword({ authUrl: servers.authUrl, appUrl: servers.appUrl, clientId: servers.clientId, login: name, ...extra });
const stats = async () => (await fetch(`${servers.apiUrl}/test/stats`)).json();
const dataUrl = () => `${servers.apiUrl}/api/data`;
const tokenUrl = () => `${servers.authUrl}/oauth/token`;

/** A DPoP login: the client and the token endpoint's answer. */
async function dpopLogin(name = 'ada') {
  const dpop = await DpopClient.create();
  const tokens = await login(name, { dpop });
  return { dpop, tokens };
}

/** A refresh_token grant without DPoP, or with a proof made by the caller, exactly as given. */
async function refreshWith(refreshToken, headers = {}) {
  const response = await fetch(tokenUrl(), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: servers.appUrl, ...headers },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: servers.clientId }),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

const refreshBy = (dpop, refreshToken, extra = {}) => dpop.refresh({
  authUrl: servers.authUrl, appUrl: servers.appUrl, clientId: servers.clientId, refreshToken, ...extra,
});

/** GET /api/data with this Authorization and DPoP header, nothing else. */
const callApi = (authorization, proof, url = dataUrl()) => fetch(url, {
  headers: { ...(authorization && { Authorization: authorization }), ...(proof && { DPoP: proof }) },
});

/** The API's current nonce, learned as a client learns it (a challenge). */
async function apiNonce(dpop, accessToken) {
  const origin = servers.apiUrl;
  if (!dpop.nonces.has(origin)) {
    const answer = await dpop.fetch(dataUrl(), { accessToken, retryOnNonce: false });
    assert.ok(dpop.nonces.has(origin), `the API sent a nonce (HTTP ${answer.status})`);
  }
  return dpop.nonces.get(origin);
}

/** A proof for GET /api/data with `accessToken`, the API's nonce, and `claims` changed. */
async function apiProof(dpop, accessToken, claims = {}, header = {}) {
  return dpop.proof({ method: 'GET', url: dataUrl(), accessToken, nonce: await apiNonce(dpop, accessToken), claims, header });
}

async function assertRefused(response, error, describe) {
  assert.equal(response.status, 401, describe);
  const challenge = response.headers.get('www-authenticate');
  assert.match(challenge, new RegExp(`^DPoP error="${error}"`), `${describe}: ${challenge}`);
  assert.match(challenge, /algs="ES256"/, describe);
  assert.equal((await response.json()).error, error, describe);
}

describe('DPoP at the provider', () => {
  test('the discovery document offers DPoP with ES256', async () => {
    const discovery = await (await fetch(`${servers.authUrl}/.well-known/openid-configuration`)).json();
    assert.ok(discovery.dpop_signing_alg_values_supported.includes('ES256'));
  });

  test('a DPoP login yields token_type DPoP and tokens bound to the key (cnf.jkt), after one nonce retry', async () => {
    const before = await stats();
    const { dpop, tokens } = await dpopLogin();
    assert.equal(tokens.token_type, 'DPoP');
    assert.ok(tokens.refresh_token);
    const claims = decodeJwt(tokens.access_token);
    assert.deepEqual(claims.cnf, { jkt: dpop.thumbprint });
    assert.equal(claims.aud, servers.apiUrl);
    assert.equal(decodeJwt(tokens.id_token).cnf, undefined, 'the ID token is not bound');
    assert.deepEqual(dpop.counts, { requests: 2, nonceRetries: 1 }, 'the provider always asks for a nonce first');
    const after = await stats();
    assert.equal(after.tokenNonceChallenges - before.tokenNonceChallenges, 1);
    assert.equal(after.refreshes - before.refreshes, 0, 'a code exchange is no refresh');
  });

  test('the code exchange names the key of dpop_jkt: no proof, or another key\'s proof, is invalid_grant', async () => {
    const owner = await DpopClient.create();
    const other = await DpopClient.create();
    // oidc-provider says only "grant request is invalid" to the client; the reason ("DPoP proof key
    // thumbprint does not match dpop_jkt", "missing DPoP proof JWT") goes to its grant.error event.
    await assert.rejects(login('ada', { dpop: other, dpopJkt: owner.thumbprint }), /token endpoint 400: invalid_grant: grant request is invalid/);
    // dpop_jkt sent, then a code exchange without any DPoP header.
    const noProof = { thumbprint: owner.thumbprint, fetch: (url, init) => fetch(url, init) };
    await assert.rejects(login('ada', { dpop: noProof }), /token endpoint 400: invalid_grant: grant request is invalid/);
    assert.equal((await login('ada', { dpop: owner })).token_type, 'DPoP', 'the right key gets through');
  });

  test('without dpop_jkt, a proof at the code exchange still binds the tokens', async () => {
    const dpop = await DpopClient.create();
    const tokens = await login('ada', { dpop, dpopJkt: false });
    assert.equal(tokens.token_type, 'DPoP');
    assert.equal(decodeJwt(tokens.access_token).cnf.jkt, dpop.thumbprint);
  });

  test('the token endpoint allows the DPoP header and exposes DPoP-Nonce, on challenges and answers alike', async () => {
    const preflight = await fetch(tokenUrl(), {
      method: 'OPTIONS',
      headers: { Origin: servers.appUrl, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,dpop' },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), servers.appUrl);
    assert.match(preflight.headers.get('access-control-allow-headers'), /(^|,)\s*dpop\s*(,|$)/i);

    const { dpop, tokens } = await dpopLogin();
    dpop.nonces.clear();
    const challenged = await refreshBy(dpop, tokens.refresh_token, { retryOnNonce: false });
    assert.equal(challenged.status, 400);
    assert.equal(challenged.body.error, 'use_dpop_nonce');
    assert.ok(challenged.headers.get('dpop-nonce'));
    assert.equal(challenged.headers.get('access-control-allow-origin'), servers.appUrl);
    assert.match(challenged.headers.get('access-control-expose-headers'), /DPoP-Nonce/);
    const answered = await refreshBy(dpop, tokens.refresh_token);
    assert.equal(answered.status, 200);
    assert.match(answered.headers.get('access-control-expose-headers'), /DPoP-Nonce/);
  });

  test('a use_dpop_nonce answer does not spend the refresh token: the retry with the same one succeeds', async () => {
    const { dpop, tokens } = await dpopLogin();
    const before = await stats();
    dpop.nonces.clear();
    const challenged = await refreshBy(dpop, tokens.refresh_token, { retryOnNonce: false });
    assert.equal(challenged.body.error, 'use_dpop_nonce');
    const stale = await dpop.proof({ method: 'POST', url: tokenUrl(), nonce: 'not-a-nonce-of-the-provider' });
    assert.equal((await refreshWith(tokens.refresh_token, { DPoP: stale })).body.error, 'use_dpop_nonce', 'a wrong nonce too');
    const retried = await refreshBy(dpop, tokens.refresh_token, { retryOnNonce: false });
    assert.equal(retried.status, 200, 'the same refresh token, now with the nonce');
    assert.notEqual(retried.body.refresh_token, tokens.refresh_token);
    const after = await stats();
    assert.equal(after.tokenNonceChallenges - before.tokenNonceChallenges, 2);
    assert.equal(after.refreshes - before.refreshes, 1, 'challenges are not counted as refreshes');
    assert.equal(after.invalidGrants - before.invalidGrants, 0);
  });

  test('a refresh with another key\'s proof, or none, is invalid_grant and spends nothing; the key\'s own refresh rotates and stays bound', async () => {
    const { dpop, tokens } = await dpopLogin();
    const thief = await DpopClient.create();
    const stolen = await refreshBy(thief, tokens.refresh_token);
    assert.equal(stolen.status, 400);
    assert.equal(stolen.body.error, 'invalid_grant');
    assert.match(stolen.body.error_description, /grant request is invalid/);
    assert.equal(thief.counts.nonceRetries, 1, 'the thief got past the nonce, and was refused for the key');
    const bare = await refreshWith(tokens.refresh_token);
    assert.equal(bare.status, 400);
    assert.equal(bare.body.error, 'invalid_grant', 'no proof at all');

    const own = await refreshBy(dpop, tokens.refresh_token);
    assert.equal(own.status, 200, 'the thief\'s attempts neither spent the token nor revoked the grant');
    assert.equal(own.body.token_type, 'DPoP');
    assert.notEqual(own.body.refresh_token, tokens.refresh_token, 'rotated');
    assert.equal(decodeJwt(own.body.access_token).cnf.jkt, dpop.thumbprint);
    assert.equal((await refreshBy(thief, own.body.refresh_token)).body.error, 'invalid_grant', 'the rotated token is bound too');

    // Reuse detection still holds with DPoP: the spent token, even with the right key, revokes the grant.
    const reuse = await refreshBy(dpop, tokens.refresh_token);
    assert.equal(reuse.body.error, 'invalid_grant');
    assert.equal((await refreshBy(dpop, own.body.refresh_token)).body.error, 'invalid_grant', 'the newest token went with the grant');
  });

  test('the token endpoint refuses a replayed proof', async () => {
    const { dpop, tokens } = await dpopLogin();
    const proof = await dpop.proof({ method: 'POST', url: tokenUrl() });
    const first = await refreshWith(tokens.refresh_token, { DPoP: proof });
    assert.equal(first.status, 200);
    const replayed = await refreshWith(first.body.refresh_token, { DPoP: proof });
    assert.equal(replayed.status, 400);
    assert.equal(replayed.body.error, 'invalid_grant');
    assert.equal((await refreshBy(dpop, first.body.refresh_token)).status, 200, 'the replay spent nothing');
  });
});

describe('DPoP at the API', () => {
  let owner;
  let tokens;
  before(async () => {
    ({ dpop: owner, tokens } = await dpopLogin('grace'));
  });

  test('accepts a bound token with a valid proof, after at most one nonce retry', async () => {
    const before = await stats();
    const dpop = new DpopClient(owner);
    const first = await dpop.fetch(dataUrl(), { accessToken: tokens.access_token, retryOnNonce: false });
    assert.equal(first.status, 401);
    assert.ok(await isNonceChallenge(first));
    assert.match(first.headers.get('www-authenticate'), /^DPoP error="use_dpop_nonce", error_description="[^"]+", algs="ES256"$/);
    const nonce = first.headers.get('dpop-nonce');
    assert.match(nonce, /^[\w-]{32}$/);

    const ok = await dpop.fetch(dataUrl(), { accessToken: tokens.access_token });
    assert.equal(ok.status, 200);
    assert.equal((await ok.json()).sub, 'grace');
    assert.equal(ok.headers.get('dpop-nonce'), null, 'the nonce is still the current one: no new one');
    const again = await dpop.fetch(dataUrl(), { accessToken: tokens.access_token });
    assert.equal(again.status, 200);
    assert.equal(dpop.counts.nonceRetries, 0, 'only the first request met a challenge');

    const after = await stats();
    assert.equal(after.apiNonceChallenges - before.apiNonceChallenges, 1);
    assert.equal(after.apiDpopOk - before.apiDpopOk, 2);
    assert.equal(after.apiOk - before.apiOk, 2);
    assert.equal(after.apiUnauthorized - before.apiUnauthorized, 0, 'a nonce challenge is not counted as a refusal');
  });

  test('ignores the query: the proof\'s htu names scheme, host and path only', async () => {
    const url = `${dataUrl()}?page=2`;
    const proof = await owner.proof({ method: 'GET', url, accessToken: tokens.access_token, nonce: await apiNonce(owner, tokens.access_token) });
    assert.equal(decodeJwt(proof).htu, dataUrl());
    assert.equal((await callApi(`DPoP ${tokens.access_token}`, proof, url)).status, 200);
  });

  test('refuses a bound token sent as a bearer token, with or without a proof', async () => {
    const before = await stats();
    await assertRefused(await callApi(`Bearer ${tokens.access_token}`), 'invalid_token', 'no proof');
    await assertRefused(await callApi(`Bearer ${tokens.access_token}`, await apiProof(owner, tokens.access_token)), 'invalid_token', 'with a proof');
    assert.equal((await stats()).apiUnauthorized - before.apiUnauthorized, 2);
  });

  test('refuses a bound token without a proof, and an unbound token under the DPoP scheme', async () => {
    await assertRefused(await callApi(`DPoP ${tokens.access_token}`), 'invalid_dpop_proof', 'no proof');
    await assertRefused(await callApi(`DPoP ${tokens.access_token}`, 'not-a-jwt'), 'invalid_dpop_proof', 'not a JWT');
    const proof = await apiProof(owner, tokens.access_token);
    await assertRefused(await callApi(`DPoP ${tokens.access_token}`, `${proof}, ${proof}`), 'invalid_dpop_proof', 'two DPoP headers');
    const bearer = await login('ada');
    assert.equal(bearer.token_type, 'Bearer');
    const unboundProof = await owner.proof({ method: 'GET', url: dataUrl(), accessToken: bearer.access_token, nonce: await apiNonce(owner, tokens.access_token) });
    await assertRefused(await callApi(`DPoP ${bearer.access_token}`, unboundProof), 'invalid_token', 'an unbound token is no DPoP token');
  });

  test('refuses a proof from another key', async () => {
    const thief = await DpopClient.create();
    const proof = await thief.proof({ method: 'GET', url: dataUrl(), accessToken: tokens.access_token, nonce: await apiNonce(owner, tokens.access_token) });
    const response = await callApi(`DPoP ${tokens.access_token}`, proof);
    await assertRefused(response, 'invalid_dpop_proof', 'another key');
    // And through the client, which answers nonce challenges: still refused, with no challenge first.
    const viaClient = await thief.fetch(dataUrl(), { accessToken: tokens.access_token });
    assert.equal(viaClient.status, 401);
    assert.equal(thief.counts.nonceRetries, 0);
  });

  test('refuses a replayed proof (same jti), even for another URL\'s query', async () => {
    const proof = await apiProof(owner, tokens.access_token);
    assert.equal((await callApi(`DPoP ${tokens.access_token}`, proof)).status, 200);
    const replayed = await callApi(`DPoP ${tokens.access_token}`, proof);
    await assertRefused(replayed, 'invalid_dpop_proof', 'replayed');
    await assertRefused(await callApi(`DPoP ${tokens.access_token}`, proof, `${dataUrl()}?x=1`), 'invalid_dpop_proof', 'replayed with a query');
    const sameJti = await apiProof(owner, tokens.access_token, { jti: decodeJwt(proof).jti });
    await assertRefused(await callApi(`DPoP ${tokens.access_token}`, sameJti), 'invalid_dpop_proof', 'a new proof with a used jti');
  });

  test('refuses a wrong htm, htu or ath', async () => {
    const other = await login('ada', { dpop: owner });
    const cases = {
      'htm POST for a GET': { htm: 'POST' },
      'htm in lower case': { htm: 'get' },
      'htu of another path': { htu: `${servers.apiUrl}/api/other` },
      'htu of another origin': { htu: `${servers.authUrl}/api/data` },
      'htu over https': { htu: dataUrl().replace(/^http:/, 'https:') },
      'htu not a URL': { htu: 'data' },
      'no htu': { htu: undefined },
      'ath of another token of the same key': { ath: accessTokenHash(other.access_token) },
      'ath in base64, not base64url': { ath: Buffer.from(accessTokenHash(tokens.access_token), 'base64url').toString('base64') },
      'no ath': { ath: undefined },
    };
    for (const [what, claims] of Object.entries(cases)) {
      const response = await callApi(`DPoP ${tokens.access_token}`, await apiProof(owner, tokens.access_token, claims));
      await assertRefused(response, 'invalid_dpop_proof', what);
      assert.match(response.headers.get('www-authenticate'), claims.htm ? /htm/ : 'htu' in claims ? /htu/ : /ath/, what);
    }
  });

  test(`refuses an iat more than ${DPOP_IAT_WINDOW_S} s off, and accepts one just within`, async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const offset of [-(DPOP_IAT_WINDOW_S + 5), DPOP_IAT_WINDOW_S + 5]) {
      await assertRefused(
        await callApi(`DPoP ${tokens.access_token}`, await apiProof(owner, tokens.access_token, { iat: now + offset })),
        'invalid_dpop_proof',
        `iat ${offset} s`,
      );
    }
    for (const offset of [-(DPOP_IAT_WINDOW_S - 5), DPOP_IAT_WINDOW_S - 5]) {
      const response = await callApi(`DPoP ${tokens.access_token}`, await apiProof(owner, tokens.access_token, { iat: now + offset }));
      assert.equal(response.status, 200, `iat ${offset} s`);
    }
    await assertRefused(await callApi(`DPoP ${tokens.access_token}`, await apiProof(owner, tokens.access_token, { iat: undefined })), 'invalid_dpop_proof', 'no iat');
  });

  test('refuses a proof without jti, of another typ, or with the key it names missing', async () => {
    const refused = async (what, claims, header) => assertRefused(
      await callApi(`DPoP ${tokens.access_token}`, await apiProof(owner, tokens.access_token, claims, header)),
      'invalid_dpop_proof',
      what,
    );
    await refused('no jti', { jti: undefined });
    await refused('typ JWT', {}, { typ: 'JWT' });
    await refused('no jwk', {}, { jwk: undefined });
  });

  test('a stale nonce is answered use_dpop_nonce with a fresh one; after a rotation the previous nonce still works', async () => {
    const dpop = new DpopClient(owner);
    dpop.nonces.set(servers.apiUrl, await apiNonce(owner, tokens.access_token));
    const made = await dpop.fetch(dataUrl(), { accessToken: tokens.access_token, retryOnNonce: false });
    assert.equal(made.status, 200);
    const older = dpop.nonces.get(servers.apiUrl);

    assert.equal((await fetch(`${servers.apiUrl}/test/rotate-nonce`, { method: 'POST' })).status, 200);
    const previous = await dpop.fetch(dataUrl(), { accessToken: tokens.access_token, retryOnNonce: false });
    assert.equal(previous.status, 200, 'the previous nonce is accepted');
    const current = previous.headers.get('dpop-nonce');
    assert.ok(current && current !== older, 'and answered with the current one');

    assert.equal((await fetch(`${servers.apiUrl}/test/rotate-nonce`, { method: 'POST' })).status, 200);
    assert.equal((await fetch(`${servers.apiUrl}/test/rotate-nonce`, { method: 'POST' })).status, 200);
    const stale = await dpop.fetch(dataUrl(), { accessToken: tokens.access_token, retryOnNonce: false });
    assert.equal(stale.status, 401, 'two rotations later the nonce is stale');
    assert.match(stale.headers.get('www-authenticate'), /^DPoP error="use_dpop_nonce"/);
    assert.ok(stale.headers.get('dpop-nonce'));
    const made2 = await callApi(`DPoP ${tokens.access_token}`, await owner.proof({ method: 'GET', url: dataUrl(), accessToken: tokens.access_token, nonce: 'made-up' }));
    assert.equal(made2.status, 401, 'a nonce the API never handed out');
    assert.match(made2.headers.get('www-authenticate'), /use_dpop_nonce/);
    assert.equal((await dpop.fetch(dataUrl(), { accessToken: tokens.access_token, retryOnNonce: false })).status, 200, 'with the fresh nonce');
    owner.nonces.delete(servers.apiUrl);
  });

  test('CORS allows the DPoP header and exposes DPoP-Nonce and WWW-Authenticate', async () => {
    const preflight = await fetch(dataUrl(), {
      method: 'OPTIONS',
      headers: { Origin: servers.appUrl, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization,dpop' },
    });
    assert.equal(preflight.status, 204);
    assert.match(preflight.headers.get('access-control-allow-headers'), /\bDPoP\b/);
    const challenged = await fetch(dataUrl(), { headers: { Origin: servers.appUrl, Authorization: `DPoP ${tokens.access_token}` } });
    assert.equal(challenged.headers.get('access-control-allow-origin'), servers.appUrl);
    const exposed = challenged.headers.get('access-control-expose-headers').split(/\s*,\s*/);
    assert.ok(exposed.includes('DPoP-Nonce') && exposed.includes('WWW-Authenticate'), exposed.join());
  });
});

describe('bearer tokens, as the app logs in today', () => {
  test('a login without DPoP gets unbound tokens that work end to end through the API, across refreshes', async () => {
    const before = await stats();
    const tokens = await login('ada');
    assert.equal(tokens.token_type, 'Bearer');
    assert.equal(decodeJwt(tokens.access_token).cnf, undefined);
    const api = await callApi(`Bearer ${tokens.access_token}`);
    assert.equal(api.status, 200);
    assert.equal(api.headers.get('dpop-nonce'), null);
    const refreshed = await refreshWith(tokens.refresh_token);
    assert.equal(refreshed.status, 200);
    assert.equal(refreshed.body.token_type, 'Bearer');
    assert.notEqual(refreshed.body.refresh_token, tokens.refresh_token, 'rotated');
    assert.equal(decodeJwt(refreshed.body.access_token).cnf, undefined);
    assert.equal((await callApi(`Bearer ${refreshed.body.access_token}`)).status, 200);
    const after = await stats();
    assert.equal(after.apiOk - before.apiOk, 2);
    assert.equal(after.apiDpopOk - before.apiDpopOk, 0);
    assert.equal(after.tokenNonceChallenges - before.tokenNonceChallenges, 0, 'no nonce is asked of a request without DPoP');
  });

  test('a missing token is answered with both schemes, Bearer first', async () => {
    const response = await callApi();
    assert.equal(response.status, 401);
    assert.equal(response.headers.get('www-authenticate'), 'Bearer, DPoP algs="ES256"');
  });
});
