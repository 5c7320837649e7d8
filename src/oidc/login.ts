import { AuthTokensError, explain, isAuthTokensError } from '../core/errors';
import { safeReturnTo } from '../core/paths';
import type { Login, LoginOptions, LoginResult } from '../core/types';
import { isSuccess, postForm, quotedCode, tokenResponseOf } from '../refreshers/token-endpoint';
import { ATTEMPT_LIFE_MS, saveAttempt, takeAttempt } from './attempts';
import type { EndpointLookup } from './discovery';
import type { DpopBinding } from './dpop';
import { idTokenClaims } from './id-token';
import { challengeOf, randomString } from './pkce';

/** What the login needs of `oidcClient`'s options. */
export interface LoginSettings {
  issuer: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  extraParams: Record<string, string>;
  postLogoutRedirectUri?: string;
  fetch?: typeof fetch;
}

/** The parameters of an authorization response (RFC 6749 section 4.1.2, RFC 9207, OpenID Connect session management). */
const CALLBACK_PARAMS = ['code', 'state', 'error', 'error_description', 'error_uri', 'iss', 'session_state'];

const failed = (message: string, cause?: unknown) => new AuthTokensError('login_failed', message, cause);

/** `token_type` is case-insensitive (RFC 6749, section 5.1). */
export const isDpopType = (type: string | undefined): boolean => type?.toLowerCase() === 'dpop';

/**
 * A login_failed for whatever went wrong on the way: its own, a discovery failure's (same words), or
 * `message`; a browser that cannot keep a DPoP key says so in its own code.
 */
const asLoginFailed = (error: unknown, message: string): AuthTokensError => (isAuthTokensError(error)
  ? (error.code === 'login_failed' || error.code === 'dpop_unavailable' ? error : failed(error.message, error.cause)) : failed(message, explain(error)));

/**
 * When `window` shows the redirect URI with a `state` (the provider's answer, a code or an error), takes
 * the callback's parameters out of its URL with `history.replaceState` and returns the URL as it was;
 * otherwise null and nothing changes. Done before AngularJS reads the URL, this keeps the code out of the
 * address bar and the history for good: AngularJS keeps its first URL as the base of a hashbang app, and
 * would write the code back, and a router that saw the URL change would load the callback page again.
 */
export function takeCallback(window: Window, redirectUri: string): string | null {
  const url = new URL(window.location.href);
  const redirect = new URL(redirectUri, url);
  if (url.origin + url.pathname !== redirect.origin + redirect.pathname || !url.searchParams.has('state')) return null;
  const taken = url.href;
  for (const name of CALLBACK_PARAMS) url.searchParams.delete(name);
  window.history.replaceState(window.history.state, '', url.href);
  return taken;
}

/**
 * The authorization-code flow with PKCE (RFC 6749, RFC 7636, OpenID Connect Core 1.0), redirect only.
 * `taken` is the callback taken out of the page's URL when the client was made (`takeCallback`), which
 * `complete()` reads when it is given no URL. With `dpop`, each attempt has a key of its own, named to the
 * server by its thumbprint (`dpop_jkt`, RFC 9449 section 10) and proving the code exchange; the session
 * takes it over only when the callback succeeds, so a failed one leaves the old session and key working.
 */
