/**
 * A lead edit from the agent, validated and normalised before it is stored: phone numbers to
 * E.164 (an invalid one is reported with its reason, never guessed, and nothing is saved), the
 * time zone the first number implies for a lead that has none, and a real IANA zone.
 * Edits of one lead run one after another (`editLead`): each reads the lead and writes parts of it
 * back whole (its custom fields, its phones), so two at once could lose one of them.
 */
import type { LeadPatch } from '../../../shared/lead.js';
import { normalisePhone } from '../../../shared/phone.js';
import { RingsideError } from '../../../shared/result.js';
import type { LeadChanges, Store } from '../data/repositories.js';
import { cachedTimeZone } from '../data/time-zone.js';
import { KeyedQueue } from '../lib/keyed-queue.js';

const edits = new WeakMap<Store, KeyedQueue<number>>();

/** Runs an edit of one lead (read, change, write) after any other edit of it through the same store. */
export function editLead<T>(store: Store, leadId: number, edit: () => Promise<T>): Promise<T> {
  let queue = edits.get(store);
  if (!queue) edits.set(store, (queue = new KeyedQueue<number>()));
  return queue.run(leadId, edit);
}

export async function leadChanges(store: Store, leadId: number, patch: LeadPatch): Promise<{ changes: LeadChanges; invalidPhones: string[] }> {
  const lead = await store.leads.get(leadId);
  if (!lead) throw new RingsideError('not-found', 'That lead does not exist.');
  const country = (await store.campaigns.get(lead.campaignId))?.defaultCountry ?? 'US';
  const { phones, ...rest } = patch;
  const changes: LeadChanges = { ...rest };
  const invalidPhones: string[] = [];
  if (phones) {
    const keep: LeadChanges['phones'] = [];
    for (const raw of phones) {
      const n = normalisePhone(raw, country);
      if (n.ok) {
        if (!keep.some((p) => p.e164 === n.e164)) keep.push({ e164: n.e164, raw, label: lead.phones.find((p) => p.e164 === n.e164)?.label ?? null });
      } else invalidPhones.push(`${raw}: ${n.reason}`);
    }
    if (invalidPhones.length) throw new RingsideError('invalid-data', `Not saved — invalid phone numbers: ${invalidPhones.join('; ')}`);
    changes.phones = keep;
    // A lead without a zone gets the one its first number implies (if exactly one).
    if (!lead.timeZone && changes.timeZone === undefined && keep[0]) changes.timeZone = cachedTimeZone(keep[0].e164) ?? null;
  }
  if (changes.timeZone) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: changes.timeZone });
    } catch {
      throw new RingsideError('invalid-data', `"${changes.timeZone}" is not a time zone (use e.g. Europe/Warsaw).`);
    }
  }
  return { changes, invalidPhones };
}
