import { AuthTokensError } from '../../src/core/errors';
import { oidcClient, type OidcClientOptions } from '../../src/oidc/client';
import { makeSession } from '../helpers/fakes';
import { rejectionOf } from '../helpers/errors';

describe('oidcClient', () => {
  const ISSUER = 'https://id.example.com';
  const DOCUMENT = { issuer: ISSUER, authorization_endpoint: `${ISSUER}/auth`, token_endpoint: `${ISSUER}/token`, revocation_endpoint: `${ISSUER}/revoke` };
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });
  let fetchSpy: jasmine.Spy<typeof fetch>;
  let document: Record<string, unknown>;
  const options = (extra: Partial<OidcClientOptions> = {}): OidcClientOptions =>
    ({ issuer: ISSUER, clientId: 'spa', redirectUri: 'https://app.example.com/callback', scope: 'openid offline_access', fetch: fetchSpy, ...extra });

  beforeEach(() => {
    document = DOCUMENT;
    fetchSpy = jasmine.createSpy<typeof fetch>('fetch').and.callFake(async (input) =>
      (String(input).endsWith('/openid-configuration') ? json(200, document) : json(200, { access_token: 'at-2', refresh_token: 'rt-2', expires_in: 30 })));
  });

  it('gives what configure takes: a refresher, a revoker and a login, and no sender (bearer tokens)', () => {
    const client = oidcClient(options());
    expect(typeof client.refresher).toBe('function');
    expect(typeof client.revoke).toBe('function');
    expect(client.login.redirectUri).toBe('https://app.example.com/callback');
    expect(client.sender).toBeUndefined();
  });

  it('refuses options without issuer, clientId or redirectUri', () => {
    for (const missing of ['issuer', 'clientId', 'redirectUri'] as const) {
      expect(() => oidcClient(options({ [missing]: '' }))).withContext(missing).toThrowError(TypeError, new RegExp(missing));
    }
  });

  it('refreshes at the discovered token endpoint, without asking for a scope again', async () => {
    const client = oidcClient(options());

    const response = await client.refresher('rt-1', makeSession({ refreshToken: 'rt-1' }));

    expect(response).toEqual({ accessToken: 'at-2', refreshToken: 'rt-2', expiresIn: 30 });
    const call = fetchSpy.calls.mostRecent();
    expect(call.args[0]).toBe(`${ISSUER}/token`);
    expect(call.args[1]?.body).toBe('grant_type=refresh_token&refresh_token=rt-1&client_id=spa');
  });

  it('keeps the session when discovery fails at a refresh: refresh_failed, and the next refresh tries again', async () => {
    const client = oidcClient(options());
    fetchSpy.and.callFake(async () => json(503, {}));

    const error = await rejectionOf(client.refresher('rt-1', makeSession()));
    expect(error).toEqual(jasmine.any(AuthTokensError));
    expect(error.code).toBe('refresh_failed');

    fetchSpy.and.callFake(async (input) => (String(input).endsWith('/openid-configuration') ? json(200, DOCUMENT) : json(200, { access_token: 'at-3' })));
    expect((await client.refresher('rt-1', makeSession())).accessToken).toBe('at-3');
  });

  it('uses the explicit endpoints without fetching discovery', async () => {
    const client = oidcClient(options({ tokenEndpoint: 'https://id.example.com/t', revocationEndpoint: 'https://id.example.com/r' }));

    await client.refresher('rt-1', makeSession());
    await client.revoke('rt-1');

    expect(fetchSpy.calls.all().map((call) => call.args[0])).toEqual(['https://id.example.com/t', 'https://id.example.com/r']);
  });

  it('revokes the refresh token at the discovered revocation endpoint', async () => {
    await oidcClient(options()).revoke('rt-1');

    const call = fetchSpy.calls.mostRecent();
    expect(call.args[0]).toBe(`${ISSUER}/revoke`);
    expect(call.args[1]?.body).toBe('token=rt-1&token_type_hint=refresh_token&client_id=spa');
  });

  it('rejects a revocation without a revocation endpoint (Azure AD), for logout to report once, and sends nothing', async () => {
    document = { ...DOCUMENT, revocation_endpoint: undefined };

    const error = await rejectionOf(oidcClient(options()).revoke('rt-1'));

    expect(error.message).toBe('The server has no revocation endpoint.');
    expect(fetchSpy).toHaveBeenCalledTimes(1);
  });

  it('asks for openid profile offline_access when no scope is given', async () => {
    const client = oidcClient(options({ scope: undefined }));
    const url = new URL(await client.login.start({}, window));
    sessionStorage.clear();
    expect(url.searchParams.get('scope')).toBe('openid profile offline_access');
  });
});
