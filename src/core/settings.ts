import type { Login, Revoker, Sender } from './types';

export type StorageKind = 'localStorage' | 'sessionStorage' | 'memory';

export interface StorageKeys {
  token: string;
  refreshToken: string;
  profile: string;
  idToken: string;
  expiresAt: string;
}

/** The resolved settings, defaults filled in. The AngularJS layer resolves an injectable refresher. */
export interface Settings {
  /** Origins (`'https://api.example.com'`), `host[:port]` strings, or RegExps tested against the origin. */
  allowedDomains: Array<string | RegExp>;
  loginPath: string;
  publicPaths: Array<string | RegExp> | null;
  returnToParam: string;
  renewBeforeSeconds: number;
  minValiditySeconds: number;
  refreshTimeoutSeconds: number;
  lockTimeoutSeconds: number;
  storage: StorageKind;
  storageKeys: StorageKeys;
  apiToken: 'accessToken' | 'idToken';
  revoke: Revoker | null;
  /** The redirect login that `authTokens.login()` and `completeLogin()` drive. */
  login: Login | null;
  /** How the token is presented to resource servers (DPoP); Bearer without one. */
  sender: Sender | null;
}

/** The stored fields, in the order they are written. */
export const FIELDS = ['token', 'refreshToken', 'idToken', 'profile', 'expiresAt'] as const;

/** The keys the guide's snippets used, so that their users stay logged in after switching: the field names. */
export const DEFAULT_STORAGE_KEYS = Object.fromEntries(FIELDS.map((field) => [field, field])) as unknown as StorageKeys;

export const DEFAULT_SETTINGS: Settings = {
  allowedDomains: [],
  loginPath: '/login',
  publicPaths: null,
  returnToParam: 'returnTo',
  renewBeforeSeconds: 60,
  minValiditySeconds: 5,
  refreshTimeoutSeconds: 10,
  lockTimeoutSeconds: 15,
  storage: 'localStorage',
  storageKeys: DEFAULT_STORAGE_KEYS,
  apiToken: 'accessToken',
  revoke: null,
  login: null,
  sender: null,
};

const definedOnly = <T extends object>(value: T | undefined): Partial<T> =>
  Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;

/** Merges a partial into settings; `storageKeys` merges key by key. Undefined values are ignored, keys too. */
export function mergeSettings(base: Settings, partial: Partial<Omit<Settings, 'storageKeys'>> & { storageKeys?: Partial<StorageKeys> }): Settings {
  return { ...base, ...definedOnly(partial), storageKeys: { ...base.storageKeys, ...definedOnly(partial.storageKeys) } };
}

/** Paths the guard leaves alone: `publicPaths`, or just the login path when none are given. */
export function publicPathsOf(settings: Settings): Array<string | RegExp> {
  return settings.publicPaths ?? [settings.loginPath];
}
