import './module';

export { AuthTokensError } from './core/errors';
export type { AuthTokensErrorCode } from './core/errors';
export type { Session, TokenResponse, Revoker, RefreshFunction, Login, LoginOptions, LoginResult, Sender, SenderPlace } from './core/types';
export type { AuthTokensOptions, AuthTokensProvider, AuthTokensService, AuthTokensJwtOptions, Refresher } from './angular/types';
// For the app's login page: the same check the guard applies before it writes or honours `returnTo`.
export { safeReturnTo } from './core/paths';

export default 'authTokens';
