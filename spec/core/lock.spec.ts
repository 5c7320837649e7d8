import { AuthTokensError } from '../../src/core/errors';
import { inTabLock, webLock } from '../../src/core/lock';
import { sleep, uniqueName } from '../helpers/fakes';

describe('lock', () => {
  describe('inTabLock', () => {
    it('runs the task and settles with its result', async () => {
      const task = jasmine.createSpy('task').and.resolveTo('done');

      const result = await inTabLock.run(task);

      expect(task).toHaveBeenCalledTimes(1);
      expect(result).toBe('done');
    });

    it('passes the task\'s error on unchanged', async () => {
      const failure = new Error('task failed');

      const error = await inTabLock.run(() => Promise.reject(failure)).catch((e: unknown) => e);

      expect(error).toBe(failure);
    });
  });

  describe('webLock (real navigator.locks)', () => {
    it('runs the task and settles with its result', async () => {
      const lock = webLock(navigator.locks, uniqueName('spec-lock'), 1000);

      await expectAsync(lock.run(async () => 'done')).toBeResolvedTo('done');
    });

    it('is exclusive: a second run, from another instance on the same name, waits for the first', async () => {
      const name = uniqueName('spec-lock');
      const first = webLock(navigator.locks, name, 2000);
      const second = webLock(navigator.locks, name, 2000);
      const events: string[] = [];
      let release!: () => void;

      const one = first.run(async () => { events.push('first start'); await new Promise<void>((r) => { release = r; }); events.push('first end'); });
      await sleep(20);
      const two = second.run(async () => { events.push('second start'); });
      await sleep(50);
      const whileHeld = [...events];
      release();
      await Promise.all([one, two]);

      expect(whileHeld).toEqual(['first start']);
      expect(events).toEqual(['first start', 'first end', 'second start']);
    });

    it('never lets runs overlap under contention', async () => {
      const name = uniqueName('spec-lock');
      let inside = 0;
      let most = 0;

      await Promise.all(Array.from({ length: 5 }, () => webLock(navigator.locks, name, 2000).run(async () => {
        inside++;
        most = Math.max(most, inside);
        await sleep(5);
        inside--;
      })));

      expect(most).toBe(1);
    });

    it('rejects lock_timeout when another holder keeps the lock past the timeout, and never runs the task', async () => {
      const name = uniqueName('spec-lock');
      let release!: () => void;
      const held = navigator.locks.request(name, () => new Promise<void>((r) => { release = r; }));
      await sleep(10);
      const task = jasmine.createSpy('task').and.resolveTo('ran');

      const error = await webLock(navigator.locks, name, 100).run(task).catch((e: unknown) => e);
      release();
      await held;
      await sleep(30);

      expect(error instanceof AuthTokensError).toBeTrue();
      expect((error as AuthTokensError).code).toBe('lock_timeout');
      expect(task).not.toHaveBeenCalled();
    });

    it('does not cut off a task that runs past the timeout once it holds the lock', async () => {
      const lock = webLock(navigator.locks, uniqueName('spec-lock'), 50);

      const result = await lock.run(async () => { await sleep(120); return 'finished'; });

      expect(result).toBe('finished');
    });

    it('passes the task\'s error on unchanged, and releases the lock', async () => {
      const lock = webLock(navigator.locks, uniqueName('spec-lock'), 500);
      const failure = new Error('task failed');

      const error = await lock.run(() => Promise.reject(failure)).catch((e: unknown) => e);

      expect(error).toBe(failure);
      await expectAsync(lock.run(async () => 'again')).toBeResolvedTo('again');
    });

    it('passes an AuthTokensError from the task on unchanged', async () => {
      const lock = webLock(navigator.locks, uniqueName('spec-lock'), 500);
      const failure = new AuthTokensError('login_required', 'refused');

      const error = await lock.run(() => Promise.reject(failure)).catch((e: unknown) => e);

      expect(error).toBe(failure);
    });
  });
});
