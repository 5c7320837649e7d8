import { calculateJwkThumbprint, decodeProtectedHeader, type JWK } from 'jose';
import type { Sender, SenderPlace } from '../../src/core/types';
import { dpopBinding, type DpopBinding } from '../../src/oidc/dpop';
import { indexedDbKeyStore } from '../../src/oidc/dpop-store';
import { expectAuthTokensError, rejectionOf } from '../helpers/errors';
import { deleteDatabase } from '../helpers/fakes';

describe('dpopBinding', () => {
  const DB = 'authTokens-dpop';
  const API = 'https://api.example.com/things';
  let binding: DpopBinding;
  let warn: jasmine.Spy<(message: string) => void>;
  const store = () => indexedDbKeyStore(indexedDB, () => Date.now());

  const place = (overrides: Partial<SenderPlace> = {}): SenderPlace => ({ storage: 'localStorage', key: 'token', window, warn, ...overrides });
  /** A login through the binding: the attempt's key becomes the session's. Resolves with its thumbprint. */
  async function logIn(state = 's1'): Promise<string> {
    const jkt = await binding.startAttempt(state, Date.now() + 60_000, window);
    await (await binding.attempt(state, window)).adopt();
    return jkt;
  }
  /** The thumbprint of the key that signed the proof `sender` makes now. */
  async function signer(sender: Sender = binding.sender): Promise<string> {
    const { DPoP } = await sender.headers('GET', API, 'access-token');
    return calculateJwkThumbprint(decodeProtectedHeader(DPoP).jwk as JWK);
  }

  beforeEach(async () => {
    await deleteDatabase(DB);
    sessionStorage.clear();
    warn = jasmine.createSpy('warn');
    binding = dpopBinding(crypto, () => Date.now());
    binding.sender.attach!(place());
  });
  afterAll(async () => {
    sessionStorage.clear();
    await deleteDatabase(DB);
  });

  it('keeps the session key in IndexedDB under the token storage key: another page of the app uses the same key', async () => {
    const jkt = await logIn();
    expect(await store().get('session:token')).not.toBeNull();

    const otherPage = dpopBinding(crypto, () => Date.now());
    otherPage.sender.attach!(place());
    expect(await signer(otherPage.sender)).toBe(jkt);
    expect(await otherPage.thumbprint()).toBe(jkt);
    // Another app on the origin, with other storage keys, has a key of its own.
    const otherApp = dpopBinding(crypto, () => Date.now());
    otherApp.sender.attach!(place({ key: 'other-token' }));
    expect(await otherApp.thumbprint()).toBeNull();
  });

  it('keys a sessionStorage session\'s record by tab too', async () => {
    binding.sender.attach!(place({ storage: 'sessionStorage' }));
    await logIn();
    const tab = sessionStorage.getItem('authTokens:dpop:tab');
    expect(tab).toMatch(/^[\w-]{43}$/);
    expect(await store().get(`session:token:${tab}`)).not.toBeNull();
    expect(await store().get('session:token')).toBeNull();
  });

  it('keeps a memory session\'s key in memory only', async () => {
    binding.sender.attach!(place({ storage: 'memory' }));
    const jkt = await logIn();
    expect(await binding.thumbprint()).toBe(jkt);
    expect(await store().get('session:token')).toBeNull();
    expect(await store().get('session')).toBeNull();
  });

  it('loads the key once per page, not once per request', async () => {
    const jkt = await logIn();
    const reloaded = dpopBinding(crypto, () => Date.now());
    const open = spyOn(indexedDB, 'open').and.callThrough();
    reloaded.sender.attach!(place());
    const signers = await Promise.all([1, 2, 3, 4, 5].map(() => signer(reloaded.sender)));
    expect(signers).toEqual([jkt, jkt, jkt, jkt, jkt]);
    expect(open).toHaveBeenCalledTimes(1);
  });

  it('ends with the session: the record is deleted, and the revocation still signs with the old key', async () => {
    const jkt = await logIn();
    binding.sender.sessionChanged!(true);

    expect(await signer(binding.revoking)).toBe(jkt);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await store().get('session:token')).toBeNull();
    expect(await binding.thumbprint()).toBeNull();
    expectAuthTokensError(await rejectionOf(binding.sender.headers('GET', API, 'access-token')), 'dpop_unavailable', 'access-token');
  });

  it('binds the next login to a new key after a logout', async () => {
    const first = await logIn('s1');
    binding.sender.sessionChanged!(true);
    const second = await logIn('s2');
    expect(second).not.toBe(first);
    expect(await signer()).toBe(second);
  });

  it('says nothing when a session without a key ends (a logout on the login page)', async () => {
    binding.sender.sessionChanged!(true);
    await expectAsync(binding.revoking.headers('POST', API)).toBeRejected();
    expect(warn).not.toHaveBeenCalled();
  });

  it('answers the thumbprint of no key with null, and says nothing: a query is no failure', async () => {
    expect(await binding.thumbprint()).toBeNull();
    expect(warn).not.toHaveBeenCalled();
  });

  it('loads the key again when another tab logged in with a new one', async () => {
    const old = await logIn('s1');
    expect(await signer()).toBe(old);
    const otherTab = dpopBinding(crypto, () => Date.now());
    otherTab.sender.attach!(place());
    const replaced = await otherTab.startAttempt('s2', Date.now() + 60_000, window);
    await (await otherTab.attempt('s2', window)).adopt();

    binding.sender.sessionChanged!(false);

    expect(await signer()).toBe(replaced);
  });

  it('fails a session whose key is gone with dpop_unavailable, said once through $log, and never without a proof', async () => {
    await logIn();
    const reloaded = dpopBinding(crypto, () => Date.now());
    reloaded.sender.attach!(place());
    await store().delete('session:token');

    const error = await rejectionOf(reloaded.sender.headers('POST', 'https://id.example.com/token'));

    expectAuthTokensError(error, 'dpop_unavailable', 'secret');
    expect(error.message).toContain('gone');
    expect(warn).toHaveBeenCalledOnceWith(error.message);
  });

  it('keeps the session when IndexedDB fails to read the key: refresh_failed, tried again later', async () => {
    await logIn();
    const failing = { open: () => { throw new DOMException('closing', 'InvalidStateError'); } } as unknown as IDBFactory;
    const reloaded = dpopBinding(crypto, () => Date.now());
    reloaded.sender.attach!(place({ window: { indexedDB: failing } as unknown as Window }));
    expect((await rejectionOf(reloaded.sender.headers('GET', API, 'access-token'))).code).toBe('refresh_failed');

    reloaded.sender.attach!(place());
    expect(await reloaded.thumbprint()).not.toBeNull();
  });

  it('makes no key before the sender is attached', async () => {
    const detached = dpopBinding(crypto, () => Date.now());
    expect(detached.attached()).toBeFalse();
    expect((await rejectionOf(detached.sender.headers('GET', API, 'access-token'))).message).toContain('configure({ sender })');
    expect(binding.attached()).toBeTrue();
  });

  it('says once through $log that a login cannot keep its key', async () => {
    const failing = { open: () => { throw new DOMException('blocked', 'SecurityError'); } } as unknown as IDBFactory;
    const error = await rejectionOf(binding.startAttempt('s1', Date.now() + 60_000, { indexedDB: failing } as unknown as Window));
    expect(error.code).toBe('dpop_unavailable');
    expect(warn).toHaveBeenCalledOnceWith(error.message);
  });

  it('gives the attempt\'s key to its code exchange, and refuses an attempt whose key was never kept', async () => {
    const jkt = await binding.startAttempt('s1', Date.now() + 60_000, window);
    const attempt = await binding.attempt('s1', window);
    expect(await signer(attempt.sender)).toBe(jkt);
    expect((await rejectionOf(binding.attempt('s1', window))).code).toBe('dpop_unavailable');
  });
});
