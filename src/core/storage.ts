import type { StorageKind } from './settings';

/** The little of the Web Storage API this package needs; also what the memory fallback implements. */
export interface KeyValueStore {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
}

/**
 * Opens the configured storage. Merely reading `window.localStorage` throws where cookies are blocked.
 * Web Storage falls back to memory the first time a write or a removal is refused (quota, Safari's private
 * mode), carrying over the keys it owns, so the session survives for this page's life instead of being lost.
 */
export function openStore(kind: StorageKind, win: Window | undefined, keys: string[], warn: (message: string) => void): KeyValueStore {
  // Missing from the start, or refusing later: either way, once.
  const inMemory = () => warn(`${kind} is not usable; the session is kept in memory for this page only.`);
  let storage: Storage | undefined;
  if (kind !== 'memory' && win) {
    try {
      storage = win[kind];
    } catch {
      // treated as missing
    }
    if (!storage) inMemory();
  }
  let memory = storage ? null : new Map<string, string>();

  const get = (key: string): string | null => {
    try {
      return memory ? memory.get(key) ?? null : storage!.getItem(key);
    } catch {
      return null;
    }
  };
  const fallBack = () => {
    if (memory) return;
    const copy = new Map<string, string>();
    for (const key of keys) {
      const value = get(key);
      if (value !== null) copy.set(key, value);
    }
    memory = copy;
    inMemory();
  };

  return {
    get,
    set(key, value) {
      if (!memory) {
        try {
          storage!.setItem(key, value);
          return;
        } catch {
          fallBack();
        }
      }
      memory!.set(key, value);
    },
    remove(key) {
      try {
        storage?.removeItem(key);
      } catch {
        // A key that cannot be removed is shadowed by memory from now on.
        fallBack();
      }
      // After falling back: memory was just filled from storage, this key included, so remove it there last.
      memory?.delete(key);
    },
  };
}

/** A store in memory only, for this page's life. */
export const memoryStore = (): KeyValueStore => openStore('memory', undefined, [], () => undefined);
