/** The lead requests: a campaign's list, one lead with its history, an edit (validated first). */
import type { EventChannel, EventPayloads } from '../../../shared/contract.js';
import { RingsideError } from '../../../shared/result.js';
import type { Store } from '../data/repositories.js';
import type { ChannelsOf, Handlers } from '../ipc/router.js';
import { editLead, leadChanges } from './lead-changes.js';

export interface LeadHandlerDeps {
  store: Store;
  emit<E extends EventChannel>(channel: E, payload: EventPayloads[E]): void;
}

export function leadHandlers({ store, emit }: LeadHandlerDeps): Handlers<ChannelsOf<'lead'>> {
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
        return { lead: await store.leads.update(p.id, changes, Date.now()), invalidPhones };
      });
      emit('lead:changed', updated.lead);
      return updated;
    },
  };
}
