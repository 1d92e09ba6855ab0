/** The supervisor's requests: the live board, and monitoring an agent's call. */
import { RingsideError } from '../../../shared/result.js';
import type { ChannelsOf, Handlers } from '../ipc/router.js';
import type { BoardService } from './board-service.js';
import type { SupervisorMonitoring } from './supervisor-monitoring.js';

export interface SupervisionHandlerDeps {
  /** The board while the account's role includes supervisor, else null. */
  board(): BoardService | null;
  monitors: SupervisorMonitoring;
  /** Throws the "no SIP account yet" error when there is none. */
  requireSip(): void;
}

export function supervisionHandlers({ board, monitors, requireSip }: SupervisionHandlerDeps): Handlers<ChannelsOf<'board'> | ChannelsOf<'monitor'>> {
  return {
    'board:get': () => {
      const b = board();
      if (!b) throw new RingsideError('not-configured', 'The live board is for supervisors: set the role to Supervisor (or Both) in Settings.');
      return b.view();
    },
    'monitor:start': (p) => {
      requireSip();
      return monitors.start(p.agent, p.mode);
    },
    'monitor:set-mode': (p) => monitors.setMode(p.mode),
    'monitor:stop': () => monitors.stop(),
  };
}
