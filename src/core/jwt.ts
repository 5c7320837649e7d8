/** The claims this package reads; everything else in a payload is ignored. */
export interface JwtClaims {
  exp?: number;
  iat?: number;
  [claim: string]: unknown;
}

function base64UrlDecode(part: string): string | null {
  if (!/^[A-Za-z0-9_-]*$/.test(part) || part.length % 4 === 1) return null;
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((part.length + 3) % 4);
  try {
    const binary = atob(base64);
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * Decodes a JWT payload without verifying it, or returns null for anything that is not one. angular-jwt's
 * `jwtHelper` throws (even a bare string) on such input; tokens read back from storage can be anything.
 */
export function decodeJwt(token: unknown): JwtClaims | null {
  if (typeof token !== 'string') return null;
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const json = base64UrlDecode(parts[1]);
  if (json === null) return null;
  try {
    const payload: unknown = JSON.parse(json);
    return typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? payload as JwtClaims : null;
  } catch {
    return null;
  }
}

/** What a token tells about its own life, in epoch milliseconds. */
export interface TokenTimes {
  /** Null: not a JWT, or an `exp` that is not a number. Infinity: a JWT without `exp`, which angular-jwt
   * also takes as never expiring. */
  expiresAt: number | null;
  issuedAt: number | null;
}

const finite = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value * 1000 : null;

// Every request asks about the same token until it is renewed: remember the last answer, so a token
// string is decoded once, not once per request.
let lastToken: string | null = null;
let lastTimes: TokenTimes = { expiresAt: null, issuedAt: null };

export function tokenTimes(token: string): TokenTimes {
  if (token !== lastToken) {
    const claims = decodeJwt(token);
    const expiresAt = claims && claims.exp === undefined ? Infinity : finite(claims?.exp);
    lastTimes = { expiresAt, issuedAt: finite(claims?.iat) };
    lastToken = token;
  }
  return lastTimes;
}
