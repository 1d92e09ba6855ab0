/**
 * Supervision: roles, the live board of agents, and listen / whisper / barge.
 *
 * - Agent state travels over SIP itself: each agent app sends a SIP MESSAGE
 *   (`Content-Type: application/vnd.ringside.agent-state+json`, body {@link AgentPresence}) through
 *   the company's server to each configured supervisor on every change and as a heartbeat.
 *   A supervisor accepts it only from an agent on its team, identified by the identity the server
 *   asserts (P-Asserted-Identity, else From as authenticated by the server) and, when configured,
 *   the team secret (HMAC of the body); anything else is ignored and logged.
 * - Monitoring in plain-proxy mode: the supervisor's app calls the agent's app with an INVITE
 *   carrying `X-Ringside-Monitor: <mode>` (+ `X-Ringside-Auth` when a team secret is set). The agent's
 *   app answers without ringing only for an allowed supervisor while a call is active, and its
 *   renderer mixes audio with Web Audio so each party hears exactly what the mode allows. Mode
 *   changes travel in-dialog as SIP INFO (`application/vnd.ringside.monitor+json`).
 * - PBX mode: a configurable feature code per mode is dialled instead (`*222{ext}` …).
 */
import { z } from 'zod';
import type { AgentState } from './agent-state.js';

export const roles = ['agent', 'supervisor', 'both'] as const;
export type Role = (typeof roles)[number];

export const monitorModes = ['listen', 'whisper', 'barge'] as const;
export type MonitorMode = (typeof monitorModes)[number];

const aor = z
  .string()
  .trim()
  .max(256)
  .regex(/^sips?:[A-Za-z0-9\-_.!~*'()&=+$,;?/%]+@[A-Za-z0-9.-]+(:\d{1,5})?$/, 'must look like sip:agent@example.com');
const featureCode = z
  .string()
  .trim()
  .max(64)
  .regex(/^[0-9*#A-Za-z+]*\{ext\}[0-9*#A-Za-z+]*$/, 'a dial string with {ext} where the agent’s extension goes, e.g. *222{ext}');

export const supervisionSchema = z
  .object({
    role: z.enum(roles).default('agent'),
    /** Agent: the supervisor identities allowed to see and monitor this agent. */
    supervisors: z.array(aor).max(50).default([]),
    /** Supervisor: the agents on the board. */
    team: z.array(aor).max(500).default([]),
    /** Shared secret for servers that do not assert identity (optional). */
    teamSecret: z.string().max(256).optional(),
    /** The agent sees that they are being monitored. */
    showMonitoring: z.boolean().default(true),
    /** proxy: app-to-app monitoring call mixed in the agent's app; pbx: dial a feature code. */
    monitorVia: z.enum(['proxy', 'pbx']).default('proxy'),
    featureCodes: z
      .object({ listen: featureCode, whisper: featureCode, barge: featureCode })
      .default({ listen: '*222{ext}', whisper: '*223{ext}', barge: '*224{ext}' }),
    /** Heartbeat interval; an agent not heard for 3 intervals is stale. */
    heartbeatSec: z.number().int().min(1).max(60).default(5),
    alerts: z
      .object({ longCallMin: z.number().min(1).max(240), longWrapUpMin: z.number().min(1).max(240), longPauseMin: z.number().min(1).max(480) })
      .default({ longCallMin: 10, longWrapUpMin: 3, longPauseMin: 15 }),
  })
  .strict();
export type Supervision = z.infer<typeof supervisionSchema>;
export type SupervisionInput = z.input<typeof supervisionSchema>;

/** MIME types of the SIP bodies. */
export const PRESENCE_CONTENT_TYPE = 'application/vnd.ringside.agent-state+json';
export const MONITOR_CONTENT_TYPE = 'application/vnd.ringside.monitor+json';
export const MONITOR_HEADER = 'X-Ringside-Monitor';
export const MONITOR_AUTH_HEADER = 'X-Ringside-Auth';
export const PRESENCE_AUTH_HEADER = 'X-Ringside-Auth';

/** What an agent app tells its supervisors (the MESSAGE body). Untrusted on arrival: validated. */
export const agentPresenceSchema = z
  .object({
    v: z.literal(1),
    /** Increases with every message from one app run; older ones are dropped. */
    seq: z.number().int().min(0),
    /** Sender's clock, epoch ms (for display only; staleness uses the receiver's clock). */
    sentAt: z.number().int().min(0),
    name: z.string().max(128),
    state: z.enum(['offline', 'available', 'on-call', 'wrap-up', 'paused']),
    pauseReason: z.string().max(60).nullable(),
    /** Since when in this state, epoch ms (sender's clock). */
    since: z.number().int().min(0),
    registered: z.boolean(),
    call: z
      .object({
        direction: z.enum(['inbound', 'outbound']),
        temperature: z.enum(['warm', 'cold']),
        campaign: z.string().max(200).nullable(),
        /** Talking since (epoch ms, sender's clock), null while ringing. */
        answeredAt: z.number().int().min(0).nullable(),
        startedAt: z.number().int().min(0),
      })
      .strict()
      .nullable(),
    campaign: z.string().max(200).nullable(),
    today: z
      .object({ calls: z.number().int().min(0), connected: z.number().int().min(0), talkSec: z.number().int().min(0), successes: z.number().int().min(0) })
      .strict(),
  })
  .strict();
export type AgentPresence = z.infer<typeof agentPresenceSchema>;

export type BoardAlertKind = 'long-call' | 'long-wrap-up' | 'long-pause' | 'unregistered' | 'stale';

export interface BoardAgent {
  /** The agent's SIP address (from the team list). */
  aor: string;
  name: string;
  /** Last accepted state, null when never heard from. */
  presence: AgentPresence | null;
  /** Receiver's clock, epoch ms. */
  lastHeardAt: number | null;
  /** Not heard for 3 heartbeats: shown greyed, state unknown. */
  stale: boolean;
  /** State as the board shows it (stale → 'offline'). */
  state: AgentState | 'offline';
  alerts: Array<{ kind: BoardAlertKind; text: string }>;
  /** A monitoring session this supervisor has on the agent, if any. */
  monitoring: MonitorMode | null;
}

export interface BoardTotals {
  agents: number;
  onCall: number;
  available: number;
  calls: number;
  connected: number;
  talkSec: number;
  successes: number;
  /** successes / connected, 0..1. */
  conversion: number;
}

export interface BoardView {
  agents: BoardAgent[];
  totals: BoardTotals;
  /** Team totals sampled once a minute for the chart (oldest first, at most 120). */
  history: Array<{ at: number; calls: number; successes: number; onCall: number }>;
  /** Messages ignored because the sender is not on the team (or failed the secret), since start. */
  rejected: number;
  /**
   * Agents whose state rests on the From header alone: the SIP server asserted no identity and
   * no team secret is set, so only a PBX that checks From against the login keeps it honest.
   */
  unverified: number;
}

/** The supervisor's side of one monitoring session. */
export interface MonitorView {
  agent: string;
  mode: MonitorMode;
  via: 'proxy' | 'pbx';
  state: 'connecting' | 'active' | 'ended' | 'failed';
  /** The monitoring call's id in the call list (for its audio). */
  callId: string | null;
  detail: string | null;
}

/** The agent's side: who is monitoring (shown only when `showMonitoring`). */
export interface MonitoredView {
  supervisor: string;
  mode: MonitorMode;
  since: number;
}

/** In-dialog mode change (INFO body). */
export const monitorModeChangeSchema = z.object({ mode: z.enum(monitorModes) }).strict();
