import { isRecord } from './values';

/** The four ways a renewal can fail, a login callback that cannot be trusted or completed, and a DPoP key that cannot be made or kept; see the README's error table. */
export type AuthTokensErrorCode = 'login_required' | 'refresh_failed' | 'invalid_response' | 'lock_timeout' | 'login_failed' | 'dpop_unavailable';

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

/** The fields that explain a failure: an answer's status, OAuth 2.0's and auth0-js's codes and words, an Error's. */
const EXPLAINING = ['status', 'statusCode', 'error', 'error_description', 'code', 'description', 'name', 'message'];

/**
 * What explains a failure, and nothing that may carry a token: apps log errors and send them to telemetry,
 * but an auth0-js error holds the request it sent (refresh token included), and an answer's body may hold
 * anything. Only the explaining fields of a record are kept, and only when they are strings or numbers;
 * `secrets` (the tokens that were sent) are cut out of them, for a server that echoes what it was sent.
 */
export function explain(reason: unknown, secrets: ReadonlyArray<string | null> = []): Record<string, string | number> | undefined {
  if (!isRecord(reason)) return undefined;
  // The secret as sent in a form too: a server may echo the body it was given.
  const forms = secrets.flatMap((secret) => (secret ? [secret, encodeURIComponent(secret)] : []));
  const kept: Record<string, string | number> = {};
  for (const field of EXPLAINING) {
    const value = reason[field];
    if (typeof value === 'number') kept[field] = value;
    else if (typeof value === 'string') kept[field] = forms.reduce((text, form) => text.split(form).join('[redacted]'), value);
  }
  return kept;
}

/**
 * The refresher error contract: an AuthTokensError keeps its code; an OAuth 2.0 error body (`error`) or an
 * auth0-js error (`code`) naming a refusal means the session is over; anything else (network, timeout,
 * 5xx, 429, unknown) is transient, so the session is kept. The cause is what explains it (`explain`).
 */
export function toAuthTokensError(reason: unknown, secrets?: ReadonlyArray<string | null>): AuthTokensError {
  if (isAuthTokensError(reason)) return reason;
  const body = isRecord(reason) ? reason : {};
  const code = typeof body.error === 'string' ? body.error : body.code;
  const cause = explain(reason, secrets);
  // The code is one of REFUSALS here, never a value the server made up: it may go into the message.
  return REFUSALS.includes(code)
    ? new AuthTokensError('login_required', `The server refused the refresh token (${String(code)}).`, cause)
    : new AuthTokensError('refresh_failed', 'The refresh failed; the session is kept.', cause);
}

