import type { StorageKind } from './settings';

/** The little of the Web Storage API this package needs; also what the memory fallback implements. */
export interface KeyValueStore {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
}

export class MemoryStore implements KeyValueStore {
  private readonly values = new Map<string, string>();
  get(key: string): string | null { return this.values.get(key) ?? null; }
  set(key: string, value: string): void { this.values.set(key, value); }
  remove(key: string): void { this.values.delete(key); }
}

/**
 * Web Storage that falls back to memory the first time a write is refused (quota, Safari's private mode),
 * carrying over the keys it owns, so the session survives for this page's life instead of being lost.
 */
class FallbackStore implements KeyValueStore {
  private memory: MemoryStore | null = null;

  constructor(private readonly storage: Storage, private readonly keys: string[], private readonly warn: (message: string) => void) {}

  get(key: string): string | null {
    if (this.memory) return this.memory.get(key);
    try {
      return this.storage.getItem(key);
    } catch {
      return null;
    }
  }

  set(key: string, value: string): void {
    if (!this.memory) {
      try {
        this.storage.setItem(key, value);
        return;
      } catch {
        this.fallBack();
      }
    }
    this.memory!.set(key, value);
  }

  remove(key: string): void {
    try {
      this.storage.removeItem(key);
    } catch {
      // A key that cannot be removed is shadowed by memory from now on.
      this.fallBack();
    }
    // After falling back: memory was just filled from storage, this key included, so remove it there last.
    this.memory?.remove(key);
  }

  private fallBack(): void {
    if (this.memory) return;
    const memory = new MemoryStore();
    for (const key of this.keys) {
      const value = this.get(key);
      if (value !== null) memory.set(key, value);
    }
    this.memory = memory;
    this.warn('angular-auth-tokens: the browser refused to store the session; it is kept in memory for this page only.');
  }
}

/**
 * Opens the configured storage. Merely reading `window.localStorage` throws where cookies are blocked,
 * so that is caught too.
 */
export function openStore(kind: StorageKind, win: Window | undefined, keys: string[], warn: (message: string) => void): KeyValueStore {
  if (kind !== 'memory' && win) {
    try {
      const storage = win[kind];
      if (storage) return new FallbackStore(storage, keys, warn);
    } catch {
      // falls through to memory
    }
    warn(`angular-auth-tokens: ${kind} is not available; the session is kept in memory for this page only.`);
  }
  return new MemoryStore();
}
