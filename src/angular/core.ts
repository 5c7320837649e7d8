import type { auto, ILogService, IWindowService } from 'angular';
import { urlFilter } from '../core/hosts';
import { indexedDbLock } from '../core/idb-lock';
import { createLocalCopy, keyNames } from '../core/local-copy';
import { inTabLock, webLock, type Lock } from '../core/lock';
import { createSessionManager, type SessionManager } from '../core/session-manager';
import { createSessionStore } from '../core/session-store';
import type { Settings } from '../core/settings';
import { indexedDbCopy, type SharedCopy } from '../core/shared-copy';
import { openStore } from '../core/storage';
import { watchOtherTabs } from '../core/tab-sync';
import type { RefreshFunction } from '../core/types';
import type { AuthTokensProviderImpl } from './provider';

/** What the package's own parts (token getter, guard, 401 retry, service) share: the injectable `authTokensCore`. */
export interface AuthTokensCore {
  readonly manager: SessionManager;
  readonly settings: Settings;
  /** Whether a request to `url` may carry the token. */
  allows: (url: string) => boolean;
  /** Says a degradation through `$log.warn`, once per message. */
  warn: (message: string) => void;
}

/**
 * Builds the core from the configured `authTokensProvider`: storage, the cross-tab parts and the session
 * manager. Not started here: the module's run block starts it.
 */
export class AuthTokensCoreProvider {
  // The provider injector: `authTokensProvider` is looked up when the core is made, so that one replaced
  // with `$provide` after this module loaded is the one used.
  static readonly $inject = ['$injector'];
  constructor(private readonly providers: auto.IInjectorService) {}

  readonly $get = ['$log', '$window', '$injector', ($log: ILogService, $window: IWindowService, $injector: auto.IInjectorService): AuthTokensCore => {
    const { settings, refresher } = this.providers.get<AuthTokensProviderImpl>('authTokensProvider');
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
    const local = createLocalCopy(openStore(settings.storage, $window, keyNames(keys), warn), keys);
    const { shared, lock } = crossTab(settings, $window, warn);
    const manager = createSessionManager({
      store: createSessionStore(local, shared, warn),
      lock,
      refresher: Array.isArray(refresher) ? $injector.invoke<RefreshFunction>(refresher) : refresher,
      settings,
      now: () => Date.now(),
      warn,
      watchTabs: shared ? (onChange) => {
        try {
          return watchOtherTabs($window, $window.localStorage, keys.token, onChange);
        } catch {
          // localStorage that throws on access (cookies blocked) while IndexedDB works: no tab to follow.
          return () => undefined;
        }
      } : undefined,
      timers: { events: { target: $window, document: $window.document } },
    });
    const { sender } = settings;
    if (sender) {
      sender.attach?.({ storage: settings.storage, key: keys.token, window: $window, warn });
      manager.subscribe((event) => {
        // A session that ends here takes its key along; another tab's login or logout may have changed it.
        if ('otherTab' in event && event.otherTab) sender.sessionChanged?.(false);
        else if (event.type === 'sessionExpired' || event.type === 'loggedOut') sender.sessionChanged?.(true);
      });
    }
    // Relative URLs resolve as the browser resolves them: against the document's base URL.
    return { manager, settings, warn, allows: urlFilter($window.location.origin, $window.document.baseURI, settings.allowedDomains) };
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
