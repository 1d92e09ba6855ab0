/** Registration of the agent's SIP account, as the UI sees it. */
export type RegistrationState = 'unregistered' | 'registering' | 'registered' | 'failed';

/** Legal transitions; anything else is a bug and throws {@link RegistrationTransitionError}. */
export const registrationTransitions: Record<RegistrationState, readonly RegistrationState[]> = {
  unregistered: ['registering'],
  registering: ['registered', 'failed', 'unregistered'],
  registered: ['registering', 'unregistered', 'failed'],
  failed: ['registering', 'unregistered'],
};

export class RegistrationTransitionError extends Error {
  constructor(
    readonly from: RegistrationState,
    readonly to: RegistrationState,
  ) {
    super(`Illegal registration transition ${from} -> ${to}`);
    this.name = 'RegistrationTransitionError';
  }
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
