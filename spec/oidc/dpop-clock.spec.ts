import { dpopClock } from '../../src/oidc/dpop-clock';

describe('dpopClock', () => {
  const SERVER_NOW = 1_700_000_000; // seconds
  const TEN_MINUTES = 10 * 60 * 1000;
  let local: number;
  const clock = () => dpopClock(() => local);

  beforeEach(() => {
    local = SERVER_NOW * 1000 + TEN_MINUTES + 250; // this machine's clock, 10 minutes ahead
  });

  it("tells this machine's time in whole seconds before it learned anything", () => {
    expect(clock().now()).toBe(SERVER_NOW + 600);
    expect(dpopClock().now()).toBe(Math.floor(Date.now() / 1000));
  });

  it("corrects a clock 10 minutes ahead with a token's iat, and keeps the correction as time goes on", () => {
    const c = clock();

    c.learn(SERVER_NOW);
    expect(c.now()).toBe(SERVER_NOW);

    local += 42_000;
    expect(c.now()).toBe(SERVER_NOW + 42);
  });

  it('corrects a clock that is behind', () => {
    const c = clock();
    local = SERVER_NOW * 1000 - TEN_MINUTES;

    c.learn(SERVER_NOW);

    expect(c.now()).toBe(SERVER_NOW);
  });

  it('learns from a newer iat only: a token issued earlier and handed back again would set it back', () => {
    const c = clock();
    c.learn(SERVER_NOW);
    local += 60_000;

    c.learn(SERVER_NOW - 3000); // an unexpired token from an hour ago
    c.learn(SERVER_NOW); // the same token again
    expect(c.now()).toBe(SERVER_NOW + 60);

    c.learn(SERVER_NOW + 55); // a fresh one: the server is 5 s behind what was learned
    expect(c.now()).toBe(SERVER_NOW + 55);
  });

  it('ignores an iat that is no number', () => {
    const c = clock();

    for (const iat of [NaN, Infinity, -Infinity]) c.learn(iat);

    expect(c.now()).toBe(SERVER_NOW + 600);
  });
});
