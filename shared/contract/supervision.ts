/** Supervisors: the live board, and listen / whisper / barge on an agent's call. */
import { z } from 'zod';
import { monitorModes, type BoardView, type MonitoredView, type MonitorMode, type MonitorView } from '../supervision.js';
import { empty } from './common.js';
import { event, request } from './define.js';
import type { Invoke, Subscribe } from './transport.js';

export const supervisionRequests = {
  /** Supervisor: the live board. */
  'board:get': request<BoardView>()(empty),
  /** Supervisor: start monitoring an agent's current call (proxy call or PBX feature code). */
  'monitor:start': request<MonitorView>()(
    z
      .object({
        agent: z
          .string()
          .min(5)
          .max(256)
          .regex(/^sips?:[^\s@]+@[^\s@]+$/),
        mode: z.enum(monitorModes),
      })
      .strict(),
  ),
  /** Switch listen / whisper / barge within the same session. */
  'monitor:set-mode': request<MonitorView>()(z.object({ mode: z.enum(monitorModes) }).strict()),
  'monitor:stop': request<null>()(empty),
} as const;

export const supervisionEvents = {
  'board:changed': event<BoardView>(),
  'monitor:changed': event<MonitorView | null>(),
  'monitored:changed': event<MonitoredView | null>(),
} as const;

export const boardApi = (invoke: Invoke, subscribe: Subscribe) => ({
  get: () => invoke('board:get', {}),
  onChanged: (l: (b: BoardView) => void) => subscribe('board:changed', l),
});

export const monitorApi = (invoke: Invoke, subscribe: Subscribe) => ({
  start: (agent: string, mode: MonitorMode) => invoke('monitor:start', { agent, mode }),
  setMode: (mode: MonitorMode) => invoke('monitor:set-mode', { mode }),
  stop: () => invoke('monitor:stop', {}),
  onChanged: (l: (m: MonitorView | null) => void) => subscribe('monitor:changed', l),
  /** Agent side: being monitored (only when the agent may see it). */
  onMonitoredChanged: (l: (m: MonitoredView | null) => void) => subscribe('monitored:changed', l),
});
