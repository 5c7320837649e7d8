import type { Lock } from '../../src/core/lock';
import type { SharedCopy } from '../../src/core/shared-copy';
import type { RefreshFunction, Session, TokenResponse } from '../../src/core/types';
import { jwtExpiringIn } from './jwt';

/** Waits real time; for real IndexedDB and Web Locks, which do not run under `jasmine.clock()`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
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
 * once it closes).
 */
export function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve) => {
    const req = indexedDB.deleteDatabase(name);
    req.onsuccess = req.onerror = req.onblocked = () => resolve();
  });
}

/** A session as the store holds it; `overrides` replace single fields. */
export function makeSession(overrides: Partial<Session> = {}): Session {
  return { token: jwtExpiringIn(3600), idToken: null, refreshToken: 'refresh-1', profile: null, expiresAt: null, ...overrides };
}

/** The shared copy in memory: `value` undefined means "never written", null "logged out". */
export class FakeSharedCopy implements SharedCopy {
  constructor(public value: Session | null | undefined = undefined) {}
  readonly read = jasmine.createSpy('shared.read').and.callFake(async () => this.value);
  readonly write = jasmine.createSpy('shared.write').and.callFake(async (session: Session | null) => { this.value = session; });
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
