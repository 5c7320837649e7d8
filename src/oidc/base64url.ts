// base64url without padding (RFC 7515, section 2): the encoding of JWS parts, thumbprints, `ath` and PKCE.

/** Bytes as base64url. */
export const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** Text as base64url of its UTF-8. */
export const base64urlOfText = (text: string): string => base64url(new TextEncoder().encode(text));

/** base64url of the SHA-256 of text's UTF-8: a PKCE challenge, an `ath`, a key's thumbprint. */
export async function sha256Base64url(subtle: SubtleCrypto, text: string): Promise<string> {
  return base64url(new Uint8Array(await subtle.digest('SHA-256', new TextEncoder().encode(text))));
}
