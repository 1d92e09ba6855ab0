import { defineStateMachine, legalFrom, StateTransitionError } from './state-machine.js';

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

export class AgentStateTransitionError extends StateTransitionError<AgentState> {
  constructor(from: AgentState, to: AgentState) {
    super('agent state', from, to, legalFrom(agentTransitions, from));
    this.name = 'AgentStateTransitionError';
  }
}

/** Same-state moves are allowed: pausing again with another reason keeps the agent paused. */
export const agentStateMachine = defineStateMachine<AgentState>('agent state', agentTransitions, {
  allowSame: true,
  error: (from, to) => new AgentStateTransitionError(from, to),
});

export function assertAgentTransition(from: AgentState, to: AgentState): void {
  agentStateMachine.assertTransition(from, to);
}

/** Why the agent is paused. "Not registered" is set by the app itself. */
export const pauseReasons = ['Break', 'Lunch', 'Training', 'Meeting', 'Technical problem', 'Not registered'] as const;
