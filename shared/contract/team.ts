/** Team mode (the shared PostgreSQL) and CRM sync: their status, the test, the dead letters. */
import { z } from 'zod';
import type { CrmDeliveryView, CrmStatusView } from '../crm.js';
import { teamDatabaseSchema, type LocalDataView, type TeamResults, type TeamStatusView, type TeamTestResult, type UploadReport } from '../team.js';
import { empty } from './common.js';
import { event, request } from './define.js';
import type { Invoke, Subscribe } from './transport.js';

const outboxId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);

export const teamRequests = {
  'team:status': request<TeamStatusView>()(empty),
  /** Connects to a team database with these settings (the saved password when none is given) and says what is there; changes nothing. */
  'team:test': request<TeamTestResult>()(z.object({ database: teamDatabaseSchema }).strict()),
  /** The supervisor's results: every agent's, per campaign, between `from` and `to` (epoch ms, `to` exclusive), from the shared data. */
  'team:results': request<TeamResults>()(
    z
      .object({ from: z.number().int().min(0), to: z.number().int().min(0) })
      .strict()
      .refine((r) => r.to > r.from && r.to - r.from <= 400 * 86_400_000, 'The period must end after it starts and span at most 400 days.'),
  ),
  /** Team mode: what this desktop's own file (from before team mode) holds; null when there is none or it is empty. */
  'team:local-data': request<LocalDataView | null>()(empty),
  /** Sends this desktop's own campaigns, open leads and Do-Not-Call list to the team database; the file is only read. */
  'team:upload': request<UploadReport>()(empty),
  'crm:status': request<CrmStatusView>()(empty),
  /** Events the CRM never took (newest first). */
  'crm:dead-letters': request<{ total: number; rows: CrmDeliveryView[] }>()(
    z.object({ offset: z.number().int().min(0).max(1_000_000), limit: z.number().int().min(1).max(200) }).strict(),
  ),
  /** A dead event goes back in line, attempts from zero. */
  'crm:retry': request<CrmStatusView>()(z.object({ id: outboxId }).strict()),
  /** Turns delivery back on after the CRM answered 410 Gone. */
  'crm:enable': request<CrmStatusView>()(empty),
  /**
   * Opens the CRM record of the lead on screen (never another lead: a `leadId` that is not on
   * screen any more is refused) in the system browser; answers the address opened.
   */
  'crm:screen-pop': request<{ url: string }>()(z.object({ leadId: z.number().int().positive().optional() }).strict()),
} as const;

export const teamEvents = {
  'team:changed': event<TeamStatusView>(),
  'crm:changed': event<CrmStatusView>(),
  /** Browser mode only (no system shell there): the page opens this CRM record in a new tab. */
  'crm:open-url': event<{ url: string }>(),
} as const;

export const teamApi = (invoke: Invoke, subscribe: Subscribe) => ({
  status: () => invoke('team:status', {}),
  test: (database: z.input<typeof teamDatabaseSchema>) => invoke('team:test', { database }),
  results: (from: number, to: number) => invoke('team:results', { from, to }),
  localData: () => invoke('team:local-data', {}),
  upload: () => invoke('team:upload', {}),
  onChanged: (l: (s: TeamStatusView) => void) => subscribe('team:changed', l),
});

export const crmApi = (invoke: Invoke, subscribe: Subscribe) => ({
  status: () => invoke('crm:status', {}),
  deadLetters: (offset: number, limit: number) => invoke('crm:dead-letters', { offset, limit }),
  retry: (id: string) => invoke('crm:retry', { id }),
  enable: () => invoke('crm:enable', {}),
  /** The CRM record of the lead on screen; `leadId`: the lead the agent sees, refused if it is no longer on screen. */
  screenPop: (leadId?: number) => invoke('crm:screen-pop', leadId === undefined ? {} : { leadId }),
  onChanged: (l: (s: CrmStatusView) => void) => subscribe('crm:changed', l),
  onOpenUrl: (l: (e: { url: string }) => void) => subscribe('crm:open-url', l),
});
