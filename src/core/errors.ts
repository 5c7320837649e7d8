import { isRecord } from './values';

/** The four ways a renewal can fail; see the README's error table. */
export type AuthTokensErrorCode = 'login_required' | 'refresh_failed' | 'invalid_response' | 'lock_timeout';

/**
 * The one error type this package rejects with. `name` is a marker that survives realms (iframes, other
 * bundles), where `instanceof` does not.
 */
export class AuthTokensError extends Error {
  readonly code: AuthTokensErrorCode;
  readonly cause: unknown;

  constructor(code: AuthTokensErrorCode, message: string, cause?: unknown) {
    super(message);
    this.name = 'AuthTokensError';
    this.code = code;
    this.cause = cause;
    // Keeps `instanceof` working when the consumer compiles to ES5.
    Object.setPrototypeOf(this, AuthTokensError.prototype);
  }
}

export const isAuthTokensError = (value: unknown): value is AuthTokensError => value instanceof AuthTokensError
  || (isRecord(value) && value.name === 'AuthTokensError' && typeof value.code === 'string');

/** OAuth 2.0 and Auth0 error codes that mean the refresh token will never work again. */
const REFUSALS: unknown[] = ['invalid_grant', 'login_required', 'consent_required', 'interaction_required', 'mfa_required',
  'unauthorized_client', 'invalid_client'];

/**
 * The refresher error contract: an AuthTokensError keeps its code; an OAuth 2.0 error body (`error`) or an
 * auth0-js error (`code`) naming a refusal means the session is over; anything else (network, timeout,
 * 5xx, 429, unknown) is transient, so the session is kept.
 */
export function toAuthTokensError(reason: unknown): AuthTokensError {
  if (isAuthTokensError(reason)) return reason;
  const body = isRecord(reason) ? reason : {};
  const code = typeof body.error === 'string' ? body.error : body.code;
  return REFUSALS.includes(code)
    ? new AuthTokensError('login_required', `The server refused the refresh token (${code}).`, reason)
    : new AuthTokensError('refresh_failed', 'The refresh failed; the session is kept.', reason);
}

