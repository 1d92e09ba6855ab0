/** The lead requests: a campaign's list, one lead with its history, an edit (validated first). */
import type { EventChannel, EventPayloads } from '../../../shared/contract.js';
import { RingsideError } from '../../../shared/result.js';
import type { Store } from '../data/repositories.js';
import type { ChannelsOf, Handlers } from '../ipc/router.js';
import { editLead, leadChanges } from './lead-changes.js';
import type { CrmEvents } from '../crm/crm-events.js';

export interface LeadHandlerDeps {
  store: Store;
  emit<E extends EventChannel>(channel: E, payload: EventPayloads[E]): void;
  /** CRM sync: the event an edit writes in its own transaction, and the hint that it did. */
  crmEvents?: CrmEvents;
  eventsWritten?: () => void;
}

export function leadHandlers({ store, emit, crmEvents, eventsWritten }: LeadHandlerDeps): Handlers<ChannelsOf<'lead'>> {
  return {
    'lead:list': (p) => store.leads.list(p),
    'lead:get': async (p) => {
      const [lead, history, callbacks] = await Promise.all([store.leads.get(p.id), store.leads.history(p.id), store.leads.callbacks(p.id)]);
      if (!lead) throw new RingsideError('not-found', 'That lead does not exist.');
      return { lead, history, callbacks };
    },
    'lead:update': async (p) => {
      const updated = await editLead(store, p.id, async () => {
        const { changes, invalidPhones } = await leadChanges(store, p.id, p.patch);
        const at = Date.now();
        const events = crmEvents?.('lead.changed', p.id, at, { leadId: p.id, changes, via: 'edit' }) ?? [];
        return { lead: await store.leads.update(p.id, changes, at, events), invalidPhones };
      });
      eventsWritten?.();
      emit('lead:changed', updated.lead);
      return updated;
    },
  };
}
