import { toSession } from './session';
import { FIELDS, type StorageKeys } from './settings';
import type { KeyValueStore } from './storage';
import type { Session } from './types';
import { isVersion, parseJson } from './values';

/** A stored session and the version of the write that stored it; a logout stores a null session. */
export interface Versioned {
  session: Session | null;
  /** Increases with every write of the session, in any tab; 0 for what no version of this package wrote. */
  version: number;
}

/**
 * The local copy: the session in Web Storage (or memory), as the guide stored it, one JSON-encoded value
 * per key as angular-storage's `store.set` writes them, so apps that followed the guide keep their users;
 * plus one key of the package's own for the version. Synchronous, so every request can read it.
 */
export interface LocalCopy {
  read(): Versioned;
  /** Null fields, and every field of a null session, are removed rather than written as "null". */
  write(stored: Versioned): void;
}

/** The key of the package's own, beside the guide's: the version of the stored session. */
export const versionKey = (keys: StorageKeys): string => `authTokens:version:${keys.token}`;

/** Every key the local copy writes: the fields', in their order, then the version's. */
export const keyNames = (keys: StorageKeys): string[] => [...FIELDS.map((field) => keys[field]), versionKey(keys)];

/**
 * Reads never throw: whatever garbage is stored (a raw value that is not JSON included) reads as "no
 * value", and an unusable token is renewed like an expired one. Reads go to the storage every time, so
 * writes by other tabs and by the app are seen.
 */
export function createLocalCopy(kv: KeyValueStore, keys: StorageKeys): LocalCopy {
  const names = keyNames(keys);
  // Every request reads the session: parse it again only when a stored value changed.
  let lastRaw: Array<string | null> = [];
  let last: Versioned = { session: null, version: 0 };
  return {
    read() {
      const raw = names.map((name) => kv.get(name));
      if (raw.some((value, i) => value !== lastRaw[i])) {
        const values = raw.map(parseJson);
        const version = values.pop();
        lastRaw = raw;
        last = {
          session: toSession(Object.fromEntries(FIELDS.map((field, i) => [field, values[i]]))),
          version: isVersion(version) ? version : 0,
        };
      }
      return last;
    },
    write({ session, version }) {
      FIELDS.forEach((field, i) => {
        const value = session?.[field];
        if (value == null) kv.remove(names[i]);
        else kv.set(names[i], JSON.stringify(value));
      });
      // The version last: another tab that reads between these writes (they reach it one by one) may see new
      // fields under the old version, which only makes it look older than it is, never old fields under the
      // new version, which would let a renewal of a logged-out session pass the compare-and-set.
      kv.set(names[FIELDS.length], String(version));
    },
  };
}
