import type { IRootScopeService } from 'angular';

/**
 * Lets native promises (the core's) settle, then runs a digest so `$q` callbacks waiting on them run.
 * A macrotask turn is enough for everything that does not touch IndexedDB.
 */
export async function settle($rootScope: IRootScopeService, turns = 3): Promise<void> {
  for (let i = 0; i < turns; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    $rootScope.$digest();
  }
}
