/** The renderer's start: it says it is listening, main answers with everything to draw. */
import { z } from 'zod';
import type { AccountView } from '../account.js';
import type { CallSessionView } from '../call-session.js';
import type { ComplianceStatus } from '../compliance.js';
import type { RegistrationView } from '../registration-state.js';
import type { BoardView, MonitoredView, MonitorView } from '../supervision.js';
import type { AgentStats, WorkspaceView } from '../workspace.js';
import { request } from './define.js';
import type { Invoke } from './transport.js';

/** Everything a renderer needs to draw itself after (re)loading. */
import type { CrmStatusView } from '../crm.js';
import type { TeamStatusView } from '../team.js';

export interface Snapshot {
  registration: RegistrationView;
  account: AccountView | null;
  calls: CallSessionView[];
  workspace: WorkspaceView;
  stats: AgentStats;
  compliance: ComplianceStatus;
  /** The live board (supervisor role), else null. */
  board: BoardView | null;
  /** This supervisor's monitoring session, if any. */
  monitor: MonitorView | null;
  /** Who monitors this agent now (only when the agent may see it). */
  monitored: MonitoredView | null;
  /** Solo (embedded store) or team (shared database), and whether that database answers. */
  team: TeamStatusView;
  /** CRM sync: configured, waiting, dead letters. */
  crm: CrmStatusView;
}

export const appRequests = {
  /** The renderer is listening: main flushes queued events, then answers with a snapshot. */
  'app:ready': request<Snapshot>()(z.object({ media: z.boolean() }).strict()),
} as const;

export const appEvents = {} as const;

export const appApi = (invoke: Invoke) => ({
  ready: (media: boolean) => invoke('app:ready', { media }),
});
