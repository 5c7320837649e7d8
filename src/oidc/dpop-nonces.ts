/**
 * The DPoP nonces servers gave (RFC 9449, sections 8 and 9), one per origin: the token endpoint and each
 * resource server have nonces of their own, and a proof carries only its own server's.
 */
export interface DpopNonces {
  /** The nonce for the origin of `url`, if its server gave one. */
  get(url: string): string | undefined;
  /** Keeps `nonce` for the origin of `url`; false (and nothing kept) when it is no nonce RFC 9449 allows. */
  remember(url: string, nonce: string): boolean;
}

/** RFC 9449's `nonce = 1*NQCHAR`: printable ASCII but `"` and `\`. Anything else would not survive a JWT claim or a header intact. */
const NONCE = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** A nonce cache in memory, for this page: nonces are short-lived, and a server that wants one asks again. */
export function dpopNonces(): DpopNonces {
  const byOrigin = new Map<string, string>();
  return {
    get: (url) => byOrigin.get(new URL(url).origin),
    remember: (url, nonce) => {
      if (!NONCE.test(nonce)) return false;
      byOrigin.set(new URL(url).origin, nonce);
      return true;
    },
  };
}
