// What the authorization server and the API count, shared in one process so that the API's test
// endpoints can report what the authorization server saw.
import { createHash } from 'node:crypto';

export function createStats() {
  // Only digests are kept: the point is to prove that no refresh token was sent twice, not to hold
  // live credentials in memory longer than the provider does.
  const refreshTokenDigests = new Set();
  // `refreshes` are the refresh_token grants the provider processed; the injected faults (faults.mjs) never
  // reach it and are counted apart. DPoP nonce challenges (a 400 use_dpop_nonce from the token endpoint, a
  // 401 use_dpop_nonce from the API) are neither failures nor refreshes: they have counters of their own, and
  // `apiUnauthorized` leaves them out. `apiDpopOk` is the share of `apiOk` that came with a DPoP proof.
  const counters = {
    refreshes: 0, invalidGrants: 0, droppedRefreshes: 0, answered503: 0, apiOk: 0, apiUnauthorized: 0,
    apiDpopOk: 0, apiNonceChallenges: 0, tokenNonceChallenges: 0,
  };

  return {
    counters,
    recordRefreshToken(value) {
      if (typeof value === 'string' && value) {
        refreshTokenDigests.add(createHash('sha256').update(value).digest('base64url'));
      }
    },
    snapshot() {
      return { ...counters, distinctRefreshTokens: refreshTokenDigests.size };
    },
    reset() {
      for (const key of Object.keys(counters)) counters[key] = 0;
      refreshTokenDigests.clear();
    },
  };
}
