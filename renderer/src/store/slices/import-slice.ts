import type { StateCreator } from 'zustand';
import type { EventPayloads } from '../../../../shared/contract';
import type { RingsideState } from '../store';

type ImportProgress = EventPayloads['import:progress'];
type ImportReport = EventPayloads['import:finished'];

export interface ImportSlice {
  /** Progress of the running import, from `import:progress`. */
  importProgress: ImportProgress | null;
  /** The final report, from `import:finished`. */
  importReport: ImportReport | null;
  setImportProgress(progress: ImportProgress): void;
  setImportReport(report: ImportReport): void;
  clearImport(): void;
}

export const createImportSlice: StateCreator<RingsideState, [], [], ImportSlice> = (set) => ({
  importProgress: null,
  importReport: null,
  setImportProgress: (importProgress) => set({ importProgress }),
  setImportReport: (importReport) => set({ importReport, importProgress: importReport }),
  clearImport: () => set({ importProgress: null, importReport: null }),
});
