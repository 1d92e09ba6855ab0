/** Leads: the list of a campaign, one lead with its history, an edit. */
import { z } from 'zod';
import { leadPatchSchema, leadStatuses, type Callback, type Lead, type LeadHistoryEntry, type LeadRow } from '../lead.js';
import { rowId } from './common.js';
import { event, request } from './define.js';
import type { Invoke, Subscribe } from './transport.js';

const leadListQuery = z
  .object({
    campaignId: rowId,
    offset: z.number().int().min(0),
    limit: z.number().int().min(1).max(500),
    search: z.string().max(100).optional(),
    status: z.enum(leadStatuses).optional(),
  })
  .strict();

export const leadRequests = {
  'lead:list': request<{ total: number; rows: LeadRow[] }>()(leadListQuery),
  'lead:get': request<{ lead: Lead; history: LeadHistoryEntry[]; callbacks: Callback[] }>()(z.object({ id: rowId }).strict()),
  'lead:update': request<{ lead: Lead; invalidPhones: string[] }>()(z.object({ id: rowId, patch: leadPatchSchema }).strict()),
} as const;

export const leadEvents = {
  'lead:changed': event<Lead>(),
} as const;

export const leadApi = (invoke: Invoke, subscribe: Subscribe) => ({
  list: (q: z.input<typeof leadListQuery>) => invoke('lead:list', q),
  get: (id: number) => invoke('lead:get', { id }),
  update: (id: number, patch: z.input<typeof leadPatchSchema>) => invoke('lead:update', { id, patch }),
  onChanged: (l: (lead: Lead) => void) => subscribe('lead:changed', l),
});
