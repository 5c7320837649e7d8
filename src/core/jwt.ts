import { isJsonObject } from './values';

/** The claims this package reads; everything else in a payload is ignored. */
export interface JwtClaims {
  exp?: number;
  iat?: number;
  [claim: string]: unknown;
}

/**
 * Decodes a JWT payload without verifying it, or returns null for anything that is not one. angular-jwt's
 * `jwtHelper` throws (even a bare string) on such input; tokens read back from storage can be anything.
 */
export function decodeJwt(token: unknown): JwtClaims | null {
  const parts = typeof token === 'string' ? token.split('.') : [];
  // atob also takes `+`, `/`, `=` and white space, none of which base64url has. It needs no padding, and
  // it throws on an impossible length.
  if (parts.length !== 3 || /[^\w-]/.test(parts[1])) return null;
  try {
    const binary = atob(parts[1].replace(/-/g, '+').replace(/_/g, '/'));
    const claims: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))));
    return isJsonObject(claims) ? claims : null;
  } catch {
    return null;
  }
}

/** What a token tells about its own life, in milliseconds. */
export interface TokenTimes {
  /** Epoch ms. Null: not a JWT, or an `exp` that is not a number. Infinity: a JWT without `exp`, which
   * angular-jwt also takes as never expiring. */
  expiresAt: number | null;
  /** `exp - iat`, when both are numbers and `exp` is later; else null. */
  lifetime: number | null;
}

const ms = (value: unknown): number | null => (Number.isFinite(value) ? (value as number) * 1000 : null);

// Every request asks about the same token until it is renewed: remember the last answer, so a token
// string is decoded once, not once per request.
let lastToken: string | null = null;
let lastTimes: TokenTimes;

export function tokenTimes(token: string): TokenTimes {
  if (token !== lastToken) {
    const claims = decodeJwt(token);
    const exp = claims && claims.exp === undefined ? Infinity : ms(claims?.exp);
    const iat = ms(claims?.iat);
    lastTimes = { expiresAt: exp, lifetime: exp !== null && iat !== null && exp > iat && exp < Infinity ? exp - iat : null };
    lastToken = token;
  }
  return lastTimes;
}
