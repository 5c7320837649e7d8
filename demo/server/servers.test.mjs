// The demo servers end to end, in Node: run with `node --test demo/server/servers.test.mjs`.
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { CookieJar, loginWithPassword } from './login-flow.mjs';
import { startServers } from './servers.mjs';

const ACCESS_TOKEN_TTL = 7;
const INDEX_HTML = '<!doctype html><title>demo placeholder</title>';

let servers;
let appRoot;

before(async () => {
  appRoot = await mkdtemp(path.join(tmpdir(), 'demo-app-'));
  await writeFile(path.join(appRoot, 'index.html'), INDEX_HTML);
  await writeFile(path.join(appRoot, 'app.js'), 'console.log("app");');
  servers = await startServers({ accessTokenTtl: ACCESS_TOKEN_TTL, appRoot, quiet: true });
});

after(async () => {
  await servers?.close();
  await rm(appRoot, { recursive: true, force: true });
});

const login = (name, extra = {}) => loginWithPassword({ authUrl: servers.authUrl, appUrl: servers.appUrl, clientId: servers.clientId, login: name, ...extra });

async function refresh(refreshToken, headers = {}) {
  const response = await fetch(`${servers.authUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: servers.clientId }),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

const callApi = (token) => fetch(`${servers.apiUrl}/api/data`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
const stats = async () => (await fetch(`${servers.apiUrl}/test/stats`)).json();
const resetStats = () => fetch(`${servers.apiUrl}/test/reset`, { method: 'POST' });

/** Raw request, for paths that fetch would normalise before sending. */
function rawGet(url, pathname) {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: new URL(url).port, path: pathname }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    }).on('error', reject);
  });
}

describe('startup', () => {
  test('every server listens on 127.0.0.1 and reports its own URL', () => {
    for (const url of [servers.appUrl, servers.authUrl, servers.apiUrl, servers.thirdPartyUrl]) {
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    }
    assert.equal(new Set([servers.appUrl, servers.authUrl, servers.apiUrl, servers.thirdPartyUrl]).size, 4);
    assert.equal(servers.clientId, 'demo-spa');
  });

  test('refuses a router the demo app is not built on, and a login it does not know', async () => {
    await assert.rejects(startServers({ quiet: true, router: 'ngroute' }), RangeError);
    await assert.rejects(startServers({ quiet: true, login: 'auth0' }), RangeError);
  });

  test('the discovery document names the endpoints at auth0-js\'s fixed paths', async () => {
    const discovery = await (await fetch(`${servers.authUrl}/.well-known/openid-configuration`)).json();
    assert.equal(discovery.issuer, servers.authUrl);
    assert.equal(discovery.authorization_endpoint, `${servers.authUrl}/authorize`);
    assert.equal(discovery.token_endpoint, `${servers.authUrl}/oauth/token`);
    assert.equal(discovery.userinfo_endpoint, `${servers.authUrl}/userinfo`);
    assert.equal(discovery.end_session_endpoint, `${servers.authUrl}/v2/logout`);
    assert.equal(discovery.revocation_endpoint, `${servers.authUrl}/oauth/revoke`);
    assert.equal(discovery.jwks_uri, `${servers.authUrl}/jwks`);
    assert.deepEqual(discovery.code_challenge_methods_supported, ['S256']);
  });
});

describe('app server', () => {
  test('serves index.html for the app\'s routes, query included, without caching', async () => {
    for (const route of ['/', '/callback?code=x&state=y', '/login', '/profile']) {
      const response = await fetch(`${servers.appUrl}${route}`);
      assert.equal(response.status, 200, route);
      assert.match(response.headers.get('content-type'), /^text\/html/);
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.equal(await response.text(), INDEX_HTML);
    }
  });

  test('serves /config.js with the run-time URLs', async () => {
    const response = await fetch(`${servers.appUrl}/config.js`);
    assert.match(response.headers.get('content-type'), /^text\/javascript/);
    const window = {};
    new Function('window', await response.text())(window);
    assert.deepEqual(window.DEMO_CONFIG, {
      authUrl: servers.authUrl, apiUrl: servers.apiUrl, thirdPartyUrl: servers.thirdPartyUrl, clientId: 'demo-spa', login: 'oidc',
    });
  });

  test('serves files by type, and 404 for missing files and for paths outside the app', async () => {
    const js = await fetch(`${servers.appUrl}/app.js`);
    assert.match(js.headers.get('content-type'), /^text\/javascript/);
    assert.equal(await js.text(), 'console.log("app");');
    assert.equal((await fetch(`${servers.appUrl}/missing.js`)).status, 404);
    assert.equal(await rawGet(servers.appUrl, '/..%2fservers.mjs'), 404);
    assert.equal(await rawGet(servers.appUrl, '/../../etc/passwd.txt'), 404);
  });
});

describe('API', () => {
  test('answers 401 with a Bearer challenge without a token or with a bad one', async () => {
    const missing = await callApi();
    assert.equal(missing.status, 401);
    assert.match(missing.headers.get('www-authenticate'), /^Bearer/);
    assert.ok((await missing.json()).error);
    const bad = await callApi('not.a.jwt');
    assert.equal(bad.status, 401);
    assert.equal(bad.headers.get('www-authenticate'), 'Bearer error="invalid_token"');
  });

  test('allows the app origin, and only it, to send Authorization', async () => {
    const preflight = (origin) => fetch(`${servers.apiUrl}/api/data`, {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' },
    });
    const allowed = await preflight(servers.appUrl);
    assert.equal(allowed.status, 204);
    assert.equal(allowed.headers.get('access-control-allow-origin'), servers.appUrl);
    assert.match(allowed.headers.get('access-control-allow-headers'), /Authorization/i);
    const other = await preflight(servers.thirdPartyUrl);
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    assert.equal(other.headers.get('access-control-allow-headers'), null);
  });
});

describe('third-party origin', () => {
  test('counts requests and those that carried Authorization', async () => {
    const before = await (await fetch(`${servers.thirdPartyUrl}/stats`)).json();
    const plain = await fetch(`${servers.thirdPartyUrl}/data`, { headers: { Origin: servers.appUrl } });
    assert.deepEqual(await plain.json(), { ok: true });
    assert.equal(plain.headers.get('access-control-allow-origin'), servers.appUrl);
    await fetch(`${servers.thirdPartyUrl}/data`, { headers: { Authorization: 'Bearer leaked' } });
    const after = await (await fetch(`${servers.thirdPartyUrl}/stats`)).json();
    assert.equal(after.requests - before.requests, 2);
    assert.equal(after.withAuthorization - before.withAuthorization, 1);
  });
});

describe('authorization server', () => {
  test('code + PKCE login gives a JWT for the API, a refresh token and an ID token with the name', async () => {
    const tokens = await login('ada');
    assert.equal(tokens.token_type, 'Bearer');
    assert.equal(tokens.expires_in, ACCESS_TOKEN_TTL);
    assert.ok(tokens.refresh_token);
    assert.equal(decodeProtectedHeader(tokens.access_token).typ, 'at+jwt');
    const claims = decodeJwt(tokens.access_token);
    assert.equal(claims.aud, servers.apiUrl);
    assert.equal(claims.iss, servers.authUrl);
    assert.equal(claims.sub, 'ada');
    assert.equal(claims.scope, 'read:data');
    assert.equal(claims.exp - claims.iat, ACCESS_TOKEN_TTL);
    const idToken = decodeJwt(tokens.id_token);
    assert.equal(idToken.sub, 'ada');
    assert.equal(idToken.name, 'ada');
    assert.equal(idToken.aud, 'demo-spa');

    const api = await callApi(tokens.access_token);
    assert.equal(api.status, 200);
    const body = await api.json();
    assert.equal(body.sub, 'ada');
    assert.equal(body.exp, claims.exp);
  });

  test('a refresh token is issued even when the app forgets prompt=consent', async () => {
    for (const prompt of ['', 'login']) {
      const tokens = await login('bob', { prompt });
      assert.ok(tokens.refresh_token, `prompt=${prompt}`);
    }
  });

  test('refresh rotates; reusing a spent token is invalid_grant and revokes the grant', async () => {
    await resetStats();
    const tokens = await login('ada');
    const first = await refresh(tokens.refresh_token, { Origin: servers.appUrl });
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('access-control-allow-origin'), servers.appUrl);
    assert.ok(first.body.refresh_token);
    assert.notEqual(first.body.refresh_token, tokens.refresh_token);
    assert.equal(decodeJwt(first.body.access_token).aud, servers.apiUrl, 'a refresh still yields a JWT for the API');
    assert.equal((await callApi(first.body.access_token)).status, 200);

    const reuse = await refresh(tokens.refresh_token);
    assert.equal(reuse.status, 400);
    assert.equal(reuse.body.error, 'invalid_grant');
    assert.equal((await refresh(first.body.refresh_token)).body.error, 'invalid_grant', 'the newest token went with the grant');

    const counted = await stats();
    assert.equal(counted.refreshes, 3);
    assert.equal(counted.invalidGrants, 2);
    assert.equal(counted.distinctRefreshTokens, 2);
    assert.equal(counted.apiOk, 1);
  });

  test('the token endpoint refuses other origins', async () => {
    const tokens = await login('ada');
    const refused = await refresh(tokens.refresh_token, { Origin: servers.thirdPartyUrl });
    assert.equal(refused.status, 400);
    assert.equal(refused.headers.get('access-control-allow-origin'), null);
  });

  test('revocation answers 200, then the refresh token is invalid_grant', async () => {
    const tokens = await login('ada');
    const revoked = await fetch(`${servers.authUrl}/oauth/revoke`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: servers.appUrl },
      body: new URLSearchParams({ token: tokens.refresh_token, client_id: servers.clientId }),
    });
    assert.equal(revoked.status, 200);
    assert.equal((await refresh(tokens.refresh_token)).body.error, 'invalid_grant');
  });
});

/** GET or POST with the jar, never following redirects. */
async function step(jar, url, form) {
  const response = await fetch(url, {
    redirect: 'manual',
    method: form ? 'POST' : 'GET',
    headers: { Cookie: jar.header(url), ...(form && { 'Content-Type': 'application/x-www-form-urlencoded' }) },
    ...(form && { body: new URLSearchParams(form) }),
  });
  jar.store(response);
  return response;
}

/** Follows the provider's redirects to the first page it shows, or to the app's redirect URI. */
async function follow(jar, url, form) {
  let response = await step(jar, url, form);
  for (let i = 0; i < 8 && response.status >= 300 && response.status < 400; i += 1) {
    url = new URL(response.headers.get('location'), url).href;
    if (url.startsWith(`${servers.appUrl}/`)) return { url, response };
    response = await step(jar, url);
  }
  return { url, response, html: await response.text() };
}

/** An authorization request as the app sends it (PKCE S256 with a fixed challenge: no code is exchanged here). */
function authorizeUrl(extra = {}) {
  const url = new URL(`${servers.authUrl}/authorize`);
  url.search = new URLSearchParams({
    client_id: servers.clientId, response_type: 'code', redirect_uri: `${servers.appUrl}/callback`,
    scope: 'openid profile offline_access read:data', state: 'the-state', prompt: 'consent',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256', ...extra,
  }).toString();
  return url.href;
}

/** The form with this id on a page: its absolute action and its hidden fields. */
function formOn(html, id, baseUrl) {
  const form = new RegExp(`<form[^>]*\\sid="${id}"[^>]*>([\\s\\S]*?)</form>`, 'i').exec(html);
  assert.ok(form, `a form #${id}`);
  const action = /\saction="([^"]+)"/i.exec(form[0])[1].replace(/&amp;/g, '&');
  const fields = Object.fromEntries([...form[1].matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/gi)].map((m) => [m[1], m[2]]));
  return { action: new URL(action, baseUrl).href, fields };
}

