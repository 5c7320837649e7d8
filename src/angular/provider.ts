import type { auto, ILogService, IQService, IRootScopeService, IWindowService } from 'angular';
import { indexedDbLock } from '../core/idb-lock';
import { inTabLock, webLock, type Lock } from '../core/lock';
import { DEFAULT_SETTINGS, mergeSettings, type Settings } from '../core/settings';
import { indexedDbCopy, type SharedCopy } from '../core/shared-copy';
import { openStore } from '../core/storage';
import { createTokenStore } from '../core/token-store';
import type { RefreshFunction } from '../core/types';
import { createAuthTokens, type AuthManager } from './service';
import { tokenGetter } from './token-getter';
import type { AuthTokensJwtOptions, AuthTokensOptions, AuthTokensProvider, Refresher } from './types';

const SECONDS = ['renewBeforeSeconds', 'minValiditySeconds', 'refreshTimeoutSeconds', 'lockTimeoutSeconds'] as const;

export class AuthTokensProviderImpl implements AuthTokensProvider {
  private settings: Settings = DEFAULT_SETTINGS;
  private refresher: Refresher | null = null;

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
    for (const key of SECONDS) {
      const value: unknown = rest[key];
      if (value !== undefined && !(typeof value === 'number' && value >= 0 && value < Infinity)) {
        throw new TypeError(`authTokens: ${key} must be a number of seconds.`);
      }
    }
    this.settings = mergeSettings(this.settings, rest);
  }

  readonly $get = ['$q', '$rootScope', '$log', '$window', '$injector', 'authManager',
    ($q: IQService, $rootScope: IRootScopeService, $log: ILogService, $window: IWindowService, $injector: auto.IInjectorService,
      authManager: AuthManager) => {
      const { refresher, settings } = this;
      if (refresher === null) throw new Error('authTokens: call authTokensProvider.configure({ refresher }) in a config block.');
      const warned = new Set<string>();
      // Each degradation is worth saying once, not once per request; the error behind it goes along.
      const warn = (message: string, ...cause: unknown[]) => {
        if (!warned.has(message)) {
          warned.add(message);
          $log.warn(`angular-auth-tokens: ${message}`, ...cause);
        }
      };
      const keys = settings.storageKeys;
      const runtime = createAuthTokens({
        $q, $rootScope, $window, authManager, settings, warn,
        store: createTokenStore(openStore(settings.storage, $window, Object.values(keys), warn), keys),
        ...crossTab(settings, $window, warn),
        refresher: Array.isArray(refresher) ? $injector.invoke<RefreshFunction>(refresher) : refresher,
      });
      runtime.start();
      // An injector torn down (tests, micro-frontends) must leave no timer or listener behind.
      $rootScope.$on('$destroy', runtime.stop);
      return runtime;
    }];
}

/**
 * Tabs share renewals only through localStorage, and only where IndexedDB exists; the lock is a Web Lock,
 * or an IndexedDB record where Web Locks are missing.
 */
function crossTab(settings: Settings, $window: IWindowService, warn: (message: string) => void): { shared: SharedCopy | null; lock: Lock } {
  let idb: IDBFactory | undefined;
  let locks: LockManager | undefined;
  if (settings.storage === 'localStorage') {
    try {
      idb = $window.indexedDB;
      locks = $window.navigator.locks;
    } catch {
      // Some privacy modes throw on access: treated as missing.
    }
    if (!idb) warn('IndexedDB is missing; each tab renews on its own.');
  }
  if (!idb) return { shared: null, lock: inTabLock };
  const name = `authTokens:refresh:${settings.storageKeys.token}`;
  const timeout = settings.lockTimeoutSeconds * 1000;
  return {
    shared: indexedDbCopy(idb, settings.storageKeys.token),
    // The record outlives the longest refresh, so only a crashed tab's lock ever expires.
    lock: locks ? webLock(locks, name, timeout) : indexedDbLock(idb, name, timeout, (settings.refreshTimeoutSeconds + 5) * 1000),
  };
}
