// The demo's OpenID Connect provider: oidc-provider, in memory, shaped so that auth0-js can talk to it.
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { errors } from 'oidc-provider';
import { withTokenEndpointFaults } from './faults.mjs';
import {
  INTERACTION_PATH, askEvenWithoutSession, createInteractionRoutes, logoutSource, postLogoutSuccessSource, renderError,
} from './provider-pages.mjs';

export const CLIENT_ID = 'demo-spa';
export const API_SCOPE = 'read:data';

/** auth0-js builds these paths itself and cannot be told otherwise (facts.md). */
const ROUTES = {
  authorization: '/authorize',
  token: '/oauth/token',
  userinfo: '/userinfo',
  end_session: '/v2/logout',
  revocation: '/oauth/revoke',
  jwks: '/jwks',
};

/**
 * @param {object} o
 * @param {string} o.issuer  the server's own origin, already listening
 * @param {string} o.appUrl  the SPA's origin: the only CORS origin, redirect and post-logout target
 * @param {string} o.apiAudience  the one resource server; every access token is a JWT for it
 * @param {number} o.accessTokenTtl  seconds
 * @param {number} o.refreshTokenTtl  seconds, counted from login: rotation does not extend it
 * @param {ReturnType<import('./stats.mjs').createStats>} o.stats
 * @param {(line: string) => void} o.log
 * @param {{ dropRate?: number, errorRate?: number, seed?: number }} [o.faults]  refreshes dropped or answered
 *   503 before the provider reads them (faults.mjs); none without it
 * @returns {Promise<{ provider: Provider, handler: (req, res) => void, faults?: { set(rates): void } }>}
 */
