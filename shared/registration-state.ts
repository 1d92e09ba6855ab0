import { defineStateMachine, legalFrom, StateTransitionError } from './state-machine.js';

/** Registration of the agent's SIP account, as the UI sees it. */
export type RegistrationState = 'unregistered' | 'registering' | 'registered' | 'failed';

/** Legal transitions; anything else is a bug and throws {@link RegistrationTransitionError}. */
export const registrationTransitions: Record<RegistrationState, readonly RegistrationState[]> = {
  unregistered: ['registering'],
  registering: ['registered', 'failed', 'unregistered'],
  registered: ['registering', 'unregistered', 'failed'],
  failed: ['registering', 'unregistered'],
};

export class RegistrationTransitionError extends StateTransitionError<RegistrationState> {
  constructor(from: RegistrationState, to: RegistrationState) {
    super('registration', from, to, legalFrom(registrationTransitions, from));
    this.name = 'RegistrationTransitionError';
  }
}

/** Same-state moves are allowed: the owner re-enters a state to patch fields (e.g. a retry count). */
export const registrationStateMachine = defineStateMachine<RegistrationState>('registration', registrationTransitions, {
  allowSame: true,
  error: (from, to) => new RegistrationTransitionError(from, to),
});

export function assertRegistrationTransition(from: RegistrationState, to: RegistrationState): void {
  registrationStateMachine.assertTransition(from, to);
}

export interface RegistrationView {
  state: RegistrationState;
  /** The account's address of record, e.g. sip:agent1@example.com. */
  aor: string | null;
  /** Why the last attempt failed, in words an agent understands. */
  error: string | null;
  /** When the next automatic attempt happens (epoch ms), while reconnecting. */
  retryAt: number | null;
  /** Consecutive failed attempts since the last success. */
  attempt: number;
  /** Whether the WebSocket to the SIP server is up. */
  connected: boolean;
}
