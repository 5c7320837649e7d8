import { FIELDS, type StorageKeys } from './settings';
import type { KeyValueStore } from './storage';
import type { Session } from './types';
import { parseJson } from './values';

export interface TokenStore {
  read(): Session | null;
  /** Null fields, and every field of a null session, are removed rather than written as "null". */
  write(session: Session | null): void;
  clear(): void;
}

// "undefined" and "null" are what `String(missing)` leaves behind, never a token.
const text = (value: unknown): string | null =>
  (typeof value === 'string' && value !== '' && value !== 'undefined' && value !== 'null' ? value : null);

/**
 * The session as the guide stored it: one JSON-encoded value per key, as angular-storage's `store.set`
 * writes it, so apps that followed the guide keep their users. Reads never throw: whatever garbage is
 * stored (a raw value that is not JSON included) reads as "no value", and an unusable token is renewed like
 * an expired one. Reads go to the storage every time, so writes by other tabs and by the app are seen.
 */
export function createTokenStore(kv: KeyValueStore, keys: StorageKeys): TokenStore {
  const write = (session: Session | null) => {
    for (const field of FIELDS) {
      const value = session?.[field];
      if (value == null) kv.remove(keys[field]);
      else kv.set(keys[field], JSON.stringify(value));
    }
  };
  // Every request reads the session: parse it again only when a stored value changed.
  let lastRaw: Array<string | null> = [];
  let last: Session | null = null;
  return {
    read() {
      const raw = FIELDS.map((field) => kv.get(keys[field]));
      if (raw.every((value, i) => value === lastRaw[i])) return last;
      const [token, refreshToken, idToken, profile, expiresAt] = raw.map(parseJson);
      lastRaw = raw;
      last = text(token) === null && text(refreshToken) === null ? null : {
        token: text(token),
        refreshToken: text(refreshToken),
        idToken: text(idToken),
        profile,
        expiresAt: Number.isFinite(expiresAt) ? expiresAt as number : null,
      };
      return last;
    },
    write,
    clear: () => write(null),
  };
}