export function oidcLogin(settings: LoginSettings, endpoint: EndpointLookup, now: () => number, taken: string | null, dpop?: DpopBinding): Login {
  const { issuer, clientId, redirectUri } = settings;

  async function start({ returnTo, prompt }: LoginOptions, window: Window): Promise<string> {
    try {
      const authorize = await endpoint('authorizationEndpoint');
      if (authorize === null) throw failed('The server has no authorization endpoint.');
      const { crypto } = window;
      const [state, verifier, nonce] = [randomString(crypto), randomString(crypto), randomString(crypto)];
      const challenge = await challengeOf(crypto, verifier);
      const expiresAt = now() + ATTEMPT_LIFE_MS;
      // The key first: a browser that cannot keep one never leaves for the provider.
      const jkt = dpop && await dpop.startAttempt(state, expiresAt, window);
      saveAttempt(window.sessionStorage, state, { verifier, nonce, returnTo: safeReturnTo(returnTo) ?? '/', clientId, expiresAt }, now());
      const url = new URL(authorize);
      // The extra parameters first: they may add to the request, never replace what makes it safe.
      const params: Record<string, string> = {
        ...settings.extraParams, response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope: settings.scope,
        state, nonce, code_challenge: challenge, code_challenge_method: 'S256', ...(prompt !== undefined && { prompt }), ...(jkt && { dpop_jkt: jkt }),
      };
      for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
      return url.href;
    } catch (error) {
      // No WebCrypto (an insecure context), a blocked sessionStorage: nothing was sent anywhere.
      throw asLoginFailed(error, 'A login attempt could not be started: it needs WebCrypto and sessionStorage.');
    }
  }

  async function complete(url: string | undefined, window: Window): Promise<LoginResult> {
    // A client made once AngularJS ran takes the callback only now; the URL still goes before anything else
    // happens, so that no reload or Back replays it, and no script that reads the URL sees the code.
    const href = url ?? taken ?? takeCallback(window, redirectUri) ?? window.location.href;
    taken = null;
    let params: URLSearchParams;
    try {
      params = new URL(href, window.location.href).searchParams;
    } catch {
      throw failed('The login callback is not a URL.'); // and says no more: it would quote the code
    }
    const state = params.get('state');
    let attempt = null;
    try {
      attempt = state === null ? null : takeAttempt(window.sessionStorage, state, now());
    } catch {
      // sessionStorage that throws holds no attempt.
    }
    const error = params.get('error');
    if (error !== null) {
      const description = params.get('error_description');
      // The provider's words only for a callback of a real attempt: anyone can make a link with an error in it.
      throw failed(`The server did not log the user in${quotedCode(error)}.`,
        attempt ? { error, ...(description !== null && { error_description: description }) } : undefined);
    }
    if (attempt === null || attempt.clientId !== clientId) {
      throw failed('The login callback matches no pending login attempt of this tab: it was used already, it expired, or it was never started here.');
    }
    const iss = params.get('iss');
    if (iss !== null && iss !== issuer) throw failed('The login callback names another issuer.');
    const code = params.get('code');
    if (!code) throw failed('The login callback carries no authorization code.');

    if (dpop && !dpop.attached()) throw failed('A DPoP login needs configure({ sender }) with the same client\'s sender.');
    // Taken (single use) before the exchange: without it the code would be spent on tokens no key can use.
    const key = dpop && await dpop.attempt(state!, window);

    let answer;
    try {
      const tokenEndpoint = await endpoint('tokenEndpoint');
      if (tokenEndpoint === null) throw failed('The server has no token endpoint.');
      answer = await postForm(tokenEndpoint, {
        grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: attempt.verifier, client_id: clientId,
      }, settings.fetch, 'token', key?.sender);
    } catch (reason) {
      throw asLoginFailed(reason, 'The token endpoint could not be reached.');
    }
    const { status, body, cause } = answer;
    if (!isSuccess(status) || !body || typeof body.error === 'string') {
      throw failed(`The token endpoint refused the authorization code: ${status}${quotedCode(cause.error)}.`, cause);
    }
    const response = tokenResponseOf(body, true);
    if (response.accessToken === undefined) throw failed('The token endpoint answered without an access token.', { status });
    // A server that ignored the proof issued bearer tokens: storing them would be a silent downgrade.
    if (key && !isDpopType(response.tokenType)) throw failed('The token endpoint answered with tokens that are not DPoP-bound.', { status });
    const profile = response.idToken === undefined ? null
      : idTokenClaims(response.idToken, { issuer, clientId, nonce: attempt.nonce, now: now() });
    if (profile === null && settings.scope.split(' ').includes('openid')) throw failed('The token endpoint answered without an id token.', { status });
    await key?.adopt();
    return { response, profile, returnTo: safeReturnTo(attempt.returnTo) ?? '/' };
  }

  async function endSessionUrl(idToken: string | null): Promise<string | null> {
    const end = await endpoint('endSessionEndpoint');
    if (end === null) return null;
    const url = new URL(end);
    const params: Record<string, string | undefined> = {
      id_token_hint: idToken ?? undefined, post_logout_redirect_uri: settings.postLogoutRedirectUri, client_id: clientId,
    };
    for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
    return url.href;
  }

  return { redirectUri, start, complete, endSessionUrl };
}
