import type { IRequestConfig } from 'angular';
import type { AuthTokensCore } from '../../src/angular/core';
import { tokenFor, tokenGetter, tokenGivenTo } from '../../src/angular/token-getter';
import type { SessionManager } from '../../src/core/session-manager';
import { DEFAULT_SETTINGS } from '../../src/core/settings';
import { deferred, makeSession } from '../helpers/fakes';
import { jwtExpiringIn } from '../helpers/jwt';

const API = 'http://127.0.0.1:3002';

describe('token-getter', () => {
  let manager: jasmine.SpyObj<SessionManager>;
  let core: AuthTokensCore;

  const request = (url: string, extra: object = {}): IRequestConfig => ({ method: 'GET', url, ...extra });

  beforeEach(() => {
    manager = jasmine.createSpyObj<SessionManager>('manager', ['current', 'token']);
    core = { manager, settings: DEFAULT_SETTINGS, allows: (url) => url.startsWith(API) || url.startsWith('/'), warn: () => undefined };
  });

  it('is annotated for strictDi with the local angular-jwt passes and the core', () => {
    expect(tokenGetter.slice(0, -1)).toEqual(['options', 'authTokensCore']);
  });

  it('hands the request config (or null) and the injected core to tokenFor', () => {
    const getter = tokenGetter[tokenGetter.length - 1] as (options: IRequestConfig | null, core: AuthTokensCore) => unknown;
    const token = jwtExpiringIn(3600);
    manager.token.and.returnValue(token);
    manager.current.and.returnValue(makeSession({ token }));
    expect(getter(request(`${API}/x`), core)).toBe(token);
    expect(getter(null, core)).toBe(token);
  });

  describe('for authManager (request null)', () => {
    it('answers synchronously with the stored JWT, never renewing', () => {
      const token = jwtExpiringIn(-60);
      manager.current.and.returnValue(makeSession({ token }));
      expect(tokenFor(core, null)).toBe(token);
      expect(manager.token).not.toHaveBeenCalled();
    });

    // angular-jwt passes the answer to jwtHelper.isTokenExpired, which throws on anything but a JWT.
    for (const [name, token] of [['an opaque token', 'opaque'], ['not three parts', 'a.b'], ['no token', null]] as const) {
      it(`answers null for ${name}`, () => {
        manager.current.and.returnValue(makeSession({ token }));
        expect(tokenFor(core, null)).toBeNull();
      });
    }

    it('answers null without a session', () => {
      manager.current.and.returnValue(null);
      expect(tokenFor(core, null)).toBeNull();
    });
  });

  describe('for a request', () => {
    it('gives the token to an allowed URL and remembers that it gave it', () => {
      const token = jwtExpiringIn(3600);
      manager.token.and.returnValue(token);
      const config = request(`${API}/data`);
      expect(tokenFor(core, config)).toBe(token);
      expect(tokenGivenTo(config)).toBe(token);
    });

    it('gives nothing to a URL the core does not allow, nor with skipAuthorization, and asks no token for them', () => {
      manager.token.and.returnValue('t');
      const elsewhere = request('https://elsewhere.example/x');
      const skipped = request(`${API}/data`, { skipAuthorization: true });
      expect(tokenFor(core, elsewhere)).toBeNull();
      expect(tokenFor(core, skipped)).toBeNull();
      expect(manager.token).not.toHaveBeenCalled();
      expect(tokenGivenTo(elsewhere)).toBeUndefined();
      expect(tokenGivenTo(skipped)).toBeUndefined();
    });

    it('remembers a renewed token once the renewal settles, and nothing when it fails', async () => {
      const renewal = deferred<string>();
      const failing = deferred<string>();
      const renewed = request(`${API}/a`);
      const refused = request(`${API}/b`);
      manager.token.and.returnValues(renewal.promise, failing.promise);

      const first = tokenFor(core, renewed);
      const second = tokenFor(core, refused);
      expect(first).toBe(renewal.promise);
      expect(tokenGivenTo(renewed)).toBeUndefined();
      renewal.resolve('fresh');
      failing.reject(new Error('refused'));
      await first;
      await expectAsync(second as Promise<string>).toBeRejected();

      expect(tokenGivenTo(renewed)).toBe('fresh');
      expect(tokenGivenTo(refused)).toBeUndefined();
    });

    it('gives null, and remembers nothing, when nothing can renew', () => {
      manager.token.and.returnValue(null);
      const config = request('/local');
      expect(tokenFor(core, config)).toBeNull();
      expect(tokenGivenTo(config)).toBeUndefined();
    });
  });
});
