import { watchOtherTabs, type TabChange } from '../../src/core/tab-sync';

describe('tab-sync', () => {
  let changes: TabChange[];
  let stop: () => void;
  const fire = (init: StorageEventInit) => window.dispatchEvent(new StorageEvent('storage', { storageArea: localStorage, ...init }));

  beforeEach(() => {
    changes = [];
    stop = watchOtherTabs(window, localStorage, 'token', (change) => changes.push(change));
  });
  afterEach(() => stop());

  it('tells a login, a renewal and a logout in another tab apart by the token key', () => {
    fire({ key: 'token', oldValue: null, newValue: '"a"' });
    fire({ key: 'token', oldValue: '"a"', newValue: '"b"' });
    fire({ key: 'token', oldValue: '"b"', newValue: null });
    expect(changes).toEqual(['loggedIn', 'renewed', 'loggedOut']);
  });

  it('takes storage.clear() in another tab as a logout', () => {
    fire({ key: null });
    expect(changes).toEqual(['loggedOut']);
  });

  it('ignores other keys, unchanged values and other storage areas', () => {
    fire({ key: 'refreshToken', oldValue: '"x"', newValue: '"y"' });
    fire({ key: 'token', oldValue: '"a"', newValue: '"a"' });
    window.dispatchEvent(new StorageEvent('storage', { storageArea: sessionStorage, key: 'token', oldValue: null, newValue: '"a"' }));
    expect(changes).toEqual([]);
  });

  it('stops listening when told to', () => {
    stop();
    fire({ key: 'token', oldValue: null, newValue: '"a"' });
    expect(changes).toEqual([]);
  });
});
