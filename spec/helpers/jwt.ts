/** Base64url of UTF-8 text, as a JWT encodes its parts. `btoa` alone takes only Latin-1 characters. */
export function base64Url(text: string): string {
  const binary = Array.from(new TextEncoder().encode(text), (byte) => String.fromCharCode(byte)).join('');
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Builds an unsigned JWT with the given claims (signatures are the server's business, not this package's). */
export function makeJwt(claims: object): string {
  return `${base64Url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }))}.${base64Url(JSON.stringify(claims))}.signature`;
}

/** A JWT issued now that expires in `seconds` (negative: already expired). */
export function jwtExpiringIn(seconds: number, extra: object = {}): string {
  const now = Math.floor(Date.now() / 1000);
  // An expired token was issued an hour before it expired, so its life is a normal, positive one.
  const iat = seconds > 0 ? now - 1 : now + seconds - 3600;
  return makeJwt({ sub: 'user-1', iat, exp: now + seconds, ...extra });
}
