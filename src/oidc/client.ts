import { AuthTokensError } from '../core/errors';
import type { Login, RefreshFunction, Revoker, Sender } from '../core/types';
import { refreshTokenGrant, revocationForm } from '../refreshers/oauth2';
import { revokeAt } from '../refreshers/token-endpoint';
import { endpointLookup, isSecureUrl, type Endpoints } from './discovery';
import { dpopBinding } from './dpop';
import { isDpopType, oidcLogin, takeCallback } from './login';

export interface OidcClientOptions extends Endpoints {
  /** The issuer, exactly as the server names itself; discovery is at `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  clientId: string;
  /** Where the provider sends the user back; the route guard leaves its path alone. */
  redirectUri: string;
  /** Defaults to `'openid profile offline_access'`. */
  scope?: string;
  /** More authorization request parameters (`audience`, `resource`, ...); they never replace the flow's own. */
  extraParams?: Record<string, string>;
  /** Where the provider sends the user after `logout({ endSession: true })`. */
  postLogoutRedirectUri?: string;
  /** Defaults to the global `fetch`, looked up on every call. */
  fetch?: typeof fetch;
  /**
   * Sender-constrained tokens (DPoP, RFC 9449): every token is bound to a key that the page can use but
   * not copy out. Pass the client's `sender` to `configure` too.
   */
  dpop?: boolean;
}

/** What `authTokensProvider.configure` takes from an OpenID Connect server. */
export interface OidcClient {
  refresher: RefreshFunction;
  revoke: Revoker;
  login: Login;
  /** With `dpop: true`, how tokens are presented (`Authorization: DPoP` and a proof): for `configure({ sender })`. */
  sender?: Sender;
  /** The RFC 7638 thumbprint of the session's DPoP key, which the tokens' `cnf.jkt` names; null without one. */
  dpopThumbprint(): Promise<string | null>;
  /**
   * This page is the provider's callback, which the client took out of the URL when it was made. A hashbang
   * app, whose callback has no route of its own (the provider calls back to the document), completes the
   * login when it sees this.
   */
  readonly calledBack: boolean;
}

/**
 * A client of one OpenID Connect server: its login (authorization code with PKCE), the refresh-token
 * grant and revocation, all at the endpoints the server's discovery document names (or the ones given).
 * Made on the page the provider calls back to, before AngularJS starts (in a config block, or when the
 * app's code loads), it takes the callback out of the address bar at once (`takeCallback`).
 */
export function oidcClient(options: OidcClientOptions): OidcClient {
  const { issuer, clientId, redirectUri } = options;
  for (const [name, value] of Object.entries({ issuer, clientId, redirectUri })) {
    if (typeof value !== 'string' || value === '') throw new TypeError(`oidcClient: ${name} must be a non-empty string.`);
  }
  if (!isSecureUrl(issuer)) throw new TypeError('oidcClient: issuer must be an https URL (http only on this machine).');
  const now = () => Date.now();
  const dpop = options.dpop ? dpopBinding(globalThis.crypto, now) : undefined;
  const endpoint = endpointLookup(issuer, options, options.fetch);
  /** An endpoint the refresh and the revocation cannot do without; a server without it is reported, not skipped silently. */
  const required = async (name: 'tokenEndpoint' | 'revocationEndpoint', what: string) => {
    const url = await endpoint(name);
    if (url === null) throw new AuthTokensError('refresh_failed', `The server has no ${what} endpoint.`);
    return url;
  };
  const taken = typeof window === 'undefined' ? null : takeCallback(window, redirectUri);
  return {
    calledBack: taken !== null,
    async refresher(refreshToken) {
      // No scope on a refresh: the server keeps the one the refresh token was granted.
      const response = await refreshTokenGrant(await required('tokenEndpoint', 'token'), refreshToken, { clientId, fetch: options.fetch }, dpop?.sender);
      // Never stored as a bearer token: the server ignored the proof.
      if (dpop && !isDpopType(response.tokenType)) throw new AuthTokensError('invalid_response', 'The token endpoint renewed with tokens that are not DPoP-bound.');
      return response;
    },
    // Azure AD has no revocation endpoint: logout then says once through $log that the token was not revoked.
    revoke: async (refreshToken) => revokeAt(await required('revocationEndpoint', 'revocation'), revocationForm(refreshToken, clientId), options.fetch,
      dpop?.revoking),
    login: oidcLogin({ ...options, scope: options.scope ?? 'openid profile offline_access', extraParams: options.extraParams ?? {} }, endpoint,
      now, taken, dpop),
    sender: dpop?.sender,
    dpopThumbprint: async () => (dpop ? dpop.thumbprint() : null),
  };
}
