// The demo provider's own pages: sign-in, consent, sign-out and errors. oidc-provider's built-in
// devInteractions pages import web fonts from a public host, which fails offline and makes a user's browser
// call out; these pages are whole in themselves (inline CSS, no script, no image, no font), and their
// Content-Security-Policy lets them load nothing at all, so that nothing slips in later either.
import { readBody } from './http-util.mjs';

/** The interaction pages live under this path; oidc-provider scopes its interaction cookie to it. */
export const INTERACTION_PATH = '/interaction';

const STYLE = `
  body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; background: #f4f5f7; color: #1d2330; }
  main { max-width: 26rem; margin: 4rem auto; background: #fff; border-radius: 6px; padding: 1.5rem 2rem;
    box-shadow: 0 1px 3px rgba(0, 0, 0, .15); }
  h1 { font-size: 1.4rem; margin: 0 0 1rem; }
  p.note { color: #5b6475; font-size: .9rem; }
  p.error { color: #a31d1d; }
  label { display: block; margin: .75rem 0 .25rem; font-weight: 600; }
  input[type=text], input[type=password] { width: 100%; box-sizing: border-box; font: inherit; padding: .45rem .6rem;
    border: 1px solid #b7bdc9; border-radius: 4px; }
  .actions { display: flex; gap: .75rem; margin-top: 1.25rem; }
  .actions form { margin: 0; }
  button { font: inherit; padding: .45rem 1.1rem; border-radius: 4px; border: 1px solid #b7bdc9; background: #fff; cursor: pointer; }
  button.primary { background: #2456c7; border-color: #2456c7; color: #fff; }
  ul { padding-left: 1.2rem; }
  code { font-size: .9em; }
`;

const escape = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Nothing may load, styles excepted (inline only); forms may post here and, through the provider's
 * redirects, land on the app (Chromium checks form-action on every redirect of a form submission).
 */
function securityHeaders(appUrl) {
  return {
    'Content-Security-Policy': `default-src 'none'; style-src 'unsafe-inline'; form-action 'self' ${appUrl}; frame-ancestors 'none'; base-uri 'none'`,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  };
}

function layout(title, body) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${escape(title)}</h1>
${body}
</main>
</body>
</html>`;
}

function send(res, status, html, appUrl) {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(html), ...securityHeaders(appUrl) });
  res.end(html);
}

/** What each scope lets the app do, in the consent page's words. */
const SCOPE_WORDS = {
  openid: 'know who you are',
  profile: 'read your name',
  offline_access: 'stay logged in while you are away (a refresh token)',
};

function loginPage({ uid, clientName, loginHint, error }) {
  return layout('Sign in', `
<p>to continue to <strong>${escape(clientName)}</strong>.</p>
${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}
<form id="login" method="post" action="${INTERACTION_PATH}/${escape(uid)}/login">
  <label for="login-name">User name</label>
  <input id="login-name" type="text" name="login" value="${escape(loginHint)}" autocomplete="username" required autofocus>
  <label for="login-password">Password</label>
  <input id="login-password" type="password" name="password" autocomplete="current-password">
  <div class="actions"><button class="primary" type="submit">Sign in</button></div>
</form>
<p class="note">This is the demo's own authorization server: any user name and password work. The user name becomes your <code>sub</code>.</p>`);
}

function consentPage({ uid, clientName, accountId, scopes, resources }) {
  const items = [
    ...scopes.map((scope) => `<li>${escape(SCOPE_WORDS[scope] ?? scope)} <small>(<code>${escape(scope)}</code>)</small></li>`),
    ...resources.map(([resource, list]) => `<li>call <code>${escape(resource)}</code> as you: <code>${escape(list.join(' '))}</code></li>`),
  ];
  return layout('Allow access?', `
<p><strong>${escape(clientName)}</strong> asks, for <strong>${escape(accountId)}</strong>, to:</p>
${items.length ? `<ul>${items.join('')}</ul>` : '<p>use what you granted it before.</p>'}
<div class="actions">
  <form id="allow" method="post" action="${INTERACTION_PATH}/${escape(uid)}/confirm"><button class="primary" type="submit">Allow</button></form>
  <form id="deny" method="post" action="${INTERACTION_PATH}/${escape(uid)}/deny"><button type="submit">Deny</button></form>
</div>`);
}

function errorPage(title, message) {
  return layout(title, `<p class="error">${escape(message)}</p>`);
}

async function readForm(req) {
  if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '')) return new URLSearchParams();
  return new URLSearchParams((await readBody(req, 16 * 1024)).toString('utf8'));
}

/**
 * The routes behind `interactions.url`: GET /interaction/:uid shows the page the provider's prompt asks
 * for (sign-in or consent); POST /interaction/:uid/{login,confirm,deny} finishes it. Anything else is
 * left to the provider.
 * @param {import('oidc-provider').default} provider
 * @param {{ appUrl: string, log: (line: string) => void }} o
 * @returns {(req, res) => Promise<boolean>}  true when the request was one of these routes and has been answered
 */
