import { AuthTokensError } from '../../src/core/errors';
import { endpointLookup } from '../../src/oidc/discovery';
import { rejectionOf } from '../helpers/errors';

describe('endpointLookup (discovery)', () => {
  const ISSUER = 'https://id.example.com';
  const DOCUMENT = {
    issuer: ISSUER,
    authorization_endpoint: `${ISSUER}/auth`,
    token_endpoint: `${ISSUER}/token`,
    revocation_endpoint: `${ISSUER}/revoke`,
    end_session_endpoint: `${ISSUER}/logout`,
  };
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });

  it('reads the endpoints from <issuer>/.well-known/openid-configuration, without cookies', async () => {
    const fetchSpy = jasmine.createSpy<typeof fetch>('fetch').and.callFake(async () => json(200, DOCUMENT));
    const lookup = endpointLookup(`${ISSUER}/`, {}, fetchSpy);

    // The issuer is compared as the server names itself: one configured with a trailing slash is another.
    expect((await rejectionOf(lookup('tokenEndpoint'))).message).toContain('another issuer');
    const exact = endpointLookup(ISSUER, {}, fetchSpy);
    expect(await exact('tokenEndpoint')).toBe(`${ISSUER}/token`);
    expect(fetchSpy.calls.mostRecent().args[0]).toBe(`${ISSUER}/.well-known/openid-configuration`);
    expect(fetchSpy.calls.mostRecent().args[1]?.credentials).toBe('omit');
  });

  it('fetches the document once per client, however many endpoints are asked for at once', async () => {
    const fetchSpy = jasmine.createSpy<typeof fetch>('fetch').and.callFake(async () => json(200, DOCUMENT));
    const lookup = endpointLookup(ISSUER, {}, fetchSpy);

    const found = await Promise.all([lookup('authorizationEndpoint'), lookup('tokenEndpoint'), lookup('revocationEndpoint')]);
    expect(await lookup('endSessionEndpoint')).toBe(`${ISSUER}/logout`);

    expect(found).toEqual([`${ISSUER}/auth`, `${ISSUER}/token`, `${ISSUER}/revoke`]);
    expect(fetchSpy).toHaveBeenCalledTimes(1);
  });

  it('lets explicit endpoints override the document, and fetches nothing when they suffice', async () => {
    const fetchSpy = jasmine.createSpy<typeof fetch>('fetch').and.callFake(async () => json(200, DOCUMENT));
    const lookup = endpointLookup(ISSUER, { tokenEndpoint: 'https://proxy.example.com/token' }, fetchSpy);

    expect(await lookup('tokenEndpoint')).toBe('https://proxy.example.com/token');
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(await lookup('revocationEndpoint')).toBe(`${ISSUER}/revoke`);
  });

  it('answers null for an endpoint the server does not have (Azure AD has no revocation endpoint)', async () => {
    const lookup = endpointLookup(ISSUER, {}, async () => json(200, { ...DOCUMENT, revocation_endpoint: undefined, end_session_endpoint: 42 }));

    expect(await lookup('revocationEndpoint')).toBeNull();
    expect(await lookup('endSessionEndpoint')).toBeNull();
  });

  it('refuses a document for another issuer', async () => {
    const lookup = endpointLookup(ISSUER, {}, async () => json(200, { ...DOCUMENT, issuer: 'https://evil.example.com' }));

    const error = await rejectionOf(lookup('tokenEndpoint'));
    expect(error).toEqual(jasmine.any(AuthTokensError));
    expect(error.code).toBe('refresh_failed');
    expect(error.message).toContain('another issuer');
  });

  it('keeps no failure: a fetch that failed (network, 503, not JSON) is tried again on the next call', async () => {
    const answers: Array<() => Promise<Response>> = [
      () => Promise.reject(new TypeError('Failed to fetch')),
      async () => json(503, { error: 'down' }),
      async () => new Response('<html>', { status: 200 }),
      async () => json(200, DOCUMENT),
    ];
    const fetchSpy = jasmine.createSpy<typeof fetch>('fetch').and.callFake(() => answers.shift()!());
    const lookup = endpointLookup(ISSUER, {}, fetchSpy);

    expect((await rejectionOf(lookup('tokenEndpoint'))).message).toContain('could not be fetched');
    expect((await rejectionOf(lookup('tokenEndpoint'))).cause).toEqual({ status: 503 });
    expect((await rejectionOf(lookup('tokenEndpoint'))).message).toContain('without a JSON object');
    expect(await lookup('tokenEndpoint')).toBe(`${ISSUER}/token`);
    expect(await lookup('authorizationEndpoint')).toBe(`${ISSUER}/auth`);
    expect(fetchSpy).toHaveBeenCalledTimes(4);
  });
});
