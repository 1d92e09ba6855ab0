/**
 * The agent-state MESSAGE body, built the same way by the agent app and the benchmark's
 * simulated agents, and the parts the team secret signs. Pure: no SIP, no clock of its own.
 */
import type { AgentState } from '../../../shared/agent-state.js';
import type { CallSessionView } from '../../../shared/call-session.js';
import type { AgentPresence } from '../../../shared/supervision.js';
import type { AgentStats } from '../../../shared/workspace.js';
import { normaliseAor } from './team-auth.js';

/** What the agent app knows about itself when it publishes. */
export interface PresenceInputs {
  agent: { state: AgentState; pauseReason: string | null; since: number; name: string };
  /** The campaign the agent works on (name), if any. */
  campaign: string | null;
  /** Every call in the call manager (ended ones and monitoring calls are left out here). */
  calls: readonly CallSessionView[];
  /** The campaign (name) a call belongs to, if known; defaults to the agent's campaign. */
  campaignOfCall?: (call: CallSessionView) => string | null;
  stats: Pick<AgentStats, 'calls' | 'connected' | 'talkSec' | 'successes'>;
  registered: boolean;
}

const clip = (s: string | null, max: number): string | null => (s === null ? null : s.slice(0, max));
const ms = (n: number): number => Math.max(0, Math.floor(n));

/** Call states in which the agent is busy with a customer, best first (the one shown). */
const callRank: Record<string, number> = { active: 0, held: 1, answering: 2, ringing: 3, dialing: 4, incoming: 5 };

/** The customer call the board should show: live, not a monitoring call, talking first. */
export function presenceCall(calls: readonly CallSessionView[]): CallSessionView | null {
  let best: CallSessionView | null = null;
  for (const c of calls) {
    // A monitoring call (either side) is not the agent talking to a customer.
    if (c.monitor != null || c.state === 'ended') continue;
    if (!best || (callRank[c.state] ?? 9) < (callRank[best.state] ?? 9)) best = c;
  }
  return best;
}

/** The MESSAGE body; valid against `agentPresenceSchema` (lengths clipped to its limits). */
export function buildPresence(inputs: PresenceInputs, seq: number, now: number): AgentPresence {
  const call = presenceCall(inputs.calls);
  let state = inputs.agent.state;
  // "On call" only because of a monitoring call (e.g. a supervisor's own listening session) is not
  // a customer call: show the agent as available instead.
  if (state === 'on-call' && !call) state = 'available';
  const campaign = clip(inputs.campaign, 200);
  return {
    v: 1,
    seq: ms(seq),
    sentAt: ms(now),
    name: inputs.agent.name.slice(0, 128),
    state,
    pauseReason: state === 'paused' ? clip(inputs.agent.pauseReason, 60) : null,
    since: ms(inputs.agent.since),
    registered: inputs.registered,
    call: call
      ? {
          direction: call.direction,
          temperature: call.temperature.kind,
          campaign: clip(inputs.campaignOfCall ? inputs.campaignOfCall(call) : inputs.campaign, 200),
          answeredAt: call.answeredAt === null ? null : ms(call.answeredAt),
          startedAt: ms(call.createdAt),
        }
      : null,
    campaign,
    today: { calls: ms(inputs.stats.calls), connected: ms(inputs.stats.connected), talkSec: ms(inputs.stats.talkSec), successes: ms(inputs.stats.successes) },
  };
}

/** What the team secret signs: sender, receiver (both normalised) and the exact body text. */
export function presenceAuthParts(from: string, to: string, body: string): string[] {
  return [normaliseAor(from), normaliseAor(to), body];
}

/** The presence without its per-message fields, to tell a real change from a repeat. */
export function presenceContent(p: AgentPresence): string {
  const { seq: _seq, sentAt: _sentAt, ...rest } = p;
  return JSON.stringify(rest);
}
