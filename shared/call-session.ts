/** The call session model shared by main and renderer. */
import type { ComplianceDecision } from './compliance.js';
import { defineStateMachine, legalFrom, StateTransitionError } from './state-machine.js';
import type { MonitorMode } from './supervision.js';

export type CallDirection = 'outbound' | 'inbound';

/**
 * dialing: INVITE sent, no ringing yet · ringing: far end rings (180/183) ·
 * incoming: we ring · answering: we accepted, media being set up ·
 * active: talking · held: we put it on hold · ended: final.
 */
export type CallState = 'dialing' | 'ringing' | 'incoming' | 'answering' | 'active' | 'held' | 'ended';

/** Legal transitions, next to the type; anything else throws {@link CallStateTransitionError}. */
export const callTransitions: Record<CallState, readonly CallState[]> = {
  dialing: ['ringing', 'active', 'ended'],
  ringing: ['active', 'ended'],
  incoming: ['answering', 'ended'],
  answering: ['active', 'ended'],
  active: ['held', 'ended'],
  held: ['active', 'ended'],
  ended: [],
};

/** Its own subclass so callers can tell a call bug from another machine's. */
export class CallStateTransitionError extends StateTransitionError<CallState> {
  constructor(from: CallState, to: CallState) {
    super('call', from, to, legalFrom(callTransitions, from));
    this.name = 'CallStateTransitionError';
  }
}

/** No same-state moves: each call transition follows a SIP event, so a repeat means a duplicate event or a race. */
export const callStateMachine = defineStateMachine<CallState>('call', callTransitions, {
  error: (from, to) => new CallStateTransitionError(from, to),
});

export function assertCallTransition(from: CallState, to: CallState): void {
  callStateMachine.assertTransition(from, to);
}

/** How a call ended, as an agent would say it. */
export type CallOutcome =
  | 'completed' // talked, then someone hung up
  | 'busy' // 486 / 600
  | 'not-found' // 404 / 484 / 604
  | 'declined' // 603, or we rejected an incoming call
  | 'cancelled' // 487: caller cancelled before answer
  | 'no-answer' // 408 / 480
  | 'unavailable' // 503 / 502 / 500
  | 'transferred' // blind transfer accepted
  | 'missed' // incoming call the caller abandoned
  | 'failed'; // anything else (media failure, transport lost, 4xx)

export function outcomeForStatus(code: number): CallOutcome {
  if (code === 486 || code === 600) return 'busy';
  if (code === 404 || code === 484 || code === 604) return 'not-found';
  if (code === 603) return 'declined';
  if (code === 487) return 'cancelled';
  if (code === 408 || code === 480) return 'no-answer';
  if (code === 500 || code === 502 || code === 503) return 'unavailable';
  return 'failed';
}

export const outcomeLabel: Record<CallOutcome, string> = {
  completed: 'Call ended',
  busy: 'Busy',
  'not-found': 'Number not found',
  declined: 'Declined',
  cancelled: 'Cancelled',
  'no-answer': 'No answer',
  unavailable: 'Unavailable',
  transferred: 'Transferred',
  missed: 'Missed call',
  failed: 'Call failed',
};

/**
 * Warm: the person asked to hear from us (inbound, or evidence of interest). Cold: an
 * unsolicited outbound call. Decided in main from the session (and, later, the lead's evidence).
 */
export interface CallTemperature {
  kind: 'warm' | 'cold';
  /** Why, e.g. "Inbound call" or "inquiry 2026-11-20". */
  reason: string;
}

export function temperatureForDirection(direction: CallDirection): CallTemperature {
  return direction === 'inbound'
    ? { kind: 'warm', reason: 'Inbound call: the caller contacted us' }
    : { kind: 'cold', reason: 'Outbound call with no recorded interest' };
}

/** One call as every window sees it. */
export interface CallSessionView {
  id: string;
  direction: CallDirection;
  state: CallState;
  temperature: CallTemperature;
  /** The other party's SIP URI. */
  remoteUri: string;
  /** Display name or user part, for the list. */
  remoteName: string;
  muted: boolean;
  /** A hold/unhold or mute in progress. */
  pending: 'hold' | 'unhold' | null;
  /** Epoch ms. */
  createdAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  outcome: CallOutcome | null;
  /** Final SIP status of a failed call, when there was one. */
  statusCode: number | null;
  /** Human text for the outcome or the last error. */
  detail: string | null;
  /** Whether in-band RFC 4733 DTMF is available (else SIP INFO is used). */
  dtmfInBand: boolean;
  /** The lead this call is about (matched by number for inbound calls), if any. */
  leadId: number | null;
  /** The compliance gate's decision for an outbound call to a number (null: inbound, or not a number). */
  compliance: ComplianceDecision | null;
  /**
   * A monitoring call, not a customer call: on the supervisor's side `side` is
   * 'supervisor' and `peer` the agent; on the agent's side 'agent', `peer` the supervisor and
   * `target` the id of the customer call being monitored. Null for ordinary calls.
   */
  monitor: { side: 'supervisor' | 'agent'; mode: MonitorMode; peer: string; target: string | null } | null;
}