/** A page that loads nothing: no script, no external style, font or image, and a CSP that forbids them. */
function assertSelfContained(response, html, what) {
  assert.match(response.headers.get('content-type'), /^text\/html/, what);
  assert.doesNotMatch(html, /<script|<link|<img|<iframe|@import|url\(|\ssrc=/i, `${what}: loads nothing`);
  for (const [url] of html.matchAll(/(?:https?:)?\/\/[^\s"'<>)]+/gi)) {
    assert.ok(url.startsWith('http://127.0.0.1:'), `${what}: ${url} is outside 127.0.0.1`);
  }
  const csp = response.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'none'/, `${what}: CSP`);
  assert.match(csp, /style-src 'unsafe-inline'/, `${what}: CSP`);
  assert.doesNotMatch(csp, /https?:\/\/(?!127\.0\.0\.1:)/, `${what}: CSP names no other host`);
}

describe('the provider\'s own pages', () => {
  test('sign-in and consent pages are self-contained, with the fields and buttons the app\'s users meet', async () => {
    const jar = new CookieJar();
    const signIn = await follow(jar, authorizeUrl());
    assert.equal(signIn.response.status, 200);
    assert.match(new URL(signIn.url).pathname, /^\/interaction\/[\w-]+$/);
    assertSelfContained(signIn.response, signIn.html, 'sign-in page');
    assert.match(signIn.html, /<input[^>]*type="text"[^>]*name="login"/);
    assert.match(signIn.html, /<input[^>]*type="password"[^>]*name="password"/);
    assert.match(signIn.html, /<button[^>]*type="submit"[^>]*>Sign in<\/button>/);
    assert.match(signIn.html, /angular-auth-tokens demo/, 'names the client');

    const login = formOn(signIn.html, 'login', signIn.url);
    const consent = await follow(jar, login.action, { login: 'ada', password: 'anything at all' });
    assert.equal(consent.response.status, 200);
    assertSelfContained(consent.response, consent.html, 'consent page');
    assert.match(consent.html, /<button[^>]*type="submit"[^>]*>Allow<\/button>/);
    assert.match(consent.html, /<button[^>]*type="submit"[^>]*>Deny<\/button>/);
    assert.match(consent.html, /offline_access/, 'says what is asked');
    assert.match(consent.html, /<strong>ada<\/strong>/, 'says for whom');

    const allowed = await follow(jar, formOn(consent.html, 'allow', consent.url).action, {});
    const back = new URL(allowed.url);
    assert.equal(`${back.origin}${back.pathname}`, `${servers.appUrl}/callback`);
    assert.equal(back.searchParams.get('state'), 'the-state');
    assert.ok(back.searchParams.get('code'));
    assert.equal(back.searchParams.get('error'), null);
  });

  test('the sign-in page asks again for an empty user name, and refuses a GET where it takes a POST', async () => {
    const jar = new CookieJar();
    const signIn = await follow(jar, authorizeUrl());
    const { action } = formOn(signIn.html, 'login', signIn.url);
    const empty = await step(jar, action, { login: '  ', password: 'x' });
    assert.equal(empty.status, 400);
    const html = await empty.text();
    assertSelfContained(empty, html, 'sign-in page with an error');
    assert.match(html, /Enter a user name/);
    assert.match(html, /name="login"/);
    assert.equal((await step(jar, action)).status, 405);
  });

  test('a sign-in page without its interaction cookie says so, on a page of its own', async () => {
    const signIn = await follow(new CookieJar(), authorizeUrl());
    const stranger = await step(new CookieJar(), signIn.url);
    assert.equal(stranger.status, 400);
    const html = await stranger.text();
    assertSelfContained(stranger, html, 'expired sign-in page');
    assert.match(html, /log in again/);
  });

  test('Deny on the consent page sends access_denied, with the state, to the redirect URI', async () => {
    const jar = new CookieJar();
    const signIn = await follow(jar, authorizeUrl());
    const consent = await follow(jar, formOn(signIn.html, 'login', signIn.url).action, { login: 'ada', password: 'x' });
    const denied = await follow(jar, formOn(consent.html, 'deny', consent.url).action, {});
    const back = new URL(denied.url);
    assert.equal(`${back.origin}${back.pathname}`, `${servers.appUrl}/callback`);
    assert.equal(back.searchParams.get('error'), 'access_denied');
    assert.equal(back.searchParams.get('error_description'), 'The user denied access.');
    assert.equal(back.searchParams.get('state'), 'the-state');
    assert.equal(back.searchParams.get('code'), null);
    // The headless login of the server specs and the bench says the same.
    await assert.rejects(login('ada', { consent: 'deny' }), /access_denied: The user denied access\./);
  });

  /** Logs in with `jar` and opens the end-session page as the app's logout does. */
  async function endSessionPage(jar) {
    const tokens = await login('ada', { jar });
    const query = new URLSearchParams({ client_id: servers.clientId, post_logout_redirect_uri: `${servers.appUrl}/`, id_token_hint: tokens.id_token });
    const url = `${servers.authUrl}/v2/logout?${query}`;
    const page = await step(jar, url);
    return { tokens, url, page, html: await page.text() };
  }

  test('end session asks before signing out; Sign out ends the provider session, returns to the app, and the next login asks for the password', async () => {
    const jar = new CookieJar();
    const { tokens, page, html } = await endSessionPage(jar);
    assert.equal(page.status, 200);
    assertSelfContained(page, html, 'sign-out page');
    assert.match(html, /<button[^>]*type="submit"[^>]*name="logout"[^>]*value="yes"[^>]*>Sign out<\/button>/);
    assert.match(html, /<button[^>]*type="submit">Stay signed in<\/button>/);
    const action = /<form[^>]*action="([^"]+)"/.exec(html)[1];
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)[1];

    // Asking is all the page did: the provider session is still open.
    assert.match(jar.header(`${servers.authUrl}/authorize`), /_session=/);
    const confirmed = await step(jar, action, { xsrf, logout: 'yes' });
    assert.equal(confirmed.status, 303);
    assert.equal(confirmed.headers.get('location'), `${servers.appUrl}/`);
    assert.doesNotMatch(jar.header(`${servers.authUrl}/authorize`), /_session=/, 'the provider session cookie is gone');
    const next = await follow(jar, authorizeUrl());
    assert.match(next.html, /name="password"/, 'the next login asks for the password again');

    // offline_access grants outlive the provider session (oidc-provider's persistsLogout): only the
    // app's own revocation at logout ends them, which is what the e2e spec checks of the library.
    const after = await refresh(tokens.refresh_token);
    assert.equal(after.status, 200);
  });

  test('Stay signed in keeps the provider session: the next login skips the password', async () => {
    const jar = new CookieJar();
    const { html } = await endSessionPage(jar);
    const action = /<form[^>]*action="([^"]+)"/.exec(html)[1];
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)[1];
    const stayed = await step(jar, action, { xsrf });
    assert.equal(stayed.status, 303);
    assert.equal(stayed.headers.get('location'), `${servers.appUrl}/`);
    const next = await follow(jar, authorizeUrl());
    assert.doesNotMatch(next.html, /name="password"/);
    assert.match(next.html, />Allow</);
  });

  test('end session without a provider session asks too, instead of posting itself', async () => {
    const jar = new CookieJar();
    const query = new URLSearchParams({ client_id: servers.clientId, post_logout_redirect_uri: `${servers.appUrl}/` });
    const page = await step(jar, `${servers.authUrl}/v2/logout?${query}`);
    assert.equal(page.status, 200);
    const html = await page.text();
    assertSelfContained(page, html, 'sign-out page without a session');
    assert.match(html, /<button[^>]*type="submit"[^>]*>Back to the app<\/button>/);
    const action = /<form[^>]*action="([^"]+)"/.exec(html)[1];
    const fields = Object.fromEntries([...html.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const back = await step(jar, action, fields);
    assert.equal(back.status, 303);
    assert.equal(back.headers.get('location'), `${servers.appUrl}/`);
  });

  test('the provider\'s error page is self-contained too', async () => {
    const response = await step(new CookieJar(), authorizeUrl({ redirect_uri: 'http://127.0.0.1:1/elsewhere' }));
    assert.equal(response.status, 400);
    const html = await response.text();
    assertSelfContained(response, html, 'error page');
    assert.match(html, /redirect_uri/);
  });
});

