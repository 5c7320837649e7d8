// The second entry, `angular-auth-tokens/auth0`: the auth0-js refreshers. It imports neither the AngularJS
// module nor the main entry, so an app that uses it loads auth0-js and these few functions only.
export { auth0CheckSession, auth0RefreshToken, auth0Revoke } from './refreshers/auth0';
