// `npm run test:bench-smoke`: the bench harness with small numbers (profile `smoke`, and a soak of ten
// expiries), so that it cannot rot unnoticed. It asserts counts that do not depend on the machine's speed,
// and never a time.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { compactVerify, decodeProtectedHeader, importJWK } from 'jose';
import { PROFILES, runBench } from './lib/bench.mjs';

test('the bench harness measures every figure and counts what the package promises', { timeout: 5 * 60_000 }, async () => {
  const { meta, figures } = await runBench({ profile: 'smoke' });
  const { startup, asleep, tabs, steady, cost, dpop, size, memory } = figures;
  const smoke = PROFILES.smoke;

  assert.deepEqual(meta.problems, [], 'no page errors');
  // Figure 1: single flight, against the naive getter that the harness must be able to catch.
  assert.equal(startup.package.calls.median, 1, 'one refresh for a burst at start-up');
  assert.equal(asleep.package.calls.median, 1, 'one refresh for a burst after sleep');
  assert.equal(startup.package.ok.median, smoke.burst);
  assert.ok(startup.naive.calls.median > 1, 'the naive getter refreshes more than once: the count sees it');
  // Figure 2: one renewal per expiry across the tabs, and nobody logged out.
  assert.equal(tabs.package.invalidGrants.median, 0);
  assert.equal(tabs.package.loggedOut.median, 0);
  assert.ok(tabs.package.renewals.median >= smoke.tabExpiries);
  // Figure 3 ran and counted requests; figure 4 attached tokens where it should.
  assert.ok(steady.package.requests.median > 0 && steady.guide.requests.median > 0);
  assert.equal(cost.package.attachesToken, true);
  assert.equal(cost['jwt-only'].attachesToken, true);
  assert.equal(cost.none.attachesToken, false);
  // Figure 4b timed every row, and the DPoP page's requests really carried proofs (checked below).
  for (const row of ['jwt-only', 'bearer', 'dpop', 'signature']) {
    for (const shape of ['batch', 'single']) assert.ok(dpop[row][shape].usPerRequest.median > 0, `${row}, ${shape}: a number`);
  }
  assert.ok(Number.isFinite(dpop.overhead.batch.dpopMinusBearer.median) && Number.isFinite(dpop.overhead.single.dpopMinusBearer.median));
  assert.ok(dpop.dpop.requests > 0);
  assert.equal(dpop.dpop.withProof, dpop.dpop.requests, 'every DPoP request carried a DPoP header');
  assert.match(dpop.dpop.lastAuthorization, /^DPoP [\w-]+\.[\w-]+\.[\w-]+$/);
  for (const row of ['jwt-only', 'bearer']) {
    assert.equal(dpop[row].withProof, 0, `${row}: no DPoP header`);
    assert.match(dpop[row].lastAuthorization, /^Bearer /);
  }
  await assertProofs(dpop.dpop, dpop.settings.apiUrl);
  // Figure 5 read every build; figure 6 made every renewal it meant to.
  for (const [name, file] of Object.entries(size)) assert.ok(file.gzip > 0 && file.minified > file.gzip, name);
  assert.equal(memory.package.renewals.median, smoke.memRenewals);
  assert.equal(memory.guide.renewals.median, smoke.memRenewals);
});

test('the soak figure meets both faults, and the package loses no tab to them', { timeout: 2 * 60_000 }, async () => {
  // Ten expiries instead of a thousand, with fault rates high enough that seed 1 drops the 2nd refresh and
  // answers the 6th with 503: the fates follow the refreshes' order, not the machine's speed.
  const { meta, figures: { soak } } = await runBench({ profile: 'soak', overrides: { soakExpiries: 10, soakDropRate: 0.2, soakErrorRate: 0.2 } });
  const [run] = soak.package.runs;

  assert.deepEqual(meta.problems, [], 'no page errors');
  assert.ok(run.expiries >= 10);
  assert.ok(run.dropped >= 1, 'a refresh was dropped');
  assert.ok(run.answered503 >= 1, 'a refresh was answered 503');
  assert.equal(run.invalidGrants, 0);
  assert.equal(run.reusedRefreshTokens, 0, 'no refresh token reached the provider twice');
  assert.equal(run.loggedOut, 0);
  assert.equal(run.heap.after.length, PROFILES.soak.soakTabs, 'heap taken in every tab');
});

/** The last two proofs of the DPoP page: distinct, signed by the key in their header, about their request and its token. */
async function assertProofs({ lastProofs, lastAuthorization }, apiUrl) {
  const token = lastAuthorization.slice('DPoP '.length);
  const ath = createHash('sha256').update(token).digest('base64url');
  assert.notEqual(lastProofs[0], lastProofs[1], 'a fresh proof per request');
  const jtis = [];
  for (const proof of lastProofs) {
    const header = decodeProtectedHeader(proof);
    assert.equal(header.typ, 'dpop+jwt');
    assert.equal(header.alg, 'ES256');
    const { payload } = await compactVerify(proof, await importJWK(header.jwk, 'ES256'));
    const claims = JSON.parse(new TextDecoder().decode(payload));
    assert.equal(claims.htm, 'GET');
    assert.equal(claims.htu, apiUrl);
    assert.equal(claims.ath, ath);
    jtis.push(claims.jti);
  }
  assert.notEqual(jtis[0], jtis[1]);
}
