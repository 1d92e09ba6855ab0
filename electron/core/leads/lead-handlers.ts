/** The lead requests: a campaign's list, one lead with its history, an edit (validated first). */
import type { EventChannel, EventPayloads } from '../../../shared/contract.js';
import { RingsideError } from '../../../shared/result.js';
import type { Store } from '../data/repositories.js';
import type { ChannelsOf, Handlers } from '../ipc/router.js';
import { leadChanges } from './lead-changes.js';

export interface LeadHandlerDeps {
  store: Store;
  emit<E extends EventChannel>(channel: E, payload: EventPayloads[E]): void;
}

export function leadHandlers({ store, emit }: LeadHandlerDeps): Handlers<ChannelsOf<'lead'>> {
  return {
    'lead:list': (p) => store.leads.list(p),
    'lead:get': (p) => {
      const lead = store.leads.get(p.id);
      if (!lead) throw new RingsideError('not-found', 'That lead does not exist.');
      return { lead, history: store.leads.history(p.id), callbacks: store.leads.callbacks(p.id) };
    },
    'lead:update': (p) => {
      const { changes, invalidPhones } = leadChanges(store, p.id, p.patch);
      const lead = store.leads.update(p.id, changes, Date.now());
      emit('lead:changed', lead);
      return { lead, invalidPhones };
    },
  };
}
