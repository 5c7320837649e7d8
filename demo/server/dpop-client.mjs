// A DPoP client (RFC 9449) in Node, for the server specs and for anything that needs bound tokens without a
// browser: one P-256 key, proofs signed with jose, nonces remembered per origin, one retry on use_dpop_nonce.
import { createHash, randomUUID } from 'node:crypto';
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';

/** base64url(SHA-256(access token)): a proof's `ath` claim. */
export const accessTokenHash = (token) => createHash('sha256').update(token).digest('base64url');

/** The `htu` of a request: scheme, host and path, without query and fragment (RFC 9449 section 4.2). */
export function htuOf(url) {
  const htu = new URL(url);
  htu.search = '';
  htu.hash = '';
  return htu.href;
}

/**
 * Whether an answer is a nonce challenge: 400 `{"error":"use_dpop_nonce"}` from a token endpoint (section 8)
 * or 401 with `WWW-Authenticate: DPoP error="use_dpop_nonce"` from a resource server (section 9), each with a
 * DPoP-Nonce header.
 */
export async function isNonceChallenge(response) {
  if (!response.headers.get('dpop-nonce')) return false;
  if (response.status === 401) return /\bDPoP\b[^,]*error="use_dpop_nonce"/i.test(response.headers.get('www-authenticate') ?? '');
  if (response.status !== 400) return false;
  try {
    return (await response.clone().json()).error === 'use_dpop_nonce';
  } catch {
    return false;
  }
}

export class DpopClient {
  /** @type {Map<string, string>} the newest DPoP-Nonce each origin sent */
  nonces = new Map();

  /** Requests sent, and of them the retries after a nonce challenge. */
  counts = { requests: 0, nonceRetries: 0 };

  constructor({ privateKey, publicJwk, thumbprint }) {
    this.privateKey = privateKey;
    this.publicJwk = publicJwk;
    /** RFC 7638 thumbprint of the public key: `dpop_jkt` and the tokens' `cnf.jkt`. */
    this.thumbprint = thumbprint;
  }

  /** A fresh key pair; the private key is not extractable, as in the browser. */
  static async create() {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const { kty, crv, x, y } = await exportJWK(publicKey);
    const publicJwk = { kty, crv, x, y };
    return new DpopClient({ privateKey, publicJwk, thumbprint: await calculateJwkThumbprint(publicJwk) });
  }

  /**
   * A proof JWT for one request. `claims` and `header` override or add to what a correct proof holds (the
   * specs use them to make wrong ones); a claim set to undefined is left out.
   * @param {object} o
   * @param {string} o.method
   * @param {string} o.url  query and fragment are dropped for `htu`
   * @param {string} [o.accessToken]  adds `ath`
   * @param {string} [o.nonce]  default: the newest nonce from the URL's origin, if any
   * @param {object} [o.claims]
   * @param {object} [o.header]
   */
  async proof({ method, url, accessToken, nonce = this.nonces.get(new URL(url).origin), claims = {}, header = {} }) {
    const payload = {
      htm: method,
      htu: htuOf(url),
      iat: Math.floor(Date.now() / 1000),
      jti: randomUUID(),
      ...(accessToken && { ath: accessTokenHash(accessToken) }),
      ...(nonce && { nonce }),
      ...claims,
    };
    for (const key of Object.keys(payload)) if (payload[key] === undefined) delete payload[key];
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: this.publicJwk, ...header })
      .sign(this.privateKey);
  }

  /**
   * fetch with a fresh proof; with `accessToken`, also `Authorization: DPoP <token>`. A nonce challenge is
   * answered once with a new proof carrying the new nonce; the second answer is returned whatever it is.
   * Every DPoP-Nonce answer header is remembered for its origin.
   * @param {string} url
   * @param {RequestInit & { accessToken?: string, retryOnNonce?: boolean }} [init]
   */
  async fetch(url, { accessToken, retryOnNonce = true, ...init } = {}) {
    const method = (init.method ?? 'GET').toUpperCase();
    const send = async () => {
      const headers = new Headers(init.headers);
      headers.set('DPoP', await this.proof({ method, url, accessToken }));
      if (accessToken) headers.set('Authorization', `DPoP ${accessToken}`);
      this.counts.requests += 1;
      const response = await fetch(url, { ...init, method, headers });
      const nonce = response.headers.get('dpop-nonce');
      if (nonce) this.nonces.set(new URL(url).origin, nonce);
      return response;
    };
    const first = await send();
    if (!retryOnNonce || !(await isNonceChallenge(first))) return first;
    this.counts.nonceRetries += 1;
    return send();
  }

  /**
   * A refresh_token grant with a proof, as the SPA sends it (with its Origin).
   * @returns {Promise<{ status: number, headers: Headers, body: any }>}
   */
  async refresh({ authUrl, appUrl, clientId, refreshToken, retryOnNonce }) {
    const response = await this.fetch(`${authUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...(appUrl && { Origin: appUrl }) },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId }),
      retryOnNonce,
    });
    return { status: response.status, headers: response.headers, body: await response.json() };
  }
}
