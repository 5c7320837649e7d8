import { createLocalCopy, versionKey } from '../../src/core/local-copy';
import { webLock } from '../../src/core/lock';
import { createSessionManager, type SessionEvent, type SessionManager } from '../../src/core/session-manager';
import { createSessionStore } from '../../src/core/session-store';
import { DEFAULT_SETTINGS, FIELDS, mergeSettings, type StorageKeys } from '../../src/core/settings';
import { indexedDbCopy } from '../../src/core/shared-copy';
import { openStore } from '../../src/core/storage';
import { watchOtherTabs } from '../../src/core/tab-sync';
import type { RefreshFunction, Revoker, Session } from '../../src/core/types';
import { deferred, rotatingServer, sleep, uniqueName } from '../helpers/fakes';
import { rejectionOf } from '../helpers/errors';
import { jwtExpiringIn } from '../helpers/jwt';

/**
 * Two tabs for real, in both browsers: each "tab" is a same-origin iframe, whose own localStorage, IndexedDB,
 * Web Locks and `storage` events the tab's session manager uses, so writes reach the other tab as they do
 * between tabs (the `storage` event fires only in the other documents). Playwright drives only Chromium
 * here; this covers Firefox too.
 */
describe('session-manager across tabs (iframes)', () => {
  let frames: HTMLIFrameElement[];
  let keys: StorageKeys;
  let managers: SessionManager[];

  /**
   * A same-origin document of its own. Not about:blank: Firefox 140 gives an about:blank iframe a `storage`
   * event for its own writes, with a `storageArea` that is not its `localStorage`, which no real tab sees.
   */
  async function frame(): Promise<Window> {
    const element = document.createElement('iframe');
    const loaded = new Promise((resolve) => element.addEventListener('load', resolve, { once: true }));
    element.src = '/base/spec/helpers/blank.html';
    document.body.appendChild(element);
    frames.push(element);
    await loaded;
    return element.contentWindow!;
  }

  /** A tab: a session manager over the iframe's storage, sharing the token endpoint and revoker given. */
  async function tab(refresher: RefreshFunction, revoke: Revoker | null = null) {
    const win = await frame();
    const warn = jasmine.createSpy('warn');
    const names = [...FIELDS.map((field) => keys[field]), versionKey(keys)];
    const local = createLocalCopy(openStore('localStorage', win, names, warn), keys);
    const manager = createSessionManager({
      store: createSessionStore(local, indexedDbCopy(win.indexedDB, keys.token), warn),
      lock: webLock(win.navigator.locks, `authTokens:refresh:${keys.token}`, 15_000),
      refresher,
      settings: mergeSettings(DEFAULT_SETTINGS, { storageKeys: keys, revoke }),
      now: () => Date.now(),
      warn,
      watchTabs: (onChange) => watchOtherTabs(win, win.localStorage, keys.token, onChange),
    });
    const events: SessionEvent[] = [];
    manager.subscribe((event) => events.push(event));
    manager.start();
    managers.push(manager);
    return { manager, win, warn, events };
  }

  /** What a tab that followed the guide left in localStorage: an expired token and its refresh token. */
  function storeExpired(refreshToken: string): void {
    localStorage.setItem(keys.token, JSON.stringify(jwtExpiringIn(-60)));
    localStorage.setItem(keys.refreshToken, JSON.stringify(refreshToken));
  }

  /** A token endpoint that holds its answer (`accessToken`, rotated to 'refresh-late') until `answer` resolves. */
  function heldRefresher(accessToken: string) {
    const answer = deferred<void>();
    const started = deferred<void>();
    const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.callFake(async () => {
      started.resolve();
      await answer.promise;
      return { accessToken, refreshToken: 'refresh-late', expiresIn: 3600 };
    });
    return { refresher, started, answer };
  }

  const eventually = async (check: () => boolean, ms = 2000) => {
    const until = Date.now() + ms;
    while (!check() && Date.now() < until) await sleep(10);
    return check();
  };

  beforeEach(() => {
    frames = [];
    managers = [];
    const prefix = uniqueName('tabs');
    keys = { token: `${prefix}:token`, refreshToken: `${prefix}:refresh`, idToken: `${prefix}:id`, profile: `${prefix}:profile`, expiresAt: `${prefix}:exp` };
  });
  afterEach(() => {
    managers.forEach((manager) => manager.stop());
    frames.forEach((element) => element.remove());
    for (const name of [...FIELDS.map((field) => keys[field]), versionKey(keys)]) localStorage.removeItem(name);
  });

  it('renews an expired session once for two tabs asking at once, with rotation', async () => {
    const server = rotatingServer('refresh-0');
    storeExpired('refresh-0');
    const one = await tab(server.refresher);
    const two = await tab(server.refresher);

    const [a, b] = await Promise.all([one.manager.token(), two.manager.token()]);

    expect(server.received).toEqual(['refresh-0']);
    expect(a).toBe(b);
    expect(one.manager.current()?.refreshToken).toBe('refresh-1');
    expect(await eventually(() => two.manager.current()?.refreshToken === 'refresh-1')).toBeTrue();
  });

  it('keeps a logout in one tab while the other tab\'s renewal is in flight: nothing comes back, and its refresh token is revoked', async () => {
    storeExpired('refresh-0');
    const { refresher, started, answer } = heldRefresher(jwtExpiringIn(3600));
    const revoke = jasmine.createSpy<Revoker>('revoke').and.resolveTo(undefined);
    const renewing = await tab(refresher, revoke);
    const leaving = await tab(refresher, revoke);

    const pending = rejectionOf(renewing.manager.token() as Promise<string>);
    await started.promise;
    await leaving.manager.logout();
    answer.resolve();
    const error = await pending;

    expect(error.code).toBe('login_required');
    expect(revoke.calls.allArgs()).toEqual([['refresh-0'], ['refresh-late']]);
    // In neither tab, nor in the storage that a reload would read.
    expect(renewing.manager.current()).toBeNull();
    expect(leaving.manager.current()).toBeNull();
    expect(localStorage.getItem(keys.refreshToken)).toBeNull();
    expect(await indexedDbCopy(indexedDB, keys.token).read()).toEqual(jasmine.objectContaining({ session: null }));
    // The renewing tab heard of the logout, and nothing of the dropped renewal.
    expect(await eventually(() => renewing.events.some((event) => event.type === 'loggedOut'))).toBeTrue();
    expect(renewing.events.map((event) => event.type)).not.toContain('refreshed');
    expect(renewing.manager.token()).toBeNull();
  });

  it('keeps a login in one tab while the other tab\'s renewal is in flight: the late result is dropped, not revoked', async () => {
    storeExpired('refresh-0');
    const { refresher, started, answer } = heldRefresher(jwtExpiringIn(3600, { jti: 'late' }));
    const revoke = jasmine.createSpy<Revoker>('revoke').and.resolveTo(undefined);
    const renewing = await tab(refresher, revoke);
    const other = await tab(refresher, revoke);

    const pending = renewing.manager.token() as Promise<string>;
    await started.promise;
    const login = jwtExpiringIn(3600, { jti: 'login' });
    other.manager.setSession({ accessToken: login, refreshToken: 'refresh-login', expiresIn: 3600 });
    // The login reaches the shared copy (IndexedDB) asynchronously: let it land before the late answer.
    expect(await eventually(() => renewing.manager.current()?.token === login)).toBeTrue();
    answer.resolve();

    expect(await pending).toBe(login);
    expect(revoke).not.toHaveBeenCalled();
    // The login's write to the shared copy lands on its own time; it must land, and nothing after it.
    let stored: Session | null | undefined;
    const until = Date.now() + 2000;
    while ((stored = (await indexedDbCopy(indexedDB, keys.token).read())?.session)?.refreshToken !== 'refresh-login' && Date.now() < until) await sleep(10);
    expect(stored?.refreshToken).toBe('refresh-login');
    await sleep(50);
    expect((await indexedDbCopy(indexedDB, keys.token).read())?.session?.refreshToken).toBe('refresh-login');
    expect(renewing.manager.current()?.refreshToken).toBe('refresh-login');
    expect(renewing.warn).not.toHaveBeenCalled();
    expect(other.warn).not.toHaveBeenCalled();
  });
});
