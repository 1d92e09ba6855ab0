/** In-memory stand-in for LeadRepository.importBatch with the SQLite store's duplicate rules. */
import type { NewLead } from '../../../electron/core/data/repositories.js';

export class FakeLeads {
  readonly leads: Array<NewLead & { campaignId: number }> = [];
  batches: number[] = [];
  private byPhone = new Map<string, NewLead & { campaignId: number }>();

  importBatch(campaignId: number, leads: NewLead[], duplicates: 'merge' | 'skip') {
    this.batches.push(leads.length);
    let imported = 0,
      merged = 0,
      skipped = 0;
    for (const lead of leads) {
      const existing = lead.phones.map((p) => this.byPhone.get(`${campaignId}:${p.e164}`)).find((l) => l !== undefined);
      if (!existing) {
        const stored = { ...structuredClone(lead), campaignId };
        this.leads.push(stored);
        for (const p of lead.phones) this.byPhone.set(`${campaignId}:${p.e164}`, stored);
        imported++;
      } else if (duplicates === 'skip') skipped++;
      else {
        for (const [k, v] of Object.entries(lead) as Array<[keyof NewLead, unknown]>) {
          if (k === 'phones' || k === 'customFields') continue;
          if (v !== '' && v !== null && v !== 0) (existing as unknown as Record<string, unknown>)[k] = v;
        }
        Object.assign(existing.customFields, lead.customFields);
        for (const p of lead.phones) {
          if (existing.phones.some((q) => q.e164 === p.e164)) continue;
          existing.phones.push(p);
          this.byPhone.set(`${campaignId}:${p.e164}`, existing);
        }
        merged++;
      }
    }
    return { imported, merged, skipped };
  }
}
