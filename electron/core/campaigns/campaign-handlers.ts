/** The campaign requests: list, one, save, and the campaign file in and out. */
import type { EventChannel, EventPayloads } from '../../../shared/contract.js';
import type { CampaignInput } from '../../../shared/campaign.js';
import { RingsideError } from '../../../shared/result.js';
import type { Store } from '../data/repositories.js';
import type { ChannelsOf, Handlers } from '../ipc/router.js';
import { campaignFile, readCampaignFile } from './campaign-file.js';

export interface CampaignHandlerDeps {
  store: Store;
  emit<E extends EventChannel>(channel: E, payload: EventPayloads[E]): void;
}

export function campaignHandlers({ store, emit }: CampaignHandlerDeps): Handlers<ChannelsOf<'campaign'>> {
  const get = async (id: number) => {
    const c = await store.campaigns.get(id);
    if (!c) throw new RingsideError('not-found', 'That campaign does not exist.');
    return c;
  };
  const save = async (input: CampaignInput & { id?: number }) => {
    // Saving over a campaign that is gone (deleted meanwhile, or a stale window) is the agent's news, not an internal error.
    if (input.id !== undefined) await get(input.id);
    const saved = await store.campaigns.save(input);
    emit('campaigns:changed', await store.campaigns.list(Date.now()));
    return saved;
  };
  return {
    'campaign:list': () => store.campaigns.list(Date.now()),
    'campaign:get': (p) => get(p.id),
    'campaign:save': (p) => save(p),
    'campaign:export': async (p) => campaignFile(await get(p.id)),
    // Always a new campaign: importing never overwrites one that exists.
    'campaign:import': (p) => save(readCampaignFile(p.json)),
  };
}
