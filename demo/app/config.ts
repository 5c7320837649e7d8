/** How the demo logs in: the package's own OpenID Connect login, or the guide's auth0-js path. */
export type DemoLogin = 'oidc' | 'auth0-js';

/** What the demo server tells the app at run time (demo/server writes /config.js). */
export interface DemoConfig {
  authUrl: string;
  apiUrl: string;
  thirdPartyUrl: string;
  clientId: string;
  /** DEMO_LOGIN, checked by the server. */
  login: DemoLogin;
}

declare global {
  interface Window { DEMO_CONFIG: DemoConfig }
}

export const config: DemoConfig = window.DEMO_CONFIG;
export const redirectUri = `${window.location.origin}/callback`;
export const scope = 'openid profile offline_access read:data';
/** How often the profile page calls the API; the end-to-end specs shorten it through localStorage. */
export const apiIntervalMs = Number(localStorage.getItem('demo.apiIntervalMs')) || 5000;
