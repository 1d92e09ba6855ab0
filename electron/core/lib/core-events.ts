import type { Account } from '../../../shared/account.js';
import type { CallSessionView } from '../../../shared/call-session.js';
import type { RegistrationView } from '../../../shared/registration-state.js';
import type { MonitorView } from '../../../shared/supervision.js';

/** What the core's services tell each other (not the renderer: that is the IPC contract's events). */
export interface CoreEvents {
  /** A call's state, media or lead changed. */
  call: CallSessionView;
  /** A call left the list. */
  'call-removed': { id: string };
  registration: RegistrationView;
  /** The account in use changed (or there is none any more). */
  account: Account | null;
  /** Something the supervisors' board shows about this agent changed: state, campaign, today's figures. */
  agent: undefined;
  /** This supervisor's listen / whisper / barge session changed. */
  monitor: MonitorView | null;
}
