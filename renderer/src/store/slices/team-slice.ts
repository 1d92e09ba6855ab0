import type { StateCreator } from 'zustand';
import type { CrmStatusView } from '../../../../shared/crm';
import type { TeamStatusView } from '../../../../shared/team';
import type { RingsideState } from '../store';

/** Until main says otherwise: the embedded store, which needs no database to answer. */
export const initialTeam: TeamStatusView = { mode: 'solo', team: null, agentId: null, where: null, state: 'up', since: null, problem: null, waiting: 0 };
export const initialCrm: CrmStatusView = { configured: false, disabled: null, pending: 0, dead: 0, lastDeliveredAt: null };

/** Team mode (the shared database and whether it answers) and CRM sync (what waits, what was given up on). */
export interface TeamSlice {
  team: TeamStatusView;
  crm: CrmStatusView;
  /** From the snapshot and `team:changed`. */
  setTeam(team: TeamStatusView): void;
  /** From the snapshot, `crm:changed`, and the crm requests that answer a status (retry, enable). */
  setCrm(crm: CrmStatusView): void;
}

export const createTeamSlice: StateCreator<RingsideState, [], [], TeamSlice> = (set) => ({
  team: initialTeam,
  crm: initialCrm,
  setTeam: (team) => set({ team }),
  setCrm: (crm) => set({ crm }),
});
