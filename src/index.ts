import './module';

export { AuthTokensError } from './core/errors';
export type { AuthTokensErrorCode } from './core/errors';
export type { Session, TokenResponse, Revoker, RefreshFunction } from './core/types';
export type { AuthTokensOptions, AuthTokensProvider, AuthTokensService, AuthTokensJwtOptions, Refresher } from './angular/types';
export { oauth2RefreshToken, oauth2Revoke } from './refreshers/oauth2';

export default 'authTokens';
