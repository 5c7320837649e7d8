import type { Lock } from '../../src/core/lock';
import type { Versioned } from '../../src/core/local-copy';
import type { SharedCopy } from '../../src/core/shared-copy';
import type { RefreshFunction, Session, TokenResponse } from '../../src/core/types';
import { jwtExpiringIn } from './jwt';

/** Waits real time; for real IndexedDB and Web Locks, which do not run under `jasmine.clock()`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs the specs of the enclosing `describe` under `jasmine.clock()`, its date starting at the real now. */
export function useFakeClock(): void {
  beforeEach(() => {
    jasmine.clock().install();
    jasmine.clock().mockDate(new Date());
  });
  afterEach(() => jasmine.clock().uninstall());
}

/** Lets pending promise callbacks run without a timer, so it works under `jasmine.clock()` too. */
export async function flushMicrotasks(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await Promise.resolve();
}

/** A name no other spec uses, for lock names and IndexedDB keys. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/**
 * Deletes an IndexedDB database. Open connections of this package close themselves on `versionchange`;
 * `blocked` resolves too, so a connection held elsewhere cannot hang a spec (the deletion still completes
 * once it closes). A deletion queued behind another request that has not finished gets no event at all
 * until that one does (seen once in Firefox, in a cleanup): after 2 s the spec goes on without waiting.
 */
export function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = req.onerror = req.onblocked = () => resolve();
    setTimeout(resolve, 2000);
  });
}

/** A session as the store holds it; `overrides` replace single fields. */
export function makeSession(overrides: Partial<Session> = {}): Session {
  return { token: jwtExpiringIn(3600), idToken: null, refreshToken: 'refresh-1', profile: null, expiresAt: null, ...overrides };
}

/**
 * The shared copy in memory, with `indexedDbCopy`'s semantics: `value` undefined means "no usable record",
 * a record with a null session "logged out"; `update` reads and writes in one step, as its transaction does.
 * `rejectWith` and `neverAnswer` make calls fail as a broken or hung IndexedDB does, applying nothing.
 */
export class FakeSharedCopy implements SharedCopy {
  private outage: { error: unknown; hang: boolean; calls: number } | null = null;

  constructor(public value: Versioned | undefined = undefined) {}

  readonly read = jasmine.createSpy<SharedCopy['read']>('shared.read').and.callFake(() => this.answer(() => this.value));

  readonly update = jasmine.createSpy<SharedCopy['update']>('shared.update').and.callFake((next) =>
    this.answer(() => {
      const current = this.value;
      const record = next(current);
      if (record) this.value = record;
      else if (record === null) this.value = undefined;
      return current;
    }));

  /** The next `calls` calls of read or update (every call by default) reject with `error`. */
  rejectWith(error: unknown, calls = Infinity): void {
    this.outage = { error, hang: false, calls };
  }

  /** The next `calls` calls of read or update (every call by default) never settle, as a blocked open. */
  neverAnswer(calls = Infinity): void {
    this.outage = { error: undefined, hang: true, calls };
  }

  /** Ends `rejectWith` and `neverAnswer`. */
  answerAgain(): void {
    this.outage = null;
  }

  private answer<T>(work: () => T): Promise<T> {
    const outage = this.outage;
    if (outage && outage.calls > 0) {
      outage.calls--;
      return outage.hang ? new Promise<T>(() => undefined) : Promise.reject(outage.error);
    }
    // Settled in a later turn, as IndexedDB answers.
    return Promise.resolve().then(work);
  }
}

/** An exclusive lock within one page that tells whether it is held; for checking what runs under it. */
export class RecordingLock implements Lock {
  held = false;
  private queue: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(async () => {
      this.held = true;
      try {
        return await task();
      } finally {
        this.held = false;
      }
    });
    this.queue = result.catch(() => undefined);
    return result;
  }
}

export interface RotatingServer {
  /** The refresher to hand to the code under test. */
  refresher: jasmine.Spy<RefreshFunction>;
  /** Every refresh token the refresher was called with, in order. */
  received: string[];
  /** The refresh token the server accepts next. */
  current(): string;
}

/**
 * A token endpoint with refresh-token rotation and reuse detection, as oidc-provider does it: each refresh
 * token works once and is replaced by a new one; a second use of a spent one is refused with
 * `invalid_grant` and revokes the whole grant.
 */
export function rotatingServer(firstRefreshToken = 'refresh-0', lifetimeSeconds = 3600): RotatingServer {
  const received: string[] = [];
  let valid: string | null = firstRefreshToken;
  let issued = 0;
  const refresher = jasmine.createSpy<RefreshFunction>('refresher').and.callFake(async (refreshToken: string): Promise<TokenResponse> => {
    received.push(refreshToken);
    if (refreshToken !== valid) {
      valid = null;
      throw { error: 'invalid_grant', error_description: 'refresh token reused or revoked' };
    }
    issued++;
    valid = `refresh-${issued}`;
    return { accessToken: jwtExpiringIn(lifetimeSeconds, { jti: `access-${issued}` }), refreshToken: valid, expiresIn: lifetimeSeconds };
  });
  return { refresher, received, current: () => valid ?? '' };
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(reason: unknown): void;
}

/** A promise settled from outside, for holding a refresher or a lock open while a spec looks around. */
export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}
