import { decodeProtectedHeader, EmbeddedJWK, jwtVerify, type JWTPayload } from 'jose';
import { AuthTokensError } from '../../src/core/errors';
import type { Sender } from '../../src/core/types';
import { postForm } from '../../src/refreshers/token-endpoint';
import { base64url } from '../../src/oidc/base64url';
import { dpopClock } from '../../src/oidc/dpop-clock';
import { createDpopKeyPair, dpopKeyOf, type DpopKey } from '../../src/oidc/dpop-key';
import { dpopNonces } from '../../src/oidc/dpop-nonces';
import { dpopSender } from '../../src/oidc/dpop-sender';
import { expectErrorWithout, rejectionOf } from '../helpers/errors';
import { makeJwt } from '../helpers/jwt';

describe('dpopSender', () => {
  const TOKEN_ENDPOINT = 'https://id.example.com/token';
  const API = 'https://api.example.com/things/1?fields=a#top';
  const ACCESS_TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1MSJ9.at-secret';
  const REFRESH_TOKEN = 'rt-secret';
  const NONCE_401 = 'DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"';
  const TEN_MINUTES = 10 * 60 * 1000;

  let key: DpopKey;
  let otherKey: DpopKey;
  beforeAll(async () => {
    [key, otherKey] = await Promise.all([createDpopKeyPair(crypto), createDpopKeyPair(crypto)].map(async (pair) => dpopKeyOf(crypto, await pair)));
  });

  let sender: Sender;
  beforeEach(() => {
    sender = dpopSender(async () => key);
  });

  const headersOf = (values: Record<string, string>) => (name: string) => new Headers(values).get(name);

  /** The proof in `headers`, verified by jose as a DPoP proof with the key in its own header (iat within 300 s of now, as oidc-provider asks). */
  async function proofIn(headers: Record<string, string>, expected: DpopKey = key): Promise<JWTPayload> {
    expect(Object.keys(headers)).toEqual(['DPoP']);
    const { payload } = await jwtVerify(headers.DPoP, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256'], maxTokenAge: 300, clockTolerance: 5 });
    expect(decodeProtectedHeader(headers.DPoP).jwk).toEqual(expected.jwk);
    return payload;
  }

  /** The payload of a proof, unverified: for a proof whose iat jose would refuse. */
  const claimsOf = (proof: string) => JSON.parse(atob(proof.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))) as JWTPayload;

  /** A token endpoint's answer that issued tokens at `iat` (seconds, the server's clock). */
  const tokenAnswer = (iat: number) => ({ access_token: makeJwt({ sub: 'u1', iat, exp: iat + 60 }), token_type: 'DPoP', expires_in: 60 });

  it("presents tokens with the 'DPoP' scheme", () => {
    expect(sender.scheme).toBe('DPoP');
  });

  describe('headers', () => {
    it('give a DPoP proof of the method and the URL without query and fragment, and no ath without a token', async () => {
      const payload = await proofIn(await sender.headers('post', `${TOKEN_ENDPOINT}?x=1#f`));

      expect(payload).toEqual({ jti: jasmine.any(String), htm: 'POST', htu: TOKEN_ENDPOINT, iat: jasmine.any(Number) });
    });

    it("carry the access token's ath on resource requests, never the token itself", async () => {
      const headers = await sender.headers('GET', API, ACCESS_TOKEN);
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(ACCESS_TOKEN)));

      const payload = await proofIn(headers);

      expect(payload.ath).toBe(base64url(digest));
      expect(payload.htu).toBe('https://api.example.com/things/1');
      expect(JSON.stringify(headers)).not.toContain('at-secret');
    });

    it("work out an access token's ath once, not per request, and again for the next token", async () => {
      const digest = spyOn(crypto.subtle, 'digest').and.callThrough();
      const athOfProof = async (token: string) => claimsOf((await sender.headers('GET', API, token)).DPoP).ath;

      const [first, second] = [await athOfProof(ACCESS_TOKEN), await athOfProof(ACCESS_TOKEN)];
      const renewed = await athOfProof(`${ACCESS_TOKEN}-2`);

      expect(second).toBe(first);
      expect(renewed).not.toBe(first);
      expect(digest).toHaveBeenCalledTimes(2);
    });

    it('resolve a path against the page, as the request does', async () => {
      expect((await proofIn(await sender.headers('GET', '/api/things?x=1'))).htu).toBe(`${location.origin}/api/things`);
    });

    it('are a fresh proof each time, with a new jti', async () => {
      const proofs = await Promise.all(Array.from({ length: 10 }, () => sender.headers('GET', API, ACCESS_TOKEN)));
      const jtis = await Promise.all(proofs.map(async (headers) => (await proofIn(headers)).jti));

      expect(new Set(proofs.map((headers) => headers.DPoP)).size).toBe(10);
      expect(new Set(jtis).size).toBe(10);
    });

    it('ask the key source for each proof, which answers from memory', async () => {
      const source = jasmine.createSpy('key').and.resolveTo(otherKey);
      const s = dpopSender(source);

      await proofIn(await s.headers('GET', API), otherKey);
      await proofIn(await s.headers('GET', API), otherKey);

      expect(source).toHaveBeenCalledTimes(2);
    });

    it("state the time of this machine's clock before any token, and the server's once a token told it: a clock 10 minutes ahead", async () => {
      const s = dpopSender(async () => key, { clock: dpopClock(() => Date.now() + TEN_MINUTES) });
      const serverNow = Math.floor(Date.now() / 1000);

      const early = await s.headers('POST', TOKEN_ENDPOINT);
      expect(claimsOf(early.DPoP).iat).toBeGreaterThanOrEqual(serverNow + 599);
      // A server that allows 300 s refuses it: only a nonce challenge would get such a proof through.
      await expectAsync(jwtVerify(early.DPoP, EmbeddedJWK, { maxTokenAge: 300 })).toBeRejected();

      s.answered(TOKEN_ENDPOINT, 200, headersOf({}), tokenAnswer(serverNow), early);

      const iat = (await proofIn(await s.headers('GET', API, ACCESS_TOKEN))).iat!;
      expect(Math.abs(iat - serverNow)).toBeLessThanOrEqual(2);
    });

    it("learn the clock from the id token when the access token is no JWT, and from nothing that is no token answer", async () => {
      const serverNow = Math.floor(Date.now() / 1000);
      const learned = async (status: number, body: unknown) => {
        const s = dpopSender(async () => key, { clock: dpopClock(() => Date.now() + TEN_MINUTES) });
        s.answered(TOKEN_ENDPOINT, status, headersOf({}), body, {});
        return claimsOf((await s.headers('GET', API)).DPoP).iat! - serverNow < 300;
      };
      const jwt = makeJwt({ iat: serverNow });

      expect(await learned(200, { access_token: 'opaque', id_token: jwt, token_type: 'DPoP' })).toBeTrue();
      expect(await learned(200, { access_token: jwt })).withContext('no token_type: a resource answer').toBeFalse();
      expect(await learned(400, { ...tokenAnswer(serverNow), error: 'invalid_grant' })).toBeFalse();
      expect(await learned(200, { access_token: 'opaque', token_type: 'DPoP' })).toBeFalse();
      expect(await learned(200, null)).toBeFalse();
    });

    it('reject dpop_unavailable, carrying no token, when the key cannot be had', async () => {
      const s = dpopSender(() => Promise.reject(new DOMException(`cannot sign ${ACCESS_TOKEN}`, 'OperationError')));

      const error = await rejectionOf(s.headers('GET', API, ACCESS_TOKEN));

      expectErrorWithout(error, 'dpop_unavailable', [ACCESS_TOKEN]);
      expect(error.cause).toEqual(jasmine.objectContaining({ name: 'OperationError', message: 'cannot sign [redacted]' }));
    });

    it("reject with the key source's own AuthTokensError", async () => {
      const own = new AuthTokensError('dpop_unavailable', 'No key is kept for this session.');

      expect(await rejectionOf(dpopSender(() => Promise.reject(own)).headers('GET', API))).toBe(own);
    });

    it('reject dpop_unavailable without WebCrypto', async () => {
      const s = dpopSender(async () => key, { crypto: {} as Crypto });

      expectErrorWithout(await rejectionOf(s.headers('GET', API, ACCESS_TOKEN)), 'dpop_unavailable', [ACCESS_TOKEN]);
    });
  });

  describe('nonces', () => {
    it("go into the proofs for the origin that gave them, and no other's", async () => {
      sender.answered(TOKEN_ENDPOINT, 200, headersOf({ 'DPoP-Nonce': 'as-1' }), tokenAnswer(Math.floor(Date.now() / 1000)), {});

      expect((await proofIn(await sender.headers('POST', 'https://id.example.com/revoke'))).nonce).toBe('as-1');
      expect((await proofIn(await sender.headers('GET', API, ACCESS_TOKEN))).nonce).toBeUndefined();

      sender.answered(API, 401, headersOf({ 'DPoP-Nonce': 'rs-1', 'WWW-Authenticate': NONCE_401 }), null, {});

      expect((await proofIn(await sender.headers('GET', 'https://api.example.com/other', ACCESS_TOKEN))).nonce).toBe('rs-1');
      expect((await proofIn(await sender.headers('POST', TOKEN_ENDPOINT))).nonce).toBe('as-1');
      expect((await proofIn(await sender.headers('POST', 'https://other.example.com/'))).nonce).toBeUndefined();
    });

    it('are shared by the senders of one client, each with its own key', async () => {
      const [nonces, clock] = [dpopNonces(), dpopClock()];
      const [session, login] = [dpopSender(async () => key, { nonces, clock }), dpopSender(async () => otherKey, { nonces, clock })];

      login.answered(TOKEN_ENDPOINT, 400, headersOf({ 'DPoP-Nonce': 'as-1' }), { error: 'use_dpop_nonce' }, {});

      expect((await proofIn(await session.headers('POST', TOKEN_ENDPOINT))).nonce).toBe('as-1');
      expect((await proofIn(await login.headers('POST', TOKEN_ENDPOINT), otherKey)).nonce).toBe('as-1');
    });
  });

  describe('answered', () => {
    /** Whether the sender asks for a retry of a request it sent with `sent` (its own proof). */
    async function retries(url: string, status: number, headers: Record<string, string>, body: unknown, sent?: Record<string, string>) {
      return sender.answered(url, status, headersOf(headers), body, sent ?? await sender.headers('POST', url));
    }

    it("asks for one retry of the token endpoint's 400 use_dpop_nonce that brings a new nonce", async () => {
      expect(await retries(TOKEN_ENDPOINT, 400, { 'DPoP-Nonce': 'as-1' }, { error: 'use_dpop_nonce' })).toBeTrue();
    });

    it("asks for one retry of a resource server's 401 DPoP use_dpop_nonce challenge that brings a new nonce", async () => {
      expect(await retries(API, 401, { 'DPoP-Nonce': 'rs-1', 'WWW-Authenticate': NONCE_401 }, null)).toBeTrue();
    });

    it('asks for no retry of any other answer, though it remembers the nonce that came with it', async () => {
      const cases: Array<[string, number, Record<string, string>, unknown]> = [
        [TOKEN_ENDPOINT, 400, { 'DPoP-Nonce': 'as-1' }, { error: 'invalid_grant' }],
        [TOKEN_ENDPOINT, 400, { 'DPoP-Nonce': 'as-2' }, { error: 'invalid_dpop_proof' }],
        [API, 401, { 'DPoP-Nonce': 'rs-1', 'WWW-Authenticate': 'DPoP error="invalid_token"' }, null],
        [API, 401, { 'DPoP-Nonce': 'rs-2', 'WWW-Authenticate': 'Bearer error="use_dpop_nonce"' }, null],
        [API, 403, { 'DPoP-Nonce': 'rs-3', 'WWW-Authenticate': NONCE_401 }, null],
        [TOKEN_ENDPOINT, 200, { 'DPoP-Nonce': 'as-3' }, { access_token: 'x', token_type: 'DPoP' }],
      ];
      for (const [url, status, headers, body] of cases) {
        expect(await retries(url, status, headers, body)).withContext(`${status} ${JSON.stringify(headers)}`).toBeFalse();
      }
      expect((await proofIn(await sender.headers('POST', TOKEN_ENDPOINT))).nonce).toBe('as-3');
      expect((await proofIn(await sender.headers('GET', API))).nonce).toBe('rs-3');
    });

    it('asks for no retry of a challenge without a new nonce: none, one RFC 9449 does not allow, or the one the request carried', async () => {
      expect(await retries(TOKEN_ENDPOINT, 400, {}, { error: 'use_dpop_nonce' })).withContext('no nonce').toBeFalse();
      expect(await retries(API, 401, { 'WWW-Authenticate': NONCE_401 }, null)).withContext('no nonce').toBeFalse();
      expect(await retries(TOKEN_ENDPOINT, 400, { 'DPoP-Nonce': 'a "quoted" one' }, { error: 'use_dpop_nonce' })).withContext('not a nonce').toBeFalse();

      sender.answered(TOKEN_ENDPOINT, 200, headersOf({ 'DPoP-Nonce': 'as-1' }), null, {});
      const sent = await sender.headers('POST', TOKEN_ENDPOINT);
      expect(await retries(TOKEN_ENDPOINT, 400, { 'DPoP-Nonce': 'as-1' }, { error: 'use_dpop_nonce' }, sent)).withContext('the same nonce').toBeFalse();
      expect(await retries(TOKEN_ENDPOINT, 400, { 'DPoP-Nonce': 'as-2' }, { error: 'use_dpop_nonce' }, sent)).withContext('a newer nonce').toBeTrue();
    });

    it('asks for a retry of each request sent without the nonce, though another one learned it first', async () => {
      const sent = await Promise.all([sender.headers('GET', API, ACCESS_TOKEN), sender.headers('GET', API, ACCESS_TOKEN)]);
      const challenge = { 'DPoP-Nonce': 'rs-1', 'WWW-Authenticate': NONCE_401 };

      expect(await retries(API, 401, challenge, null, sent[0])).toBeTrue();
      expect(await retries(API, 401, challenge, { lower: 'case' }, { dpop: sent[1].DPoP })).toBeTrue();
    });
  });

  describe('through postForm', () => {
    const FORM = { grant_type: 'refresh_token', refresh_token: REFRESH_TOKEN, client_id: 'spa' };
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => new Response(JSON.stringify(body), { status, headers });

    /** A fetch that answers `answers` in turn (the last one from then on), and the DPoP proofs and bodies it was sent. */
    function serverAnswering(...answers: Array<() => Response>) {
      const sent: Array<{ proof: string; body: unknown }> = [];
      const fetchSpy = jasmine.createSpy<typeof fetch>('fetch').and.callFake(async (_url, init) => {
        sent.push({ proof: (init?.headers as Record<string, string>).DPoP, body: init?.body });
        return answers[Math.min(sent.length, answers.length) - 1]();
      });
      return { fetchSpy, sent };
    }

    it('sends the request once more after a use_dpop_nonce, with a fresh proof carrying the new nonce and the same form', async () => {
      const iat = Math.floor(Date.now() / 1000);
      const { fetchSpy, sent } = serverAnswering(
        () => json(400, { error: 'use_dpop_nonce', error_description: 'Authorization server requires nonce in DPoP proof' }, { 'DPoP-Nonce': 'as-1' }),
        () => json(200, tokenAnswer(iat), { 'DPoP-Nonce': 'as-2' }),
      );

      const answer = await postForm(TOKEN_ENDPOINT, FORM, fetchSpy, 'token', sender);

      expect(answer.status).toBe(200);
      expect(fetchSpy).toHaveBeenCalledTimes(2);
      const [first, second] = await Promise.all(sent.map(({ proof }) => proofIn({ DPoP: proof })));
      expect(first.nonce).toBeUndefined();
      expect(second.nonce).toBe('as-1');
      expect(second.jti).not.toBe(first.jti);
      expect([first.htm, first.htu, second.htm, second.htu]).toEqual(['POST', TOKEN_ENDPOINT, 'POST', TOKEN_ENDPOINT]);
      // The same refresh token both times: the server refused before it looked at the grant.
      expect(sent[1].body).toBe(sent[0].body);
      expect(sent[0].body).toBe(new URLSearchParams(FORM).toString());
      // And the next request carries the nonce of the last answer.
      expect((await proofIn(await sender.headers('POST', TOKEN_ENDPOINT))).nonce).toBe('as-2');
    });

    it('never sends it a third time, though the server keeps asking with new nonces', async () => {
      let n = 0;
      const { fetchSpy } = serverAnswering(() => json(400, { error: 'use_dpop_nonce' }, { 'DPoP-Nonce': `as-${++n}` }));

      const answer = await postForm(TOKEN_ENDPOINT, FORM, fetchSpy, 'token', sender);

      expect(fetchSpy).toHaveBeenCalledTimes(2);
      expect(answer.status).toBe(400);
      expect(answer.cause).toEqual({ status: 400, error: 'use_dpop_nonce' });
    });

    it('does not send it again when the server asks for the nonce the request carried', async () => {
      sender.answered(TOKEN_ENDPOINT, 200, headersOf({ 'DPoP-Nonce': 'as-1' }), null, {});
      const { fetchSpy, sent } = serverAnswering(() => json(400, { error: 'use_dpop_nonce' }, { 'DPoP-Nonce': 'as-1' }));

      const answer = await postForm(TOKEN_ENDPOINT, FORM, fetchSpy, 'token', sender);

      expect(fetchSpy).toHaveBeenCalledTimes(1);
      expect((await proofIn({ DPoP: sent[0].proof })).nonce).toBe('as-1');
      expect(answer.status).toBe(400);
    });

    it('sends nothing, and rejects dpop_unavailable, when no proof can be made', async () => {
      const { fetchSpy } = serverAnswering(() => json(200, {}));
      const s = dpopSender(() => Promise.reject(new Error('no key')));

      const error = await rejectionOf(postForm(TOKEN_ENDPOINT, FORM, fetchSpy, 'token', s));

      expectErrorWithout(error, 'dpop_unavailable', [REFRESH_TOKEN]);
      expect(fetchSpy).not.toHaveBeenCalled();
    });
  });
});
