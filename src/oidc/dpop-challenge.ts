import { isRecord } from '../core/values';

/** A token (RFC 9110, section 5.6.2): an auth scheme or a parameter name. */
const TOKEN = "[\\w!#$%&'*+.^`|~-]+";

/**
 * One part of a `WWW-Authenticate` value: a parameter `name=value` (a token or a quoted string), or a bare
 * token, which starts a new challenge (its scheme). Commas and white space between parts are skipped.
 */
const PART = new RegExp(`(${TOKEN})(?:\\s*=\\s*("(?:[^"\\\\]|\\\\.)*"|${TOKEN}))?`, 'g');

/**
 * The `error` parameter of the DPoP challenge in a `WWW-Authenticate` value (RFC 9449, section 7.1), which
 * may hold other challenges too (`Bearer realm="api", DPoP algs="ES256", error="use_dpop_nonce"`); null
 * when it has none.
 */
export function dpopChallengeError(header: string): string | null {
  let scheme = '';
  for (const [, name, value] of header.matchAll(PART)) {
    if (value === undefined) scheme = name.toLowerCase();
    else if (scheme === 'dpop' && name.toLowerCase() === 'error') {
      return value.startsWith('"') ? value.slice(1, -1).replace(/\\(.)/g, '$1') : value;
    }
  }
  return null;
}

/**
 * Whether an answer asks for a DPoP nonce: the token endpoint's `400 { error: 'use_dpop_nonce' }`
 * (RFC 9449, section 8) or a resource server's 401 with that error in its DPoP challenge (section 9).
 */
export function isNonceChallenge(status: number, header: (name: string) => string | null, body: unknown): boolean {
  if (status === 400) return isRecord(body) && body.error === 'use_dpop_nonce';
  return status === 401 && dpopChallengeError(header('WWW-Authenticate') ?? '') === 'use_dpop_nonce';
}
