/** What another tab did to the shared session. */
export type TabChange = 'loggedIn' | 'loggedOut' | 'renewed';

/**
 * Follows other tabs through the `storage` event, which fires only in the tabs that did not write. Only
 * the token key is watched: every login, renewal and logout writes it, and reads go to storage itself, so
 * the rest of the set is fresh by the time a listener looks. Returns the function that stops watching.
 */
export function watchOtherTabs(target: Pick<Window, 'addEventListener' | 'removeEventListener'>, storage: Storage, tokenKey: string,
  onChange: (change: TabChange) => void): () => void {
  const listener = ({ storageArea, key, oldValue, newValue }: StorageEvent) => {
    // key null: the other tab called storage.clear(), which ends this session too.
    if (storageArea === storage && (key === null || (key === tokenKey && newValue !== oldValue))) {
      onChange(key === null || newValue === null ? 'loggedOut' : oldValue === null ? 'loggedIn' : 'renewed');
    }
  };
  target.addEventListener('storage', listener);
  return () => target.removeEventListener('storage', listener);
}
