/**
 * `work`, or a rejection with `timeout()` once `ms` have passed: for every wait on something outside the
 * page (a token endpoint, a revocation endpoint, IndexedDB), none of which may hold the session hostage.
 */
export function withTimeout<T>(work: Promise<T>, ms: number, timeout: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([work, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(timeout()), ms); })])
    .finally(() => clearTimeout(timer));
}
