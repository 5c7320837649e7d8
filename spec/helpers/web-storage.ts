/**
 * A Web Storage object in memory whose methods can be made to fail as browsers fail them: `setItem` with
 * QuotaExceededError (full storage, Safari's private mode), `removeItem` with a SecurityError.
 */
export class FakeWebStorage implements Storage {
  readonly values = new Map<string, string>();
  refuseWrites = false;
  refuseRemovals = false;

  constructor(initial: Record<string, string> = {}) {
    for (const [key, value] of Object.entries(initial)) this.values.set(key, value);
  }

  get length(): number { return this.values.size; }
  key(index: number): string | null { return [...this.values.keys()][index] ?? null; }
  getItem(key: string): string | null { return this.values.get(key) ?? null; }
  clear(): void { this.values.clear(); }

  setItem(key: string, value: string): void {
    if (this.refuseWrites) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    this.values.set(key, String(value));
  }

  removeItem(key: string): void {
    if (this.refuseRemovals) throw new DOMException('The operation is insecure.', 'SecurityError');
    this.values.delete(key);
  }
}

/** A window with the given storages, as far as `openStore` looks at one. */
export function fakeWindow(storages: { localStorage?: Storage; sessionStorage?: Storage }): Window {
  return { ...storages } as unknown as Window;
}

/** A window where merely reading `localStorage` or `sessionStorage` throws, as with cookies blocked. */
export function windowWithoutStorage(): Window {
  const refuse = () => { throw new DOMException('Access is denied for this document.', 'SecurityError'); };
  return Object.defineProperties({}, { localStorage: { get: refuse }, sessionStorage: { get: refuse } }) as unknown as Window;
}
