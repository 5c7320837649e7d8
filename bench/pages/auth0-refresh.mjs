// The baselines' refresh: auth0-js `Authentication#oauthToken` with the refresh_token grant, as the guide's
// `auth.refreshToken` did it, form-encoded as oidc-provider requires (facts.md), in a `$q` promise.
import auth0 from 'auth0-js';
import { config } from './harness.mjs';

/** Answers `refresh(refreshToken)`, resolving with auth0-js's camel-cased token response. */
export function auth0Refresh($q) {
  const authentication = new auth0.Authentication({
    domain: config.authUrl,
    clientID: config.clientId,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    _sendTelemetry: false,
  });
  return (refreshToken) => $q((resolve, reject) => {
    authentication.oauthToken({ grantType: 'refresh_token', refreshToken }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}
