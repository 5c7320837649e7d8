// The third entry, `angular-auth-tokens/oidc`: what is specific to OAuth 2.0 and OpenID Connect servers.
// Like the auth0 entry it imports neither the AngularJS module nor the main entry, which stays refresher-
// agnostic: an app that renews some other way never loads the token-endpoint or login code.
export { oidcClient } from './oidc/client';
export type { OidcClient, OidcClientOptions } from './oidc/client';
export { oauth2RefreshToken, oauth2Revoke } from './refreshers/oauth2';
export type { OAuth2RefreshOptions, OAuth2RevokeOptions } from './refreshers/oauth2';
export type { Login, LoginOptions, LoginResult, Sender, SenderPlace } from './core/types';
