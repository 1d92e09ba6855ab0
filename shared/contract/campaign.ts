/** Campaigns: the list, one campaign, saving, and the campaign file team leads pass around. */
import { z } from 'zod';
import { campaignSchema, type Campaign } from '../campaign.js';
import type { CampaignSummary } from '../workspace.js';
import { empty, rowId } from './common.js';
import { event, request } from './define.js';
import type { Invoke, Subscribe } from './transport.js';

export const campaignRequests = {
  'campaign:list': request<CampaignSummary[]>()(empty),
  'campaign:get': request<Campaign>()(z.object({ id: rowId }).strict()),
  'campaign:save': request<Campaign>()(campaignSchema),
  'campaign:export': request<{ json: string; fileName: string }>()(z.object({ id: rowId }).strict()),
  'campaign:import': request<Campaign>()(z.object({ json: z.string().max(1_000_000) }).strict()),
} as const;

export const campaignEvents = {
  'campaigns:changed': event<CampaignSummary[]>(),
} as const;

export const campaignApi = (invoke: Invoke, subscribe: Subscribe) => ({
  list: () => invoke('campaign:list', {}),
  get: (id: number) => invoke('campaign:get', { id }),
  save: (campaign: z.input<typeof campaignSchema>) => invoke('campaign:save', campaign),
  exportJson: (id: number) => invoke('campaign:export', { id }),
  importJson: (json: string) => invoke('campaign:import', { json }),
  onListChanged: (l: (c: CampaignSummary[]) => void) => subscribe('campaigns:changed', l),
});
