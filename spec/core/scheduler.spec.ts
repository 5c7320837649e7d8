import { AuthTokensError, type AuthTokensErrorCode } from '../../src/core/errors';
import { createRenewalScheduler, type RenewalScheduler, type RenewalSchedulerOptions } from '../../src/core/scheduler';
import type { Session } from '../../src/core/types';
import { makeJwt } from '../helpers/jwt';

describe('scheduler', () => {
  const START = Date.UTC(2030, 0, 1);
  let stored: Session | null;
  let renew: jasmine.Spy<() => Promise<unknown>>;
  let setTimer: jasmine.Spy<(fn: () => void, ms: number) => unknown>;
  let onError: jasmine.Spy<(error: unknown) => void>;
  let win: EventTarget;
  let doc: EventTarget & { visibilityState: DocumentVisibilityState };
  let scheduler: RenewalScheduler;
  let issued: number;

  /** Seconds since the spec started. */
  const elapsed = () => (Date.now() - START) / 1000;
  /** A JWT issued now that lives `seconds`. */
  const jwt = (seconds: number) => {
    const now = Math.floor(Date.now() / 1000);
    return makeJwt({ sub: 'user-1', iat: now, exp: now + seconds, n: issued++ });
  };
  const session = (token: string | null, refreshToken: string | null = 'rt-1', expiresAt: number | null = null): Session =>
    ({ token, refreshToken, idToken: null, profile: null, expiresAt });
  /** Lets the native promises of a renewal settle (jasmine.clock() leaves microtasks alone). */
  const settle = async () => {
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };
  const fail = (code: AuthTokensErrorCode) => () => Promise.reject(new AuthTokensError(code, code));

  function create(options: Partial<RenewalSchedulerOptions> = {}) {
    scheduler = createRenewalScheduler({
      now: () => Date.now(),
      read: () => stored,
      renew,
      renewBeforeSeconds: 60,
      minValiditySeconds: 5,
      setTimeout: setTimer,
      clearTimeout: (id) => clearTimeout(id as number),
      events: { target: win, document: doc as unknown as Document },
      onError,
      ...options,
    });
    return scheduler;
  }

  beforeEach(() => {
    jasmine.clock().install();
    jasmine.clock().mockDate(new Date(START));
    issued = 0;
    stored = null;
    // A renewal stores a new one-hour token, as the service does.
    renew = jasmine.createSpy('renew').and.callFake(() => {
      stored = session(jwt(3600));
      return Promise.resolve();
    });
    setTimer = jasmine.createSpy('setTimeout').and.callFake((fn: () => void, ms: number) => setTimeout(fn, ms));
    onError = jasmine.createSpy('onError');
    win = new EventTarget();
    doc = Object.assign(new EventTarget(), { visibilityState: 'visible' as DocumentVisibilityState });
  });

  afterEach(() => {
    scheduler?.stop();
    jasmine.clock().uninstall();
  });

  it('renews renewBeforeSeconds before expiry, then re-arms for the new token', async () => {
    stored = session(jwt(3600));
    create().start();
    jasmine.clock().tick(3539_000);
    expect(renew).not.toHaveBeenCalled();
    jasmine.clock().tick(1000);
    expect(renew).toHaveBeenCalledTimes(1);
    await settle();
    jasmine.clock().tick(3539_000);
    expect(renew).toHaveBeenCalledTimes(1);
    jasmine.clock().tick(1000);
    expect(renew).toHaveBeenCalledTimes(2);
  });

  it('renews a token shorter than the margin half-way through its life, not in a loop', async () => {
    stored = session(jwt(30));
    renew.and.callFake(() => {
      stored = session(jwt(30));
      return Promise.resolve();
    });
    create().start();
    jasmine.clock().tick(14_999);
    expect(renew).not.toHaveBeenCalled();
    jasmine.clock().tick(1);
    expect(renew).toHaveBeenCalledTimes(1);
    await settle();
    jasmine.clock().tick(14_999);
    expect(renew).toHaveBeenCalledTimes(1);
    jasmine.clock().tick(1);
    expect(renew).toHaveBeenCalledTimes(2);
  });

  it('neither renews a 40-day token at once nor re-arms its timer in a loop', () => {
    stored = session(jwt(40 * 24 * 3600));
    create().start();
    jasmine.clock().tick(0);
    expect(setTimer).toHaveBeenCalledTimes(1);
    jasmine.clock().tick(59_999);
    expect(setTimer).toHaveBeenCalledTimes(1);
    // A short wait, then the clock is looked at again (setTimeout fires at once past 2^31-1 ms).
    jasmine.clock().tick(1);
    expect(setTimer).toHaveBeenCalledTimes(2);
    expect(renew).not.toHaveBeenCalled();
    expect(Math.max(...setTimer.calls.allArgs().map(([, ms]) => ms))).toBeLessThanOrEqual(60_000);
  });

  it('renews at once when started on an expired token with a refresh token', () => {
    stored = session(jwt(-10));
    create().start();
    jasmine.clock().tick(0);
    expect(renew).toHaveBeenCalledTimes(1);
  });

  it('arms nothing without a session, without a refresh token, or for a token of unknown life', () => {
    create().start();
    stored = session(jwt(3600), null);
    scheduler.reschedule();
    stored = session('garbage');
    scheduler.reschedule();
    jasmine.clock().tick(3600_000);
    expect(setTimer).not.toHaveBeenCalled();
    expect(renew).not.toHaveBeenCalled();
  });

  it('counts an opaque token\'s life from when it first saw it, however often it looks again', () => {
    // Life 60 s from first sight: the 60 s margin is capped at half of it, so renewal is due at 30 s.
    stored = session('opaque', 'rt-1', START + 60_000);
    create().start();
    jasmine.clock().tick(20_000);
    scheduler.reschedule();
    jasmine.clock().tick(9_999);
    expect(renew).not.toHaveBeenCalled();
    jasmine.clock().tick(1);
    expect(renew).toHaveBeenCalledTimes(1);
  });

  it('re-checks when the page becomes visible again or the machine comes back online', async () => {
    stored = session(jwt(3600));
    create().start();
    // A sleeping machine: the clock moves on, the timer does not fire.
    jasmine.clock().mockDate(new Date(START + 3550_000));
    doc.visibilityState = 'hidden';
    doc.dispatchEvent(new Event('visibilitychange'));
    jasmine.clock().tick(0);
    expect(renew).not.toHaveBeenCalled();
    doc.visibilityState = 'visible';
    doc.dispatchEvent(new Event('visibilitychange'));
    jasmine.clock().tick(0);
    expect(renew).toHaveBeenCalledTimes(1);
    await settle();

    stored = session(jwt(3600));
    jasmine.clock().mockDate(new Date(START + 2 * 3600_000));
    win.dispatchEvent(new Event('online'));
    jasmine.clock().tick(0);
    expect(renew).toHaveBeenCalledTimes(2);
  });

  it('retries transient failures with backoff while the token is usable, then leaves it to requests', async () => {
    const times: number[] = [];
    renew.and.callFake(() => {
      times.push(elapsed());
      return Promise.reject(new AuthTokensError('refresh_failed', 'offline'));
    });
    stored = session(jwt(3600));
    create().start();
    jasmine.clock().tick(3539_000);
    for (let i = 0; i < 100; i++) {
      jasmine.clock().tick(1000);
      await settle();
    }
    // Due at 3540 s; usable until 3595 s (minValiditySeconds 5), so the attempt at 3600 s is the last.
    expect(times).toEqual([3540, 3542, 3546, 3554, 3570, 3600]);
    for (let i = 0; i < 600; i++) {
      jasmine.clock().tick(1000);
      await settle();
    }
    expect(renew).toHaveBeenCalledTimes(6);
    expect(onError).not.toHaveBeenCalled();
  });

  for (const code of ['lock_timeout', 'invalid_response'] as const) {
    it(`retries after ${code}`, async () => {
      stored = session(jwt(3600));
      renew.and.callFake(fail(code));
      create().start();
      jasmine.clock().tick(3540_000);
      await settle();
      jasmine.clock().tick(2000);
      expect(renew).toHaveBeenCalledTimes(2);
    });
  }

  it('keeps its backoff when told to reschedule after every failure, so reporting failures cannot loop', async () => {
    stored = session(jwt(3600));
    renew.and.callFake(() => {
      // As the service does: every refresh outcome reschedules.
      scheduler.reschedule();
      return Promise.reject(new AuthTokensError('refresh_failed', 'offline'));
    });
    create().start();
    jasmine.clock().tick(3540_000);
    await settle();
    scheduler.reschedule();
    jasmine.clock().tick(1999);
    await settle();
    expect(renew).toHaveBeenCalledTimes(1);
    jasmine.clock().tick(1);
    expect(renew).toHaveBeenCalledTimes(2);
  });

  it('stops after login_required: the session is over', async () => {
    stored = session(jwt(3600));
    renew.and.callFake(fail('login_required'));
    create().start();
    jasmine.clock().tick(3540_000);
    await settle();
    scheduler.reschedule();
    jasmine.clock().tick(600_000);
    await settle();
    expect(renew).toHaveBeenCalledTimes(1);
    expect(onError).not.toHaveBeenCalled();

    // A new session (login) is armed again.
    renew.and.callFake(() => Promise.resolve());
    stored = session(jwt(3600));
    scheduler.reschedule();
    jasmine.clock().tick(3540_000);
    expect(renew).toHaveBeenCalledTimes(2);
  });

  it('reports an unexpected error once and does not repeat it', async () => {
    const bug = new TypeError('bug');
    stored = session(jwt(3600));
    renew.and.callFake(() => Promise.reject(bug));
    create().start();
    jasmine.clock().tick(3540_000);
    await settle();
    jasmine.clock().tick(600_000);
    expect(renew).toHaveBeenCalledTimes(1);
    expect(onError).toHaveBeenCalledOnceWith(bug);
  });

  it('backs off when a renewal leaves the same token in place', async () => {
    stored = session(jwt(3600));
    renew.and.callFake(() => Promise.resolve());
    create().start();
    jasmine.clock().tick(3540_000);
    await settle();
    jasmine.clock().tick(1999);
    expect(renew).toHaveBeenCalledTimes(1);
    jasmine.clock().tick(1);
    expect(renew).toHaveBeenCalledTimes(2);
  });

  it('does not start a second renewal while one is under way', async () => {
    let finish!: () => void;
    renew.and.callFake(() => new Promise<void>((resolve) => { finish = resolve; }));
    stored = session(jwt(-10));
    create().start();
    jasmine.clock().tick(0);
    win.dispatchEvent(new Event('online'));
    jasmine.clock().tick(0);
    expect(renew).toHaveBeenCalledTimes(1);
    stored = session(jwt(3600));
    finish();
    await settle();
    jasmine.clock().tick(60_000);
    expect(renew).toHaveBeenCalledTimes(1);
  });

  it('is safe to start and stop twice; stop cancels the timer and stops listening', () => {
    stored = session(jwt(3600));
    create();
    scheduler.start();
    scheduler.start();
    expect(setTimer).toHaveBeenCalledTimes(1);
    scheduler.stop();
    scheduler.stop();
    jasmine.clock().mockDate(new Date(START + 3550_000));
    win.dispatchEvent(new Event('online'));
    doc.dispatchEvent(new Event('visibilitychange'));
    scheduler.reschedule();
    jasmine.clock().tick(3600_000);
    expect(renew).not.toHaveBeenCalled();
    expect(setTimer).toHaveBeenCalledTimes(1);

    scheduler.start();
    jasmine.clock().tick(0);
    expect(renew).toHaveBeenCalledTimes(1);
  });

  it('works with the global timers and without events', () => {
    stored = session(jwt(3600));
    create({ setTimeout: undefined, clearTimeout: undefined, events: undefined }).start();
    jasmine.clock().tick(3540_000);
    expect(renew).toHaveBeenCalledTimes(1);
  });
});
