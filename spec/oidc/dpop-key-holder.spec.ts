import { AuthTokensError } from '../../src/core/errors';
import { createDpopKeyPair, dpopKeyOf } from '../../src/oidc/dpop-key';
import { dpopKeyHolder } from '../../src/oidc/dpop-key-holder';
import { expectAuthTokensError, rejectionOf } from '../helpers/errors';

describe('dpopKeyHolder', () => {
  let pairs: CryptoKeyPair[];
  beforeAll(async () => {
    pairs = await Promise.all([createDpopKeyPair(crypto), createDpopKeyPair(crypto)]);
  });

  const jwkOf = async (pair: CryptoKeyPair) => (await dpopKeyOf(crypto, pair)).jwk;

  it('loads the key on the first proof only, and keeps it: a request reads no storage', async () => {
    const load = jasmine.createSpy('load').and.resolveTo(pairs[0]);
    const holder = dpopKeyHolder(crypto, load);
    expect(load).not.toHaveBeenCalled();

    const keys = await Promise.all([holder.key(), holder.key()]);
    const later = await holder.key();

    expect(load).toHaveBeenCalledTimes(1);
    expect(keys[0]).toBe(keys[1]);
    expect(later).toBe(keys[0]);
    expect(later.privateKey).toBe(pairs[0].privateKey);
    expect(later.jwk).toEqual(await jwkOf(pairs[0]));
  });

  it('does not keep a load that failed: the next proof tries again', async () => {
    const load = jasmine.createSpy('load').and.returnValues(Promise.reject(new Error('IndexedDB is closed')), Promise.resolve(pairs[0]));
    const holder = dpopKeyHolder(crypto, load);

    const error = await rejectionOf(holder.key());
    const key = await holder.key();

    expectAuthTokensError(error, 'dpop_unavailable', 'secret');
    expect(error.cause).toEqual(jasmine.objectContaining({ message: 'IndexedDB is closed' }));
    expect(key.privateKey).toBe(pairs[0].privateKey);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('rejects with the AuthTokensError a load throws, and with dpop_unavailable for one that throws at once', async () => {
    const own = new AuthTokensError('dpop_unavailable', 'No key is kept for this session.');
    expect(await rejectionOf(dpopKeyHolder(crypto, () => Promise.reject(own)).key())).toBe(own);

    const thrown = await rejectionOf(dpopKeyHolder(crypto, () => {
      throw new TypeError('no indexedDB');
    }).key());
    expectAuthTokensError(thrown, 'dpop_unavailable', 'secret');
  });

  it('refuses a loaded key that could be copied out', async () => {
    const extractable = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);

    expectAuthTokensError(await rejectionOf(dpopKeyHolder(crypto, async () => extractable).key()), 'dpop_unavailable', 'secret');
  });

  it('uses a key it is given at once, without loading, and a load still under way no longer counts', async () => {
    let finishLoad: (pair: CryptoKeyPair) => void = () => undefined;
    const load = jasmine.createSpy('load').and.returnValue(new Promise<CryptoKeyPair>((resolve) => (finishLoad = resolve)));
    const holder = dpopKeyHolder(crypto, load);
    const loading = holder.key();

    const given = await holder.use(pairs[1]);
    finishLoad(pairs[0]);

    expect((await loading).privateKey).withContext('the proof that asked before').toBe(pairs[0].privateKey);
    expect(await holder.key()).toBe(given);
    expect(given.privateKey).toBe(pairs[1].privateKey);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('keeps a key it was given when a load under way fails', async () => {
    let failLoad: (error: Error) => void = () => undefined;
    const holder = dpopKeyHolder(crypto, () => new Promise<CryptoKeyPair>((_, reject) => (failLoad = reject)));
    const loading = holder.key();

    const given = await holder.use(pairs[1]);
    failLoad(new Error('aborted'));

    await expectAsync(loading).toBeRejected();
    expect(await holder.key()).toBe(given);
  });

  it('loads again after forget', async () => {
    const load = jasmine.createSpy('load').and.returnValues(Promise.resolve(pairs[0]), Promise.resolve(pairs[1]));
    const holder = dpopKeyHolder(crypto, load);
    await holder.key();

    holder.forget();

    expect((await holder.key()).privateKey).toBe(pairs[1].privateKey);
    expect(load).toHaveBeenCalledTimes(2);
  });
});