export async function createAuthServer({ issuer, appUrl, apiAudience, accessTokenTtl, refreshTokenTtl, stats, log, faults }) {
  // A fresh key per start: tokens from an earlier run must not verify against this one.
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' };

  const provider = new Provider(issuer, {
    clients: [{
      client_id: CLIENT_ID,
      client_name: 'angular-auth-tokens demo',
      application_type: 'web',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: [`${appUrl}/callback`],
      post_logout_redirect_uris: [`${appUrl}/`],
    }],
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    routes: ROUTES,
    // read:data is not listed: it belongs to the API (getResourceServerInfo), not to OpenID Connect.
    scopes: ['openid', 'profile', 'offline_access'],
    claims: { openid: ['sub'], profile: ['name'], acr: null, sid: null, auth_time: null, iss: null },
    // By default an ID token issued beside an access token carries only `sub`, and the rest is left to
    // /userinfo; the demo shows the name from the ID token, so put the profile claims in it.
    conformIdTokenClaims: false,
    findAccount: (_ctx, sub) => ({
      accountId: sub,
      claims: async () => ({ sub, name: sub }),
    }),
    pkce: { required: () => true },
    responseTypes: ['code'],
    clientBasedCORS: (_ctx, origin) => origin === appUrl,
    // Public client: every refresh spends its token. Reuse then revokes the grant (no grace period).
    // Said outright because the default would not rotate DPoP-bound refresh tokens of a public client
    // (lib/helpers/defaults.js: only unbound ones, or past 70% of their life).
    rotateRefreshToken: true,
    ttl: {
      AccessToken: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? accessTokenTtl,
      // Equal to the access token's, so that an app sending its ID token to APIs renews just as often.
      IdToken: accessTokenTtl,
      AuthorizationCode: 60,
      Interaction: 10 * 60,
      Session: refreshTokenTtl,
      Grant: refreshTokenTtl,
      // A rotated token inherits what is left of its predecessor's life (oidc-provider's own default for
      // public clients), so that refreshing forever cannot keep a login alive past refreshTokenTtl.
      RefreshToken: (ctx) => ctx?.oidc?.entities.RotatedRefreshToken?.remainingTTL ?? refreshTokenTtl,
    },
    // The demo's own sign-in and consent pages (provider-pages.mjs), not devInteractions': those load web
    // fonts from a public host.
    interactions: { url: (_ctx, interaction) => `${INTERACTION_PATH}/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      // Sender-constrained tokens (RFC 9449). A request with a DPoP header gets tokens bound to the proof's
      // key (`cnf.jkt`, and a refresh token that only that key can spend); a request without one gets bearer
      // tokens exactly as before, since the provider looks at requireNonce only when a proof is present
      // (lib/helpers/validate_dpop.js). The nonce secret is new on every start, like the signing key.
      // Nonces are always required so that every client meets the use_dpop_nonce path; the provider checks
      // them before it looks up the code or refresh token, so a nonce challenge spends neither.
      // CORS: the token endpoint's preflight echoes the requested headers (DPoP included), and its answers
      // expose DPoP-Nonce and WWW-Authenticate once a nonceSecret is set (lib/helpers/initialize_app.js).
      dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => true },
      revocation: {
        enabled: true,
        allowedPolicy: (_ctx, client, token) => token.clientId === client.clientId,
      },
      rpInitiatedLogout: { enabled: true, logoutSource: logoutSource(appUrl), postLogoutSuccessSource: postLogoutSuccessSource(appUrl) },
      resourceIndicators: {
        enabled: true,
        // auth0-js cannot send `resource`: without a default, the token would be an opaque one for
        // /userinfo instead of a JWT for the API.
        defaultResource: () => apiAudience,
        // Same reason on refresh: without it, a refresh returns an opaque token for /userinfo.
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resourceIndicator) => {
          if (resourceIndicator !== apiAudience) throw new errors.InvalidTarget();
          return {
            scope: API_SCOPE,
            audience: apiAudience,
            accessTokenFormat: 'jwt',
            accessTokenTTL: accessTokenTtl,
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    renderError: renderError(appUrl),
  });

  provider.use(offlineAccessImpliesConsent);
  provider.use(askEvenWithoutSession(ROUTES.end_session, appUrl));
  countRefreshes(provider, stats, log);
  provider.on('server_error', (_ctx, err) => log(`[auth] server error: ${err.message}`));

  const interactionRoutes = createInteractionRoutes(provider, { appUrl, log });
  const withPages = (providerHandler) => async (req, res) => {
    if (!(await interactionRoutes(req, res))) await providerHandler(req, res);
  };
  if (!faults) return { provider, handler: withPages(provider.callback()) };
  const faulty = withTokenEndpointFaults(provider.callback(), { tokenPath: ROUTES.token, appUrl, faults, stats, log });
  return { provider, handler: withPages(faulty.handler), faults: { set: faulty.set } };
}

/**
 * oidc-provider silently drops offline_access (and so issues no refresh token) unless the request also
 * has prompt=consent. An app that forgets the prompt would then look logged in until its first expiry
 * and fail there, far from the cause; asking for consent whenever offline_access is requested keeps the
 * provider's own rules intact (the grant really holds offline_access). prompt=none is left alone: a silent
 * request must not show a page, and the provider is right to drop offline_access there.
 */
async function offlineAccessImpliesConsent(ctx, next) {
  if (ctx.method === 'GET' && ctx.path === ROUTES.authorization) {
    const query = new URLSearchParams(ctx.querystring);
    const scopes = (query.get('scope') ?? '').split(' ');
    const prompts = (query.get('prompt') ?? '').split(' ').filter(Boolean);
    if (scopes.includes('offline_access') && !prompts.includes('consent') && !prompts.includes('none')) {
      query.set('prompt', [...prompts, 'consent'].join(' '));
      ctx.querystring = query.toString();
    }
  }
  await next();
}

/**
 * Events rather than a middleware reading the body: the provider parses the body itself, and its events
 * fire with the parsed parameters for successes and failures alike.
 * A use_dpop_nonce answer (any grant) is counted apart, as `tokenNonceChallenges`, and not as a refresh: the
 * provider refuses it before it looks the refresh token up, so nothing was spent and the client sends the
 * same grant again.
 */
function countRefreshes(provider, stats, log) {
  const refreshTokenSent = (ctx) => {
    const params = ctx.oidc?.params;
    if (params?.grant_type !== 'refresh_token') return false;
    stats.counters.refreshes += 1;
    stats.recordRefreshToken(params.refresh_token);
    return true;
  };
  provider.on('grant.success', (ctx) => {
    if (refreshTokenSent(ctx)) log('[auth] refresh_token grant: ok, token rotated');
  });
  provider.on('grant.error', (ctx, err) => {
    if (err.error === 'use_dpop_nonce') {
      stats.counters.tokenNonceChallenges += 1;
      log(`[auth] ${ctx.oidc?.params?.grant_type ?? 'token'} grant: use_dpop_nonce (${err.error_description})`);
      return;
    }
    // invalid_grant tells the client only "grant request is invalid"; the reason ("failed jkt verification",
    // "DPoP proof JWT Replay detected", ...) is in error_detail.
    const reason = `${err.error} (${err.error_detail ?? err.error_description})`;
    if (!refreshTokenSent(ctx)) {
      log(`[auth] ${ctx.oidc?.params?.grant_type ?? 'token'} grant: ${reason}`);
      return;
    }
    if (err.error === 'invalid_grant') stats.counters.invalidGrants += 1;
    log(`[auth] refresh_token grant: ${reason}`);
  });
}
