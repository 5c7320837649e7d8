import { AuthTokensError } from './errors';
import { tokenTimes } from './jwt';
import type { Settings } from './settings';
import type { RefreshFunction, Session, TokenResponse } from './types';

/**
 * Builds the session to store from a token response. Expiry is anchored to receipt on this machine's
 * clock (`expiresIn`), so a skewed client clock does not make every token look expired. A response
 * without a new refresh token keeps the old one (servers without rotation send none).
 */
export function sessionFromResponse(response: TokenResponse, previous: Session | null, now: number,
  apiToken: Settings['apiToken'], profile?: unknown): Session {
  const token = apiToken === 'idToken' ? response?.idToken : response?.accessToken;
  if (typeof token !== 'string' || token === '') {
    throw new AuthTokensError('invalid_response', `The token response has no ${apiToken}.`, response);
  }
  const expiresIn = Number(response.expiresIn);
  return {
    token,
    idToken: response.idToken ?? previous?.idToken ?? null,
    refreshToken: response.refreshToken || previous?.refreshToken || null,
    profile: profile !== undefined ? profile : previous?.profile ?? null,
    // expiresIn describes the access token; an id token's life is read from its own `exp`.
    expiresAt: apiToken === 'accessToken' && expiresIn > 0 && expiresIn < Infinity ? now + expiresIn * 1000 : null,
  };
}

/** Whether `refresher` can renew `session`: with its refresh token, or without one when it needs none. */
export const canRenew = (session: Session | null, refresher: RefreshFunction): session is Session =>
  session !== null && (session.refreshToken != null || refresher.usesRefreshToken === false);

/**
 * The token's expiry in epoch ms (null when unknown: garbage, or an opaque token without `expiresIn`, which
 * counts as expired), and its whole life in ms when the JWT tells it.
 */
function lifeOf({ token, expiresAt }: Session): [expiresAt: number | null, lifetime: number | null] {
  if (token === null) return [null, null];
  const times = tokenTimes(token);
  const exp = times.expiresAt;
  return [expiresAt ?? exp, times.issuedAt !== null && exp !== null && exp > times.issuedAt && exp < Infinity ? exp - times.issuedAt : null];
}

/**
 * A token is used until `minValiditySeconds` before expiry, capped at a tenth of its life, so that a token
 * shorter than the margin is not taken as expired the moment it arrives.
 */
export function isUsable(session: Session | null, now: number, minValiditySeconds: number): session is Session & { token: string } {
  if (session === null) return false;
  const [expiresAt, lifetime] = lifeOf(session);
  return expiresAt !== null && expiresAt - now > Math.min(minValiditySeconds * 1000, (lifetime ?? Infinity) / 10);
}

/**
 * When scheduled renewal should fire: `renewBeforeSeconds` before expiry, but never earlier than half-way
 * through the token's life (a 30 s token with a 60 s margin would otherwise renew in a loop). Where the
 * JWT does not tell its life (an opaque token), it counts from `seenAt`, when this tab first saw the token:
 * a fixed point, so re-checking later does not push the renewal forward. Null: nothing to schedule.
 */
export function renewalTime(session: Session, seenAt: number, renewBeforeSeconds: number): number | null {
  const [expiresAt, lifetime] = lifeOf(session);
  if (expiresAt === null || !Number.isFinite(expiresAt)) return null;
  return expiresAt - Math.min(renewBeforeSeconds * 1000, (lifetime ?? Math.max(expiresAt - seenAt, 0)) / 2);
}