export function createInteractionRoutes(provider, { appUrl, log }) {
  const pattern = new RegExp(`^${INTERACTION_PATH}/([A-Za-z0-9_-]+)(?:/(login|confirm|deny))?$`);

  return async function interactionRoutes(req, res) {
    const match = pattern.exec(new URL(req.url, 'http://x').pathname);
    if (!match) return false;
    const [, uid, action] = match;
    const method = action ? 'POST' : 'GET';
    if (req.method !== method) {
      res.writeHead(405, { Allow: method, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Method Not Allowed\n');
      return true;
    }

    let details;
    try {
      details = await provider.interactionDetails(req, res);
    } catch (err) {
      // No interaction cookie, or the interaction expired (ttl.Interaction): start again from the app.
      log(`[auth] interaction ${uid}: ${err.message}`);
      send(res, 400, errorPage('Sign-in expired', 'This sign-in page is no longer valid. Go back to the app and log in again.'), appUrl);
      return true;
    }
    if (details.uid !== uid) {
      send(res, 400, errorPage('Sign-in expired', 'This sign-in page belongs to another attempt. Go back to the app and log in again.'), appUrl);
      return true;
    }
    const { prompt, params, session } = details;
    const client = await provider.Client.find(params.client_id);
    const clientName = client?.clientName ?? params.client_id;

    if (!action) {
      if (prompt.name === 'login') {
        send(res, 200, loginPage({ uid, clientName, loginHint: params.login_hint }), appUrl);
      } else if (prompt.name === 'consent') {
        send(res, 200, consentPage({
          uid,
          clientName,
          accountId: session?.accountId,
          scopes: prompt.details.missingOIDCScope ?? [],
          resources: Object.entries(prompt.details.missingResourceScopes ?? {}),
        }), appUrl);
      } else {
        send(res, 501, errorPage('Not supported', `The demo server has no page for the prompt ${prompt.name}.`), appUrl);
      }
      return true;
    }

    const expected = action === 'login' ? 'login' : 'consent';
    if (prompt.name !== expected) {
      send(res, 400, errorPage('Out of step', `This page answers the ${expected} step, but the provider is at ${prompt.name}. Go back to the app and log in again.`), appUrl);
      return true;
    }
    const form = await readForm(req);

    if (action === 'login') {
      const login = (form.get('login') ?? '').trim();
      if (!login) {
        send(res, 400, loginPage({ uid, clientName, loginHint: '', error: 'Enter a user name (any will do).' }), appUrl);
        return true;
      }
      // Any password is accepted: the demo has no users, only names.
      await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
      return true;
    }

    if (action === 'deny') {
      await provider.interactionFinished(req, res, {
        error: 'access_denied',
        error_description: 'The user denied access.',
      }, { mergeWithLastSubmission: false });
      return true;
    }

    // confirm: grant what the prompt found missing (as oidc-provider's own example does), and no more.
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = prompt.details;
    if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(' '));
    if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
    await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
    return true;
  };
}

/**
 * features.rpInitiatedLogout.logoutSource: the app has already logged out locally; this page asks whether
 * to sign out of the provider too. "Sign out" ends the provider session (logout=yes), so that the next
 * login asks for the password again; "Stay signed in" only ends this app's part of it.
 * `form` is the provider's own form (its action and xsrf field); the buttons go inside it.
 */
export function logoutSource(appUrl) {
  return async (ctx, form) => {
    const clientName = ctx.oidc.client?.clientName ?? 'the app';
    const buttons = '<div class="actions"><button class="primary" type="submit" name="logout" value="yes">Sign out</button>'
      + '<button type="submit">Stay signed in</button></div></form>';
    ctx.set(securityHeaders(appUrl));
    ctx.type = 'html';
    ctx.body = layout('Sign out?', `
<p>You have logged out of <strong>${escape(clientName)}</strong>. Sign out of the demo's authorization server too?</p>
<p class="note">If you stay signed in, the next login skips the password.</p>
${form.replace('</form>', buttons)}`);
  };
}

/**
 * With no provider session left (it expired, or another tab signed out first) oidc-provider answers the
 * end-session request with a page that posts itself at once. This middleware replaces that page with one
 * that asks, like logoutSource does, with the same fields.
 * @param {string} endSessionPath
 */
export function askEvenWithoutSession(endSessionPath, appUrl) {
  return async function askEvenWithoutSessionMiddleware(ctx, next) {
    await next();
    if (ctx.method !== 'GET' || ctx.path !== endSessionPath || ctx.status !== 200) return;
    const session = ctx.oidc?.session;
    if (!session || session.accountId || !session.state?.secret) return;
    const action = ctx.oidc.urlFor('end_session_confirm');
    ctx.set(securityHeaders(appUrl));
    ctx.type = 'html';
    ctx.body = layout('Signed out', `
<p>You are not signed in to the demo's authorization server.</p>
<form method="post" action="${escape(action)}">
  <input type="hidden" name="xsrf" value="${escape(session.state.secret)}">
  <input type="hidden" name="logout" value="yes">
  <div class="actions"><button class="primary" type="submit">Back to the app</button></div>
</form>`);
  };
}

export function postLogoutSuccessSource(appUrl) {
  return async (ctx) => {
    ctx.set(securityHeaders(appUrl));
    ctx.type = 'html';
    ctx.body = layout('Signed out', '<p>You are signed out of the demo\'s authorization server.</p>');
  };
}

/** The provider's own error page imports web fonts too. */
export function renderError(appUrl) {
  return async (ctx, out) => {
    ctx.set(securityHeaders(appUrl));
    ctx.type = 'html';
    ctx.body = layout(out.error ?? 'error', `<p class="error">${escape(out.error_description ?? '')}</p>`);
  };
}
