// A consumer app compiled under `strict` against the shipped .d.ts files, through the package's own
// name and `exports` map: no `any`, no declarations of its own.
import angular from 'angular';
import authTokens, {
  AuthTokensError,
  safeReturnTo,
  type AuthTokensErrorCode,
  type AuthTokensOptions,
  type AuthTokensProvider,
  type AuthTokensService,
  type Login,
  type LoginOptions,
  type Refresher,
  type Revoker,
  type Sender,
  type Session,
  type TokenResponse,
} from 'angular-auth-tokens';
import { auth0CheckSession, auth0RefreshToken, auth0Revoke } from 'angular-auth-tokens/auth0';
import { oauth2RefreshToken, oauth2Revoke, oidcClient, type OAuth2RefreshOptions, type OidcClient, type OidcClientOptions } from 'angular-auth-tokens/oidc';

const moduleName: string = authTokens;
const back: string | null = safeReturnTo('/profile?tab=1');
void back;

const refreshOptions: OAuth2RefreshOptions = { tokenEndpoint: 'https://id.example.com/oauth/token', clientId: 'spa' };
const refresher: Refresher = oauth2RefreshToken(refreshOptions);
const injectable: Refresher = ['$http', ($http: angular.IHttpService) => (refreshToken: string, session: Session) =>
  $http.post<TokenResponse>('/token', { refreshToken, sub: session.profile }, { skipAuthorization: true } as angular.IRequestShortcutConfig)
    .then((response) => response.data)];
const revoke: Revoker = oauth2Revoke({ revocationEndpoint: 'https://id.example.com/oauth/revoke', clientId: 'spa' });
const oidcOptions: OidcClientOptions = {
  issuer: 'https://id.example.com', clientId: 'spa', redirectUri: 'https://app.example.com/callback',
  scope: 'openid profile offline_access', extraParams: { audience: 'https://api.example.com' }, postLogoutRedirectUri: 'https://app.example.com/',
};
const oidc: OidcClient = oidcClient(oidcOptions);
const login: Login = oidc.login;
const sender: Sender | undefined = oidc.sender;
const calledBack: boolean = oidc.calledBack;
void calledBack;
void sender;
// Sender-constrained tokens: the client's sender goes to configure, and its key's thumbprint can be shown.
const bound: OidcClient = oidcClient({ ...oidcOptions, dpop: true });
const thumbprint: Promise<string | null> = bound.dpopThumbprint();
void thumbprint;
const options: Partial<AuthTokensOptions> = { refresher, revoke, allowedDomains: ['https://api.example.com', /\.example\.org$/], storage: 'localStorage' };

angular.module('app', [moduleName])
  .config(['authTokensProvider', (provider: AuthTokensProvider) => {
    provider.configure(options);
    provider.configure({ refresher: oidc.refresher, revoke: oidc.revoke, login });
    provider.configure({ refresher: bound.refresher, revoke: bound.revoke, login: bound.login, sender: bound.sender });
    provider.configure({ refresher: injectable, apiToken: 'idToken', storageKeys: { token: 'id_token' } });
    provider.configure({ refresher: auth0RefreshToken({ domain: 'tenant.auth0.com', clientID: 'abc' }), revoke: auth0Revoke({ domain: 'tenant.auth0.com', clientID: 'abc' }) });
    provider.configure({ refresher: auth0CheckSession({ domain: 'tenant.auth0.com', clientID: 'abc' }, { scope: 'openid' }) });
    const keep: Array<string | ((...deps: never[]) => unknown)> = provider.jwtOptions.tokenGetter;
    void keep;
  }])
  .run(['authTokens', '$rootScope', (service: AuthTokensService, $rootScope: angular.IRootScopeService) => {
    service.getToken().then((token: string | null) => token?.length);
    service.refresh().catch((error: unknown) => {
      if (error instanceof AuthTokensError) {
        const code: AuthTokensErrorCode = error.code;
        return code === 'login_required' ? service.logout() : undefined;
      }
      return undefined;
    });
    const loginOptions: LoginOptions = { returnTo: '/orders', prompt: 'consent' };
    service.login(loginOptions).catch((error: AuthTokensError) => error.code === 'login_failed' || error.code === 'dpop_unavailable');
    service.completeLogin().then((returnTo: string) => returnTo.length);
    service.logout({ endSession: true }).then(() => undefined);
    const authenticated: boolean = service.isAuthenticated();
    const profile: unknown = service.getProfile();
    service.setSession({ accessToken: 'a', refreshToken: 'r', expiresIn: 30 }, profile);
    $rootScope.$on('authTokens:refreshFailed', (_event, error: AuthTokensError) => error.cause);
    void authenticated;
  }]);
