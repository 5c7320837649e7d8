import type { StorageKeys } from './settings';
import type { KeyValueStore } from './storage';
import type { Session } from './types';

function parse(raw: string | null): unknown {
  if (raw === null) return null;
  try {
    return JSON.parse(raw);
  } catch {
    // A raw value that is not JSON (the guide wrote JSON through angular-storage): no usable value.
    return null;
  }
}

// "undefined" and "null" are what `String(missing)` leaves behind, never a token.
const stringOrNull = (value: unknown): string | null =>
  (typeof value === 'string' && value !== '' && value !== 'undefined' && value !== 'null' ? value : null);
const numberOrNull = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/**
 * The session as the guide stored it: one JSON-encoded value per key, as angular-storage's `store.set`
 * writes it, so apps that followed the guide keep their users. Reads never throw: whatever garbage is
 * stored reads as "no value", and an unusable token is renewed like an expired one. Reads go to the
 * storage every time (no cache), so writes by other tabs are seen.
 */
export class TokenStore {
  constructor(private readonly kv: KeyValueStore, private readonly keys: StorageKeys) {}

  read(): Session | null {
    const token = stringOrNull(parse(this.kv.get(this.keys.token)));
    const refreshToken = stringOrNull(parse(this.kv.get(this.keys.refreshToken)));
    if (token === null && refreshToken === null) return null;
    return {
      token,
      refreshToken,
      idToken: stringOrNull(parse(this.kv.get(this.keys.idToken))),
      profile: parse(this.kv.get(this.keys.profile)),
      expiresAt: numberOrNull(parse(this.kv.get(this.keys.expiresAt))),
    };
  }

  write(session: Session | null): void {
    if (session === null) {
      this.clear();
      return;
    }
    const entries: Array<[keyof StorageKeys, unknown]> = [['token', session.token], ['refreshToken', session.refreshToken],
      ['idToken', session.idToken], ['profile', session.profile], ['expiresAt', session.expiresAt]];
    for (const [name, value] of entries) {
      if (value === null || value === undefined) this.kv.remove(this.keys[name]);
      else this.kv.set(this.keys[name], JSON.stringify(value));
    }
  }

  clear(): void {
    for (const key of Object.values(this.keys)) this.kv.remove(key);
  }
}
