import type { StateCreator } from 'zustand';
import type { ComplianceStatus } from '../../../../shared/compliance';
import type { RingsideState } from '../store';

/**
 * What the UI shows before main has told us anything: no registry known, no banner. The dial
 * gate lives in main, so an empty status never allows anything by itself.
 */
export const initialCompliance: ComplianceStatus = {
  registries: [],
  maxSnapshotAgeDays: 31,
  banner: null,
  inboxDir: '',
  inboxFiles: [],
  import: null,
  auditEntries: 0,
  auditVerification: null,
};

export interface ComplianceSlice {
  /** Registries, the banner, the inbox and the registry import in progress, as main reports them. */
  compliance: ComplianceStatus;
  /** From the snapshot, `compliance:changed`, and the compliance requests that answer a status. */
  setCompliance(compliance: ComplianceStatus): void;
}

export const createComplianceSlice: StateCreator<RingsideState, [], [], ComplianceSlice> = (set) => ({
  compliance: initialCompliance,
  setCompliance: (compliance) => set({ compliance }),
});
