// PKCE (RFC 7636) and the other random values of a login attempt.
import { base64url, sha256Base64url } from './base64url';

/**
 * 32 random bytes as base64url: 43 characters of the unreserved set, as RFC 7636 asks of a verifier
 * (43 to 128 characters), and 256 bits for `state` and `nonce`, which nobody can guess.
 */
export const randomString = (crypto: Crypto): string => base64url(crypto.getRandomValues(new Uint8Array(32)));

/** The S256 code challenge: base64url(SHA-256(verifier)). */
export async function challengeOf(crypto: Crypto, verifier: string): Promise<string> {
  return sha256Base64url(crypto.subtle, verifier);
}
