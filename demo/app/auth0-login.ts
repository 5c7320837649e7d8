// DEMO_LOGIN=auth0-js: the guide's login, with auth0-js. auth0-js 9 does no PKCE itself, so the app makes the
// pair (pkce.ts), keeps the verifier until the callback, and exchanges the code there.
import type { ILocationService, IPromise, IQService } from 'angular';
import * as auth0 from 'auth0-js';
import type { AuthTokensService, TokenResponse } from 'angular-auth-tokens';
import { config, redirectUri, scope } from './config';
import { claimsOf } from './jwt';
import { challengeFor, randomString } from './pkce';

const PENDING = 'demo.pendingLogin';

interface PendingLogin { verifier: string; state: string; returnTo: string }

/** Navigates to the provider; `returnTo` is a checked local path. */
export async function startAuth0Login(returnTo: string): Promise<void> {
  const pending: PendingLogin = { verifier: randomString(), state: randomString(16), returnTo };
  sessionStorage.setItem(PENDING, JSON.stringify(pending));
  new auth0.WebAuth({ domain: config.authUrl, clientID: config.clientId, redirectUri, responseType: 'code', scope }).authorize({
    prompt: 'consent',
    state: pending.state,
    code_challenge: await challengeFor(pending.verifier),
    code_challenge_method: 'S256',
  } as auth0.AuthorizeOptions);
}

/** On /callback: exchanges the code once, starts the session, and resolves with where to go; rejects with an Error. */
export function completeAuth0Login($location: ILocationService, $q: IQService, authTokens: AuthTokensService): IPromise<string> {
  const { code, state, error, error_description: description } = $location.search() as Record<string, string | undefined>;
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null') as PendingLogin | null;
  sessionStorage.removeItem(PENDING);
  if (error) return $q.reject(Object.assign(new Error(`The server did not log the user in (${error}).`), { cause: { error, error_description: description } }));
  if (!code || !pending || state !== pending.state) return $q.reject(new Error('The login callback matches no pending login attempt of this tab.'));
  const authentication = new auth0.Authentication({
    domain: config.authUrl,
    clientID: config.clientId,
    // oidc-provider, like most OAuth 2.0 servers, accepts only form-encoded token requests.
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    _sendTelemetry: false,
  } as auth0.AuthOptions);
  // auth0-js calls back outside the digest: $q brings the result back in.
  return $q<TokenResponse>((resolve, reject) => authentication.oauthToken(
    { grantType: 'authorization_code', code, codeVerifier: pending.verifier, redirectUri },
    (err: unknown, result: TokenResponse) => (err ? reject(err) : resolve(result)),
  )).then((result) => {
    const claims = claimsOf(result.idToken);
    authTokens.setSession(result, { sub: claims.sub, name: claims.name ?? claims.sub });
    return pending.returnTo;
  }, (err: { description?: string; error?: string }) => $q.reject(new Error(`The code exchange failed: ${err.description ?? err.error ?? 'no answer'}.`)));
}
