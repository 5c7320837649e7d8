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

// Timers stall in background tabs and on sleeping machines, and setTimeout fires at once past 2^31-1 ms:
// wait a minute at most, then look at the clock again.
const MAX_WAIT_MS = 60_000;
const RETRY_FIRST_MS = 2_000;
const RETRY_MAX_MS = 30_000;
const TRANSIENT = ['refresh_failed', 'lock_timeout', 'invalid_response'];

/**
 * Renews the stored session ahead of its expiry, so that requests never wait for a renewal in steady state.
 * It only decides when; the renewal itself (single flight, lock, storage) is `renew`'s business.
 */
export class RenewalScheduler {
  private timer: unknown = null;
  private started = false;
  private renewing = false;
  /** When this scheduler first saw the current token: the fixed point an opaque token's life counts from. */
  private seen: { token: string; at: number } | null = null;
  /** The token whose renewal keeps failing: retried with backoff, never simply re-armed (which would loop). */
  private failing: { token: string; count: number } | null = null;
  private readonly onOnline = () => this.arm(0);
  private readonly onVisibility = () => {
    if (this.options.events?.document?.visibilityState === 'visible') this.arm(0);
  };

  constructor(private readonly options: RenewalSchedulerOptions) {}

  start(): void {
    if (this.started) return;
    this.started = true;
    this.options.events?.target.addEventListener('online', this.onOnline);
    this.options.events?.document?.addEventListener('visibilitychange', this.onVisibility);
    this.arm();
  }

  stop(): void {
    if (!this.started) return;
    this.started = false;
    this.cancel();
    this.failing = null;
    this.options.events?.target.removeEventListener('online', this.onOnline);
    this.options.events?.document?.removeEventListener('visibilitychange', this.onVisibility);
  }

  /**
   * The stored session may have changed (a renewal, a login or logout, another tab). A token whose renewal is
   * failing keeps its backoff: a caller that reschedules after every refresh outcome must not start a loop.
   */
  reschedule(): void {
    if (this.failing !== null && this.failing.token === this.options.read()?.token) return;
    this.failing = null;
    this.arm();
  }

  private arm(delay?: number): void {
    this.cancel();
    if (!this.started) return;
    const due = this.dueAt(this.options.read());
    if (due === null) return;
    this.setTimer(delay ?? Math.min(Math.max(due - this.options.now(), 0), MAX_WAIT_MS));
  }

  private dueAt(session: Session | null): number | null {
    // Without a refresh token there is nothing to renew ahead of time; requests find out when it runs out.
    if (session === null || session.token === null || session.refreshToken === null) return null;
    if (this.seen?.token !== session.token) this.seen = { token: session.token, at: this.options.now() };
    return renewalTime(session, this.seen.at, this.options.renewBeforeSeconds);
  }

  private fire(): void {
    this.timer = null;
    if (!this.started || this.renewing) return; // a renewal under way re-arms when it settles
    const session = this.options.read();
    const due = this.dueAt(session);
    if (session?.token == null || due === null) return;
    if (due > this.options.now()) {
      this.arm(); // woke early: the wait was clamped, or the session changed
      return;
    }
    const token = session.token;
    this.renewing = true;
    new Promise((resolve) => resolve(this.options.renew())).then(() => {
      this.renewing = false;
      // A renewal that left the same token in place (a server handing out its cached token) must not run again at once.
      if (this.options.read()?.token === token) this.retry(token);
      else this.reschedule();
    }, (error: unknown) => {
      this.renewing = false;
      this.cancel(); // whatever was armed meanwhile was armed for the token that just failed
      const code = isAuthTokensError(error) ? error.code : null;
      if (code !== null && TRANSIENT.includes(code)) return this.retry(token);
      // login_required: the session is over and the service has ended it. Anything else: reported, not repeated.
      this.failing = { token, count: 0 };
      if (code !== 'login_required') this.options.onError?.(error);
    });
  }

  private retry(token: string): void {
    const count = this.failing?.token === token ? this.failing.count + 1 : 1;
    this.failing = { token, count };
    // Once requests stop using the token they renew it on demand: no more retries from here then.
    if (!this.started || !isUsable(this.options.read(), this.options.now(), this.options.minValiditySeconds)) return;
    this.cancel();
    this.setTimer(Math.min(RETRY_FIRST_MS * 2 ** (count - 1), RETRY_MAX_MS));
  }

  private setTimer(ms: number): void {
    const set = this.options.setTimeout ?? ((fn: () => void, wait: number) => setTimeout(fn, wait));
    this.timer = set(() => this.fire(), ms);
  }

  private cancel(): void {
    if (this.timer === null) return;
    const clear = this.options.clearTimeout ?? ((id: unknown) => clearTimeout(id as ReturnType<typeof setTimeout>));
    clear(this.timer);
    this.timer = null;
  }
}
