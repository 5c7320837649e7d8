// base64url without padding (RFC 7515, section 2): the encoding of JWS parts, thumbprints and `ath`.

/** Bytes as base64url. */
export const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** Text as base64url of its UTF-8. */
export const base64urlOfText = (text: string): string => base64url(new TextEncoder().encode(text));

/** The UTF-8 text that `encoded` holds; null for what is not base64url of UTF-8. */
export function textOfBase64url(encoded: string): string | null {
  // atob also takes `+`, `/`, `=` and white space, none of which base64url has; it needs no padding.
  if (/[^\w-]/.test(encoded)) return null;
  try {
    const binary = atob(encoded.replace(/-/g, '+').replace(/_/g, '/'));
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    return null;
  }
}
