import { ATTEMPT_LIFE_MS, saveAttempt, takeAttempt, type Attempt } from '../../src/oidc/attempts';

describe('login attempts', () => {
  const NOW = 1_700_000_000_000;
  const attempt = (extra: Partial<Attempt> = {}): Attempt =>
    ({ verifier: 'v'.repeat(43), nonce: 'n', returnTo: '/x', clientId: 'spa', expiresAt: NOW + ATTEMPT_LIFE_MS, ...extra });

  beforeEach(() => sessionStorage.clear());
  afterEach(() => sessionStorage.clear());

  it('keeps an attempt under its state until it is taken, once', () => {
    saveAttempt(sessionStorage, 'state-1', attempt(), NOW);

    expect(takeAttempt(sessionStorage, 'state-1', NOW + 1000)).toEqual(attempt());
    expect(takeAttempt(sessionStorage, 'state-1', NOW + 1000)).toBeNull();
    expect(sessionStorage.length).toBe(0);
  });

  it('keeps several attempts apart: a second click, or a second tab opened from this one', () => {
    saveAttempt(sessionStorage, 'a', attempt({ returnTo: '/a' }), NOW);
    saveAttempt(sessionStorage, 'b', attempt({ returnTo: '/b' }), NOW);

    expect(takeAttempt(sessionStorage, 'b', NOW)?.returnTo).toBe('/b');
    expect(takeAttempt(sessionStorage, 'a', NOW)?.returnTo).toBe('/a');
  });

  it('refuses an attempt past its ten minutes, and removes it', () => {
    saveAttempt(sessionStorage, 's', attempt(), NOW);

    expect(takeAttempt(sessionStorage, 's', NOW + ATTEMPT_LIFE_MS)).toBeNull();
    expect(sessionStorage.length).toBe(0);
    expect(ATTEMPT_LIFE_MS).toBe(10 * 60 * 1000);
  });

  it('sweeps expired and garbage attempts when a new one is saved, and leaves other keys alone', () => {
    saveAttempt(sessionStorage, 'old', attempt({ expiresAt: NOW - 1 }), NOW - ATTEMPT_LIFE_MS);
    sessionStorage.setItem('authTokens:login:garbage', '{not json');
    sessionStorage.setItem('app.key', 'kept');

    saveAttempt(sessionStorage, 'new', attempt(), NOW);

    expect(Object.keys(sessionStorage).sort()).toEqual(['app.key', 'authTokens:login:new']);
  });

  it('treats a stored value of the wrong shape as no attempt', () => {
    for (const garbage of ['null', '"text"', '[]', '{"verifier":1}', JSON.stringify({ ...attempt(), expiresAt: 'later' })]) {
      sessionStorage.setItem('authTokens:login:s', garbage);
      expect(takeAttempt(sessionStorage, 's', NOW)).withContext(garbage).toBeNull();
    }
  });

  it('stores no token: only the verifier, the nonce, the way back, the client and the expiry', () => {
    saveAttempt(sessionStorage, 's', attempt(), NOW);

    expect(Object.keys(JSON.parse(sessionStorage.getItem('authTokens:login:s')!) as object).sort())
      .toEqual(['clientId', 'expiresAt', 'nonce', 'returnTo', 'verifier']);
  });
});
