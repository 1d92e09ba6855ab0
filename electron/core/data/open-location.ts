/**
 * Opens a store from where its data is (`Store.location`): how a worker thread (the import, the
 * scrub) gets a connection of its own to the same data as the core's.
 */
import type { Store, StoreLocation } from './repositories.js';
import { openSqliteStore } from './sqlite/store.js';

export async function openStoreAt(location: StoreLocation): Promise<Store> {
  if (location.kind === 'sqlite') return openSqliteStore(location.path);
  throw new Error('This build cannot open a team database');
}
