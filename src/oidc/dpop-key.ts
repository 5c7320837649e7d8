import { AuthTokensError, explain } from '../core/errors';
import { sha256Base64url } from './base64url';

/** The public half of a P-256 key as a JWK: only what RFC 7638 hashes, and what a proof's header shows. */
export interface PublicJwk {
  crv: 'P-256';
  kty: 'EC';
  x: string;
  y: string;
}

/**
 * A key pair ready for proofs: its private key, which cannot be exported, and the public JWK, exported
 * once when the key is made or loaded so that no proof waits for it.
 */
export interface DpopKey {
  readonly privateKey: CryptoKey;
  readonly jwk: PublicJwk;
}

const EC: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };

/** A `dpop_unavailable` whose cause explains `reason`, with `secrets` (a token it may have seen) cut out. */
export const unavailable = (message: string, reason?: unknown, secrets?: ReadonlyArray<string | null>): AuthTokensError =>
  new AuthTokensError('dpop_unavailable', message, explain(reason, secrets));

/** WebCrypto's `subtle`, which exists only in a secure context (https, or this machine). */
export function subtleOf(crypto: Crypto | undefined): SubtleCrypto {
  const subtle = crypto?.subtle;
  if (!subtle) throw unavailable('DPoP needs WebCrypto, which the browser offers only to https pages.');
  return subtle;
}

/**
 * A new ECDSA P-256 key pair whose private key cannot be exported: a script in the page can sign with it
 * while the page is open, but cannot take it elsewhere. IndexedDB keeps it so (structured clone). Rejects
 * `dpop_unavailable` when the browser cannot make one.
 */
export async function createDpopKeyPair(crypto: Crypto | undefined): Promise<CryptoKeyPair> {
  const subtle = subtleOf(crypto);
  try {
    return await subtle.generateKey(EC, false, ['sign', 'verify']);
  } catch (error) {
    throw unavailable('The browser could not make a DPoP key.', error);
  }
}

/**
 * The key pair ready for proofs. A key that could be copied out, or is not one for ES256 signatures
 * (storage can hand back anything), is refused with `dpop_unavailable`, as is one whose public key the
 * browser does not export.
 */
export async function dpopKeyOf(crypto: Crypto | undefined, pair: CryptoKeyPair): Promise<DpopKey> {
  const subtle = subtleOf(crypto);
  const { privateKey, publicKey } = pair ?? {};
  const algorithm = privateKey?.algorithm as Partial<EcKeyAlgorithm> | undefined;
  if (!(privateKey instanceof CryptoKey) || !(publicKey instanceof CryptoKey) || privateKey.extractable
    || algorithm?.name !== 'ECDSA' || algorithm.namedCurve !== 'P-256' || !privateKey.usages.includes('sign')) {
    throw unavailable('The DPoP key is not a P-256 signing key that cannot be exported.');
  }
  let exported: JsonWebKey;
  try {
    exported = await subtle.exportKey('jwk', publicKey);
  } catch (error) {
    throw unavailable('The public DPoP key could not be exported.', error);
  }
  const { kty, crv, x, y } = exported;
  if (kty !== 'EC' || crv !== 'P-256' || typeof x !== 'string' || typeof y !== 'string') {
    throw unavailable('The public DPoP key is not a P-256 key.');
  }
  // Only the public members: the browser adds `key_ops` and `ext`, which a proof's `jwk` has no use for.
  return { privateKey, jwk: { crv, kty, x, y } };
}

/**
 * The key's RFC 7638 thumbprint: base64url SHA-256 of its required members in lexicographic order, with
 * no white space. It is `dpop_jkt` on the authorization request, and the `cnf.jkt` of the bound tokens.
 */
export async function thumbprintOf(crypto: Crypto | undefined, { crv, kty, x, y }: PublicJwk): Promise<string> {
  const canonical = JSON.stringify({ crv, kty, x, y });
  return sha256Base64url(subtleOf(crypto), canonical);
}
