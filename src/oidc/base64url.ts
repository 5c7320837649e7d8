// base64url without padding (RFC 7515, section 2): the encoding of JWS parts, thumbprints and `ath`.

/** Bytes as base64url. */
export const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** Text as base64url of its UTF-8. */
export const base64urlOfText = (text: string): string => base64url(new TextEncoder().encode(text));
