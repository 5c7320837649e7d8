import { AuthTokensError } from './errors';
import { tokenTimes } from './jwt';
import type { Settings } from './settings';
import type { RefreshFunction, Session, TokenResponse } from './types';
import { isJsonObject } from './values';

// `exp` and `iat` are whole seconds: a token announced as living N seconds may have been stamped up to a
// second before the request that asked for it was sent, and so expire up to a second before its life, as
// counted here, is over. Requests allow for that second; the schedule need not (it renews half-way).
const ROUNDING_MS = 1000;

// "undefined" and "null" are what `String(missing)` leaves behind, never a token.
const text = (value: unknown): string | null =>
  (typeof value === 'string' && value !== '' && value !== 'undefined' && value !== 'null' ? value : null);

/**
 * The one check of a stored session, whatever holds it (the guide's Web Storage keys, the IndexedDB
 * record): anything can be there, so every field is checked and garbage reads as missing. Without a token
 * and a refresh token there is no session.
 */
export function toSession(value: unknown): Session | null {
  if (!isJsonObject(value)) return null;
  const token = text(value.token);
  const refreshToken = text(value.refreshToken);
  if (token === null && refreshToken === null) return null;
  const expiresAt = value.expiresAt;
  return {
    token,
    refreshToken,
    idToken: text(value.idToken),
    profile: value.profile ?? null,
    expiresAt: Number.isFinite(expiresAt) ? expiresAt as number : null,
  };
}

/**
 * The token's expiry on this machine's clock, counted from `sentAt` (when the request for it left): from
 * `expiresIn`, or where the server sent none, or for an id token, from the token's own life (`exp - iat`),
 * never from `exp` itself, which a skewed client clock would misread. Only a JWT with `exp` but no `iat`
 * leaves `exp` to decide (null here). Counted from sending, never from arrival: the server's clock started
 * the token's life before its answer came.
 */
function expiryOf(token: string, expiresIn: number | undefined, sentAt: number): number | null {
  const life = expiresIn !== undefined ? expiresIn * 1000 : tokenTimes(token).lifetime;
  return life === null ? null : sentAt + life;
}

/**
 * Builds the session to store from a token response to a request sent at `sentAt`. A response without a
 * new refresh token keeps the old one (servers without rotation send none). Throws `invalid_response`
 * without the API token.
 */
export function sessionFromResponse(response: TokenResponse, previous: Session | null, sentAt: number,
  apiToken: Settings['apiToken'], profile?: unknown): Session {
  // A refresher of the app's may resolve with anything, nothing included.
  const token = apiToken === 'idToken' ? response?.idToken : response?.accessToken;
  if (typeof token !== 'string' || token === '') {
    // The field names say what came; the values are tokens, which no error carries.
    throw new AuthTokensError('invalid_response', `The token response has no ${apiToken}.`, { fields: isJsonObject(response) ? Object.keys(response) : [] });
  }
  const expiresIn = Number(response.expiresIn);
  return {
    token,
    idToken: response.idToken ?? previous?.idToken ?? null,
    refreshToken: response.refreshToken || previous?.refreshToken || null,
    profile: profile !== undefined ? profile : previous?.profile ?? null,
    // expiresIn describes the access token; an id token's life is read from the token itself.
    expiresAt: expiryOf(token, apiToken === 'accessToken' && expiresIn >= 0 && expiresIn < Infinity ? expiresIn : undefined, sentAt),
  };
}

/**
 * The one rule for "can this session be renewed": a session is stored (a token, even an expired one, or a
 * refresh token) and a refresh token is held, or the refresher needs none (silent renewal).
 */
export const canRenew = (session: Session | null, refresher: Pick<RefreshFunction, 'usesRefreshToken'>): session is Session =>
  session !== null && (session.refreshToken !== null || refresher.usesRefreshToken === false);

/**
 * The token's expiry in epoch ms (null when unknown: garbage, or an opaque token without `expiresIn`, which
 * counts as expired), and its whole life in ms when the JWT tells it.
 */
function lifeOf({ token, expiresAt }: Session): [expiresAt: number | null, lifetime: number | null] {
  if (token === null) return [null, null];
  const times = tokenTimes(token);
  return [expiresAt ?? times.expiresAt, times.lifetime];
}

/** How long before its expiry a token stops being used (see `isUsable`). */
const usableMargin = (lifetime: number | null, minValiditySeconds: number) =>
  Math.min(minValiditySeconds * 1000, (lifetime ?? Infinity) / 10) + ROUNDING_MS;

/**
 * A token is used until `minValiditySeconds` before expiry, capped at a tenth of its life, so that a token
 * shorter than the margin is not taken as expired the moment it arrives; and a second more, for the second
 * that `exp` may have been rounded by, so that no request carries a token the server already counts as expired.
 */
export function isUsable(session: Session | null, now: number, minValiditySeconds: number): session is Session & { token: string } {
  if (session === null) return false;
  const [expiresAt, lifetime] = lifeOf(session);
  return expiresAt !== null && expiresAt - now > usableMargin(lifetime, minValiditySeconds);
}

/**
 * When scheduled renewal should fire: `renewBeforeSeconds` before expiry, but never earlier than half-way
 * through the token's life (a 30 s token with a 60 s margin would otherwise renew in a loop), and never
 * later than when requests stop using the token (for a token of a few seconds, half its life comes after
 * that, and requests would wait). Where the JWT does not tell its life (an opaque token), it counts from
 * `seenAt`, when this tab first saw the token: a fixed point, so re-checking later does not push the
 * renewal forward. Null: nothing to schedule.
 */
export function renewalTime(session: Session, seenAt: number, renewBeforeSeconds: number, minValiditySeconds = 0): number | null {
  const [expiresAt, lifetime] = lifeOf(session);
  if (expiresAt === null || !Number.isFinite(expiresAt)) return null;
  return expiresAt - Math.max(Math.min(renewBeforeSeconds * 1000, (lifetime ?? Math.max(expiresAt - seenAt, 0)) / 2),
    usableMargin(lifetime, minValiditySeconds));
}
