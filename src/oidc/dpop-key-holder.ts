import { isAuthTokensError } from '../core/errors';
import { dpopKeyOf, unavailable, type DpopKey } from './dpop-key';

/** Where a sender gets its key for each proof: it must answer from memory, as it is asked on every request. */
export type DpopKeySource = () => PromiseLike<DpopKey>;

/**
 * The key of a session, kept in memory once loaded. `key` is the source a sender reads on every request;
 * `use` and `forget` are for when the key changes (a login's key becoming the session's, another tab's
 * login, a logout).
 */
export interface DpopKeyHolder {
  readonly key: () => Promise<DpopKey>;
  /** Replaces the key with `pair` at once: later proofs use it, and a load still under way no longer counts. */
  use(pair: CryptoKeyPair): Promise<DpopKey>;
  /** The key in memory, loaded or loading; null when none is. */
  peek(): Promise<DpopKey> | null;
  /** Drops the key from memory; the next proof loads it again. */
  forget(): void;
}

/**
 * A holder that loads the key pair with `load` (from IndexedDB, say) on the first proof, and then keeps
 * it: a request does no storage read of its own. A load that fails is not kept, so the next proof tries
 * again; it rejects `dpop_unavailable` (or the AuthTokensError it threw), never a bearer fallback.
 */
export function dpopKeyHolder(crypto: Crypto | undefined, load: () => PromiseLike<CryptoKeyPair>): DpopKeyHolder {
  let current: Promise<DpopKey> | null = null;

  /** The key `pair` gives, ready for proofs; `pair` throwing or rejecting is a load that failed. */
  const prepared = (pair: () => PromiseLike<CryptoKeyPair> | CryptoKeyPair): Promise<DpopKey> => {
    const promise = Promise.resolve().then(pair).then((keys) => dpopKeyOf(crypto, keys)).catch((error: unknown) => {
      // Only this load is dropped: a key put in place meanwhile stays.
      if (current === promise) current = null;
      throw isAuthTokensError(error) ? error : unavailable('The DPoP key could not be loaded.', error);
    });
    return promise;
  };

  return {
    key: () => (current ??= prepared(load)),
    use: (pair) => (current = prepared(() => pair)),
    peek: () => current,
    forget: () => {
      current = null;
    },
  };
}
