/**
 * The time a proof's `iat` states. Servers refuse proofs too far from their own clock (oidc-provider: more
 * than 300 s), and this machine's clock may be minutes off: the offset learned from the server's tokens
 * corrects it. Before the first token there is none, and this machine's clock is all there is.
 */
export interface DpopClock {
  /** Seconds since the epoch, on the server's clock as far as it is known. */
  now(): number;
  /**
   * Learns the offset from a token the server issued and that has just been received: its `iat` (seconds,
   * the server's clock) against this machine's clock now. Only a newer `iat` than the last one counts: a
   * server that hands back a token it issued earlier (some return the unexpired one) would set the clock back.
   */
  learn(iat: number): void;
}

/** A clock on `now` (epoch milliseconds; this machine's clock by default). */
export function dpopClock(now: () => number = () => Date.now()): DpopClock {
  let offset = 0;
  let newest = -Infinity;
  return {
    now: () => Math.floor((now() + offset) / 1000),
    learn: (iat) => {
      if (!Number.isFinite(iat) || iat <= newest) return;
      newest = iat;
      offset = iat * 1000 - now();
    },
  };
}
