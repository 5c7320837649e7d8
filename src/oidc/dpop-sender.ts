import { isAuthTokensError } from '../core/errors';
import { decodeJwt } from '../core/jwt';
import type { Sender } from '../core/types';
import { isJsonObject } from '../core/values';
import { isNonceChallenge } from './dpop-challenge';
import { dpopClock, type DpopClock } from './dpop-clock';
import { subtleOf, unavailable } from './dpop-key';
import type { DpopKeySource } from './dpop-key-holder';
import { dpopNonces, type DpopNonces } from './dpop-nonces';
import { athOf, makeProof } from './dpop-proof';

export interface DpopSenderOptions {
  /** Defaults to the global `crypto`, read when the sender is made. */
  crypto?: Crypto;
  /**
   * Nonces and clock are the servers', not the key's: the senders of one client (the session's, and a
   * login's with its attempt's key) share them. Each defaults to a new one.
   */
  nonces?: DpopNonces;
  clock?: DpopClock;
}

/** A URL as the request resolves it: an app's `$http` calls may name a path only. */
const absolute = (url: string): URL => new URL(url, typeof location === 'undefined' ? undefined : location.href);

/** The value of the header `name` in `headers`, whatever its case. */
const headerIn = (headers: Record<string, string> | undefined, name: string): string | undefined =>
  Object.keys(headers ?? {}).filter((key) => key.toLowerCase() === name).map((key) => headers![key])[0];

/** The nonce a proof of this sender carried, read back out of its payload. */
function nonceOf(proof: string | undefined): string | undefined {
  const nonce = decodeJwt(proof)?.nonce;
  return typeof nonce === 'string' ? nonce : undefined;
}

/**
 * The server's clock, from an answer that issued tokens (a token response has a `token_type`; a resource's
 * answer that merely looks like one is not read): the access token's `iat` when it is a JWT, else the id
 * token's.
 */
function issuedAt(status: number, body: unknown): number | undefined {
  if (status < 200 || status > 299 || !isJsonObject(body) || typeof body.token_type !== 'string') return undefined;
  const iat = decodeJwt(body.access_token)?.iat ?? decodeJwt(body.id_token)?.iat;
  return typeof iat === 'number' ? iat : undefined;
}

/**
 * Presents tokens with DPoP (RFC 9449): each request gets a fresh proof signed with the key from `key`,
 * which must answer from memory (`dpopKeyHolder`). Per proof: one ECDSA signature; one SHA-256 digest for
 * `ath` per access token, not per request; no storage read, no key export. Answers teach it the servers' nonces (per
 * origin) and the server's clock (from the tokens it issues), and a nonce challenge that one retry can
 * answer asks for that retry. Headers reject `dpop_unavailable` when no proof can be made: a request is
 * never sent without one.
 */
export function dpopSender(key: DpopKeySource, options: DpopSenderOptions = {}): Sender {
  const { crypto = globalThis.crypto, nonces = dpopNonces(), clock = dpopClock() } = options;

  // Every request carries the same access token until it is renewed: its `ath` is worked out once.
  let lastAth: [token: string, ath: string] | null = null;
  const athFor = async (token: string) => {
    if (lastAth?.[0] !== token) lastAth = [token, await athOf(crypto, token)];
    return lastAth[1];
  };

  async function headers(method: string, url: string, token?: string): Promise<Record<string, string>> {
    const target = absolute(url);
    try {
      subtleOf(crypto);
      const [pair, ath] = await Promise.all([key(), token === undefined ? undefined : athFor(token)]);
      return { DPoP: await makeProof(crypto, pair, { htm: method, htu: target.href, iat: clock.now(), nonce: nonces.get(target.href), ath }) };
    } catch (error) {
      throw isAuthTokensError(error) ? error : unavailable('A DPoP proof could not be made.', error, [token ?? null]);
    }
  }

  function answered(url: string, status: number, header: (name: string) => string | null, body: unknown, sent?: Record<string, string>): boolean {
    const iat = issuedAt(status, body);
    if (iat !== undefined) clock.learn(iat);
    const nonce = header('DPoP-Nonce');
    if (nonce === null || !nonces.remember(absolute(url).href, nonce)) return false;
    // A retry helps only when the nonce is not the one the request carried: a server that asks again for
    // the same one would refuse the retry too. (Another request may have learned this nonce meanwhile: it
    // is new to this request all the same.)
    return isNonceChallenge(status, header, body) && nonce !== nonceOf(headerIn(sent, 'dpop'));
  }

  return { scheme: 'DPoP', headers, answered };
}
