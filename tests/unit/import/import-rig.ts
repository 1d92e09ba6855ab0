/** The real SQLite store (on disk, WAL) with one campaign, as the import tests use it. */
import { afterAll } from 'vitest';
import type { LeadRepository } from '../../../electron/core/data/repositories.js';
import type { Lead } from '../../../shared/lead.js';
import { tempStore } from '../../support/temp-store.js';
import { campaignInput } from '../data/store-fixtures.js';

const opened: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const close of opened.splice(0)) await close();
});

export async function importRig() {
  const { store, dbPath } = tempStore();
  opened.push(() => store.close());
  const campaignId = (await store.campaigns.save(campaignInput())).id;
  /** Rows per importRows call, in order. */
  const batches: number[] = [];
  const leads: Pick<LeadRepository, 'importRows'> = {
    importRows: (...args) => {
      batches.push(args[1].length);
      return store.leads.importRows(...args);
    },
  };
  /** The campaign's leads, oldest first. */
  const all = async (): Promise<Lead[]> =>
    Promise.all((await store.leads.list({ campaignId, offset: 0, limit: 1_000_000 })).rows.map(async (r) => (await store.leads.get(r.id))!));
  return { store, dbPath, campaignId, leads, batches, all };
}
export type ImportRig = Awaited<ReturnType<typeof importRig>>;
