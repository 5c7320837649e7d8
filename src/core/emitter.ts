/** A list of listeners, as oidc-client-ts `Event` keeps one: `subscribe` returns the function that unsubscribes. */
export interface Emitter<T> {
  emit: (value: T) => void;
  subscribe: (listener: (value: T) => void) => () => void;
}

/** A listener that throws neither changes what happened nor keeps it from the others; `warn` hears of it. */
export function createEmitter<T>(warn: (message: string, cause?: unknown) => void): Emitter<T> {
  const listeners = new Set<(value: T) => void>();
  return {
    emit(value) {
      for (const listener of [...listeners]) {
        try {
          listener(value);
        } catch (error) {
          warn('a listener threw.', error);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
