/** The agent workspace as every window sees it. */
import type { AgentState } from './agent-state.js';
import type { CallTemperature } from './call-session.js';
import type { ComplianceDecision } from './compliance.js';

export interface WorkspaceLead {
  leadId: number;
  /** The call placed for this lead, if any. */
  callId: string | null;
  phoneIndex: number;
  /** preview: on screen before dialling · call: dialling or talking · wrap-up: after-call work. */
  stage: 'preview' | 'call' | 'wrap-up';
  /** Preview with auto-dial: when the call is placed (epoch ms). */
  countdownEndsAt: number | null;
  wrapUpStartedAt: number | null;
  temperature: CallTemperature;
  /** The script step to start from (warm and cold scripts can differ). */
  scriptStart: string;
  /** What the compliance gate decides for the selected phone right now (the "why" card before the call); null during and after the call. */
  compliance: ComplianceDecision | null;
}

export interface WorkspaceView {
  agent: { state: AgentState; pauseReason: string | null; since: number; name: string };
  campaignId: number | null;
  current: WorkspaceLead | null;
  /** A disposition is required before the next call. */
  dispositionRequired: boolean;
  /** Why the dialler is not dialling (paused, not registered, queue empty…), for the agent. */
  notice: string | null;
}

export interface AgentStats {
  /** Local day these figures cover (YYYY-MM-DD). */
  day: string;
  calls: number;
  connected: number;
  talkSec: number;
  dispositions: Record<string, number>;
  successes: number;
}

export interface CampaignSummary {
  id: number;
  name: string;
  kind: string;
  dialMode: string;
  leads: number;
  due: number;
}

export const leadFields = [
  'firstName',
  'lastName',
  'fullName',
  'company',
  'email',
  'phone',
  'phone2',
  'phone3',
  'street',
  'city',
  'region',
  'postalCode',
  'country',
  'timeZone',
  'source',
  'consentAt',
  'inquiryAt',
  'lastPurchaseAt',
  'score',
  'priority',
] as const;
export type LeadField = (typeof leadFields)[number];
/** A CSV column maps to a lead field, to a custom field (`custom:<name>`), or is ignored. */
export type ColumnTarget = LeadField | `custom:${string}` | 'ignore';

export interface ImportPreview {
  importId: string;
  encoding: 'utf-8' | 'windows-1250';
  delimiter: ',' | ';' | '\t';
  headers: string[];
  /** First rows as parsed (text only). */
  rows: string[][];
  suggested: ColumnTarget[];
  bytes: number;
}

export interface ImportProgress {
  importId: string;
  rowsDone: number;
  bytesDone: number;
  bytesTotal: number;
  imported: number;
  merged: number;
  skipped: number;
  failed: number;
}

export interface ImportRowError {
  /** 1-based data row number (the header is row 0). */
  row: number;
  reason: string;
}

export interface ImportReport extends ImportProgress {
  done: true;
  cancelled: boolean;
  /** At most the first 1000 errors; `failed` has the full count. */
  errors: ImportRowError[];
  ms: number;
}
