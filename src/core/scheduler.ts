import { renewalTime } from './session';
import type { Session } from './types';

export interface RenewalSchedulerOptions {
  now: () => number;
  /** The stored session when it can be renewed, read now; null when there is nothing to renew. */
  renewable: () => Session | null;
  /** Until when a failing renewal backs off (0: it is not failing). */
  retryAt: () => number;
  /** Renews, joining a renewal under way. Its outcome arrives through `subscribe`, not through this promise. */
  renew: () => PromiseLike<unknown>;
  /** Tells the listener of every change of session and every renewal's outcome; returns the unsubscribe function. */
  subscribe: (listener: (renewed: boolean) => void) => () => void;
  renewBeforeSeconds: number;
  /** Renewal comes no later than when requests stop using the token. */
  minValiditySeconds?: number;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (id: unknown) => void;
  /** Where `online` (the window) and `visibilitychange` (the document) are heard. */
  events?: { target: EventTarget; document?: Document };
}

export interface RenewalScheduler {
  /** Arms the timer and listens; safe to call twice, as is `stop()`, which undoes it. */
  start(): void;
  stop(): void;
}

// Timers stall in background tabs and on sleeping machines, and setTimeout fires at once past 2^31-1 ms:
// wait a minute at most, then look at the clock again.
const MAX_WAIT_MS = 60_000;
const PAUSE_FIRST_MS = 2000;
const PAUSE_MAX_MS = 30_000;

/**
 * Renews the stored session ahead of its expiry, so that requests never wait for a renewal in steady state.
 * It only decides when; the renewal itself (single flight, lock, storage, backoff after failures) is the
 * coordinator's business, and every outcome re-arms the timer through the subscription.
 */
export function createRenewalScheduler(options: RenewalSchedulerOptions): RenewalScheduler {
  const { now, events, renewable, retryAt, renewBeforeSeconds, minValiditySeconds } = options;
  const { setTimeout: wait = (fn, ms) => setTimeout(fn, ms), clearTimeout: unwait = (id) => clearTimeout(id as number) } = options;
  let timer: unknown = null;
  let unsubscribe: (() => void) | null = null;
  /** When this scheduler first saw the current token: the fixed point an opaque token's life counts from. */
  let seen: { token: string | null; at: number } | null = null;
  /**
   * A renewal that succeeded with a token already due for renewal again (a server handing out its cached
   * token) must not run again at once: such renewals in a row pause 2 s, 4 s, ... 30 s.
   */
  let stalled = { count: 0, until: 0 };

  const cancel = () => {
    if (timer !== null) unwait(timer);
    timer = null;
  };

  /** When the token needs renewing; null: nothing to renew, or a token of unknown life, which requests renew when they need to. */
  const renewalDue = (): number | null => {
    const session = renewable();
    if (session === null) return null;
    if (seen?.token !== session.token) seen = { token: session.token, at: now() };
    // A session with a refresh token but no token (garbage in its place): at once.
    return session.token === null ? now() : renewalTime(session, seen.at, renewBeforeSeconds, minValiditySeconds);
  };
  /** When to renew, the pauses counted in. */
  const dueAt = (): number | null => {
    const due = renewalDue();
    // A pause further ahead than the longest one can only come from a clock set back meanwhile: it is over.
    return due === null ? null : Math.max(due, retryAt(), stalled.until - now() <= PAUSE_MAX_MS ? stalled.until : 0);
  };

  const arm = () => {
    cancel();
    const due = unsubscribe ? dueAt() : null;
    if (due !== null) {
      timer = wait(fire, Math.min(Math.max(due - now(), 0), MAX_WAIT_MS));
    }
  };

  function fire() {
    timer = null;
    const due = dueAt();
    if (due === null) return;
    // Woke early (the wait was clamped, or the session changed): wait again.
    if (due > now()) return arm();
    // Failures are published (and backed off) by the coordinator; nothing to do with the rejection here.
    Promise.resolve(options.renew()).catch(() => undefined);
  }

  const changed = (renewed: boolean) => {
    if (renewed) {
      const due = renewalDue();
      stalled = due !== null && due <= now()
        ? { count: stalled.count + 1, until: now() + Math.min(PAUSE_FIRST_MS * 2 ** stalled.count, PAUSE_MAX_MS) }
        : { count: 0, until: 0 };
    }
    arm();
  };

  const recheck = () => {
    if (!events?.document || events.document.visibilityState === 'visible') arm();
  };
  const listen = (method: 'addEventListener' | 'removeEventListener') => {
    events?.target[method]('online', arm);
    events?.document?.[method]('visibilitychange', recheck);
  };

  return {
    start() {
      if (unsubscribe) return;
      unsubscribe = options.subscribe(changed);
      listen('addEventListener');
      arm();
    },
    stop() {
      if (!unsubscribe) return;
      unsubscribe();
      unsubscribe = null;
      cancel();
      stalled = { count: 0, until: 0 };
      listen('removeEventListener');
    },
  };
}
