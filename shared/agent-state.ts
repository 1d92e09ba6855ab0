/** The agent's own state, which drives the dialler. */
export type AgentState = 'offline' | 'available' | 'on-call' | 'wrap-up' | 'paused';

/** Legal transitions; anything else throws {@link AgentStateTransitionError}. */
export const agentTransitions: Record<AgentState, readonly AgentState[]> = {
  offline: ['available', 'paused', 'on-call'],
  available: ['on-call', 'paused', 'offline'],
  'on-call': ['wrap-up', 'available', 'paused', 'offline'],
  'wrap-up': ['available', 'paused', 'on-call', 'offline'],
  paused: ['available', 'on-call', 'offline', 'wrap-up'],
};

export class AgentStateTransitionError extends Error {
  constructor(
    readonly from: AgentState,
    readonly to: AgentState,
  ) {
    super(`Illegal agent state transition ${from} -> ${to}`);
    this.name = 'AgentStateTransitionError';
  }
}

export function assertAgentTransition(from: AgentState, to: AgentState): void {
  if (from !== to && !agentTransitions[from].includes(to)) throw new AgentStateTransitionError(from, to);
}

/** Why the agent is paused. "Not registered" is set by the app itself. */
export const pauseReasons = ['Break', 'Lunch', 'Training', 'Meeting', 'Technical problem', 'Not registered'] as const;
