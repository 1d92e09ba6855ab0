/**
 * Opens a store from where its data is (`Store.location`): how a worker thread (the import, the
 * scrub) gets a connection of its own to the same data as the core's.
 */
import { openPostgresStore } from './postgres/store.js';
import type { Store, StoreLocation } from './repositories.js';
import { openSqliteStore } from './sqlite/store.js';

export async function openStoreAt(location: StoreLocation): Promise<Store> {
  if (location.kind === 'sqlite') return openSqliteStore(location.path);
  return openPostgresStore(location.database);
}
