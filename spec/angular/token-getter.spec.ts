import { tokenGetter } from '../../src/angular/token-getter';
import type { AuthTokensInternal } from '../../src/angular/service';

describe('token-getter', () => {
  it('is annotated for strictDi with the local angular-jwt passes', () => {
    expect(tokenGetter.slice(0, -1)).toEqual(['options', 'authTokens']);
  });

  it('asks the service with the request config, or null for authManager', () => {
    const getter = tokenGetter[tokenGetter.length - 1] as (options: unknown, service: Pick<AuthTokensInternal, 'tokenFor'>) => unknown;
    const service = { tokenFor: jasmine.createSpy('tokenFor').and.returnValue('t') };
    const request = { url: '/x', method: 'GET' };
    expect(getter(request, service)).toBe('t');
    expect(getter(null, service)).toBe('t');
    expect(service.tokenFor.calls.allArgs()).toEqual([[request], [null]]);
  });
});
