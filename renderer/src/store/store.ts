/**
 * The renderer's one zustand store, built from typed slices (zustand's slices pattern). Only
 * `ipc-bridge.ts` writes main's events into it; components read it through selectors.
 */
import { createStore, useStore, type StoreApi } from 'zustand';
import type { Snapshot } from '../../../shared/contract';
import { createAccountSlice, type AccountSlice } from './account-slice';
import { createBoardSlice, type BoardSlice } from './board-slice';
import { createCallsSlice, type CallsSlice } from './calls-slice';
import { createComplianceSlice, type ComplianceSlice } from './compliance-slice';
import { createRegistrationSlice, type RegistrationSlice } from './registration-slice';
import { createImportSlice, type ImportSlice } from './import-slice';
import { createLeadsSlice, type LeadsSlice } from './leads-slice';
import { createUiSlice, type UiSlice } from './ui-slice';
import { createMonitorSlice, type MonitorSlice } from './monitor-slice';
import { createCampaignsSlice, createStatsSlice, createWorkspaceSlice, type CampaignsSlice, type StatsSlice, type WorkspaceSlice } from './workspace-slice';

export interface SnapshotSlice {
  /** Replace registration, account, calls, workspace, stats and compliance with what main answered to `app:ready`. */
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
    loadSnapshot: (snapshot) => {
      const [set, get] = a;
      set({ registration: snapshot.registration, account: snapshot.account, workspace: snapshot.workspace, stats: snapshot.stats, compliance: snapshot.compliance });
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
