import { isJsonObject, parseJson } from '../core/values';

/** A login attempt waiting for its callback. Never a token: the verifier is worth nothing without the code. */
export interface Attempt {
  verifier: string;
  nonce: string;
  /** A local path, checked on the way in and again on the way out. */
  returnTo: string;
  clientId: string;
  /** Epoch milliseconds, on this machine's clock. */
  expiresAt: number;
}

/** Attempts are stored one key each, by `state`: two tabs, or a second click, may each have one pending. */
const PREFIX = 'authTokens:login:';
/** An attempt older than this is refused and swept: long enough to type a password, short enough to end. */
export const ATTEMPT_LIFE_MS = 10 * 60 * 1000;

const isAttempt = (value: unknown): value is Attempt => isJsonObject(value)
  && ['verifier', 'nonce', 'returnTo', 'clientId'].every((field) => typeof value[field] === 'string')
  && typeof value.expiresAt === 'number';

/** Stores an attempt under its state, after sweeping the expired ones, so that abandoned logins do not pile up. */
export function saveAttempt(storage: Storage, state: string, attempt: Attempt, now: number): void {
  for (const key of Object.keys(storage)) {
    if (key.startsWith(PREFIX)) {
      const stored = parseJson(storage.getItem(key));
      if (!isAttempt(stored) || stored.expiresAt <= now) storage.removeItem(key);
    }
  }
  storage.setItem(PREFIX + state, JSON.stringify(attempt));
}

/**
 * Takes the attempt of `state` out of storage: single use, so a replayed callback finds nothing. Null when
 * there is none (used already, another tab's, garbage) or it expired.
 */
export function takeAttempt(storage: Storage, state: string, now: number): Attempt | null {
  const stored = parseJson(storage.getItem(PREFIX + state));
  storage.removeItem(PREFIX + state);
  return isAttempt(stored) && stored.expiresAt > now ? stored : null;
}
