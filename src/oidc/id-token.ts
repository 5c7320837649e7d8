import { AuthTokensError } from '../core/errors';
import { decodeJwt, type JwtClaims } from '../core/jwt';

/** What an id token must have been issued for. */
export interface IdTokenExpectation {
  issuer: string;
  clientId: string;
  nonce: string;
  /** Epoch milliseconds on this machine's clock. */
  now: number;
}

const refuse = (why: string) => new AuthTokensError('login_failed', `The id token ${why}; the login was not completed.`);

/**
 * The claims of an id token that the token endpoint just answered, checked as OpenID Connect Core 1.0,
 * section 3.1.3.7, asks. Its signature is not checked: it came straight from the token endpoint over
 * TLS, which the same section allows in place of it. The nonce ties it to this attempt, so an id token
 * from another login cannot be slipped in.
 *
 * Expiry gets the allowance tokens get ("Who owns the session"): the token's own life (`exp - iat`) is
 * what counts, since it arrived just now, and a client clock minutes off changes nothing. Only a token
 * without `iat` leaves `exp` to this machine's clock.
 */
export function idTokenClaims(idToken: string, { issuer, clientId, nonce, now }: IdTokenExpectation): JwtClaims {
  const claims = decodeJwt(idToken);
  if (!claims) throw refuse('is not a JWT');
  if (claims.iss !== issuer) throw refuse('was issued by another issuer');
  const audiences: unknown[] = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(clientId)) throw refuse('is for another audience');
  // With several audiences, the party it was issued to must be this client.
  if ((audiences.length > 1 || claims.azp !== undefined) && claims.azp !== clientId) throw refuse('was issued to another party (azp)');
  const { exp, iat } = claims;
  if (typeof exp !== 'number' || (typeof iat === 'number' ? exp <= iat : exp * 1000 <= now)) throw refuse('has expired');
  if (claims.nonce !== nonce) throw refuse('does not carry the nonce of this login attempt');
  return claims;
}
