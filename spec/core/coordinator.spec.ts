import { createRefreshCoordinator, type RefreshOutcome } from '../../src/core/coordinator';
import { AuthTokensError } from '../../src/core/errors';
import { DB_NAME } from '../../src/core/idb';
import { inTabLock, webLock, type Lock } from '../../src/core/lock';
import { DEFAULT_STORAGE_KEYS } from '../../src/core/settings';
import { indexedDbCopy, type SharedCopy } from '../../src/core/shared-copy';
import { memoryStore } from '../../src/core/storage';
import { createTokenStore } from '../../src/core/token-store';
import type { RefreshFunction, Session, TokenResponse } from '../../src/core/types';
import {
  deferred, deleteDatabase, FakeSharedCopy, flushMicrotasks, makeSession, RecordingLock, rotatingServer, uniqueName,
} from '../helpers/fakes';
import { jwtExpiringIn } from '../helpers/jwt';
import { rejectionOf } from '../helpers/errors';

describe('coordinator', () => {
  interface Setup {
    stored?: Session | null;
    shared?: SharedCopy | null;
    lock?: Lock;
    refresher?: jasmine.Spy<RefreshFunction>;
    refreshTimeoutSeconds?: number;
  }

  /** One tab: a coordinator over its own memory-backed store; in-tab lock and no shared copy unless given. */
  function tab(setup: Setup = {}) {
    const store = createTokenStore(memoryStore(), DEFAULT_STORAGE_KEYS);
    if (setup.stored) store.write(setup.stored);
    const refresher = setup.refresher ?? jasmine.createSpy<RefreshFunction>('refresher').and.callFake(async () => freshResponse());
    const warn = jasmine.createSpy<(message: string) => void>('warn');
    const onOutcome = jasmine.createSpy<(outcome: RefreshOutcome) => void>('onOutcome');
    const coordinator = createRefreshCoordinator({
      store,
      shared: setup.shared ?? null,
      lock: setup.lock ?? inTabLock,
      refresher,
      settings: { apiToken: 'accessToken', minValiditySeconds: 5, refreshTimeoutSeconds: setup.refreshTimeoutSeconds ?? 10 },
      now: () => Date.now(),
      warn,
      onOutcome,
    });
    return { coordinator, store, refresher, warn, onOutcome };
  }

  let issued = 0;
  /** A token response with a new access token and a rotated refresh token. */
  function freshResponse(): TokenResponse {
    issued++;
    return { accessToken: jwtExpiringIn(3600, { jti: `access-${issued}` }), refreshToken: `rotated-${issued}`, expiresIn: 3600 };
  }

  /** A session whose token has expired and whose refresh token still works. */
  const expiredSession = (refreshToken = 'refresh-1') => makeSession({ token: jwtExpiringIn(-10), refreshToken });
  const usableSession = (refreshToken = 'refresh-1') => makeSession({ token: jwtExpiringIn(3600, { jti: uniqueName('t') }), refreshToken });


  it('keeps a renewal that succeeded when the outcome listener throws', async () => {
    const stored = expiredSession();
    const { coordinator, onOutcome, warn } = tab({ stored });
    onOutcome.and.throwError(new Error('listener failed'));

    const session = await coordinator.refresh(stored.token).catch(() => null);

    expect(session?.refreshToken).toMatch(/^rotated-/);
    expect(onOutcome).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  describe('single flight', () => {
    it('calls the refresher once for 20 concurrent refreshes, and gives all of them the same new session', async () => {
      const answer = deferred<TokenResponse>();
      const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.returnValue(answer.promise);
      const stored = expiredSession();
      const { coordinator } = tab({ stored, refresher });

      const waiting = Array.from({ length: 20 }, () => coordinator.refresh(stored.token));
      await flushMicrotasks();
      const response = freshResponse();
      answer.resolve(response);
      const sessions = await Promise.all(waiting);

      expect(refresher).toHaveBeenCalledTimes(1);
      expect(refresher).toHaveBeenCalledWith('refresh-1', stored);
      expect(sessions.every((session) => session === sessions[0])).toBeTrue();
      expect(sessions[0].token).toBe(response.accessToken!);
      expect(sessions[0].refreshToken).toBe(response.refreshToken!);
    });

    it('stores the new token and the rotated refresh token, mirror and shared copy, before the lock is released', async () => {
      const shared = new FakeSharedCopy();
      const stored = expiredSession();
      let atRelease: { mirror: Session | null; shared: Session | null | undefined } | undefined;
      const store = createTokenStore(memoryStore(), DEFAULT_STORAGE_KEYS);
      const lock: Lock = {
        async run(task) {
          const result = await task();
          atRelease = { mirror: store.read(), shared: shared.value };
          return result;
        },
      };
      store.write(stored);
      const response = freshResponse();
      const coordinator = createRefreshCoordinator({
        store, shared, lock, refresher: async () => response, now: Date.now, warn: () => undefined, onOutcome: () => undefined,
        settings: { apiToken: 'accessToken', minValiditySeconds: 5, refreshTimeoutSeconds: 10 },
      });

      const storedWhenResolved = await coordinator.refresh(stored.token).then(() => store.read());

      expect(atRelease!.mirror!.token).toBe(response.accessToken!);
      expect(atRelease!.mirror!.refreshToken).toBe(response.refreshToken!);
      expect(atRelease!.shared!.refreshToken).toBe(response.refreshToken!);
      expect(storedWhenResolved!.token).toBe(response.accessToken!);
    });

    it('reports the outcome once, however many callers joined', async () => {
      const stored = expiredSession();
      const { coordinator, onOutcome } = tab({ stored });

      const [session] = await Promise.all([coordinator.refresh(stored.token), coordinator.refresh(stored.token), coordinator.refresh(null)]);

      expect(onOutcome).toHaveBeenCalledTimes(1);
      expect(onOutcome).toHaveBeenCalledWith({ session, adopted: false });
    });

    it('clears the refresh in flight once it settles: a later call refreshes again', async () => {
      const stored = expiredSession();
      const { coordinator, refresher } = tab({ stored });
      const first = await coordinator.refresh(stored.token);

      const second = await coordinator.refresh(first.token);

      expect(refresher).toHaveBeenCalledTimes(2);
      expect(refresher.calls.argsFor(1)[0]).toBe(first.refreshToken!);
      expect(second.token).not.toBe(first.token);
    });

    it('renews a usable token when it is the one the caller saw (refresh() now, or a 401)', async () => {
      const stored = usableSession();
      const { coordinator, refresher, onOutcome } = tab({ stored });

      const session = await coordinator.refresh(stored.token);

      expect(refresher).toHaveBeenCalledTimes(1);
      expect(session.token).not.toBe(stored.token);
      expect(onOutcome).toHaveBeenCalledWith({ session, adopted: false });
    });
  });

  describe('look again after waiting', () => {
    it('adopts a stored usable token that differs from the one the caller saw, without calling the refresher', async () => {
      const seen = jwtExpiringIn(-10);
      const renewedMeanwhile = usableSession();
      const { coordinator, refresher, onOutcome } = tab({ stored: renewedMeanwhile });

      const session = await coordinator.refresh(seen);

      expect(refresher).not.toHaveBeenCalled();
      expect(session).toEqual(renewedMeanwhile);
      expect(onOutcome).toHaveBeenCalledOnceWith({ session, adopted: true });
    });

    it('adopts the result of a refresh that finished while a caller that saw the old token was on its way', async () => {
      const stored = expiredSession();
      const { coordinator, refresher } = tab({ stored });
      const renewed = await coordinator.refresh(stored.token);

      const late = await coordinator.refresh(stored.token);

      expect(refresher).toHaveBeenCalledTimes(1);
      expect(late).toEqual(renewed);
    });

    it('does not adopt a stored token that is no longer usable', async () => {
      const stored = expiredSession();
      const { coordinator, refresher } = tab({ stored });

      await coordinator.refresh('some-other-token');

      expect(refresher).toHaveBeenCalledTimes(1);
    });
  });

  describe('when the refresh fails', () => {
    it('rejects every waiter with login_required when the server refuses the refresh token, and ends the session once', async () => {
      const shared = new FakeSharedCopy();
      const stored = expiredSession();
      const refused = { error: 'invalid_grant', error_description: 'grant revoked' };
      const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.rejectWith(refused);
      const { coordinator, store, onOutcome } = tab({ stored, shared, refresher });

      const errors = await Promise.all([1, 2, 3, 4, 5].map(() => rejectionOf(coordinator.refresh(stored.token))));

      expect(errors.every((error) => error === errors[0])).toBeTrue();
      expect(errors[0] instanceof AuthTokensError).toBeTrue();
      expect(errors[0].code).toBe('login_required');
      expect(errors[0].cause).toBe(refused);
      expect(store.read()).toBeNull();
      expect(shared.value).toBeNull();
      expect(refresher).toHaveBeenCalledTimes(1);
      expect(onOutcome).toHaveBeenCalledOnceWith({ error: errors[0], ended: true });
    });

    it('rejects refresh_failed on a network error, keeps the session, and tries again on the next call', async () => {
      const shared = new FakeSharedCopy();
      const stored = expiredSession();
      const offline = new TypeError('Failed to fetch');
      const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.rejectWith(offline);
      const { coordinator, store, onOutcome } = tab({ stored, shared, refresher });

      const error = await rejectionOf(coordinator.refresh(stored.token));

      expect(error.code).toBe('refresh_failed');
      expect(error.cause).toBe(offline);
      expect(store.read()).toEqual(stored);
      expect(shared.write).not.toHaveBeenCalled();
      expect(onOutcome).toHaveBeenCalledOnceWith({ error, ended: false });

      refresher.and.callFake(async () => freshResponse());
      const session = await coordinator.refresh(stored.token);

      expect(refresher).toHaveBeenCalledTimes(2);
      expect(refresher.calls.argsFor(1)[0]).toBe('refresh-1');
      expect(store.read()).toEqual(session);
    });

    it('takes a failing refresher under a real lock for a failed refresh, not for a failed lock', async () => {
      const lock = new RecordingLock();
      const run = spyOn(lock, 'run').and.callThrough();
      const stored = expiredSession();
      const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.rejectWith(new Error('boom'));
      const { coordinator, warn } = tab({ stored, lock, refresher });

      const error = await rejectionOf(coordinator.refresh(stored.token));
      await rejectionOf(coordinator.refresh(stored.token));

      expect(error.code).toBe('refresh_failed');
      expect(warn).not.toHaveBeenCalled();
      expect(run).toHaveBeenCalledTimes(2);
    });

    describe('with a mocked clock', () => {
      beforeEach(() => {
        jasmine.clock().install();
        jasmine.clock().mockDate(new Date(1_700_000_000_000));
      });
      afterEach(() => jasmine.clock().uninstall());

      it('rejects refresh_failed when the refresher never settles, after refreshTimeoutSeconds, and keeps the session', async () => {
        const stored = expiredSession();
        const called = deferred<void>();
        const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.callFake(() => {
          called.resolve();
          return new Promise<TokenResponse>(() => undefined);
        });
        const { coordinator, store, onOutcome } = tab({ stored, refresher, refreshTimeoutSeconds: 10 });
        const result: { error?: AuthTokensError } = {};

        coordinator.refresh(stored.token).catch((error: AuthTokensError) => { result.error = error; });
        await called.promise;
        jasmine.clock().tick(9_999);
        await flushMicrotasks();
        const settledBefore = 'error' in result;
        jasmine.clock().tick(1);
        await flushMicrotasks();

        expect(settledBefore).toBeFalse();
        expect(result.error instanceof AuthTokensError).toBeTrue();
        expect(result.error!.code).toBe('refresh_failed');
        expect(store.read()).toEqual(stored);
        expect(onOutcome).toHaveBeenCalledOnceWith({ error: result.error!, ended: false });
      });

      it('tries again after a timed-out refresh', async () => {
        const stored = expiredSession();
        const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.returnValue(new Promise<TokenResponse>(() => undefined));
        const { coordinator } = tab({ stored, refresher, refreshTimeoutSeconds: 2 });
        const first = coordinator.refresh(stored.token).catch(() => undefined);
        await flushMicrotasks();
        jasmine.clock().tick(2_000);
        await first;

        refresher.and.callFake(async () => freshResponse());
        const session = await coordinator.refresh(stored.token);

        expect(refresher).toHaveBeenCalledTimes(2);
        expect(session.refreshToken).toMatch(/^rotated-/);
      });
    });

    it('rejects invalid_response when the refresher resolves without a token, and keeps the session', async () => {
      const shared = new FakeSharedCopy();
      const stored = expiredSession();
      const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.resolveTo({ refreshToken: 'rotated-x', expiresIn: 3600 });
      const { coordinator, store, onOutcome } = tab({ stored, shared, refresher });

      const error = await rejectionOf(coordinator.refresh(stored.token));

      expect(error.code).toBe('invalid_response');
      expect(store.read()).toEqual(stored);
      expect(shared.write).not.toHaveBeenCalled();
      expect(onOutcome).toHaveBeenCalledOnceWith({ error, ended: false });
    });

    it('rejects invalid_response when the refresher resolves with nothing at all', async () => {
      const stored = expiredSession();
      const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.resolveTo(undefined as unknown as TokenResponse);
      const { coordinator, store } = tab({ stored, refresher });

      const error = await rejectionOf(coordinator.refresh(stored.token));

      expect(error.code).toBe('invalid_response');
      expect(store.read()).toEqual(stored);
    });

    it('classifies a refresher that throws synchronously', async () => {
      const stored = expiredSession();
      const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.throwError('not configured');
      const { coordinator, store } = tab({ stored, refresher });

      const error = await rejectionOf(coordinator.refresh(stored.token));

      expect(error.code).toBe('refresh_failed');
      expect(store.read()).toEqual(stored);
    });
  });

  describe('without a refresh token', () => {
    it('rejects login_required without calling the refresher, and ends nothing, when nothing is stored', async () => {
      const { coordinator, refresher, onOutcome } = tab({ stored: null });

      const error = await rejectionOf(coordinator.refresh(null));

      expect(error.code).toBe('login_required');
      expect(refresher).not.toHaveBeenCalled();
      expect(onOutcome).toHaveBeenCalledOnceWith({ error, ended: false });
    });

    it('rejects login_required without calling the refresher, and ends the session, when only an expired token is stored', async () => {
      const stored = makeSession({ token: jwtExpiringIn(-10), refreshToken: null });
      const { coordinator, refresher, store, onOutcome } = tab({ stored });

      const error = await rejectionOf(coordinator.refresh(stored.token));

      expect(error.code).toBe('login_required');
      expect(refresher).not.toHaveBeenCalled();
      expect(store.read()).toBeNull();
      expect(onOutcome).toHaveBeenCalledOnceWith({ error, ended: true });
    });

    it('calls a refresher marked usesRefreshToken = false with an empty string', async () => {
      const stored = makeSession({ token: jwtExpiringIn(-10), refreshToken: null });
      const response = { accessToken: jwtExpiringIn(3600, { jti: 'silent' }), expiresIn: 3600 };
      const refresher = Object.assign(jasmine.createSpy<RefreshFunction>('checkSession').and.resolveTo(response), { usesRefreshToken: false });
      const { coordinator, store } = tab({ stored, refresher });

      const session = await coordinator.refresh(stored.token);

      expect(refresher).toHaveBeenCalledOnceWith('', stored);
      expect(session.token).toBe(response.accessToken);
      expect(session.refreshToken).toBeNull();
      expect(store.read()!.token).toBe(response.accessToken);
    });
  });

  describe('the shared copy', () => {
    it('wins over the mirror when it has been written: its usable token is adopted', async () => {
      const mirror = expiredSession('refresh-stale');
      const renewedElsewhere = usableSession('refresh-new');
      const shared = new FakeSharedCopy(renewedElsewhere);
      const { coordinator, refresher, store } = tab({ stored: mirror, shared });

      const session = await coordinator.refresh(mirror.token);

      expect(refresher).not.toHaveBeenCalled();
      expect(session).toEqual(renewedElsewhere);
      expect(store.read()).toEqual(renewedElsewhere);
    });

    it('wins over the mirror when it has been written: its refresh token is the one spent', async () => {
      const mirror = expiredSession('refresh-stale');
      const shared = new FakeSharedCopy(expiredSession('refresh-current'));
      const { coordinator, refresher } = tab({ stored: mirror, shared });

      await coordinator.refresh(mirror.token);

      expect(refresher.calls.argsFor(0)[0]).toBe('refresh-current');
    });

    it('leaves the mirror to serve when it has never been written (undefined), and is written afterwards', async () => {
      const mirror = expiredSession('refresh-mirror');
      const shared = new FakeSharedCopy(undefined);
      const { coordinator, refresher } = tab({ stored: mirror, shared });

      const session = await coordinator.refresh(mirror.token);

      expect(refresher.calls.argsFor(0)[0]).toBe('refresh-mirror');
      expect(shared.value).toEqual(session);
    });

    it('takes null (logged out in another tab) over a mirror that still shows the old session, and ends it here too', async () => {
      const mirror = expiredSession('refresh-stale');
      const shared = new FakeSharedCopy(null);
      const { coordinator, refresher, store, onOutcome } = tab({ stored: mirror, shared });

      const error = await rejectionOf(coordinator.refresh(mirror.token));

      expect(error.code).toBe('login_required');
      expect(refresher).not.toHaveBeenCalled();
      expect(store.read()).toBeNull();
      expect(onOutcome).toHaveBeenCalledOnceWith({ error, ended: true });
    });

    it('degrades when reading it throws: warns once, and refreshes from the mirror from then on', async () => {
      const shared = new FakeSharedCopy();
      shared.read.and.rejectWith(new DOMException('The database connection is closing.', 'InvalidStateError'));
      const stored = expiredSession();
      const { coordinator, refresher, store, warn } = tab({ stored, shared });

      const first = await coordinator.refresh(stored.token);
      const second = await coordinator.refresh(first.token);

      expect(refresher).toHaveBeenCalledTimes(2);
      expect(store.read()).toEqual(second);
      expect(shared.read).toHaveBeenCalledTimes(1);
      expect(shared.write).not.toHaveBeenCalled();
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.calls.argsFor(0)[0]).toContain('IndexedDB');
    });

    it('degrades when writing it throws: warns once, and the new session still reaches the mirror', async () => {
      const shared = new FakeSharedCopy();
      shared.write.and.rejectWith(new DOMException('Quota exceeded.', 'QuotaExceededError'));
      const stored = expiredSession();
      const { coordinator, store, warn } = tab({ stored, shared });

      const first = await coordinator.refresh(stored.token);
      await coordinator.refresh(first.token);
      await coordinator.save(null);

      expect(shared.write).toHaveBeenCalledTimes(1);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(store.read()).toBeNull();
    });
  });

  describe('the lock', () => {
    it('degrades to the in-tab lock with one warning when the lock fails before running the task', async () => {
      const broken: Lock = { run: jasmine.createSpy('run').and.rejectWith(new TypeError('navigator.locks.request is not a function')) };
      const stored = expiredSession();
      const { coordinator, refresher, warn } = tab({ stored, lock: broken });

      const first = await coordinator.refresh(stored.token);
      await coordinator.refresh(first.token);

      expect(refresher).toHaveBeenCalledTimes(2);
      expect(broken.run).toHaveBeenCalledTimes(1);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.calls.argsFor(0)[0]).toContain('Web Locks');
    });

    it('passes lock_timeout on as lock_timeout, keeps the session and does not call the refresher', async () => {
      const timeout = new AuthTokensError('lock_timeout', 'Another tab held the refresh lock for more than 15 s.');
      const busy: Lock = { run: jasmine.createSpy('run').and.rejectWith(timeout) };
      const shared = new FakeSharedCopy();
      const stored = expiredSession();
      const { coordinator, refresher, store, warn, onOutcome } = tab({ stored, lock: busy, shared });

      const error = await rejectionOf(coordinator.refresh(stored.token));

      expect(error).toBe(timeout);
      expect(refresher).not.toHaveBeenCalled();
      expect(store.read()).toEqual(stored);
      expect(shared.write).not.toHaveBeenCalled();
      expect(warn).not.toHaveBeenCalled();
      expect(onOutcome).toHaveBeenCalledOnceWith({ error, ended: false });
    });
  });

  describe('save', () => {
    it('writes the mirror at once and the shared copy under the lock', async () => {
      const lock = new RecordingLock();
      const shared = new FakeSharedCopy();
      let heldWhenShared: boolean | undefined;
      shared.write.and.callFake(async (session: Session | null) => { heldWhenShared = lock.held; shared.value = session; });
      const { coordinator, store } = tab({ lock, shared });
      const session = usableSession();

      const saving = coordinator.save(session);
      const mirrorAtOnce = store.read();
      await saving;

      expect(mirrorAtOnce).toEqual(session);
      expect(shared.value).toEqual(session);
      expect(heldWhenShared).toBeTrue();
    });

    it('clears both with null', async () => {
      const stored = usableSession();
      const shared = new FakeSharedCopy(stored);
      const { coordinator, store } = tab({ stored, shared });

      const saving = coordinator.save(null);
      const mirrorAtOnce = store.read();
      await saving;

      expect(mirrorAtOnce).toBeNull();
      expect(shared.value).toBeNull();
      expect(shared.write).toHaveBeenCalledOnceWith(null);
    });

    it('writes the mirror alone without a shared copy', async () => {
      const { coordinator, store } = tab({ shared: null });
      const session = usableSession();

      await coordinator.save(session);

      expect(store.read()).toEqual(session);
    });
  });

  describe('with the real Web Lock and IndexedDB copy', () => {
    afterAll(() => deleteDatabase(DB_NAME));

    it('renews inside the lock and writes the new set to IndexedDB and the mirror', async () => {
      const key = uniqueName('spec-coordinator');
      const stored = expiredSession('refresh-0');
      const server = rotatingServer('refresh-0');
      const { coordinator, store } = tab({
        stored, refresher: server.refresher, shared: indexedDbCopy(indexedDB, key), lock: webLock(navigator.locks, `authTokens:refresh:${key}`, 5000),
      });

      const session = await coordinator.refresh(stored.token);

      expect(server.received).toEqual(['refresh-0']);
      expect(session.refreshToken).toBe('refresh-1');
      expect(store.read()).toEqual(session);
      expect(await indexedDbCopy(indexedDB, key).read()).toEqual(session);
    });

    it('spends a rotating refresh token once for two tabs that refresh at once, though each tab\'s mirror lags', async () => {
      const key = uniqueName('spec-tabs');
      const lockName = `authTokens:refresh:${key}`;
      const stored = expiredSession('refresh-0');
      const server = rotatingServer('refresh-0');
      // Each tab has its own mirror (a localStorage that has not caught up), and shares the lock and IndexedDB.
      const tabs = [1, 2].map(() => tab({
        stored, refresher: server.refresher, shared: indexedDbCopy(indexedDB, key), lock: webLock(navigator.locks, lockName, 5000),
      }));

      const [one, two] = await Promise.all(tabs.map((t) => t.coordinator.refresh(stored.token)));

      expect(server.refresher).toHaveBeenCalledTimes(1);
      expect(server.received).toEqual(['refresh-0']);
      expect(one.token).toBe(two.token);
      expect(tabs[0].store.read()!.token).toBe(one.token);
      expect(tabs[1].store.read()!.token).toBe(one.token);
      expect(tabs.map((t) => t.store.read()!.refreshToken)).toEqual(['refresh-1', 'refresh-1']);
      const outcomes = tabs.map((t) => t.onOutcome.calls.argsFor(0)[0] as { adopted: boolean });
      expect(outcomes.map((o) => o.adopted).sort()).toEqual([false, true]);
    });

    it('spends each rotated refresh token once when both tabs must renew again (both got a 401)', async () => {
      const key = uniqueName('spec-tabs');
      const lockName = `authTokens:refresh:${key}`;
      const stored = expiredSession('refresh-0');
      const server = rotatingServer('refresh-0');
      const tabs = [1, 2, 3].map(() => tab({
        stored, refresher: server.refresher, shared: indexedDbCopy(indexedDB, key), lock: webLock(navigator.locks, lockName, 5000),
      }));
      const first = await Promise.all(tabs.map((t) => t.coordinator.refresh(stored.token)));

      const second = await Promise.all(tabs.map((t, i) => t.coordinator.refresh(first[i].token)));

      expect(server.received).toEqual(['refresh-0', 'refresh-1']);
      expect(new Set(second.map((s) => s.token)).size).toBe(1);
      expect(tabs.every((t) => t.onOutcome.calls.all().every((call) => 'session' in call.args[0]))).toBeTrue();
    });
  });
});