describe('API test endpoints', () => {
  test('/test/reject makes the API refuse that exact token', async () => {
    const tokens = await login('ada');
    assert.equal((await callApi(tokens.access_token)).status, 200);
    const rejected = await fetch(`${servers.apiUrl}/test/reject`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token: tokens.access_token }),
    });
    assert.equal(rejected.status, 200);
    const refused = await callApi(tokens.access_token);
    assert.equal(refused.status, 401);
    assert.equal(refused.headers.get('www-authenticate'), 'Bearer error="invalid_token"');
  });

  test('/test/reset zeroes the counters', async () => {
    await callApi();
    await resetStats();
    assert.deepEqual(await stats(), {
      refreshes: 0, invalidGrants: 0, droppedRefreshes: 0, answered503: 0, apiOk: 0, apiUnauthorized: 0,
      apiDpopOk: 0, apiNonceChallenges: 0, tokenNonceChallenges: 0, distinctRefreshTokens: 0,
    });
  });
});

describe('token endpoint faults (the bench\'s soak)', () => {
  test('are off by default', async () => {
    assert.equal(servers.faults, undefined);
    await resetStats();
    const tokens = await login('ada');
    for (let i = 0, token = tokens.refresh_token; i < 20; i += 1) {
      const answer = await refresh(token);
      assert.equal(answer.status, 200);
      token = answer.body.refresh_token;
    }
    const counted = await stats();
    assert.equal(counted.refreshes, 20);
    assert.equal(counted.droppedRefreshes + counted.answered503, 0);
  });

  /** Servers of their own with `faults`, and a refresh that tells a cut connection from an answer. */
  async function withFaults(faults, task) {
    const own = await startServers({ accessTokenTtl: ACCESS_TOKEN_TTL, appRoot, quiet: true, faults });
    const ownRefresh = async (refreshToken) => {
      try {
        const response = await fetch(`${own.authUrl}/oauth/token`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: own.appUrl },
          body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: own.clientId }),
        });
        return { status: response.status, cors: response.headers.get('access-control-allow-origin'), body: await response.json() };
      } catch {
        return { status: 'dropped' };
      }
    };
    try {
      const tokens = await loginWithPassword({ authUrl: own.authUrl, appUrl: own.appUrl, clientId: own.clientId, login: 'ada' });
      const ownStats = async () => (await fetch(`${own.apiUrl}/test/stats`)).json();
      return await task({ own, tokens, refresh: ownRefresh, stats: ownStats });
    } finally {
      await own.close();
    }
  }

  test('cut the connection or answer 503 before the provider reads the grant: the refresh token is not spent', async () => {
    await withFaults({ dropRate: 1 }, async ({ own, tokens, refresh: faultyRefresh, stats: ownStats }) => {
      // The code exchange of the login went through: only refresh_token grants meet faults.
      assert.equal((await faultyRefresh(tokens.refresh_token)).status, 'dropped');
      own.faults.set({ errorRate: 1 });
      const unavailable = await faultyRefresh(tokens.refresh_token);
      assert.equal(unavailable.status, 503);
      assert.equal(unavailable.cors, own.appUrl, 'the page can read the 503');
      assert.equal(unavailable.body.error, 'temporarily_unavailable');
      own.faults.set({ dropRate: 0, errorRate: 0 });
      const after = await faultyRefresh(tokens.refresh_token);
      assert.equal(after.status, 200, 'the same refresh token still works: the faults never spent it');
      assert.ok(after.body.refresh_token);
      assert.deepEqual(
        await ownStats(),
        {
          refreshes: 1, invalidGrants: 0, droppedRefreshes: 1, answered503: 1, apiOk: 0, apiUnauthorized: 0,
          apiDpopOk: 0, apiNonceChallenges: 0, tokenNonceChallenges: 0, distinctRefreshTokens: 1,
        },
      );
    });
  });

  test('meet a seeded share of the refreshes, the same ones in every run with the same seed', async () => {
    const REFRESHES = 200;
    const fates = (faults) => withFaults(faults, async ({ tokens, refresh: faultyRefresh, stats: ownStats }) => {
      const seen = [];
      let token = tokens.refresh_token;
      for (let i = 0; i < REFRESHES; i += 1) {
        const answer = await faultyRefresh(token);
        seen.push(answer.status);
        if (answer.status === 200) token = answer.body.refresh_token;
      }
      return { seen, counted: await ownStats() };
    });
    const faults = { dropRate: 0.1, errorRate: 0.2, seed: 42 };
    const first = await fates(faults);
    const count = (status) => first.seen.filter((s) => s === status).length;
    assert.equal(first.counted.droppedRefreshes, count('dropped'));
    assert.equal(first.counted.answered503, count(503));
    assert.equal(first.counted.refreshes, count(200));
    assert.equal(first.counted.invalidGrants, 0, 'no fault spent a token');
    assert.ok(count('dropped') >= 10 && count('dropped') <= 30, `about a tenth dropped: ${count('dropped')}`);
    assert.ok(count(503) >= 25 && count(503) <= 55, `about a fifth answered 503: ${count(503)}`);
    assert.deepEqual((await fates(faults)).seen, first.seen);
    assert.notDeepEqual((await fates({ ...faults, seed: 43 })).seen, first.seen);
  });

  test('refuse rates that are not shares', async () => {
    await assert.rejects(startServers({ appRoot, quiet: true, faults: { dropRate: 0.6, errorRate: 0.6 } }), RangeError);
    await assert.rejects(startServers({ appRoot, quiet: true, faults: { dropRate: -0.1 } }), RangeError);
  });
});
