import { indexedDbLock } from '../../src/core/idb-lock';
import type { AuthTokensError } from '../../src/core/errors';
import { IDB_TIMEOUT_MS } from '../../src/core/idb';

describe('idb-lock', () => {
  const name = () => `spec-lock-${Math.random().toString(36).slice(2)}`;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('lets one holder at a time run, across instances (tabs) sharing the name', async () => {
    const lockName = name();
    const tabs = [1, 2, 3].map(() => indexedDbLock(indexedDB, lockName, 5000, 5000));
    let inside = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(tabs.map((lock, i) => lock.run(async () => {
      inside++;
      most = Math.max(most, inside);
      await sleep(20);
      order.push(i);
      inside--;
    })));
    expect(most).toBe(1);
    expect(order.sort()).toEqual([0, 1, 2]);
  });

  it('rejects lock_timeout when another holder keeps it past the timeout, without running the task', async () => {
    const lockName = name();
    const holder = indexedDbLock(indexedDB, lockName, 5000, 5000);
    const waiter = indexedDbLock(indexedDB, lockName, 150, 5000);
    let release!: () => void;
    const held = holder.run(() => new Promise<void>((resolve) => { release = resolve; }));
    await sleep(30);
    const task = jasmine.createSpy('task');
    let error: AuthTokensError | undefined;
    await waiter.run(task).catch((e: AuthTokensError) => { error = e; });
    expect(error?.code).toBe('lock_timeout');
    expect(task).not.toHaveBeenCalled();
    release();
    await held;
  });

  it('takes over a record whose holder crashed once it expires', async () => {
    const lockName = name();
    // A holder that never finishes stands for a tab that crashed while holding the lock. Its clock stands
    // still, so its heartbeat (which a crashed tab would not run) extends the record only into the past.
    const then = Date.now();
    const crashed = indexedDbLock(indexedDB, lockName, 5000, 1000, () => then);
    void crashed.run(() => new Promise(() => undefined));
    await sleep(30);
    const next = indexedDbLock(indexedDB, lockName, 5000, 1000, () => Date.now() + 2000);
    await expectAsync(next.run(async () => 'ran')).toBeResolvedTo('ran');
  });

  it('releases the lock when the task fails, and passes the error on unchanged', async () => {
    const lockName = name();
    const lock = indexedDbLock(indexedDB, lockName, 500, 5000);
    const failure = new Error('task failed');
    await expectAsync(lock.run(() => Promise.reject(failure))).toBeRejectedWith(failure);
    await expectAsync(lock.run(async () => 'again')).toBeResolvedTo('again');
  });
  it('rejects, without running the task, when IndexedDB never answers: the coordinator then goes on without the lock', async () => {
    // A factory whose open requests never fire, as a hung browser process leaves them.
    const hung = { open: () => ({}) as IDBOpenDBRequest } as unknown as IDBFactory;
    const task = jasmine.createSpy('task').and.resolveTo('done');
    jasmine.clock().install();
    try {
      const run = indexedDbLock(hung, name(), 15_000, 15_000).run(task);
      const settled = run.then(() => 'resolved', (error: Error) => error.message);
      jasmine.clock().tick(IDB_TIMEOUT_MS);
      expect(await settled).toMatch(/did not answer/);
      expect(task).not.toHaveBeenCalled();
    } finally {
      jasmine.clock().uninstall();
    }
  });
});
