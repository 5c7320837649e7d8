import { createRefreshCoordinator, type RefreshOutcome } from '../../src/core/coordinator';
import { AuthTokensError } from '../../src/core/errors';
import { DB_NAME } from '../../src/core/idb';
import { createLocalCopy } from '../../src/core/local-copy';
import { inTabLock, webLock, type Lock } from '../../src/core/lock';
import { isUsable } from '../../src/core/session';
import { createSessionStore } from '../../src/core/session-store';
import { DEFAULT_STORAGE_KEYS, type Settings } from '../../src/core/settings';
import { indexedDbCopy, type SharedCopy } from '../../src/core/shared-copy';
import { memoryStore, type KeyValueStore } from '../../src/core/storage';
import type { RefreshFunction, Session, TokenResponse } from '../../src/core/types';
import {
  deferred, deleteDatabase, FakeSharedCopy, flushMicrotasks, makeSession, RecordingLock, rotatingServer, uniqueName, useFakeClock,
} from '../helpers/fakes';
import { jwtExpiringIn, makeJwt } from '../helpers/jwt';
import { rejectionOf } from '../helpers/errors';

describe('coordinator', () => {
  const MIN_VALIDITY_SECONDS = 5;

  interface Setup {
    /** Left in the local copy as the guide's snippet left it (version 0); nothing when absent. */
    stored?: Session | null;
    /** The Web Storage behind the local copy: two tabs share one when localStorage has caught up. */
    kv?: KeyValueStore;
    shared?: SharedCopy | null;
    lock?: Lock;
    refresher?: jasmine.Spy<RefreshFunction>;
    apiToken?: Settings['apiToken'];
    refreshTimeoutSeconds?: number;
    now?: () => number;
  }

  /** One tab: a coordinator over its own session store; the in-tab lock and no shared copy unless given. */
  function tab(setup: Setup = {}) {
    const warn = jasmine.createSpy<(message: string, cause?: unknown) => void>('warn');
    const local = createLocalCopy(setup.kv ?? memoryStore(), DEFAULT_STORAGE_KEYS);
    if (setup.stored) local.write({ session: setup.stored, version: 0 });
    const store = createSessionStore(local, setup.shared ?? null, warn);
    const refresher = setup.refresher ?? jasmine.createSpy<RefreshFunction>('refresher').and.callFake(async () => freshResponse());
    const revoke = jasmine.createSpy<(refreshToken: string) => void>('revoke');
    const coordinator = createRefreshCoordinator({
      store,
      lock: setup.lock ?? inTabLock,
      refresher,
      settings: { apiToken: setup.apiToken ?? 'accessToken', minValiditySeconds: MIN_VALIDITY_SECONDS, refreshTimeoutSeconds: setup.refreshTimeoutSeconds ?? 10 },
      now: setup.now ?? (() => Date.now()),
      warn,
      revoke,
    });
    const outcomes = jasmine.createSpy<(outcome: RefreshOutcome) => void>('outcomes');
    coordinator.subscribe(outcomes);
    return { coordinator, store, local, refresher, warn, revoke, outcomes };
  }

  /** A clock that moves only when the spec moves it, starting at this machine's time (the test JWTs' reference). */
  function fakeClock() {
    const clock = { t: Date.now(), now: () => clock.t };
    return clock;
  }

  let issued = 0;
  /** A token response with a new one-hour access token and a rotated refresh token. */
  function freshResponse(): TokenResponse {
    issued++;
    return { accessToken: jwtExpiringIn(3600, { jti: `access-${issued}` }), refreshToken: `rotated-${issued}`, expiresIn: 3600 };
  }

  /** A session whose token has expired and whose refresh token still works. */
  const expiredSession = (refreshToken = 'refresh-1') => makeSession({ token: jwtExpiringIn(-10, { jti: uniqueName('t') }), refreshToken });
  const usableSession = (refreshToken = 'refresh-1') => makeSession({ token: jwtExpiringIn(3600, { jti: uniqueName('t') }), refreshToken });

  /** A lock that runs `look` after the task and before it lets go: what `look` sees is what the next holder sees. */
  const lookingLock = (look: () => Promise<void> | void): Lock => ({
    async run(task) {
      const result = await task();
      await look();
      return result;
    },
  });

  /** Asks for a renewal and waits for it to settle either way; what requests and the scheduler do. */
  const attempt = (coordinator: { refresh(seen: string | null): Promise<Session> }, seen: string | null) =>
    coordinator.refresh(seen).then((session) => session, (error: AuthTokensError) => error);

  describe('subscribe', () => {
    it('tells every listener each outcome, and returns the function that stops telling one', async () => {
      const stored = expiredSession();
      const { coordinator } = tab({ stored });
      const first = jasmine.createSpy<(outcome: RefreshOutcome) => void>('first');
      const second = jasmine.createSpy<(outcome: RefreshOutcome) => void>('second');
      const stopFirst = coordinator.subscribe(first);
      coordinator.subscribe(second);

      const renewed = await coordinator.refresh(stored.token);
      stopFirst();
      const again = await coordinator.refresh(renewed.token);

      expect(first).toHaveBeenCalledOnceWith({ session: renewed, adopted: false });
      expect(second.calls.allArgs()).toEqual([[{ session: renewed, adopted: false }], [{ session: again, adopted: false }]]);
    });

    it('keeps the outcome when a listener throws, and still tells the listeners after it', async () => {
      const stored = expiredSession();
      const { coordinator, warn } = tab({ stored });
      const failing = new Error('listener failed');
      coordinator.subscribe(() => { throw failing; });
      const after = jasmine.createSpy<(outcome: RefreshOutcome) => void>('after');
      coordinator.subscribe(after);

      const session = await coordinator.refresh(stored.token);

      expect(session.refreshToken).toMatch(/^rotated-/);
      expect(after).toHaveBeenCalledOnceWith({ session, adopted: false });
      expect(warn).toHaveBeenCalledOnceWith(jasmine.any(String), failing);
    });
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

    it('stores the new token and the rotated refresh token in both copies before the lock is released', async () => {
      const shared = new FakeSharedCopy();
      const stored = expiredSession();
      const response = freshResponse();
      const atRelease: { local?: Session | null; shared?: Session | null } = {};
      const setup = tab({
        stored, shared, refresher: jasmine.createSpy<RefreshFunction>('refresher').and.resolveTo(response),
        lock: lookingLock(() => {
          atRelease.local = setup.store.current();
          atRelease.shared = shared.value?.session;
        }),
      });

      await setup.coordinator.refresh(stored.token);

      expect(atRelease.local?.token).toBe(response.accessToken!);
      expect(atRelease.local?.refreshToken).toBe(response.refreshToken!);
      expect(atRelease.shared?.token).toBe(response.accessToken!);
      expect(atRelease.shared?.refreshToken).toBe(response.refreshToken!);
    });

    it('publishes the outcome once, however many callers joined', async () => {
      const stored = expiredSession();
      const { coordinator, outcomes } = tab({ stored });

      const [session] = await Promise.all([coordinator.refresh(stored.token), coordinator.refresh(stored.token), coordinator.refresh(null)]);

      expect(outcomes).toHaveBeenCalledOnceWith({ session, adopted: false });
    });

    it('clears the refresh in flight once it settles: a later call refreshes again, with the rotated token', async () => {
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
      const { coordinator, refresher, outcomes } = tab({ stored });

      const session = await coordinator.refresh(stored.token);

      expect(refresher).toHaveBeenCalledTimes(1);
      expect(session.token).not.toBe(stored.token);
      expect(outcomes).toHaveBeenCalledOnceWith({ session, adopted: false });
    });
  });

  describe('look again after waiting', () => {
    it('adopts a stored usable token that differs from the one the caller saw, without calling the refresher', async () => {
      const seen = jwtExpiringIn(-10);
      const renewedMeanwhile = usableSession();
      const { coordinator, refresher, outcomes } = tab({ stored: renewedMeanwhile });

      const session = await coordinator.refresh(seen);

      expect(refresher).not.toHaveBeenCalled();
      expect(session).toEqual(renewedMeanwhile);
      expect(outcomes).toHaveBeenCalledOnceWith({ session, adopted: true });
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

    it('adopts a newer shared copy\'s usable token over the local copy, and brings the local copy up to date', async () => {
      const renewedElsewhere = usableSession('refresh-new');
      const shared = new FakeSharedCopy({ session: renewedElsewhere, version: 1 });
      const local = expiredSession('refresh-stale');
      const { coordinator, refresher, store } = tab({ stored: local, shared });

      const session = await coordinator.refresh(local.token);

      expect(refresher).not.toHaveBeenCalled();
      expect(session).toEqual(renewedElsewhere);
      expect(store.current()).toEqual(renewedElsewhere);
    });

    it('spends the newer shared copy\'s refresh token, not the stale one in the local copy', async () => {
      const shared = new FakeSharedCopy({ session: expiredSession('refresh-current'), version: 1 });
      const local = expiredSession('refresh-stale');
      const { coordinator, refresher } = tab({ stored: local, shared });

      await coordinator.refresh(local.token);

      expect(refresher.calls.argsFor(0)[0]).toBe('refresh-current');
    });

    it('takes a logout in the shared copy over a local copy that still shows the session: nothing is renewed', async () => {
      const shared = new FakeSharedCopy({ session: null, version: 1 });
      const local = expiredSession('refresh-stale');
      const { coordinator, refresher, store, outcomes } = tab({ stored: local, shared });

      const error = await rejectionOf(coordinator.refresh(local.token));

      expect(error.code).toBe('login_required');
      expect(refresher).not.toHaveBeenCalled();
      expect(store.current()).toBeNull();
      // A logout is announced as one (by whoever saw it), not as a session that expired.
      expect(outcomes).toHaveBeenCalledOnceWith({ error, ended: false });
    });
  });

  describe('when the refresh fails', () => {
    it('rejects every waiter with login_required when the server refuses, clearing both copies inside the lock, and ends the session once', async () => {
      const shared = new FakeSharedCopy();
      const stored = expiredSession();
      const refused = { error: 'invalid_grant', error_description: 'grant revoked', request: { refresh_token: 'refresh-1' } };
      const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.rejectWith(refused);
      const atRelease: Array<{ local: Session | null; shared: Session | null | undefined }> = [];
      const setup = tab({
        stored, shared, refresher,
        lock: lookingLock(() => { atRelease.push({ local: setup.store.current(), shared: shared.value?.session }); }),
      });

      const errors = await Promise.all([1, 2, 3, 4, 5].map(() => rejectionOf(setup.coordinator.refresh(stored.token))));

      expect(errors.every((error) => error === errors[0])).toBeTrue();
      expect(errors[0] instanceof AuthTokensError).toBeTrue();
      expect(errors[0].code).toBe('login_required');
      // What explains the refusal, and not the request that carried the refresh token.
      expect(errors[0].cause).toEqual({ error: 'invalid_grant', error_description: 'grant revoked' });
      expect(atRelease).toEqual([{ local: null, shared: null }]);
      expect(refresher).toHaveBeenCalledTimes(1);
      expect(setup.outcomes).toHaveBeenCalledOnceWith({ error: errors[0], ended: true });
    });

    it('ends the session once when its DPoP key is lost: nothing can renew it any more', async () => {
      const shared = new FakeSharedCopy();
      const stored = expiredSession();
      const lost = new AuthTokensError('dpop_unavailable', 'The DPoP key of this session is gone (storage was cleared): the session cannot be renewed.');
      const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.rejectWith(lost);
      const setup = tab({ stored, shared, refresher });

      const errors = await Promise.all([1, 2].map(() => rejectionOf(setup.coordinator.refresh(stored.token))));

      expect(errors).toEqual([lost, lost]);
      expect(setup.store.current()).toBeNull();
      expect(shared.value?.session).toBeNull();
      expect(setup.outcomes).toHaveBeenCalledOnceWith({ error: lost, ended: true });
    });

    it('keeps a login that came while the refused renewal ran, and gives its callers the new session', async () => {
      const shared = new FakeSharedCopy();
      const stored = expiredSession();
      const answer = deferred<TokenResponse>();
      const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.returnValue(answer.promise);
      const { coordinator, store, outcomes, revoke } = tab({ stored, shared, refresher });
      const waiting = coordinator.refresh(stored.token);
      await flushMicrotasks();

      const login = usableSession('refresh-login');
      await store.replace(login);
      answer.reject({ error: 'invalid_grant' });
      const session = await waiting;

      expect(session.token).toBe(login.token);
      expect(store.current()).toEqual(login);
      expect(shared.value?.session).toEqual(login);
      expect(outcomes).not.toHaveBeenCalled();
      expect(revoke).not.toHaveBeenCalled();
    });

    it('rejects refresh_failed on a network error, keeps the session in both copies, and publishes that it is kept', async () => {
      const shared = new FakeSharedCopy();
      const stored = expiredSession();
      const offline = new TypeError('Failed to fetch');
      const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.rejectWith(offline);
      const { coordinator, store, outcomes } = tab({ stored, shared, refresher });

      const error = await rejectionOf(coordinator.refresh(stored.token));

      expect(error.code).toBe('refresh_failed');
      expect(error.cause).toEqual({ name: 'TypeError', message: 'Failed to fetch' });
      expect(store.current()).toEqual(stored);
      expect(shared.update).not.toHaveBeenCalled();
      expect(outcomes).toHaveBeenCalledOnceWith({ error, ended: false });
    });

    it('tries the same refresh token again once the backoff is over', async () => {
      const clock = fakeClock();
      const stored = expiredSession();
      const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.rejectWith(new TypeError('Failed to fetch'));
      const { coordinator, store } = tab({ stored, refresher, now: clock.now });
      await rejectionOf(coordinator.refresh(stored.token));

      refresher.and.callFake(async () => freshResponse());
      clock.t += 2000;
      const session = await coordinator.refresh(stored.token);

      expect(refresher).toHaveBeenCalledTimes(2);
      expect(refresher.calls.argsFor(1)[0]).toBe('refresh-1');
      expect(store.current()).toEqual(session);
    });

    it('takes the lock for each attempt of a failing refresher, and does not take a failed refresh for a failed lock', async () => {
      const clock = fakeClock();
      const lock = new RecordingLock();
      const run = spyOn(lock, 'run').and.callThrough();
      const stored = expiredSession();
      const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.rejectWith(new Error('boom'));
      const { coordinator, warn } = tab({ stored, lock, refresher, now: clock.now });

      const error = await rejectionOf(coordinator.refresh(stored.token));
      clock.t += 2000;
      await rejectionOf(coordinator.refresh(stored.token));

      expect(error.code).toBe('refresh_failed');
      expect(warn).not.toHaveBeenCalled();
      expect(run).toHaveBeenCalledTimes(2);
      expect(refresher).toHaveBeenCalledTimes(2);
    });

    it('rejects invalid_response when the refresher resolves with nothing at all, and keeps the session', async () => {
      const stored = expiredSession();
      const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.resolveTo(undefined as unknown as TokenResponse);
      const { coordinator, store } = tab({ stored, refresher });

      const error = await rejectionOf(coordinator.refresh(stored.token));

      expect(error.code).toBe('invalid_response');
      expect(store.current()).toEqual(stored);
    });

    it('classifies a refresher that throws synchronously', async () => {
      const stored = expiredSession();
      const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.throwError('not configured');
      const { coordinator, store } = tab({ stored, refresher });

      const error = await rejectionOf(coordinator.refresh(stored.token));

      expect(error.code).toBe('refresh_failed');
      expect(store.current()).toEqual(stored);
    });

    describe('that never answers', () => {
      useFakeClock();

      it('rejects refresh_failed after refreshTimeoutSeconds, not before, and keeps the session', async () => {
        const stored = expiredSession();
        const called = deferred<void>();
        const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.callFake(() => {
          called.resolve();
          return new Promise<TokenResponse>(() => undefined);
        });
        const { coordinator, store, outcomes } = tab({ stored, refresher, refreshTimeoutSeconds: 10 });
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
        expect(store.current()).toEqual(stored);
        expect(outcomes).toHaveBeenCalledOnceWith({ error: result.error!, ended: false });
      });

      it('tries again after a timed-out refresh, once its late answer is given up on (a minute) and the backoff is over', async () => {
        const stored = expiredSession();
        const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.returnValue(new Promise<TokenResponse>(() => undefined));
        const { coordinator } = tab({ stored, refresher, refreshTimeoutSeconds: 2 });
        const first = coordinator.refresh(stored.token).catch(() => undefined);
        await flushMicrotasks();
        jasmine.clock().tick(2_000);
        await first;

        refresher.and.callFake(async () => freshResponse());
        jasmine.clock().tick(2_000);
        // Still waiting for the first answer, which may carry the only refresh token that works.
        await expectAsync(coordinator.refresh(stored.token)).toBeRejectedWith(jasmine.objectContaining({ code: 'refresh_failed' }));
        expect(refresher).toHaveBeenCalledTimes(1);
        jasmine.clock().tick(60_000);
        await flushMicrotasks(100);
        const session = await coordinator.refresh(stored.token);

        expect(refresher).toHaveBeenCalledTimes(2);
        expect(session.refreshToken).toMatch(/^rotated-/);
      });
    });
  });

  describe('backoff', () => {
    it('rejects at once with the same error for the same token, without the refresher or the lock, for 2 s, 4 s, 8 s, 16 s, then 30 s', async () => {
      const clock = fakeClock();
      const lock = new RecordingLock();
      const run = spyOn(lock, 'run').and.callThrough();
      const stored = expiredSession();
      const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.callFake(() => Promise.reject(new TypeError('Failed to fetch')));
      const { coordinator, outcomes } = tab({ stored, refresher, lock, now: clock.now });
      const steps: number[] = [];

      let error = await rejectionOf(coordinator.refresh(stored.token));
      for (let i = 0; i < 6; i++) {
        const failedAt = clock.t;
        const until = coordinator.retryAt();
        steps.push(until - failedAt);
        clock.t = until - 1;
        const early = await rejectionOf(coordinator.refresh(stored.token));
        expect(early).withContext(`step ${i}`).toBe(error);
        expect(refresher).withContext(`step ${i}`).toHaveBeenCalledTimes(i + 1);
        clock.t = until;
        error = await rejectionOf(coordinator.refresh(stored.token));
        expect(error).withContext(`step ${i}`).not.toBe(early);
      }

      expect(steps).toEqual([2000, 4000, 8000, 16_000, 30_000, 30_000]);
      expect(refresher).toHaveBeenCalledTimes(7);
      expect(run).toHaveBeenCalledTimes(7);
      // The rejections at once were not renewals: nothing is published for them.
      expect(outcomes).toHaveBeenCalledTimes(7);
    });

    it('makes every caller wait, including one that joins with another token it saw', async () => {
      const clock = fakeClock();
      const stored = expiredSession();
      const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.rejectWith(new TypeError('Failed to fetch'));
      const { coordinator } = tab({ stored, refresher, now: clock.now });
      const error = await rejectionOf(coordinator.refresh(stored.token));

      const others = await Promise.all([coordinator.refresh(null), coordinator.refresh('some-other-token')].map(rejectionOf));

      expect(others).toEqual([error, error]);
      expect(refresher).toHaveBeenCalledTimes(1);
    });

    it('renews a new session (another token) at once, and retryAt() is 0 for it', async () => {
      const clock = fakeClock();
      const stored = expiredSession();
      const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.rejectWith(new TypeError('Failed to fetch'));
      const { coordinator, store } = tab({ stored, refresher, now: clock.now });
      await rejectionOf(coordinator.refresh(stored.token));
      expect(coordinator.retryAt()).toBe(clock.t + 2000);

      const login = expiredSession('refresh-login');
      await store.replace(login);
      refresher.and.callFake(async () => freshResponse());

      expect(coordinator.retryAt()).toBe(0);
      const session = await coordinator.refresh(login.token);
      expect(refresher).toHaveBeenCalledTimes(2);
      expect(refresher.calls.argsFor(1)[0]).toBe('refresh-login');
      expect(session.refreshToken).toMatch(/^rotated-/);
    });

    it('is over after a success: retryAt() is 0, and the next failure waits 2 s again', async () => {
      const clock = fakeClock();
      const stored = expiredSession();
      const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.rejectWith(new TypeError('Failed to fetch'));
      const { coordinator } = tab({ stored, refresher, now: clock.now });
      await rejectionOf(coordinator.refresh(stored.token));
      clock.t += 2000;
      await rejectionOf(coordinator.refresh(stored.token));
      clock.t += 4000;
      refresher.and.callFake(async () => freshResponse());
      const renewed = await coordinator.refresh(stored.token);

      expect(coordinator.retryAt()).toBe(0);
      refresher.and.rejectWith(new TypeError('Failed to fetch'));
      await rejectionOf(coordinator.refresh(renewed.token));
      expect(coordinator.retryAt()).toBe(clock.t + 2000);
    });

    it('is over after a success that brought back the same token (a server handing out its cached token)', async () => {
      const clock = fakeClock();
      const stored = usableSession();
      const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.rejectWith(new TypeError('Failed to fetch'));
      const { coordinator } = tab({ stored, refresher, now: clock.now });
      await rejectionOf(coordinator.refresh(stored.token));
      clock.t += 2000;
      refresher.and.resolveTo({ accessToken: stored.token!, refreshToken: 'rotated-cached' });
      await coordinator.refresh(stored.token);

      expect(coordinator.retryAt()).toBe(0);
      refresher.and.rejectWith(new TypeError('Failed to fetch'));
      await rejectionOf(coordinator.refresh(stored.token));
      expect(refresher).toHaveBeenCalledTimes(3);
      expect(coordinator.retryAt()).toBe(clock.t + 2000);
    });

    it('counts lock_timeout as a failure like any other', async () => {
      const clock = fakeClock();
      const busy: Lock = { run: () => Promise.reject(new AuthTokensError('lock_timeout', 'busy')) };
      const stored = expiredSession();
      const { coordinator } = tab({ stored, lock: busy, now: clock.now });

      await rejectionOf(coordinator.refresh(stored.token));

      expect(coordinator.retryAt()).toBe(clock.t + 2000);
    });
  });

  describe('a renewed token that is already due', () => {
    it('is invalid_response, stored in both copies with its rotated refresh token, and backed off (expiresIn: 1)', async () => {
      const clock = fakeClock();
      const shared = new FakeSharedCopy();
      const stored = expiredSession();
      const due = { accessToken: 'opaque-due', refreshToken: 'rotated-due', expiresIn: 1 };
      const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.resolveTo(due);
      const { coordinator, store, outcomes } = tab({ stored, shared, refresher, now: clock.now });

      const error = await rejectionOf(coordinator.refresh(stored.token));

      expect(error.code).toBe('invalid_response');
      expect(store.current()?.token).toBe('opaque-due');
      expect(store.current()?.refreshToken).toBe('rotated-due');
      expect(shared.value?.session?.refreshToken).toBe('rotated-due');
      expect(outcomes).toHaveBeenCalledOnceWith({ error, ended: false });
      expect(coordinator.retryAt()).toBe(clock.t + 2000);
      expect(await rejectionOf(coordinator.refresh('opaque-due'))).toBe(error);
      expect(refresher).toHaveBeenCalledTimes(1);
    });

    it('is invalid_response for a JWT that lives a second (exp - iat = 1) and no expiresIn', async () => {
      const clock = fakeClock();
      const stored = expiredSession();
      const iat = Math.floor(clock.t / 1000);
      const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.resolveTo({ accessToken: makeJwt({ iat, exp: iat + 1 }), refreshToken: 'rotated-due' });
      const { coordinator, store } = tab({ stored, refresher, now: clock.now });

      const error = await rejectionOf(coordinator.refresh(stored.token));

      expect(error.code).toBe('invalid_response');
      expect(store.current()?.refreshToken).toBe('rotated-due');
      expect(coordinator.retryAt()).toBe(clock.t + 2000);
    });

    /** Asks for a token every 60 ms of fake time for 60 s, as a busy page does; returns when the refresher was called. */
    async function hammer(answer: (n: number) => TokenResponse) {
      const clock = fakeClock();
      const start = clock.t;
      const calls: number[] = [];
      const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.callFake(async () => {
        calls.push(clock.t - start);
        return answer(calls.length);
      });
      const { coordinator, store } = tab({ stored: expiredSession(), refresher, now: clock.now });
      for (let i = 0; i < 1000; i++) {
        clock.t = start + i * 60;
        const error = await attempt(coordinator, store.current()?.token ?? null);
        expect(error instanceof AuthTokensError && error.code === 'invalid_response').withContext(`ask ${i}`).toBeTrue();
      }
      return { calls, gaps: calls.slice(1).map((at, i) => at - calls[i]) };
    }

    it('is asked for at most once per backoff step when the server hands out the same due token again', async () => {
      const { gaps } = await hammer(() => ({ accessToken: 'opaque-cached', refreshToken: 'rotated-cached', expiresIn: 1 }));

      expect(gaps.length).toBeGreaterThan(0);
      gaps.forEach((gap, i) => expect(gap).withContext(`gap ${i}`).toBeGreaterThanOrEqual(Math.min(2000 * 2 ** i, 30_000)));
    });

    it('is never asked for more than once per 2 s when every answer is a new due token', async () => {
      const { calls, gaps } = await hammer((n) => ({ accessToken: `opaque-due-${n}`, refreshToken: `rotated-${n}`, expiresIn: 1 }));

      expect(calls.length).toBeLessThanOrEqual(31);
      gaps.forEach((gap, i) => expect(gap).withContext(`gap ${i}`).toBeGreaterThanOrEqual(2000));
    });

    it('is asked for at most once per backoff step when every answer is a new due token', async () => {
      const { gaps } = await hammer((n) => ({ accessToken: `opaque-due-${n}`, refreshToken: `rotated-${n}`, expiresIn: 1 }));

      gaps.forEach((gap, i) => expect(gap).withContext(`gap ${i}`).toBeGreaterThanOrEqual(Math.min(2000 * 2 ** i, 30_000)));
    });
  });

  describe('with this machine\'s clock 5 minutes off the server\'s', () => {
    const LIFE_SECONDS = 60;

    for (const skewSeconds of [300, -300]) {
      for (const apiToken of ['accessToken', 'idToken'] as const) {
        for (const withExpiresIn of [true, false]) {
          const name = `${skewSeconds > 0 ? 'ahead' : 'behind'}, ${apiToken}, ${withExpiresIn ? 'with' : 'without'} expiresIn`;
          it(`makes one call per renewal, each token lasting its ${LIFE_SECONDS} s here (server ${name})`, async () => {
            const clock = fakeClock();
            const start = clock.t;
            const calls: number[] = [];
            /** A token stamped by the server's clock, `skewSeconds` off this machine's. */
            const serverToken = () => {
              const iat = Math.floor((clock.t + skewSeconds * 1000) / 1000);
              return makeJwt({ sub: 'user-1', iat, exp: iat + LIFE_SECONDS, jti: `t-${calls.length}` });
            };
            const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.callFake(async () => {
              calls.push(clock.t - start);
              const token = serverToken();
              // In idToken mode expiresIn describes the (opaque) access token, not the id token sent to APIs.
              return apiToken === 'idToken'
                ? { accessToken: `opaque-${calls.length}`, idToken: token, refreshToken: `rotated-${calls.length}`, ...(withExpiresIn ? { expiresIn: 3600 } : {}) }
                : { accessToken: token, refreshToken: `rotated-${calls.length}`, ...(withExpiresIn ? { expiresIn: LIFE_SECONDS } : {}) };
            });
            const { coordinator, store } = tab({ stored: expiredSession(), refresher, apiToken, now: clock.now });

            // Ten minutes of a page asking for a token every second, renewing only when it holds no usable one.
            const failures: unknown[] = [];
            for (let s = 0; s < 600; s++) {
              clock.t = start + s * 1000;
              const current = store.current();
              if (isUsable(current, clock.t, MIN_VALIDITY_SECONDS)) continue;
              const result = await attempt(coordinator, current?.token ?? null);
              if (result instanceof AuthTokensError) failures.push(result.code);
            }

            expect(failures).toEqual([]);
            const gaps = calls.slice(1).map((at, i) => at - calls[i]);
            // Used until minValiditySeconds before its life here is over: never past it, never renewed at once.
            gaps.forEach((gap, i) => expect(gap).withContext(`gap ${i}`).toBeGreaterThanOrEqual((LIFE_SECONDS - MIN_VALIDITY_SECONDS - 2) * 1000));
            gaps.forEach((gap, i) => expect(gap).withContext(`gap ${i}`).toBeLessThanOrEqual(LIFE_SECONDS * 1000));
            expect(calls.length).toBeGreaterThanOrEqual(10);
          });
        }
      }
    }
  });

  describe('a rotated refresh token', () => {
    it('is kept when the answer has no access token: invalid_response, and the next attempt sends it', async () => {
      const clock = fakeClock();
      const shared = new FakeSharedCopy();
      const stored = expiredSession('refresh-spent');
      const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.resolveTo({ refreshToken: 'rotated-x', expiresIn: 3600 });
      const { coordinator, store } = tab({ stored, shared, refresher, now: clock.now });

      const error = await rejectionOf(coordinator.refresh(stored.token));

      expect(error.code).toBe('invalid_response');
      expect(store.current()).toEqual({ ...stored, refreshToken: 'rotated-x' });
      expect(shared.value?.session).toEqual({ ...stored, refreshToken: 'rotated-x' });

      refresher.and.callFake(async () => freshResponse());
      clock.t += 2000;
      await coordinator.refresh(stored.token);
      expect(refresher.calls.argsFor(1)[0]).toBe('rotated-x');
    });

    it('is kept when the answer has no id token in idToken mode, and the next attempt sends it', async () => {
      const clock = fakeClock();
      const stored = expiredSession('refresh-spent');
      const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.resolveTo({
        accessToken: jwtExpiringIn(3600), refreshToken: 'rotated-x', expiresIn: 3600,
      });
      const { coordinator, store } = tab({ stored, refresher, apiToken: 'idToken', now: clock.now });

      const error = await rejectionOf(coordinator.refresh(stored.token));

      expect(error.code).toBe('invalid_response');
      expect(store.current()?.refreshToken).toBe('rotated-x');
      expect(store.current()?.token).toBe(stored.token);

      refresher.and.resolveTo({ idToken: jwtExpiringIn(3600, { jti: 'id' }), refreshToken: 'rotated-y' });
      clock.t += 2000;
      const session = await coordinator.refresh(stored.token);
      expect(refresher.calls.argsFor(1)[0]).toBe('rotated-x');
      expect(session.refreshToken).toBe('rotated-y');
    });

    it('is revoked, not stored, when a logout came while the answer without an access token was on its way', async () => {
      const stored = expiredSession('refresh-spent');
      const answer = deferred<TokenResponse>();
      const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.returnValue(answer.promise);
      const { coordinator, store, revoke } = tab({ stored, refresher });
      const waiting = rejectionOf(coordinator.refresh(stored.token));
      await flushMicrotasks();

      await store.replace(null);
      answer.resolve({ refreshToken: 'rotated-x' });
      const error = await waiting;

      expect(error.code).toBe('login_required');
      expect(store.current()).toBeNull();
      expect(revoke).toHaveBeenCalledOnceWith('rotated-x');
    });
  });

  describe('without a refresh token', () => {
    it('rejects login_required without calling the refresher, and ends nothing, when nothing is stored', async () => {
      const { coordinator, refresher, outcomes } = tab({ stored: null });

      const error = await rejectionOf(coordinator.refresh(null));

      expect(error.code).toBe('login_required');
      expect(refresher).not.toHaveBeenCalled();
      expect(outcomes).toHaveBeenCalledOnceWith({ error, ended: false });
    });

    it('rejects login_required without calling the refresher, and ends the session, when only an expired token is stored', async () => {
      const stored = makeSession({ token: jwtExpiringIn(-10), refreshToken: null });
      const { coordinator, refresher, store, outcomes } = tab({ stored });

      const error = await rejectionOf(coordinator.refresh(stored.token));

      expect(error.code).toBe('login_required');
      expect(refresher).not.toHaveBeenCalled();
      expect(store.current()).toBeNull();
      expect(outcomes).toHaveBeenCalledOnceWith({ error, ended: true });
    });

    it('calls a refresher marked usesRefreshToken = false with an empty string (silent renewal)', async () => {
      const stored = makeSession({ token: jwtExpiringIn(-10), refreshToken: null });
      const response = { accessToken: jwtExpiringIn(3600, { jti: 'silent' }), expiresIn: 3600 };
      const refresher = Object.assign(jasmine.createSpy<RefreshFunction>('checkSession').and.resolveTo(response), { usesRefreshToken: false });
      const { coordinator, store } = tab({ stored, refresher });

      const session = await coordinator.refresh(stored.token);

      expect(refresher).toHaveBeenCalledOnceWith('', stored);
      expect(session.token).toBe(response.accessToken);
      expect(session.refreshToken).toBeNull();
      expect(store.current()!.token).toBe(response.accessToken);
    });
  });

  describe('overtaken by a logout or a login in this tab', () => {
    /** A tab whose renewal is held at the refresher until the spec answers it. */
    async function renewalOnTheWay(shared: SharedCopy | null = null) {
      const stored = expiredSession('refresh-spent');
      const answer = deferred<TokenResponse>();
      const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.returnValue(answer.promise);
      const setup = tab({ stored, shared, refresher });
      const waiting = attempt(setup.coordinator, stored.token);
      await flushMicrotasks();
      expect(refresher).toHaveBeenCalledTimes(1);
      return { ...setup, answer, waiting, stored };
    }

    it('by a logout: writes nothing, rejects login_required, publishes nothing, and revokes the refresh token it brought back', async () => {
      const shared = new FakeSharedCopy();
      const { store, answer, waiting, outcomes, revoke } = await renewalOnTheWay(shared);

      const replaced = await store.replace(null);
      const response = freshResponse();
      answer.resolve(response);
      const error = await waiting;

      expect(replaced).toEqual(['refresh-spent']);
      expect(error instanceof AuthTokensError && error.code).toBe('login_required');
      expect(store.current()).toBeNull();
      expect(shared.value).toEqual(jasmine.objectContaining({ session: null }));
      expect(outcomes).not.toHaveBeenCalled();
      expect(revoke).toHaveBeenCalledOnceWith(response.refreshToken!);
      // After a reload too: nothing renewed comes back.
      expect((await store.latest()).session).toBeNull();
    });

    it('by a logout, with an answer that did not rotate: revokes nothing (the logout revokes the token it held)', async () => {
      const { store, answer, waiting, revoke } = await renewalOnTheWay();

      await store.replace(null);
      answer.resolve({ accessToken: jwtExpiringIn(3600) });
      const error = await waiting;

      expect(error instanceof AuthTokensError && error.code).toBe('login_required');
      expect(store.current()).toBeNull();
      expect(revoke).not.toHaveBeenCalled();
    });

    it('by a login: the new session stays, the callers get its token, nothing is published or revoked', async () => {
      const shared = new FakeSharedCopy();
      const { store, answer, waiting, outcomes, revoke } = await renewalOnTheWay(shared);

      const login = usableSession('refresh-login');
      await store.replace(login);
      answer.resolve(freshResponse());
      const result = await waiting;

      expect(result instanceof AuthTokensError).toBeFalse();
      expect((result as Session).token).toBe(login.token);
      expect(store.current()).toEqual(login);
      expect(shared.value?.session).toEqual(login);
      expect(outcomes).not.toHaveBeenCalled();
      expect(revoke).not.toHaveBeenCalled();
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
      expect(warn.calls.argsFor(0)[0]).toContain('lock');
    });

    it('does not run the task again when it failed inside the lock', async () => {
      const stored = expiredSession();
      const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.rejectWith(new TypeError('Failed to fetch'));
      const lock = new RecordingLock();
      const { coordinator, warn } = tab({ stored, lock, refresher });

      await rejectionOf(coordinator.refresh(stored.token));

      expect(refresher).toHaveBeenCalledTimes(1);
      expect(warn).not.toHaveBeenCalled();
    });

    it('passes lock_timeout on as lock_timeout, keeps the session and does not call the refresher', async () => {
      const timeout = new AuthTokensError('lock_timeout', 'Another tab held the refresh lock over 15 s.');
      const busy: Lock = { run: jasmine.createSpy('run').and.rejectWith(timeout) };
      const shared = new FakeSharedCopy();
      const stored = expiredSession();
      const { coordinator, refresher, store, warn, outcomes } = tab({ stored, lock: busy, shared });

      const error = await rejectionOf(coordinator.refresh(stored.token));

      expect(error).toBe(timeout);
      expect(refresher).not.toHaveBeenCalled();
      expect(store.current()).toEqual(stored);
      expect(shared.update).not.toHaveBeenCalled();
      expect(warn).not.toHaveBeenCalled();
      expect(outcomes).toHaveBeenCalledOnceWith({ error, ended: false });
    });
  });

  it('renews from the local copy when the shared copy fails, with one warning', async () => {
    const shared = new FakeSharedCopy();
    shared.rejectWith(new DOMException('The database connection is closing.', 'InvalidStateError'));
    const stored = expiredSession();
    const { coordinator, refresher, store, warn } = tab({ stored, shared });

    const first = await coordinator.refresh(stored.token);
    const second = await coordinator.refresh(first.token);

    expect(refresher).toHaveBeenCalledTimes(2);
    expect(refresher.calls.argsFor(1)[0]).toBe(first.refreshToken!);
    expect(store.current()).toEqual(second);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  describe('with the real Web Lock and IndexedDB copy', () => {
    afterAll(() => deleteDatabase(DB_NAME));

    /** Tabs that share one lock and one IndexedDB record; each has its own local copy unless `kv` is shared. */
    const tabsOver = (key: string) => (setup: Setup) => tab({
      shared: indexedDbCopy(indexedDB, key), lock: webLock(navigator.locks, `authTokens:refresh:${key}`, 5000), ...setup,
    });

    it('renews inside the lock and writes the new set to IndexedDB and the local copy', async () => {
      const key = uniqueName('spec-coordinator');
      const stored = expiredSession('refresh-0');
      const server = rotatingServer('refresh-0');
      const { coordinator, store } = tabsOver(key)({ stored, refresher: server.refresher });

      const session = await coordinator.refresh(stored.token);

      expect(server.received).toEqual(['refresh-0']);
      expect(session.refreshToken).toBe('refresh-1');
      expect(store.current()).toEqual(session);
      expect((await indexedDbCopy(indexedDB, key).read())?.session).toEqual(session);
    });

    it('spends a rotating refresh token once for two tabs that refresh at once, though each tab\'s local copy lags', async () => {
      const key = uniqueName('spec-tabs');
      const stored = expiredSession('refresh-0');
      const server = rotatingServer('refresh-0');
      const tabs = [1, 2].map(() => tabsOver(key)({ stored, refresher: server.refresher }));

      const [one, two] = await Promise.all(tabs.map((t) => t.coordinator.refresh(stored.token)));

      expect(server.refresher).toHaveBeenCalledTimes(1);
      expect(server.received).toEqual(['refresh-0']);
      expect(one.token).toBe(two.token);
      expect(tabs.map((t) => t.store.current()?.refreshToken)).toEqual(['refresh-1', 'refresh-1']);
      const adopted = tabs.map((t) => (t.outcomes.calls.argsFor(0)[0] as { adopted: boolean }).adopted);
      expect(adopted.sort()).toEqual([false, true]);
    });

    it('spends each rotated refresh token once when three tabs must renew again (all got a 401)', async () => {
      const key = uniqueName('spec-tabs');
      const stored = expiredSession('refresh-0');
      const server = rotatingServer('refresh-0');
      const tabs = [1, 2, 3].map(() => tabsOver(key)({ stored, refresher: server.refresher }));
      const first = await Promise.all(tabs.map((t) => t.coordinator.refresh(stored.token)));

      const second = await Promise.all(tabs.map((t, i) => t.coordinator.refresh(first[i].token)));

      expect(server.received).toEqual(['refresh-0', 'refresh-1']);
      expect(new Set(second.map((s) => s.token)).size).toBe(1);
      expect(tabs.every((t) => t.outcomes.calls.all().every((call) => 'session' in call.args[0]))).toBeTrue();
    });

    describe('a logout in another tab while this tab\'s renewal is on its way', () => {
      async function twoTabs(shareWebStorage: boolean) {
        const key = uniqueName('spec-logout');
        const kv = shareWebStorage ? memoryStore() : undefined;
        const stored = expiredSession('refresh-spent');
        const answer = deferred<TokenResponse>();
        const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.returnValue(answer.promise);
        const renewing = tabsOver(key)({ stored, refresher, kv });
        const other = tabsOver(key)({ stored, kv });
        const waiting = attempt(renewing.coordinator, stored.token);
        // The renewal has read the copies under the lock and is waiting for the server.
        for (let i = 0; i < 100 && refresher.calls.count() === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
        expect(refresher).toHaveBeenCalledTimes(1);

        await other.store.replace(null);
        const response = freshResponse();
        answer.resolve(response);
        const result = await waiting;
        return { key, renewing, other, result, response };
      }

      async function expectLoggedOut({ key, renewing, other, result, response }: Awaited<ReturnType<typeof twoTabs>>) {
        expect(result instanceof AuthTokensError && result.code).toBe('login_required');
        expect(renewing.outcomes).not.toHaveBeenCalled();
        expect(renewing.revoke).toHaveBeenCalledOnceWith(response.refreshToken!);
        expect((await indexedDbCopy(indexedDB, key).read())?.session).toBeNull();
        expect(other.store.current()).toBeNull();
        expect(renewing.store.current()).toBeNull();
      }

      it('writes nothing, rejects login_required, publishes nothing, and revokes what it brought back', async () => {
        await expectLoggedOut(await twoTabs(true));
      });

      it('does the same when this tab\'s local copy has not caught up with the logout yet', async () => {
        await expectLoggedOut(await twoTabs(false));
      });
    });
  });

  it('does not let a clock set back an hour stretch a backoff step to an hour', async () => {
    let t = Date.now();
    let fail = true;
    const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.callFake(() =>
      (fail ? Promise.reject(new TypeError('Failed to fetch')) : Promise.resolve({ accessToken: jwtExpiringIn(3600), expiresIn: 3600 })));
    // Expired on this machine's clock even once it is set back: its life was counted here.
    const stored = makeSession({ token: jwtExpiringIn(-10), refreshToken: 'rt-0', expiresAt: t - 7_200_000 });
    const { coordinator } = tab({ stored, refresher, now: () => t });
    await coordinator.refresh(null).catch(() => undefined); // offline: fails, backoff 2 s
    fail = false;
    t -= 3600_000; // NTP or the user corrects the clock
    t += 60_000; // a minute later (real time), well past any backoff step
    await coordinator.refresh(null).catch(() => undefined);
    expect(refresher).toHaveBeenCalledTimes(2);
  });

  describe('with a refresh that answers after refreshTimeoutSeconds', () => {
    useFakeClock();

    /** One tab (no lock across tabs) over a rotating server that answers each refresh after `delayMs`. */
    function slowServer(delayMs: number) {
      const local = createLocalCopy(memoryStore(), DEFAULT_STORAGE_KEYS);
      local.write({ session: makeSession({ token: jwtExpiringIn(-10), refreshToken: 'rt-0' }), version: 1 });
      const store = createSessionStore(local, null, () => undefined);
      const sent: string[] = [];
      const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.callFake((refreshToken) => {
        sent.push(refreshToken);
        return new Promise<TokenResponse>((resolve) => setTimeout(() => resolve({
          accessToken: jwtExpiringIn(3600, { jti: `after-${refreshToken}` }), refreshToken: `${refreshToken}-next`, expiresIn: 3600,
        }), delayMs));
      });
      const coordinator = createRefreshCoordinator({
        store, lock: inTabLock, refresher, settings: { apiToken: 'accessToken', minValiditySeconds: 5, refreshTimeoutSeconds: 10 },
        now: () => Date.now(), warn: () => undefined, revoke: () => undefined,
      });
      return { store, sent, coordinator };
    }

    it('sends the pending refresh token nowhere else while its late answer is awaited, even past the backoff step', async () => {
      const { store, sent, coordinator } = slowServer(20_000);

      const first = rejectionOf(coordinator.refresh(null));
      await flushMicrotasks();
      jasmine.clock().tick(10_001);
      expect((await first).code).toBe('refresh_failed');
      // Past the 2 s backoff, the answer still pending: asking again must not spend rt-0 a second time.
      jasmine.clock().tick(3_000);
      const second = await rejectionOf(coordinator.refresh(null));
      await flushMicrotasks();

      expect(second.code).toBe('refresh_failed');
      expect(sent).toEqual(['rt-0']);
      jasmine.clock().tick(7_000);
      await flushMicrotasks(100);
      expect(store.current()?.refreshToken).toBe('rt-0-next');
    });

    it('tells its callers refresh_failed at the timeout, yet stores the late answer, so the next renewal sends its refresh token', async () => {
      // The server answers after 11 s, past the 10 s timeout, with the only refresh token that still works.
      const { store, sent, coordinator } = slowServer(11_000);
      const outcomes = jasmine.createSpy<(outcome: RefreshOutcome) => void>('outcomes');
      coordinator.subscribe(outcomes);

      const first = rejectionOf(coordinator.refresh(null));
      await flushMicrotasks();
      jasmine.clock().tick(10_001);
      expect((await first).code).toBe('refresh_failed');
      jasmine.clock().tick(1_000);
      await flushMicrotasks(100);

      expect(store.current()?.refreshToken).toBe('rt-0-next');
      expect(outcomes.calls.allArgs().map(([outcome]) => ('error' in outcome ? outcome.error.code : 'renewed'))).toEqual(['refresh_failed', 'renewed']);
      // A renewal now spends the late answer's refresh token, never the spent one.
      const again = coordinator.refresh(store.current()!.token).catch(() => undefined);
      await flushMicrotasks();
      expect(sent).toEqual(['rt-0', 'rt-0-next']);
      jasmine.clock().tick(11_000);
      await again;
    });
  });
});
