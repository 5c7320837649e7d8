import type { auto, ILogService, IQService, IRootScopeService, IWindowService } from 'angular';
import { IndexedDbLock } from '../core/idb-lock';
import { inTabLock, WebLock, type Lock } from '../core/lock';
import { DEFAULT_SETTINGS, mergeSettings, type Settings } from '../core/settings';
import { IndexedDbCopy, type SharedCopy } from '../core/shared-copy';
import { openStore } from '../core/storage';
import { TokenStore } from '../core/token-store';
import type { RefreshFunction } from '../core/types';
import { AuthTokensRuntime, type AuthManager } from './service';
import { tokenGetter } from './token-getter';
import type { AuthTokensJwtOptions, AuthTokensOptions, AuthTokensProvider, Refresher } from './types';

const SECONDS: Array<keyof Settings> = ['renewBeforeSeconds', 'minValiditySeconds', 'refreshTimeoutSeconds', 'lockTimeoutSeconds'];

export class AuthTokensProviderImpl implements AuthTokensProvider {
  private settings: Settings = DEFAULT_SETTINGS;
  private refresher: Refresher | null = null;

  readonly jwtOptions: AuthTokensJwtOptions = {
    tokenGetter,
    // Lets every request reach the tokenGetter, which decides by origin itself: angular-jwt compares host
    // names only, and with an empty list it throws for any other origin.
    whiteListedDomains: [/(?:)/],
  };

  configure(options: Partial<AuthTokensOptions>): void {
    const { refresher, ...rest } = options;
    if (refresher !== undefined) {
      if (typeof refresher !== 'function' && !Array.isArray(refresher)) throw new TypeError('authTokens: refresher must be a function or an array-annotated injectable.');
      this.refresher = refresher;
    }
    for (const key of SECONDS) {
      const value = rest[key as keyof typeof rest];
      if (value !== undefined && !(typeof value === 'number' && value >= 0 && Number.isFinite(value))) {
        throw new TypeError(`authTokens: ${key} must be a number of seconds.`);
      }
    }
    this.settings = mergeSettings(this.settings, rest);
  }

  readonly $get = ['$q', '$rootScope', '$log', '$window', '$injector', 'authManager',
    ($q: IQService, $rootScope: IRootScopeService, $log: ILogService, $window: IWindowService, $injector: auto.IInjectorService,
      authManager: AuthManager) => {
      const refresher = this.refresher;
      if (refresher === null) throw new Error('authTokens: call authTokensProvider.configure({ refresher }) in a config block.');
      const settings = this.settings;
      const warned = new Set<string>();
      // Each degradation is worth saying once, not once per request.
      const warn = (message: string) => {
        if (!warned.has(message)) { warned.add(message); $log.warn(message); }
      };
      const keys = settings.storageKeys;
      const store = new TokenStore(openStore(settings.storage, $window, Object.values(keys), warn), keys);
      const { shared, lock } = crossTab(settings, $window, warn);
      const runtime = new AuthTokensRuntime({
        $q, $rootScope, $window, authManager, settings, store, shared, lock, warn,
        refresher: Array.isArray(refresher) ? $injector.invoke<RefreshFunction>(refresher) : refresher,
        appOrigin: $window.location.origin,
        now: () => Date.now(),
      });
      runtime.start();
      // An injector torn down (tests, micro-frontends) must leave no timer or listener behind.
      $rootScope.$on('$destroy', () => runtime.stop());
      return runtime;
    }];
}

/**
 * Tabs share renewals only through localStorage, and only where IndexedDB exists; the lock is a Web Lock,
 * or an IndexedDB record where Web Locks are missing.
 */
function crossTab(settings: Settings, $window: IWindowService, warn: (message: string) => void): { shared: SharedCopy | null; lock: Lock } {
  if (settings.storage !== 'localStorage') return { shared: null, lock: inTabLock };
  let idb: IDBFactory | undefined;
  let locks: LockManager | undefined;
  try {
    idb = $window.indexedDB;
    locks = $window.navigator.locks;
  } catch {
    // Some privacy modes throw on access: treated as missing.
  }
  if (!idb) {
    warn('angular-auth-tokens: IndexedDB is missing; each tab renews on its own.');
    return { shared: null, lock: inTabLock };
  }
  const name = `authTokens:refresh:${settings.storageKeys.token}`;
  const timeout = settings.lockTimeoutSeconds * 1000;
  return {
    shared: new IndexedDbCopy(idb, settings.storageKeys.token),
    // The record outlives the longest refresh, so only a crashed tab's lock ever expires.
    lock: locks ? new WebLock(locks, name, timeout) : new IndexedDbLock(idb, name, timeout, (settings.refreshTimeoutSeconds + 5) * 1000),
  };
}
