import { createRenewalScheduler, type RenewalScheduler, type RenewalSchedulerOptions } from '../../src/core/scheduler';
import type { Session } from '../../src/core/types';
import { flushMicrotasks } from '../helpers/fakes';
import { makeJwt } from '../helpers/jwt';

describe('scheduler', () => {
  // Whole seconds, so that a JWT's `exp` falls exactly where the spec expects it.
  const START = Date.UTC(2030, 0, 1);
  let clock: number;
  let timers: Map<number, { at: number; fn: () => void }>;
  let lastTimerId: number;
  let setTimer: jasmine.Spy<(fn: () => void, ms: number) => unknown>;
  let clearTimer: jasmine.Spy<(id: unknown) => void>;
  /** What the session manager would say is renewable. */
  let stored: Session | null;
  let retryUntil: number;
  let listeners: Set<(renewed: boolean) => void>;
  let subscribe: jasmine.Spy<RenewalSchedulerOptions['subscribe']>;
  let unsubscribe: jasmine.Spy<() => void>;
  let renew: jasmine.Spy<() => Promise<unknown>>;
  let win: EventTarget;
  let doc: EventTarget & { visibilityState: DocumentVisibilityState };
  let scheduler: RenewalScheduler;
  let issued: number;

  /** Seconds since the spec started. */
  const elapsed = () => (clock - START) / 1000;
  /** A JWT issued now that lives `seconds`. */
  const jwt = (seconds: number) => {
    const now = Math.floor(clock / 1000);
    return makeJwt({ sub: 'user-1', iat: now, exp: now + seconds, n: issued++ });
  };
  const session = (token: string | null, refreshToken: string | null = 'rt-1', expiresAt: number | null = null): Session =>
    ({ token, refreshToken, idToken: null, profile: null, expiresAt });
  /** Tells the scheduler what the coordinator published, as the session manager does. */
  const publish = (renewed: boolean) => [...listeners].forEach((listener) => listener(renewed));

  /**
   * Moves the fake clock by `ms`, firing the timers that fall due on the way, in order. A scheduler that
   * re-arms at once in a loop would never let the clock move: that fails the spec instead of hanging it.
   */
  async function advance(ms: number) {
    const end = clock + ms;
    for (let fired = 0; ; fired++) {
      if (fired > 1000) throw new Error('the timers loop: over 1,000 fired in one advance');
      const due = [...timers].filter(([, timer]) => timer.at <= end).sort(([, a], [, b]) => a.at - b.at)[0];
      if (!due) break;
      timers.delete(due[0]);
      clock = Math.max(clock, due[1].at);
      due[1].fn();
      await flushMicrotasks();
    }
    clock = end;
    await flushMicrotasks();
  }

  /** A sleeping machine: the clock moves on, and the timers, stalled, fall due that much later. */
  function sleep(ms: number) {
    clock += ms;
    timers.forEach((timer) => { timer.at += ms; });
  }

  function create(options: Partial<RenewalSchedulerOptions> = {}) {
    scheduler = createRenewalScheduler({
      now: () => clock,
      renewable: () => stored,
      retryAt: () => retryUntil,
      renew,
      subscribe,
      renewBeforeSeconds: 60,
      setTimeout: setTimer,
      clearTimeout: clearTimer,
      events: { target: win, document: doc as unknown as Document },
      ...options,
    });
    return scheduler;
  }

  beforeEach(() => {
    clock = START;
    timers = new Map();
    lastTimerId = 0;
    setTimer = jasmine.createSpy<(fn: () => void, ms: number) => unknown>('setTimeout').and.callFake((fn, ms) => {
      timers.set(++lastTimerId, { at: clock + ms, fn });
      return lastTimerId;
    });
    clearTimer = jasmine.createSpy<(id: unknown) => void>('clearTimeout').and.callFake((id) => { timers.delete(id as number); });
    issued = 0;
    stored = null;
    retryUntil = 0;
    listeners = new Set();
    unsubscribe = jasmine.createSpy('unsubscribe');
    subscribe = jasmine.createSpy<RenewalSchedulerOptions['subscribe']>('subscribe').and.callFake((listener) => {
      listeners.add(listener);
      return unsubscribe.and.callFake(() => { listeners.delete(listener); });
    });
    // As the coordinator and the manager do: a new one-hour token is stored, then the outcome is published.
    renew = jasmine.createSpy('renew').and.callFake(async () => {
      stored = session(jwt(3600));
      publish(true);
    });
    win = new EventTarget();
    doc = Object.assign(new EventTarget(), { visibilityState: 'visible' as DocumentVisibilityState });
  });

  afterEach(() => scheduler?.stop());

  it('renews renewBeforeSeconds before expiry, then re-arms once, through the subscription, for the new token', async () => {
    stored = session(jwt(3600));
    create().start();
    await advance(3539_000);
    expect(renew).not.toHaveBeenCalled();
    const armedBefore = setTimer.calls.count();
    await advance(1000);
    expect(renew).toHaveBeenCalledTimes(1);
    // One timer for the new token: the outcome was handled once.
    expect(setTimer.calls.count() - armedBefore).toBe(1);
    expect(timers.size).toBe(1);

    await advance(3539_000);
    expect(renew).toHaveBeenCalledTimes(1);
    await advance(1000);
    expect(renew).toHaveBeenCalledTimes(2);
  });

  for (const settles of ['resolves', 'rejects'] as const) {
    it(`re-arms only through the subscription: a renewal that ${settles} with nothing published arms nothing`, async () => {
      stored = session(jwt(-10));
      renew.and.callFake(() => (settles === 'resolves' ? Promise.resolve() : Promise.reject(new Error('failed'))));
      create().start();
      await advance(0);
      expect(renew).toHaveBeenCalledTimes(1);
      expect(setTimer).toHaveBeenCalledTimes(1);

      await advance(600_000);
      expect(renew).toHaveBeenCalledTimes(1);
      expect(setTimer).toHaveBeenCalledTimes(1);

      // The outcome arrives through the subscription: the timer is armed again, once.
      publish(false);
      expect(setTimer).toHaveBeenCalledTimes(2);
      await advance(0);
      expect(renew).toHaveBeenCalledTimes(2);
    });
  }

  it('renews a token shorter than the margin half-way through its life, not in a loop', async () => {
    stored = session(jwt(30));
    renew.and.callFake(async () => {
      stored = session(jwt(30));
      publish(true);
    });
    create().start();
    await advance(14_999);
    expect(renew).not.toHaveBeenCalled();
    await advance(1);
    expect(renew).toHaveBeenCalledTimes(1);
    await advance(14_999);
    expect(renew).toHaveBeenCalledTimes(1);
    await advance(1);
    expect(renew).toHaveBeenCalledTimes(2);
  });

  it('waits a minute at most for a 40-day token, looks at the clock again, and neither renews nor loops', async () => {
    stored = session(jwt(40 * 24 * 3600));
    create().start();
    expect(setTimer.calls.argsFor(0)[1]).toBe(60_000);
    await advance(59_999);
    expect(setTimer).toHaveBeenCalledTimes(1);
    await advance(1);
    // Woken after the clamped wait: one new timer, not a burst of them (setTimeout fires at once past 2^31-1 ms).
    expect(setTimer).toHaveBeenCalledTimes(2);
    await advance(10 * 60_000);
    expect(setTimer).toHaveBeenCalledTimes(12);
    expect(renew).not.toHaveBeenCalled();
    expect(Math.max(...setTimer.calls.allArgs().map(([, ms]) => ms))).toBe(60_000);
  });

  it('renews at once when started on an expired token', async () => {
    stored = session(jwt(-10));
    create().start();
    await advance(0);
    expect(renew).toHaveBeenCalledTimes(1);
  });

  it('renews at once a session that holds a refresh token but garbage in place of the token', async () => {
    stored = session(null);
    create().start();
    await advance(0);
    expect(renew).toHaveBeenCalledTimes(1);
  });

  it('arms for a renewable session without a refresh token (silent renewal), and renews it ahead of expiry', async () => {
    stored = session(jwt(3600), null);
    renew.and.callFake(async () => {
      stored = session(jwt(3600), null);
      publish(true);
    });
    create().start();
    expect(setTimer).toHaveBeenCalledTimes(1);
    await advance(3540_000);
    expect(renew).toHaveBeenCalledTimes(1);
    await advance(3540_000);
    expect(renew).toHaveBeenCalledTimes(2);
  });

  it('arms nothing when there is nothing to renew, or for a token of unknown life; a login arms it', async () => {
    create().start();
    stored = session('opaque-without-expiry');
    publish(false);
    await advance(3600_000);
    expect(setTimer).not.toHaveBeenCalled();
    expect(renew).not.toHaveBeenCalled();

    stored = session(jwt(3600));
    publish(false);
    await advance(3540_000);
    expect(renew).toHaveBeenCalledTimes(1);
  });

  it('counts an opaque token\'s life from when it first saw it, however often it looks again', async () => {
    // Life 60 s from first sight: the 60 s margin is capped at half of it, so renewal is due at 30 s.
    stored = session('opaque', 'rt-1', START + 60_000);
    create().start();
    await advance(20_000);
    publish(false);
    await advance(9_999);
    expect(renew).not.toHaveBeenCalled();
    await advance(1);
    expect(renew).toHaveBeenCalledTimes(1);
  });

  it('looks at the clock again when the page becomes visible or the machine comes back online', async () => {
    stored = session(jwt(3600));
    create().start();
    sleep(3550_000);
    doc.visibilityState = 'hidden';
    doc.dispatchEvent(new Event('visibilitychange'));
    await advance(0);
    expect(renew).not.toHaveBeenCalled();
    doc.visibilityState = 'visible';
    doc.dispatchEvent(new Event('visibilitychange'));
    await advance(0);
    expect(renew).toHaveBeenCalledTimes(1);

    sleep(3600_000);
    win.dispatchEvent(new Event('online'));
    await advance(0);
    expect(renew).toHaveBeenCalledTimes(2);
  });

  it('waits for retryAt() when the coordinator is backing off, whatever wakes it', async () => {
    stored = session(jwt(-10));
    retryUntil = START + 10_000;
    create().start();
    await advance(5_000);
    win.dispatchEvent(new Event('online'));
    publish(false);
    await advance(4_999);
    expect(renew).not.toHaveBeenCalled();
    await advance(1);
    expect(renew).toHaveBeenCalledTimes(1);
  });

  it('re-arms for retryAt() after a failure is published', async () => {
    stored = session(jwt(3600));
    renew.and.callFake(async () => {
      // A failure: the session is kept and the coordinator backs off for 4 s.
      retryUntil = clock + 4000;
      publish(false);
      throw new Error('refresh_failed');
    });
    create().start();
    await advance(3540_000);
    expect(renew).toHaveBeenCalledTimes(1);
    await advance(3_999);
    expect(renew).toHaveBeenCalledTimes(1);
    await advance(1);
    expect(renew).toHaveBeenCalledTimes(2);
  });

  it('pauses 2 s, 4 s, ... 30 s between renewals that succeed with a token already due again, and never loops', async () => {
    const times: number[] = [];
    /** Usable for 30 s more, but a one-hour JWT's renewal time (60 s before expiry) has already passed. */
    const alreadyDue = () => session(jwt(3600), 'rt-1', clock + 30_000);
    stored = alreadyDue();
    renew.and.callFake(async () => {
      times.push(elapsed());
      stored = alreadyDue();
      publish(true);
    });
    create().start();
    await advance(125_000);

    expect(times).toEqual([0, 2, 6, 14, 30, 60, 90, 120]);
  });

  it('starts the pauses afresh once a renewal brings a token that is not due', async () => {
    const times: number[] = [];
    let answers = [false, false, true, false];
    stored = session(jwt(3600), 'rt-1', clock + 30_000);
    renew.and.callFake(async () => {
      times.push(elapsed());
      const good = answers[0] ?? false;
      answers = answers.slice(1);
      stored = good ? session(jwt(3600)) : session(jwt(3600), 'rt-1', clock + 30_000);
      publish(true);
    });
    create().start();
    await advance(0);
    await advance(6_000);
    expect(times).toEqual([0, 2, 6]);
    // The good token (at 6 s) is renewed 60 s before its expiry; then the next due answer pauses 2 s, not 8 s.
    await advance(3540_000 + 2_000);
    expect(times).toEqual([0, 2, 6, 3546, 3548]);
  });

  it('is safe to start and stop twice; stop unsubscribes, cancels the timer and stops listening', async () => {
    stored = session(jwt(3600));
    create();
    scheduler.start();
    scheduler.start();
    expect(subscribe).toHaveBeenCalledTimes(1);
    expect(setTimer).toHaveBeenCalledTimes(1);

    scheduler.stop();
    scheduler.stop();
    expect(unsubscribe).toHaveBeenCalledTimes(1);
    expect(timers.size).toBe(0);
    clock = START + 3550_000;
    win.dispatchEvent(new Event('online'));
    doc.dispatchEvent(new Event('visibilitychange'));
    await advance(3600_000);
    expect(renew).not.toHaveBeenCalled();
    expect(setTimer).toHaveBeenCalledTimes(1);

    scheduler.start();
    expect(subscribe).toHaveBeenCalledTimes(2);
    await advance(0);
    expect(renew).toHaveBeenCalledTimes(1);
  });

  describe('with the global timers', () => {
    beforeEach(() => {
      jasmine.clock().install();
      jasmine.clock().mockDate(new Date(START));
    });
    afterEach(() => {
      scheduler?.stop();
      jasmine.clock().uninstall();
    });

    it('works without timer options and without events', () => {
      stored = session(jwt(3600));
      create({ now: () => Date.now(), setTimeout: undefined, clearTimeout: undefined, events: undefined }).start();
      jasmine.clock().tick(3539_999);
      expect(renew).not.toHaveBeenCalled();
      jasmine.clock().tick(1);
      expect(renew).toHaveBeenCalledTimes(1);
    });
  });
});
