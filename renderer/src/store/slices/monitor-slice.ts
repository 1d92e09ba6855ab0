import type { StateCreator } from 'zustand';
import type { MonitoredView, MonitorView } from '../../../../shared/supervision';
import type { RingsideState } from '../store';

/** Listen / whisper / barge: this supervisor's session, and who listens to this agent. */
export interface MonitorSlice {
  /** The supervisor's monitoring session (null: none). */
  monitor: MonitorView | null;
  /** Who monitors this agent (null: nobody, or the agent may not see it). */
  monitored: MonitoredView | null;
  setMonitor(monitor: MonitorView | null): void;
  setMonitored(monitored: MonitoredView | null): void;
}

export const createMonitorSlice: StateCreator<RingsideState, [], [], MonitorSlice> = (set) => ({
  monitor: null,
  monitored: null,
  setMonitor: (monitor) => set({ monitor }),
  setMonitored: (monitored) => set({ monitored }),
});
