import { DEFAULT_SETTINGS, mergeSettings, type Settings } from '../core/settings';
import { createService } from './service';
import { tokenGetter } from './token-getter';
import type { AuthTokensJwtOptions, AuthTokensOptions, AuthTokensProvider, Refresher } from './types';

const SECONDS = ['renewBeforeSeconds', 'minValiditySeconds', 'refreshTimeoutSeconds', 'lockTimeoutSeconds'] as const;

/** `authTokensProvider`: the configuration. The service it gives is the public face of `authTokensCore`. */
export class AuthTokensProviderImpl implements AuthTokensProvider {
  settings: Settings = DEFAULT_SETTINGS;
  refresher: Refresher | null = null;

  readonly jwtOptions: AuthTokensJwtOptions = {
    tokenGetter,
    // Lets every request reach the tokenGetter, which decides by origin itself: angular-jwt compares host
    // names only, and with an empty list it throws for any other origin.
    whiteListedDomains: [/(?:)/],
  };

  configure({ refresher, ...rest }: Partial<AuthTokensOptions>): void {
    if (refresher !== undefined) {
      if (typeof refresher !== 'function' && !Array.isArray(refresher)) throw new TypeError('authTokens: refresher must be a function or an annotated injectable.');
      this.refresher = refresher;
    }
    if (rest.login && typeof rest.login.complete !== 'function') throw new TypeError('authTokens: login must be oidcClient().login.');
    if (rest.sender && typeof rest.sender.headers !== 'function') throw new TypeError('authTokens: sender must be oidcClient().sender.');
    for (const key of SECONDS) {
      const value: unknown = rest[key];
      if (value !== undefined && !(typeof value === 'number' && value >= 0 && value < Infinity)) {
        throw new TypeError(`authTokens: ${key} must be a number of seconds.`);
      }
    }
    const settings = mergeSettings(this.settings, rest);
    // Id tokens are not bound to a key: an API taking them would take them from anyone.
    if (settings.sender && settings.apiToken === 'idToken') throw new TypeError('authTokens: a sender binds access tokens only, not apiToken idToken.');
    this.settings = settings;
  }

  readonly $get = createService;
}
