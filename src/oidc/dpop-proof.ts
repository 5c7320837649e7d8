import { base64url, base64urlOfText, sha256Base64url } from './base64url';
import type { DpopKey } from './dpop-key';
import { randomString } from './pkce';

/** What one proof states about its request (RFC 9449, section 4.2), but `jti`, which is new each time. */
export interface ProofClaims {
  /** The method; upper-cased here. */
  htm: string;
  /** The absolute URL; its query and fragment are left out here. */
  htu: string;
  /** Seconds since the epoch, on the server's clock as far as it is known. */
  iat: number;
  nonce?: string;
  /** base64url SHA-256 of the access token the request carries (`athOf`). */
  ath?: string;
}

const SIGNING: EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };

/** The `htu` of a URL: scheme, host, port and path, without query and fragment (RFC 9449, section 4.2). */
export const htuOf = (url: URL): string => url.origin + url.pathname;

/** The `ath` of an access token: base64url SHA-256 of its ASCII (RFC 9449, section 4.2). */
export async function athOf(crypto: Crypto, token: string): Promise<string> {
  return sha256Base64url(crypto.subtle, token);
}

/**
 * A DPoP proof: a compact JWS (`typ: dpop+jwt`, ES256, the public key in `jwk`) over the claims and a
 * fresh `jti` of 256 random bits, for the server's replay check. The work per proof is one ECDSA
 * signature, a few random bytes and two small JSON encodings: the key's JWK was exported when it was loaded.
 * WebCrypto's ECDSA signature already is JWS's form, the raw 64 bytes of r and s (RFC 7518, section 3.4).
 */
export async function makeProof(crypto: Crypto, key: DpopKey, { htm, htu, iat, nonce, ath }: ProofClaims): Promise<string> {
  const header = base64urlOfText(JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256', jwk: key.jwk }));
  const url = new URL(htu);
  const claims = {
    jti: randomString(crypto), htm: htm.toUpperCase(), htu: htuOf(url), iat,
    ...(nonce !== undefined && { nonce }), ...(ath !== undefined && { ath }),
  };
  const input = `${header}.${base64urlOfText(JSON.stringify(claims))}`;
  const signature = await crypto.subtle.sign(SIGNING, key.privateKey, new TextEncoder().encode(input));
  return `${input}.${base64url(new Uint8Array(signature))}`;
}
