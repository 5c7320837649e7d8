// A headless login against the demo's provider: authorization code + PKCE through its sign-in and
// consent pages, as the browser would do them, for specs and benchmarks that need real tokens fast.
import { createHash, randomBytes } from 'node:crypto';

export const DEFAULT_SCOPE = 'openid profile offline_access read:data';

/** Just enough of a cookie jar for one provider: names, values and paths (the interaction cookies are path-scoped). */
export class CookieJar {
  #cookies = new Map();

  store(response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';').map((part) => part.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const pathAttr = attributes.find((a) => a.toLowerCase().startsWith('path='));
      const cookiePath = pathAttr ? pathAttr.slice(5) : '/';
      const expired = attributes.some((a) => /^expires=/i.test(a) && Date.parse(a.slice(8)) <= Date.now())
        || attributes.some((a) => /^max-age=0$/i.test(a));
      const key = `${name};${cookiePath}`;
      if (expired || value === '') this.#cookies.delete(key);
      else this.#cookies.set(key, { name, value, path: cookiePath });
    }
  }

  header(url) {
    const { pathname } = new URL(url);
    return [...this.#cookies.values()]
      .filter((c) => pathname === c.path || pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }
}

/** fetch with the jar and without following redirects, since the code arrives in one of them. */
async function request(jar, url, init = {}) {
  const headers = new Headers(init.headers);
  const cookie = jar.header(url);
  if (cookie) headers.set('Cookie', cookie);
  const response = await fetch(url, { ...init, headers, redirect: 'manual' });
  jar.store(response);
  return response;
}

/**
 * The demo provider's forms (provider-pages.mjs) by their ids: `login` on the sign-in page, `allow` and
 * `deny` on the consent page. Returns each one's absolute action.
 */
function formsOf(html, baseUrl) {
  const forms = {};
  for (const [, attributes] of html.matchAll(/<form\b([^>]*)>/gi)) {
    const id = /\sid="([^"]+)"/i.exec(attributes)?.[1];
    const action = /\saction="([^"]+)"/i.exec(attributes)?.[1];
    if (id && action) forms[id] = new URL(action.replace(/&amp;/g, '&'), baseUrl).href;
  }
  if (!forms.login && !forms.allow) throw new Error('login flow: expected the provider\'s sign-in or consent page');
  return forms;
}

/**
 * Logs in as `login` and exchanges the code at the token endpoint as the SPA would (with its Origin).
 * @param {object} o
 * @param {string} o.authUrl
 * @param {string} o.appUrl
 * @param {string} o.clientId
 * @param {string} o.login  becomes the token's `sub` (the dev provider accepts any name and password)
 * @param {string} [o.password]
 * @param {string} [o.scope]
 * @param {string} [o.prompt]  'consent' by default, as the demo sends it; '' sends none
 * @param {'allow' | 'deny'} [o.consent='allow']  the consent page's button; 'deny' ends in an error
 *   (`login flow: access_denied: ...`) at the redirect URI
 * @param {CookieJar} [o.jar]  pass one to keep the provider session afterwards (e.g. to log out)
 * @param {import('./dpop-client.mjs').DpopClient} [o.dpop]  log in with DPoP: the authorization request
 *   names the key (`dpop_jkt`, RFC 9449 section 10) and the code exchange carries a proof (retried once on
 *   use_dpop_nonce), so the tokens come back bound to that key (`token_type: 'DPoP'`)
 * @param {string | false} [o.dpopJkt]  with `dpop`: another `dpop_jkt` to send, or false to send none
 * @returns {Promise<{ access_token: string, refresh_token?: string, id_token?: string, expires_in: number,
 *   token_type: string, scope?: string }>} the token endpoint's JSON, as sent
 */
export async function loginWithPassword({ authUrl, appUrl, clientId, login, password = 'any password', scope = DEFAULT_SCOPE, prompt = 'consent', consent = 'allow', jar = new CookieJar(), dpop, dpopJkt = dpop?.thumbprint }) {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const redirectUri = `${appUrl}/callback`;
  const authorize = new URL(`${authUrl}/authorize`);
  authorize.search = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope,
    state,
    ...(prompt ? { prompt } : {}),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...(dpop && dpopJkt ? { dpop_jkt: dpopJkt } : {}),
  }).toString();

  let url = authorize.href;
  let response = await request(jar, url);
  let code;
  // Redirects and forms alternate: authorize -> login form -> resume -> consent form -> resume -> callback.
  for (let step = 0; step < 12 && !code; step += 1) {
    if (response.status >= 300 && response.status < 400) {
      url = new URL(response.headers.get('location'), url).href;
      if (url.startsWith(redirectUri)) {
        const params = new URL(url).searchParams;
        if (params.get('error')) throw new Error(`login flow: ${params.get('error')}: ${params.get('error_description')}`);
        if (params.get('state') !== state) throw new Error('login flow: state mismatch');
        code = params.get('code');
        break;
      }
      response = await request(jar, url);
    } else if (response.status === 200) {
      const forms = formsOf(await response.text(), url);
      const fields = forms.login ? { login, password } : {};
      url = forms.login ?? forms[consent];
      response = await request(jar, url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields),
      });
    } else {
      throw new Error(`login flow: HTTP ${response.status} at ${new URL(url).pathname}: ${await response.text()}`);
    }
  }
  if (!code) throw new Error('login flow: no authorization code after following the provider\'s pages');

  const token = await (dpop ? dpop.fetch.bind(dpop) : fetch)(`${authUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: appUrl },
    body: new URLSearchParams({
      grant_type: 'authorization_code', code, code_verifier: verifier, client_id: clientId, redirect_uri: redirectUri,
    }),
  });
  const body = await token.json();
  if (!token.ok) throw new Error(`login flow: token endpoint ${token.status}: ${body.error}: ${body.error_description}`);
  return body;
}
