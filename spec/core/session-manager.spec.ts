import { DB_NAME } from '../../src/core/idb';
import { createLocalCopy } from '../../src/core/local-copy';
import { inTabLock, type Lock } from '../../src/core/lock';
import { createSessionManager, type SessionEvent, type SessionManagerOptions } from '../../src/core/session-manager';
import { createSessionStore } from '../../src/core/session-store';
import { DEFAULT_SETTINGS, DEFAULT_STORAGE_KEYS, mergeSettings, type Settings } from '../../src/core/settings';
import { indexedDbCopy, type SharedCopy } from '../../src/core/shared-copy';
import { memoryStore, type KeyValueStore } from '../../src/core/storage';
import type { TabChange } from '../../src/core/tab-sync';
import type { RefreshFunction, Revoker, Session, TokenResponse } from '../../src/core/types';
import { deferred, deleteDatabase, flushMicrotasks, makeSession, RecordingLock, uniqueName, useFakeClock } from '../helpers/fakes';
import { rejectionOf, stringsIn } from '../helpers/errors';
import { jwtExpiringIn } from '../helpers/jwt';

describe('session-manager', () => {
  interface Setup {
    /** Left in the local copy as the guide's snippet left it (version 0). */
    stored?: Session;
    /** The Web Storage behind the local copy; another tab's writes land here too. */
    kv?: KeyValueStore;
    shared?: SharedCopy | null;
    lock?: Lock;
    refresher?: jasmine.Spy<RefreshFunction>;
    revoke?: Revoker;
    settings?: Partial<Omit<Settings, 'storageKeys'>>;
    watchTabs?: SessionManagerOptions['watchTabs'];
    timers?: SessionManagerOptions['timers'];
  }

  /** One tab: a manager over a memory local copy, no shared copy and the in-tab lock unless given; every event recorded. */
  function tab(setup: Setup = {}) {
    const warn = jasmine.createSpy<(message: string, cause?: unknown) => void>('warn');
    const local = createLocalCopy(setup.kv ?? memoryStore(), DEFAULT_STORAGE_KEYS);
    if (setup.stored) local.write({ session: setup.stored, version: 0 });
    const store = createSessionStore(local, setup.shared ?? null, warn);
    const refresher = setup.refresher ?? jasmine.createSpy<RefreshFunction>('refresher').and.callFake(async () => freshResponse());
    const manager = createSessionManager({
      store,
      lock: setup.lock ?? inTabLock,
      refresher,
      settings: mergeSettings(DEFAULT_SETTINGS, { revoke: setup.revoke ?? null, ...setup.settings }),
      now: () => Date.now(),
      warn,
      watchTabs: setup.watchTabs,
      timers: setup.timers,
    });
    const events: SessionEvent[] = [];
    manager.subscribe((event) => events.push(event));
    return { manager, local, refresher, warn, events, types: () => events.map((event) => event.type) };
  }

  let issued = 0;
  /** A token endpoint's answer: a new one-hour access token and a rotated refresh token. */
  function freshResponse(): TokenResponse {
    issued++;
    return { accessToken: jwtExpiringIn(3600, { jti: `access-${issued}` }), refreshToken: `rotated-${issued}`, expiresIn: 3600 };
  }

  /** A refresher like auth0-js `checkSession`: it renews from the provider's session and needs no refresh token. */
  function silentRefresher(answer: () => Promise<TokenResponse> = async () => ({ accessToken: jwtExpiringIn(3600, { jti: uniqueName('silent') }), expiresIn: 3600 })) {
    return Object.assign(jasmine.createSpy<RefreshFunction>('checkSession').and.callFake(answer), { usesRefreshToken: false });
  }

  const expired = (refreshToken: string | null = 'rt-1') => makeSession({ token: jwtExpiringIn(-60, { jti: uniqueName('t') }), refreshToken });
  const usable = (refreshToken: string | null = 'rt-1') => makeSession({ token: jwtExpiringIn(3600, { jti: uniqueName('t') }), refreshToken });

  /** Native promises settle without timers: enough turns for a whole renewal under `jasmine.clock()`. */
  const settle = () => flushMicrotasks(100);

  describe('with a fake clock', () => {
    useFakeClock();

    describe('silent renewal (a refresher that uses no refresh token)', () => {
      it('counts an expired token without a refresh token as authenticated, and token() renews it', async () => {
        const refresher = silentRefresher();
        const stored = expired(null);
        const { manager, events } = tab({ stored, refresher });

        expect(manager.isAuthenticated()).toBeTrue();
        const pending = manager.token();
        expect(typeof pending).not.toBe('string');
        const token = await pending;

        expect(refresher).toHaveBeenCalledOnceWith('', stored);
        expect(token).not.toBe(stored.token);
        expect(manager.current()?.token).toBe(token);
        expect(events).toEqual([{ type: 'refreshed', token }]);
      });

      it('arms the scheduler at start-up, renews at once, then again ahead of the new token\'s expiry', async () => {
        const calledAt: number[] = [];
        const refresher = silentRefresher(async () => {
          calledAt.push(Date.now());
          return { accessToken: jwtExpiringIn(3600, { jti: uniqueName('silent') }), expiresIn: 3600 };
        });
        const { manager } = tab({ stored: expired(null), refresher });

        manager.start();
        jasmine.clock().tick(0);
        await settle();
        expect(refresher).toHaveBeenCalledTimes(1);
        const renewed = manager.current()!;

        // The default margin: 60 s before expiry.
        jasmine.clock().tick(renewed.expiresAt! - 60_000 - Date.now() - 1);
        await settle();
        expect(refresher).toHaveBeenCalledTimes(1);
        jasmine.clock().tick(2);
        await settle();
        expect(refresher).toHaveBeenCalledTimes(2);
        expect(calledAt[1]).toBeLessThan(renewed.expiresAt!);
        expect(manager.current()!.token).not.toBe(renewed.token);
        manager.stop();
      });

      it('is not authenticated with the same session when the refresher needs a refresh token', () => {
        const { manager } = tab({ stored: expired(null) });
        expect(manager.isAuthenticated()).toBeFalse();
        expect(manager.token()).toBeNull();
      });
    });

    it('renews a new session from setSession ahead of its expiry once started', async () => {
      const { manager, refresher } = tab();
      manager.start();
      manager.setSession({ accessToken: jwtExpiringIn(3600), refreshToken: 'rt-login', expiresIn: 3600 });
      jasmine.clock().tick(manager.current()!.expiresAt! - 60_000 - Date.now() - 1);
      await settle();
      expect(refresher).not.toHaveBeenCalled();
      jasmine.clock().tick(2);
      await settle();
      expect(refresher).toHaveBeenCalledTimes(1);
      expect(refresher.calls.argsFor(0)[0]).toBe('rt-login');
      manager.stop();
    });

    it('cancels scheduled renewal on logout', async () => {
      const { manager, refresher } = tab({ stored: usable() });
      manager.start();
      await manager.logout();
      jasmine.clock().tick(7200_000);
      await settle();
      expect(refresher).not.toHaveBeenCalled();
      manager.stop();
    });

    it('lets logout() resolve within 5 s when the revoker never answers, and says so without the token', async () => {
      const revoke = jasmine.createSpy<Revoker>('revoke').and.returnValue(new Promise<never>(() => undefined));
      const { manager, warn } = tab({ stored: usable('rt-hanging'), revoke });
      let resolved = false;

      manager.logout().then(() => { resolved = true; });
      await settle();
      expect(revoke).toHaveBeenCalledOnceWith('rt-hanging');
      expect(manager.current()).toBeNull();
      jasmine.clock().tick(4_999);
      await settle();
      const resolvedEarly = resolved;
      jasmine.clock().tick(1);
      await settle();

      expect(resolvedEarly).toBeFalse();
      expect(resolved).toBeTrue();
      expect(warn).toHaveBeenCalledTimes(1);
      expect(stringsIn(warn.calls.allArgs()).join(' ')).not.toContain('rt-hanging');
    });
  });

  describe('logout', () => {
    it('ends the session and publishes loggedOut before anything is awaited, and only then revokes', async () => {
      const seenByRevoker: Array<{ session: Session | null; events: string[] }> = [];
      const revoke = jasmine.createSpy<Revoker>('revoke').and.callFake(async () => {
        seenByRevoker.push({ session: t.manager.current(), events: t.types() });
      });
      const t = tab({ stored: usable('rt-1'), revoke });

      const done = t.manager.logout();
      const afterCall = { session: t.local.read().session, events: [...t.events], revoked: revoke.calls.count() };
      await done;

      expect(afterCall).toEqual({ session: null, events: [{ type: 'loggedOut', otherTab: false }], revoked: 0 });
      expect(revoke).toHaveBeenCalledOnceWith('rt-1');
      expect(seenByRevoker).toEqual([{ session: null, events: ['loggedOut'] }]);
      expect(t.manager.isAuthenticated()).toBeFalse();
      expect(t.manager.token()).toBeNull();
    });

    const failing: Array<[string, () => Revoker]> = [
      ['throws', () => () => { throw new Error('revoker not configured for rt-1'); }],
      ['rejects', () => () => Promise.reject({ status: 500, body: 'token=rt-1' })],
    ];
    for (const [name, make] of failing) {
      it(`resolves when the revoker ${name}, with the session ended and a warning that carries no token`, async () => {
        const revoke = jasmine.createSpy<Revoker>('revoke').and.callFake(make());
        const { manager, warn, types } = tab({ stored: usable('rt-1'), revoke });

        await expectAsync(manager.logout()).toBeResolved();

        expect(revoke).toHaveBeenCalledOnceWith('rt-1');
        expect(manager.current()).toBeNull();
        expect(types()).toEqual(['loggedOut']);
        expect(warn).toHaveBeenCalledTimes(1);
        expect(stringsIn(warn.calls.allArgs()).join(' ')).not.toContain('rt-1');
      });
    }

    it('revokes nothing without a revoker, and nothing when there was no session', async () => {
      const revoke = jasmine.createSpy<Revoker>('revoke').and.resolveTo();
      await tab({ stored: usable() }).manager.logout();
      const empty = tab({ revoke });
      await empty.manager.logout();
      expect(revoke).not.toHaveBeenCalled();
      expect(empty.types()).toEqual(['loggedOut']);
    });

    it('revokes the refresh token a renewal in flight brings back, never stores it, and token() then gives null', async () => {
      const reply = deferred<TokenResponse>();
      const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.returnValue(reply.promise);
      const revoke = jasmine.createSpy<Revoker>('revoke').and.resolveTo();
      const { manager, local, types } = tab({ stored: expired('rt-1'), refresher, revoke });

      const renewal = manager.token() as Promise<string>;
      await settle();
      expect(refresher).toHaveBeenCalledTimes(1);
      await manager.logout();
      expect(revoke.calls.allArgs()).toEqual([['rt-1']]);

      reply.resolve({ accessToken: jwtExpiringIn(3600), refreshToken: 'rt-late', expiresIn: 3600 });
      const error = await rejectionOf(renewal);
      await settle();

      expect(error.code).toBe('login_required');
      expect(revoke.calls.allArgs()).toEqual([['rt-1'], ['rt-late']]);
      expect(local.read().session).toBeNull();
      expect(manager.token()).toBeNull();
      // The overtaken renewal is nobody's news.
      expect(types()).toEqual(['loggedOut']);
    });
  });

  describe('setSession during a renewal in flight', () => {
    it('wins: the late result is dropped and not revoked, and the callers get the new session\'s token', async () => {
      const reply = deferred<TokenResponse>();
      const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.returnValue(reply.promise);
      const revoke = jasmine.createSpy<Revoker>('revoke').and.resolveTo();
      const { manager, types } = tab({ stored: expired('rt-1'), refresher, revoke });

      const renewal = manager.token() as Promise<string>;
      await settle();
      const login = jwtExpiringIn(3600, { jti: 'login' });
      manager.setSession({ accessToken: login, refreshToken: 'rt-login', expiresIn: 3600 }, { name: 'Ada' });
      reply.resolve({ accessToken: jwtExpiringIn(3600, { jti: 'late' }), refreshToken: 'rt-late', expiresIn: 3600 });

      expect(await renewal).toBe(login);
      await settle();
      expect(manager.current()).toEqual(jasmine.objectContaining({ token: login, refreshToken: 'rt-login', profile: { name: 'Ada' } }));
      expect(revoke).not.toHaveBeenCalled();
      expect(types()).toEqual(['sessionStarted']);
    });
  });

  describe('events', () => {
    it('publishes refreshed with the new API token', async () => {
      const { manager, events } = tab({ stored: expired() });
      const token = await manager.token();
      expect(events).toEqual([{ type: 'refreshed', token: manager.current()!.token }]);
      expect(token).toBe(manager.current()!.token);
    });

    it('publishes refreshed with the id token when that is the API token', async () => {
      const id = jwtExpiringIn(3600, { jti: 'id' });
      const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.resolveTo({ accessToken: 'opaque', idToken: id, refreshToken: 'rt-2' });
      const { manager, events } = tab({ stored: expired(), refresher, settings: { apiToken: 'idToken' } });
      await manager.refresh();
      expect(events).toEqual([{ type: 'refreshed', token: id }]);
    });

    it('publishes refreshFailed for a failure that can pass, and keeps the session', async () => {
      const stored = expired();
      const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.rejectWith(new TypeError('Failed to fetch'));
      const { manager, events } = tab({ stored, refresher });

      const error = await rejectionOf(manager.refresh());

      expect(error.code).toBe('refresh_failed');
      expect(events).toEqual([{ type: 'refreshFailed', error }]);
      expect(manager.current()).toEqual(stored);
      expect(manager.isAuthenticated()).toBeTrue();
    });

    it('publishes sessionExpired once when the refresh token is refused, however many callers waited', async () => {
      const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.rejectWith({ error: 'invalid_grant' });
      const { manager, events } = tab({ stored: expired(), refresher });

      const errors = await Promise.all([manager.token() as Promise<string>, manager.refresh(), manager.refresh()].map((p) => rejectionOf(p)));
      const later = manager.token();
      await settle();

      expect(refresher).toHaveBeenCalledTimes(1);
      expect(errors.map((error) => error.code)).toEqual(['login_required', 'login_required', 'login_required']);
      expect(events).toEqual([{ type: 'refreshFailed', error: errors[0] }, { type: 'sessionExpired', error: errors[0] }]);
      expect(manager.current()).toBeNull();
      expect(later).toBeNull();
    });

    describe('with a fake clock', () => {
      useFakeClock();

      it('never carry a refresh token, whatever the refresher echoes', async () => {
        const refresher = jasmine.createSpy<RefreshFunction>('refresher');
        const { manager, events } = tab({ refresher, revoke: async () => undefined });
        manager.setSession({ accessToken: jwtExpiringIn(3600), refreshToken: 'rt-secret-1', expiresIn: 3600 });

        refresher.and.resolveTo({ accessToken: jwtExpiringIn(3600, { jti: 'renewed' }), refreshToken: 'rt-secret-2', expiresIn: 3600 });
        await manager.refresh();
        refresher.and.rejectWith({ status: 503, error: 'server_error', error_description: 'could not use rt-secret-2', request: { body: 'refresh_token=rt-secret-2' } });
        await rejectionOf(manager.refresh());
        // Past the first backoff step, so that the next refresh reaches the refresher.
        jasmine.clock().tick(2_000);
        refresher.and.rejectWith({ error: 'invalid_grant', error_description: 'rt-secret-2 was revoked', refreshToken: 'rt-secret-2' });
        await rejectionOf(manager.refresh());
        await manager.logout();

        expect(refresher).toHaveBeenCalledTimes(3);
        expect(events.map((event) => event.type)).toEqual(['sessionStarted', 'refreshed', 'refreshFailed', 'refreshFailed', 'sessionExpired', 'loggedOut']);
        expect(stringsIn(events).join(' ')).not.toContain('rt-secret');
      });
    });
  });

  describe('other tabs', () => {
    it('publishes what another tab did, read from the storage both share', () => {
      const kv = memoryStore();
      let onChange: ((change: TabChange) => void) | undefined;
      const watchTabs = jasmine.createSpy<NonNullable<SessionManagerOptions['watchTabs']>>('watchTabs').and.callFake((listener) => {
        onChange = listener;
        return () => undefined;
      });
      const { manager, events } = tab({ kv, watchTabs });
      const other = createLocalCopy(kv, DEFAULT_STORAGE_KEYS);
      manager.start();

      const login = usable('rt-other');
      other.write({ session: login, version: 1 });
      onChange!('loggedIn');
      const renewed = usable('rt-other-2');
      other.write({ session: renewed, version: 2 });
      onChange!('renewed');
      other.write({ session: null, version: 3 });
      onChange!('loggedOut');
      manager.stop();

      expect(events).toEqual([
        { type: 'sessionStarted', otherTab: true },
        { type: 'refreshed', token: renewed.token },
        { type: 'loggedOut', otherTab: true },
      ]);
      expect(manager.current()).toBeNull();
    });
  });

  describe('start() and stop()', () => {
    it('are safe to call twice, and start() again after stop() starts afresh', () => {
      const setTimer = jasmine.createSpy<(fn: () => void, ms: number) => unknown>('setTimeout').and.returnValue(7);
      const clearTimer = jasmine.createSpy<(id: unknown) => void>('clearTimeout');
      const stopWatching = jasmine.createSpy<() => void>('stopWatching');
      const watchTabs = jasmine.createSpy<NonNullable<SessionManagerOptions['watchTabs']>>('watchTabs').and.returnValue(stopWatching);
      const { manager } = tab({ stored: usable(), watchTabs, timers: { setTimeout: setTimer, clearTimeout: clearTimer } });

      manager.start();
      manager.start();
      expect(watchTabs).toHaveBeenCalledTimes(1);
      expect(setTimer).toHaveBeenCalledTimes(1);

      manager.stop();
      manager.stop();
      expect(stopWatching).toHaveBeenCalledTimes(1);
      expect(clearTimer).toHaveBeenCalledOnceWith(7);

      manager.start();
      expect(watchTabs).toHaveBeenCalledTimes(2);
      expect(setTimer).toHaveBeenCalledTimes(2);
      manager.stop();
    });

    it('follow other tabs only once started', () => {
      const watchTabs = jasmine.createSpy<NonNullable<SessionManagerOptions['watchTabs']>>('watchTabs').and.returnValue(() => undefined);
      const { manager } = tab({ watchTabs });
      manager.isAuthenticated();
      expect(watchTabs).not.toHaveBeenCalled();
    });
  });

  describe('token() and replace()', () => {
    it('gives a usable token at once, as a string, without renewing', () => {
      const stored = usable();
      const { manager, refresher } = tab({ stored });
      expect(manager.token()).toBe(stored.token!);
      expect(refresher).not.toHaveBeenCalled();
    });

    it('gives null with no session at all', () => {
      const { manager } = tab();
      expect(manager.token()).toBeNull();
      expect(manager.isAuthenticated()).toBeFalse();
    });

    it('replace() adopts a token that replaced the refused one, and renews the one still stored', async () => {
      const stored = usable();
      const { manager, refresher } = tab({ stored });
      expect(await manager.replace('refused-earlier')).toBe(stored.token!);
      expect(refresher).not.toHaveBeenCalled();
      const renewed = await manager.replace(stored.token);
      expect(refresher).toHaveBeenCalledTimes(1);
      expect(renewed).not.toBe(stored.token!);
    });
  });

  describe('with IndexedDB and a lock', () => {
    let key: string;
    beforeEach(async () => {
      await deleteDatabase(DB_NAME);
      key = uniqueName('session');
    });
    afterEach(() => deleteDatabase(DB_NAME));

    it('logs out while a renewal holds the lock, and the renewal\'s refresh token reaches neither copy', async () => {
      const shared = indexedDbCopy(indexedDB, key);
      const lock = new RecordingLock();
      const reply = deferred<TokenResponse>();
      const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.returnValue(reply.promise);
      const revoke = jasmine.createSpy<Revoker>('revoke').and.resolveTo();
      const { manager, local } = tab({ stored: expired('rt-1'), shared, lock, refresher, revoke });

      const renewal = manager.token() as Promise<string>;
      while (!refresher.calls.count()) await new Promise((resolve) => setTimeout(resolve, 5));
      await manager.logout();
      // Logout did not wait for the lock the renewal holds.
      expect(lock.held).toBeTrue();

      reply.resolve({ accessToken: jwtExpiringIn(3600), refreshToken: 'rt-late', expiresIn: 3600 });
      expect((await rejectionOf(renewal)).code).toBe('login_required');

      expect(local.read().session).toBeNull();
      expect((await shared.read())?.session).toBeNull();
      expect(revoke.calls.allArgs()).toEqual([['rt-1'], ['rt-late']]);
      expect(manager.token()).toBeNull();
    });

    it('revokes the refresh token another tab stored in the shared copy too', async () => {
      const shared = indexedDbCopy(indexedDB, key);
      // Another tab renewed: the shared copy is ahead of this tab's lagging local copy.
      await shared.update(() => ({ session: usable('rt-other-tab'), version: 5 }));
      const revoke = jasmine.createSpy<Revoker>('revoke').and.resolveTo();
      const { manager } = tab({ stored: usable('rt-1'), shared, revoke });

      await manager.logout();

      expect(revoke.calls.allArgs().map(([token]) => token).sort()).toEqual(['rt-1', 'rt-other-tab']);
      expect(await shared.read()).toEqual({ session: null, version: jasmine.any(Number) });
    });
  });
});
