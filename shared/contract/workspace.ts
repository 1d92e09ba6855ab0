/** The agent's workspace: the campaign worked on, the lead on screen, dispositions, agent state. */
import { z } from 'zod';
import type { CallSessionView } from '../call-session.js';
import { capturableFields } from '../campaign.js';
import type { Lead } from '../lead.js';
import type { AgentStats, WorkspaceView } from '../workspace.js';
import { empty, rowId } from './common.js';
import { event, request } from './define.js';
import type { Invoke, Subscribe } from './transport.js';

/** A local date-time as the agent picked it, in the lead's zone: 2026-11-27T14:30. */
const localDateTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'use YYYY-MM-DDTHH:mm');

const disposition = z
  .object({
    code: z.string().min(1).max(40),
    note: z.string().max(2000).default(''),
    callback: z
      .object({
        at: localDateTime,
        timeZone: z.string().min(1).max(64),
        /** In team mode: anyone on the campaign may make the callback (else it is this agent's). */
        forAnyone: z.boolean().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const view = request<WorkspaceView>();

export const workspaceRequests = {
  /** Work on this campaign (its queue feeds preview/progressive dialling). */
  'workspace:select-campaign': view(z.object({ id: rowId }).strict()),
  /** Put the next lead from the queue on screen (preview). */
  'workspace:next': view(empty),
  /** Put a lead picked from the list on screen. */
  'workspace:open-lead': view(z.object({ leadId: rowId }).strict()),
  /** Call the lead on screen (phone by index). */
  'workspace:dial': request<CallSessionView>()(z.object({ phoneIndex: z.number().int().min(0).max(9).default(0) }).strict()),
  /** Skip the previewed lead without calling it. */
  'workspace:skip': view(empty),
  /** Record the disposition of the lead on screen; durable before this answers. */
  'workspace:dispose': view(disposition),
  /** A script answer captured into the lead: only the fields a script may fill, never evidence (consent, inquiry) the compliance gate reads. */
  'workspace:capture': request<Lead>()(
    z
      .object({
        leadId: rowId,
        field: z
          .string()
          .max(48)
          .refine(
            (f) => (capturableFields as readonly string[]).includes(f) || /^custom\.[A-Za-z0-9_ -]{1,40}$/.test(f),
            'not a field a script answer can fill',
          ),
        value: z.string().max(2000),
      })
      .strict(),
  ),
  'agent:set-state': view(z.object({ state: z.enum(['available', 'paused', 'offline']), reason: z.string().max(60).optional() }).strict()),
  'agent:stats': request<AgentStats>()(empty),
} as const;

export const workspaceEvents = {
  'workspace:changed': event<WorkspaceView>(),
  'stats:changed': event<AgentStats>(),
} as const;

export const workspaceApi = (invoke: Invoke, subscribe: Subscribe) => ({
  selectCampaign: (id: number) => invoke('workspace:select-campaign', { id }),
  next: () => invoke('workspace:next', {}),
  openLead: (leadId: number) => invoke('workspace:open-lead', { leadId }),
  dial: (phoneIndex = 0) => invoke('workspace:dial', { phoneIndex }),
  skip: () => invoke('workspace:skip', {}),
  dispose: (d: z.input<typeof disposition>) => invoke('workspace:dispose', d),
  capture: (leadId: number, field: string, value: string) => invoke('workspace:capture', { leadId, field, value }),
  onChanged: (l: (w: WorkspaceView) => void) => subscribe('workspace:changed', l),
});

export const agentApi = (invoke: Invoke, subscribe: Subscribe) => ({
  setState: (state: 'available' | 'paused' | 'offline', reason?: string) => invoke('agent:set-state', reason === undefined ? { state } : { state, reason }),
  stats: () => invoke('agent:stats', {}),
  onStatsChanged: (l: (s: AgentStats) => void) => subscribe('stats:changed', l),
});
