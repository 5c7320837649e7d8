import { AuthTokensError, explain, isAuthTokensError } from '../core/errors';
import type { Sender, SenderPlace } from '../core/types';
import { dpopClock } from './dpop-clock';
import { createDpopKeyPair, dpopKeyOf, thumbprintOf, unavailable, type DpopKey } from './dpop-key';
import { dpopKeyHolder } from './dpop-key-holder';
import { dpopNonces } from './dpop-nonces';
import { dpopSender } from './dpop-sender';
import { indexedDbKeyStore, memoryKeyStore, type DpopKeyStore } from './dpop-store';
import { randomString } from './pkce';

/** A login attempt's key, taken out of storage for its callback. */
export interface AttemptKey {
  /** Presents the attempt's key to the token endpoint, for the code exchange. */
  readonly sender: Sender;
  /** Makes it the session's key (kept beside the session, used by every proof from now on); rejects `dpop_unavailable` when it cannot be kept. */
  adopt(): Promise<void>;
}

/** What `oidcClient({ dpop: true })` binds its tokens with: one key per session, and one per login attempt until its callback. */
export interface DpopBinding {
  /** The session's sender, for `configure({ sender })`: the package attaches it to where the session is kept. */
  readonly sender: Sender;
  /** Presents the key of the session that just ended, for its revocation; the session's key otherwise. */
  readonly revoking: Sender;
  /** Whether the package attached the sender: without that, a login's key would have nowhere to go. */
  readonly attached: () => boolean;
  /** Makes a login attempt's key and keeps it under `state` until `expiresAt`; resolves with its thumbprint (`dpop_jkt`). */
  startAttempt(state: string, expiresAt: number, window: Window): Promise<string>;
  /** The attempt's key (single use); rejects `dpop_unavailable` when it is gone. */
  attempt(state: string, window: Window): Promise<AttemptKey>;
  /** The RFC 7638 thumbprint of the session's key (the tokens' `cnf.jkt`); null without one. */
  thumbprint(): Promise<string | null>;
}

const KEEP_FAILED = 'The DPoP key could not be kept: DPoP needs an IndexedDB that works.';

/** Which IndexedDB a window has; null where it has none, or throws on access (some privacy modes). */
function indexedDbOf(window: Window | undefined): IDBFactory | null {
  try {
    return window?.indexedDB ?? null;
  } catch {
    return null;
  }
}

/** The per-tab id of a `sessionStorage` session's key: sessionStorage itself holds it, so it lives as long as the tab's session. */
function tabIdOf({ sessionStorage, crypto }: Window): string {
  const name = 'authTokens:dpop:tab';
  let id = sessionStorage.getItem(name);
  if (id === null) sessionStorage.setItem(name, (id = randomString(crypto)));
  return id;
}

/**
 * The session's key record is keyed by the token storage key, so every tab of a `localStorage` session
 * uses one key and two apps with different `storageKeys` never share one; with `sessionStorage`, by tab
 * too; with `memory`, it lives in memory.
 */
function sessionKeyPlace({ storage, key, window }: SenderPlace, now: () => number): [DpopKeyStore, string] {
  if (storage === 'localStorage') return [indexedDbKeyStore(indexedDbOf(window), now), `session:${key}`];
  if (storage === 'sessionStorage') {
    try {
      return [indexedDbKeyStore(indexedDbOf(window), now), `session:${key}:${tabIdOf(window)}`];
    } catch {
      // sessionStorage that throws: the session is kept in memory (storage.ts), and so is its key.
    }
  }
  return [memoryKeyStore(), 'session'];
}

/**
 * DPoP for one client. The session's key is loaded from storage once per page and when another tab may
 * have changed it, and kept in memory: a request pays for its signature, and nothing else.
 */
export function dpopBinding(crypto: Crypto | undefined, now: () => number): DpopBinding {
  // Nonces and clock are the servers': the session's sender and the attempts' share them.
  const shared = { crypto, nonces: dpopNonces(), clock: dpopClock(now) };
  let place: [DpopKeyStore, string] | null = null;
  let warn: (message: string) => void = () => undefined;
  /** Rethrows `error`; a key that cannot be made or kept is said once through `$log` too, as no bearer token will stand in for it. */
  const said = (error: unknown): never => {
    if (isAuthTokensError(error) && error.code === 'dpop_unavailable') warn(error.message);
    throw error;
  };

  /** The session's key pair as stored; null when there is none. */
  const read = async (): Promise<CryptoKeyPair | null> => {
    if (place === null) throw unavailable('DPoP needs configure({ sender }) with this client\'s sender.');
    try {
      return await place[0].get(place[1]);
    } catch (error) {
      // Storage that fails now may answer later: the session is kept, and a later renewal tries again.
      throw new AuthTokensError('refresh_failed', 'The DPoP key could not be read; the session is kept.', explain(error));
    }
  };
  const load = async (): Promise<CryptoKeyPair> =>
    (await read()) ?? said(unavailable('The DPoP key of this session is gone (storage was cleared): the session cannot be renewed.'));
  const holder = dpopKeyHolder(crypto, load);
  /** The session's key as it is now, without loading it into the holder, and without a word when there is none: a query, not a need. */
  const stored = (): Promise<DpopKey> => holder.peek()
    ?? read().then((pair) => (pair ? dpopKeyOf(crypto, pair) : Promise.reject(unavailable('No DPoP key.'))));
  // The key of the session that ended last: its revocation, which comes after, still needs it.
  let retired: Promise<DpopKey> | null = null;

  const sender: Sender = {
    ...dpopSender(holder.key, shared),
    attach: (where) => {
      place = sessionKeyPlace(where, now);
      warn = where.warn;
      holder.forget();
    },
    sessionChanged: (ended) => {
      if (!ended || place === null) return holder.forget();
      const [store, id] = place;
      // Kept for the revocation that comes next. A session with no key (a logout on the login page) is no failure to report.
      const last = stored();
      retired = last;
      holder.forget();
      // The record goes once the key was read: a delete issued first could take it from the revocation.
      const remove = () => store.delete(id).catch(() => undefined);
      last.then(remove, remove);
    },
  };

  /** IndexedDB for the attempts: a login leaves the page, so even a `memory` session's attempt needs it. */
  const attempts = (window: Window) => indexedDbKeyStore(indexedDbOf(window), now);

  return {
    sender,
    revoking: dpopSender(() => retired ?? holder.key(), shared),
    attached: () => place !== null,

    startAttempt: (state, expiresAt, window) => (async () => {
      const pair = await createDpopKeyPair(crypto);
      const key = await dpopKeyOf(crypto, pair);
      await attempts(window).put(`attempt:${state}`, pair, expiresAt).catch((error: unknown) => {
        throw unavailable(KEEP_FAILED, error);
      });
      return thumbprintOf(crypto, key.jwk);
    })().catch(said),

    attempt: (state, window) => (async (): Promise<AttemptKey> => {
      const pair = await attempts(window).take(`attempt:${state}`).catch((error: unknown) => {
        throw unavailable('The login attempt\'s DPoP key could not be read.', error);
      });
      if (pair === null) throw unavailable('The login attempt\'s DPoP key is gone (storage was cleared).');
      let key: Promise<DpopKey> | undefined;
      return {
        sender: dpopSender(() => (key ??= dpopKeyOf(crypto, pair)), shared),
        adopt: async () => {
          await place![0].put(place![1], pair).catch((error: unknown) => said(unavailable(KEEP_FAILED, error)));
          await holder.use(pair);
        },
      };
    })().catch(said),

    thumbprint: () => stored().then((key) => thumbprintOf(crypto, key.jwk), () => null),
  };
}
