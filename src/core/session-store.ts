import type { LocalCopy, Versioned } from './local-copy';
import type { SharedCopy } from './shared-copy';
import type { Session } from './types';

/**
 * The two copies of the session as one: the local copy (Web Storage, synchronous, what requests read) and
 * the shared copy (IndexedDB, read and written under the refresh lock), each write versioned so that the
 * newer copy always wins and a write that was overtaken is known to be.
 */
export interface SessionStore {
  /** The local copy's session, read now. */
  current: () => Session | null;
  /**
   * The newer of the two copies; the shared one at equal versions, the local one where there is no shared
   * one. A newer shared copy is written to the local one, so that requests see it at once.
   */
  latest: () => Promise<Versioned>;
  /**
   * Stores `session` as the version after `read`, unless anything was written since `read` was taken (a
   * compare-and-set against both copies). False: it was overtaken, and nothing was written.
   */
  commit: (read: Versioned, session: Session | null) => Promise<boolean>;
  /**
   * Stores `session` (null: logged out) as a new version, at once and without the lock: a login or a
   * logout wins over a renewal in flight. Resolves with the refresh tokens of the sessions it replaced.
   */
  replace: (session: Session | null) => Promise<string[]>;
}

/**
 * `shared` is null with one tab only (sessionStorage, memory) or without IndexedDB. Where the shared copy
 * fails or does not answer, this tab goes on with the local copy alone, and says so once; a record whose
 * write failed is deleted, so that an older one is never trusted over the local copy by another tab.
 */
export function createSessionStore(local: LocalCopy, shared: SharedCopy | null, warn: (message: string, cause?: unknown) => void): SessionStore {
  const degrade = (error: unknown) => {
    if (!shared) return;
    const failed = shared;
    shared = null;
    warn('IndexedDB failed; each tab renews on its own.', error);
    failed.update(() => null).catch(() => undefined);
  };
  /**
   * The highest version this tab has seen. A login or logout here writes above it, so that a renewal that
   * read a shared copy newer than the (lagging) local one still sees that it was overtaken.
   */
  let known = 0;
  const seen = (copy: Versioned) => {
    known = Math.max(known, copy.version);
    return copy;
  };
  const newest = (a: Versioned, b: Versioned | undefined) => seen(b && b.version >= a.version ? b : a);

  return {
    current: () => local.read().session,

    async latest() {
      try {
        const copy = newest(local.read(), await shared?.read());
        if (copy.version > local.read().version) local.write(copy);
        return copy;
      } catch (error) {
        degrade(error);
        return seen(local.read());
      }
    },

    async commit(read, session) {
      // A newer version, or another session under the same version: a copy read half-way through another
      // tab's write (its writes reach this tab one key at a time) is no proof that nothing came since.
      const overtaken = (copy: Versioned | undefined) => !!copy && (copy.version > read.version
        || (copy.version === read.version && (copy.session?.refreshToken ?? null) !== (read.session?.refreshToken ?? null)));
      const next = { session, version: read.version + 1 };
      if (overtaken(local.read())) return false;
      if (shared) {
        try {
          let newer: Versioned | undefined;
          await shared.update((current) => {
            if (overtaken(current)) newer = current;
            return newer ? undefined : next;
          });
          // Overtaken in another tab: this tab sees the newer session at once, as after `latest()`.
          if (newer && newer.version > local.read().version) local.write(seen(newer));
          // A login or logout in this tab may have come while the transaction ran; it writes its own record next.
          if (newer || overtaken(local.read())) return false;
        } catch (error) {
          degrade(error);
          if (overtaken(local.read())) return false;
        }
      }
      local.write(seen(next));
      return true;
    },

    async replace(session) {
      const before = local.read();
      const next = seen({ session, version: Math.max(known, before.version) + 1 });
      local.write(next);
      let replaced: Versioned | undefined;
      try {
        let version = next.version;
        replaced = await shared?.update((current) => ({ session, version: (version = Math.max(version, (current?.version ?? 0) + 1)) }));
        // Another tab committed meanwhile: its write to localStorage may land after ours, so ours is written
        // again, above it, for this to stay a login or a logout in every tab.
        if (version > next.version) local.write(seen({ session, version }));
      } catch (error) {
        degrade(error);
      }
      return [...new Set([before, replaced].map((copy) => copy?.session?.refreshToken).filter((token): token is string => !!token))];
    },
  };
}
