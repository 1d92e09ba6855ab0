/**
 * The renderer's one zustand store, built from typed slices (zustand's slices pattern). Only
 * `ipc/store-sync.ts` writes main's events into it; components read it through selectors.
 */
import { createStore, useStore, type StoreApi } from 'zustand';
import type { Snapshot } from '../../../shared/contract';
import { createAccountSlice, type AccountSlice } from './slices/account-slice';
import { createBoardSlice, type BoardSlice } from './slices/board-slice';
import { createCallsSlice, type CallsSlice } from './slices/calls-slice';
import { createComplianceSlice, type ComplianceSlice } from './slices/compliance-slice';
import { createRegistrationSlice, type RegistrationSlice } from './slices/registration-slice';
import { createImportSlice, type ImportSlice } from './slices/import-slice';
import { createLeadsSlice, type LeadsSlice } from './slices/leads-slice';
import { createUiSlice, type UiSlice } from './slices/ui-slice';
import { createMonitorSlice, type MonitorSlice } from './slices/monitor-slice';
import { createTeamSlice, type TeamSlice } from './slices/team-slice';
import {
  createCampaignsSlice,
  createStatsSlice,
  createWorkspaceSlice,
  type CampaignsSlice,
  type StatsSlice,
  type WorkspaceSlice,
} from './slices/workspace-slice';

export interface SnapshotSlice {
  /** Replace registration, account, calls, workspace, stats, compliance, team and CRM status with what main answered to `app:ready`. */
  loadSnapshot(snapshot: Snapshot): void;
}

export type RingsideState = RegistrationSlice &
  AccountSlice &
  CallsSlice &
  UiSlice &
  WorkspaceSlice &
  StatsSlice &
  CampaignsSlice &
  LeadsSlice &
  ImportSlice &
  ComplianceSlice &
  BoardSlice &
  MonitorSlice &
  TeamSlice &
  SnapshotSlice;
export type RingsideStore = StoreApi<RingsideState>;

export function createRingsideStore(): RingsideStore {
  return createStore<RingsideState>()((...a) => ({
    ...createRegistrationSlice(...a),
    ...createAccountSlice(...a),
    ...createCallsSlice(...a),
    ...createUiSlice(...a),
    ...createWorkspaceSlice(...a),
    ...createStatsSlice(...a),
    ...createCampaignsSlice(...a),
    ...createLeadsSlice(...a),
    ...createImportSlice(...a),
    ...createComplianceSlice(...a),
    ...createBoardSlice(...a),
    ...createMonitorSlice(...a),
    ...createTeamSlice(...a),
    loadSnapshot: (snapshot) => {
      const [set, get] = a;
      set({
        registration: snapshot.registration,
        account: snapshot.account,
        workspace: snapshot.workspace,
        stats: snapshot.stats,
        compliance: snapshot.compliance,
        team: snapshot.team,
        crm: snapshot.crm,
      });
      get().replaceCalls(snapshot.calls);
      set({ board: snapshot.board });
      set({ monitor: snapshot.monitor, monitored: snapshot.monitored });
    },
  }));
}

/** The window's store. */
export const store: RingsideStore = createRingsideStore();
const initialState = store.getState();

/** Read the store through a selector (re-renders only when the selected value changes). */
export function useRingside<T>(selector: (state: RingsideState) => T): T {
  return useStore(store, selector);
}

/** Back to the initial state (tests). */
export function resetStore(): void {
  store.setState(initialState, true);
}
