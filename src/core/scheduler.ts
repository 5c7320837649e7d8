import { isAuthTokensError } from './errors';
import { isUsable, renewalTime } from './session';
import type { Session } from './types';

export interface RenewalSchedulerOptions {
  now(): number;
  /** The stored session, read now. */
  read(): Session | null;
  /** Renews (joining a renewal under way); rejects with an AuthTokensError. */
  renew(): PromiseLike<unknown>;
  renewBeforeSeconds: number;
  minValiditySeconds: number;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (id: unknown) => void;
  /** Where `online` (the window) and `visibilitychange` (the document) are heard. */
  events?: { target: EventTarget; document?: Document };
  /** Told of failures that are none of the known codes: a bug to report, not to retry. */
  onError?: (error: unknown) => void;
}

export interface RenewalScheduler {
  /** Arms the timer and listens; safe to call twice, as is `stop()`, which undoes it. */
  start(): void;
  stop(): void;
  /**
   * The stored session may have changed (a renewal, a login or logout, another tab). A token whose renewal is
   * failing keeps its backoff: a caller that reschedules after every refresh outcome must not start a loop.
   */
  reschedule(): void;
}

// Timers stall in background tabs and on sleeping machines, and setTimeout fires at once past 2^31-1 ms:
// wait a minute at most, then look at the clock again.
const MAX_WAIT_MS = 60_000;
const RETRY_FIRST_MS = 2_000;
const RETRY_MAX_MS = 30_000;
const TRANSIENT: unknown[] = ['refresh_failed', 'lock_timeout', 'invalid_response'];

/**
 * Renews the stored session ahead of its expiry, so that requests never wait for a renewal in steady state.
 * It only decides when; the renewal itself (single flight, lock, storage) is `renew`'s business.
 */
export function createRenewalScheduler(options: RenewalSchedulerOptions): RenewalScheduler {
  const { now, read, events } = options;
  let timer: unknown = null;
  let started = false;
  let renewing = false;
  /** When this scheduler first saw the current token: the fixed point an opaque token's life counts from. */
  let seen: { token: string; at: number } | null = null;
  /** The token whose renewal keeps failing: retried with backoff, never simply re-armed (which would loop). */
  let failing: { token: string; count: number } | null = null;

  const setTimer = (ms: number) => {
    timer = (options.setTimeout ?? ((fn, wait) => setTimeout(fn, wait)))(fire, ms);
  };
  const cancel = () => {
    if (timer !== null) (options.clearTimeout ?? ((id) => clearTimeout(id as number)))(timer);
    timer = null;
  };

  const dueAt = (session: Session | null): number | null => {
    // Without a refresh token there is nothing to renew ahead of time; requests find out when it runs out.
    if (session?.token == null || session.refreshToken === null) return null;
    if (seen?.token !== session.token) seen = { token: session.token, at: now() };
    return renewalTime(session, seen.at, options.renewBeforeSeconds);
  };

  const arm = (delay?: number) => {
    cancel();
    const due = started ? dueAt(read()) : null;
    if (due !== null) setTimer(delay ?? Math.min(Math.max(due - now(), 0), MAX_WAIT_MS));
  };

  const reschedule = () => {
    if (failing && failing.token === read()?.token) return;
    failing = null;
    arm();
  };

  const retry = (token: string) => {
    const count = failing?.token === token ? failing.count + 1 : 1;
    failing = { token, count };
    // Once requests stop using the token they renew it on demand: no more retries from here then.
    if (started && isUsable(read(), now(), options.minValiditySeconds)) {
      cancel();
      setTimer(Math.min(RETRY_FIRST_MS * 2 ** (count - 1), RETRY_MAX_MS));
    }
  };

  function fire() {
    timer = null;
    if (!started || renewing) return; // a renewal under way re-arms when it settles
    const session = read();
    const due = dueAt(session);
    if (due === null) return;
    if (due > now()) return arm(); // woke early: the wait was clamped, or the session changed
    const token = session!.token!;
    renewing = true;
    new Promise((resolve) => resolve(options.renew())).then(() => {
      renewing = false;
      // A renewal that left the same token in place (a server handing out its cached token) must not run again at once.
      if (read()?.token === token) retry(token);
      else reschedule();
    }, (error: unknown) => {
      renewing = false;
      cancel(); // whatever was armed meanwhile was armed for the token that just failed
      const code = isAuthTokensError(error) ? error.code : null;
      if (TRANSIENT.includes(code)) return retry(token);
      // login_required: the session is over and the service has ended it. Anything else: reported, not repeated.
      failing = { token, count: 0 };
      if (code !== 'login_required') options.onError?.(error);
    });
  }

  const onOnline = () => arm(0);
  const onVisibility = () => {
    if (events?.document?.visibilityState === 'visible') arm(0);
  };
  const listen = (method: 'addEventListener' | 'removeEventListener') => {
    events?.target[method]('online', onOnline);
    events?.document?.[method]('visibilitychange', onVisibility);
  };

  return {
    start() {
      if (started) return;
      started = true;
      listen('addEventListener');
      arm();
    },
    stop() {
      if (!started) return;
      started = false;
      cancel();
      failing = null;
      listen('removeEventListener');
    },
    reschedule,
  };
}
