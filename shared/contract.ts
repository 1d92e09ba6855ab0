/**
 * The one IPC contract between the main process and renderers. Every request channel maps to a
 * zod schema for its payload (validated in main, whatever the transport) and a result type;
 * every event channel maps to its payload type. Channels are `domain:verb` / `domain:event`.
 */
import { z } from 'zod';
import { accountSchema, type AccountView } from './account.js';
import { campaignSchema, capturableFields, type Campaign } from './campaign.js';
import { leadPatchSchema, leadStatuses, type Callback, type Lead, type LeadHistoryEntry, type LeadRow } from './lead.js';
import { leadFields, type AgentStats, type CampaignSummary, type ImportPreview, type ImportProgress, type ImportReport, type WorkspaceView } from './workspace.js';
import type { CallSessionView } from './call-session.js';
import { monitorModes, type BoardView, type MonitorMode, type MonitoredView, type MonitorView } from './supervision.js';
import { registryNames, type AuditEntry, type ComplianceDecision, type ComplianceStatus, type RegistryName, type ScrubReport } from './compliance.js';
import type { RegistrationView } from './registration-state.js';
import type { Result } from './result.js';

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);
const empty = z.object({}).strict();

/** Media operations main asks of the renderer's media engine (one RTCPeerConnection per call). */
export type MediaOp =
  | { op: 'get-description'; hold: boolean; iceServers: RTCIceServerLike[]; iceTimeoutMs: number }
  | { op: 'set-description'; sdp: string; hold: boolean; iceServers: RTCIceServerLike[]; iceTimeoutMs: number }
  | { op: 'send-dtmf'; tones: string; durationMs: number; gapMs: number }
  | { op: 'set-mute'; muted: boolean }
  /** Undo an offer the far end rejected (e.g. a hold re-INVITE answered 491). */
  | { op: 'rollback' }
  /**
   * Agent side of a monitoring call (this session): mix with the customer call `target` —
   * the supervisor gets agent + customer; the agent hears the supervisor in whisper/barge; the
   * customer hears the supervisor only in barge. Sent again on every mode change.
   */
  | { op: 'monitor-mix'; target: string; mode: MonitorMode }
  | { op: 'close' };

export interface RTCIceServerLike {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/** What the media engine answers per op. */
export interface MediaReplies {
  'get-description': { sdp: string; dtmfInBand: boolean; direction: string | null };
  /** For a remote offer the engine answers at once (`answer`), saving sip.js's next round trip. */
  'set-description': { dtmfInBand: boolean; direction: string | null; answer: string | null };
  'send-dtmf': { sent: boolean };
  'set-mute': { muted: boolean };
  rollback: Record<string, never>;
  'monitor-mix': { mode: MonitorMode };
  close: Record<string, never>;
}

export type MediaRequest = MediaOp & { requestId: string; sessionId: string };

export const mediaRespondSchema = z.discriminatedUnion('ok', [
  z.object({ requestId: id, ok: z.literal(true), value: z.record(z.string(), z.unknown()) }).strict(),
  z.object({ requestId: id, ok: z.literal(false), message: z.string().max(1000) }).strict(),
]);

/** Everything a renderer needs to draw itself after (re)loading. */
export interface Snapshot {
  registration: RegistrationView;
  account: AccountView | null;
  calls: CallSessionView[];
  workspace: WorkspaceView;
  stats: AgentStats;
  compliance: ComplianceStatus;
  /** The live board (supervisor role), else null. */
  board: BoardView | null;
  /** This supervisor's monitoring session, if any. */
  monitor: MonitorView | null;
  /** Who monitors this agent now (only when the agent may see it). */
  monitored: MonitoredView | null;
}

const leadId = z.number().int().positive();
const customColumn = z.custom<`custom:${string}`>((v) => typeof v === 'string' && /^custom:[A-Za-z0-9_ -]{1,40}$/.test(v), 'a custom field is custom:<name> (letters, digits, space, _ or -; at most 40)');
const columnTarget = z.union([z.enum(leadFields), z.literal('ignore'), customColumn]);
/** A local date-time as the agent picked it, in the lead's zone: 2026-11-27T14:30. */
const localDateTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'use YYYY-MM-DDTHH:mm');

export const requestSchemas = {
  /** The renderer is listening: main flushes queued events, then answers with a snapshot. */
  'app:ready': z.object({ media: z.boolean() }).strict(),
  'account:get': empty,
  'account:save': accountSchema.strict(),
  'sip:register': empty,
  'sip:unregister': empty,
  'call:dial': z.object({ target: z.string().max(512) }).strict(),
  'call:accept': z.object({ id }).strict(),
  'call:reject': z.object({ id }).strict(),
  'call:hangup': z.object({ id }).strict(),
  'call:hold': z.object({ id, hold: z.boolean() }).strict(),
  'call:mute': z.object({ id, muted: z.boolean() }).strict(),
  'call:dtmf': z.object({ id, tones: z.string().regex(/^[0-9A-Da-d*#,]{1,64}$/, 'DTMF tones are 0-9, A-D, * and #') }).strict(),
  'call:transfer': z.object({ id, target: z.string().max(512) }).strict(),
  /** Make this call the one we talk on: hold every other active call, unhold this one. */
  'call:switch': z.object({ id }).strict(),
  /** Call the other party of an ended call again (through the gate, with that call's lead). */
  'call:redial': z.object({ id }).strict(),
  /** A tel: or sip: link (clicked in another app, or handed over by the OS): through the gate like any dial. */
  'call:dial-link': z.object({ url: z.string().min(4).max(512).regex(/^(tel|sips?):/i, 'only tel: and sip: links') }).strict(),
  'call:dismiss': z.object({ id }).strict(),
  'media:respond': mediaRespondSchema,

  'campaign:list': empty,
  'campaign:get': z.object({ id: leadId }).strict(),
  'campaign:save': campaignSchema,
  'campaign:export': z.object({ id: leadId }).strict(),
  'campaign:import': z.object({ json: z.string().max(1_000_000) }).strict(),

  'lead:list': z.object({ campaignId: leadId, offset: z.number().int().min(0), limit: z.number().int().min(1).max(500), search: z.string().max(100).optional(), status: z.enum(leadStatuses).optional() }).strict(),
  'lead:get': z.object({ id: leadId }).strict(),
  'lead:update': z.object({ id: leadId, patch: leadPatchSchema }).strict(),

  /** Work on this campaign (its queue feeds preview/progressive dialling). */
  'workspace:select-campaign': z.object({ id: leadId }).strict(),
  /** Put the next lead from the queue on screen (preview). */
  'workspace:next': empty,
  /** Put a lead picked from the list on screen. */
  'workspace:open-lead': z.object({ leadId }).strict(),
  /** Call the lead on screen (phone by index). */
  'workspace:dial': z.object({ phoneIndex: z.number().int().min(0).max(9).default(0) }).strict(),
  /** Skip the previewed lead without calling it. */
  'workspace:skip': empty,
  /** Record the disposition of the lead on screen; durable before this answers. */
  'workspace:dispose': z
    .object({
      code: z.string().min(1).max(40),
      note: z.string().max(2000).default(''),
      callback: z.object({ at: localDateTime, timeZone: z.string().min(1).max(64) }).strict().optional(),
    })
    .strict(),
  /** A script answer captured into the lead. */
  // Only the fields a script may fill: never evidence (consent, inquiry) the compliance gate reads.
  'workspace:capture': z
    .object({ leadId, field: z.string().max(48).refine((f) => (capturableFields as readonly string[]).includes(f) || /^custom\.[A-Za-z0-9_ -]{1,40}$/.test(f), 'not a field a script answer can fill'), value: z.string().max(2000) })
    .strict(),
  'agent:set-state': z.object({ state: z.enum(['available', 'paused', 'offline']), reason: z.string().max(60).optional() }).strict(),
  'agent:stats': empty,

  /** CSV import: the file is streamed in chunks (base64), previewed, mapped, then run in a worker. */
  'import:begin': z.object({ fileName: z.string().min(1).max(255), size: z.number().int().min(1).max(2_000_000_000) }).strict(),
  'import:chunk': z.object({ importId: id, seq: z.number().int().min(0), data: z.string().max(2_800_000) }).strict(),
  'import:preview': z.object({ importId: id }).strict(),
  'import:run': z.object({ importId: id, campaignId: leadId, mapping: z.array(columnTarget).max(200), duplicates: z.enum(['merge', 'skip']) }).strict(),
  'import:cancel': z.object({ importId: id }).strict(),

  /** Registries, snapshot ages, the banner, the import in progress. */
  'compliance:status': empty,
  /** What the gate would decide for a target now (the "why allowed/blocked" card); not dialled, not logged. */
  'compliance:check': z.union([z.object({ target: z.string().min(1).max(512) }).strict(), z.object({ leadId, phoneIndex: z.number().int().min(0).max(9) }).strict()]),
  /** Import registry files from the inbox folder (names only, no paths). */
  'compliance:import-registry': z
    .object({
      registry: z.enum(registryNames as [RegistryName, ...RegistryName[]]),
      mode: z.enum(['full', 'changes']),
      files: z.array(z.object({ name: z.string().min(1).max(255).regex(/^[^/\\\0]+$/, 'a file name, not a path').refine((n) => n !== '.' && n !== '..', 'a file name'), kind: z.enum(['full', 'changes', 'additions', 'deletions']) }).strict()).min(1).max(2000),
      /** The day the files were downloaded from the registry (YYYY-MM-DD); defaults to the files' dates. */
      snapshotDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
    })
    .strict(),
  'compliance:cancel-import': empty,
  /** Add numbers to the internal Do-Not-Call list by hand or from a pasted list. */
  'compliance:dnc-add': z.object({ numbers: z.array(z.string().trim().min(1).max(40)).min(1).max(100_000), source: z.enum(['manual', 'import']) }).strict(),
  /** Scrub a campaign's leads against the internal list and the registries; marks blocked leads. */
  'compliance:scrub': z.object({ campaignId: leadId }).strict(),
  /** The audit log, newest first. */
  'compliance:audit': z.object({ offset: z.number().int().min(0), limit: z.number().int().min(1).max(500) }).strict(),
  /** The whole audit log (or a period) as CSV. */
  'compliance:audit-export': z.object({ from: z.number().int().min(0).optional(), to: z.number().int().min(0).optional() }).strict(),

  /** Supervisor: the live board. */
  'board:get': empty,
  /** Supervisor: start monitoring an agent's current call (proxy call or PBX feature code). */
  'monitor:start': z.object({ agent: z.string().min(5).max(256).regex(/^sips?:[^\s@]+@[^\s@]+$/), mode: z.enum(monitorModes) }).strict(),
  /** Switch listen / whisper / barge within the same session. */
  'monitor:set-mode': z.object({ mode: z.enum(monitorModes) }).strict(),
  'monitor:stop': empty,
} as const;

export type RequestChannel = keyof typeof requestSchemas;
export type RequestPayload<C extends RequestChannel> = z.input<(typeof requestSchemas)[C]>;
/** A request's payload as main's handlers receive it: validated and parsed by its schema. */
export type RequestData<C extends RequestChannel> = z.output<(typeof requestSchemas)[C]>;

export interface RequestResults {
  'app:ready': Snapshot;
  'account:get': AccountView | null;
  'account:save': AccountView;
  'sip:register': RegistrationView;
  'sip:unregister': RegistrationView;
  'call:dial': CallSessionView;
  'call:accept': CallSessionView;
  'call:reject': CallSessionView;
  'call:hangup': CallSessionView;
  'call:hold': CallSessionView;
  'call:mute': CallSessionView;
  'call:dtmf': { via: 'rfc4733' | 'sip-info' };
  'call:transfer': CallSessionView;
  'call:switch': CallSessionView;
  'call:redial': CallSessionView;
  'call:dial-link': CallSessionView;
  'call:dismiss': null;
  'media:respond': null;
  'campaign:list': CampaignSummary[];
  'campaign:get': Campaign;
  'campaign:save': Campaign;
  'campaign:export': { json: string; fileName: string };
  'campaign:import': Campaign;
  'lead:list': { total: number; rows: LeadRow[] };
  'lead:get': { lead: Lead; history: LeadHistoryEntry[]; callbacks: Callback[] };
  'lead:update': { lead: Lead; invalidPhones: string[] };
  'workspace:select-campaign': WorkspaceView;
  'workspace:next': WorkspaceView;
  'workspace:open-lead': WorkspaceView;
  'workspace:dial': CallSessionView;
  'workspace:skip': WorkspaceView;
  'workspace:dispose': WorkspaceView;
  'workspace:capture': Lead;
  'agent:set-state': WorkspaceView;
  'agent:stats': AgentStats;
  'import:begin': { importId: string };
  'import:chunk': { received: number };
  'import:preview': ImportPreview;
  'import:run': { started: true };
  'import:cancel': null;
  'compliance:status': ComplianceStatus;
  'compliance:check': ComplianceDecision;
  'compliance:import-registry': ComplianceStatus;
  'compliance:cancel-import': ComplianceStatus;
  'compliance:dnc-add': { added: number; already: number; invalid: string[] };
  'compliance:scrub': ScrubReport;
  'compliance:audit': { total: number; rows: AuditEntry[] };
  'compliance:audit-export': { csv: string; fileName: string; rows: number };
  'board:get': BoardView;
  'monitor:start': MonitorView;
  'monitor:set-mode': MonitorView;
  'monitor:stop': null;
}

export interface EventPayloads {
  'registration:changed': RegistrationView;
  'call:state-changed': CallSessionView;
  'call:removed': { id: string };
  'account:changed': AccountView | null;
  'media:request': MediaRequest;
  'workspace:changed': WorkspaceView;
  'lead:changed': Lead;
  'stats:changed': AgentStats;
  'campaigns:changed': CampaignSummary[];
  'import:progress': ImportProgress;
  'import:finished': ImportReport;
  'compliance:changed': ComplianceStatus;
  'board:changed': BoardView;
  'monitor:changed': MonitorView | null;
  'monitored:changed': MonitoredView | null;
}
export type EventChannel = keyof EventPayloads;
export const eventChannels: readonly EventChannel[] = [
  'registration:changed', 'call:state-changed', 'call:removed', 'account:changed', 'media:request',
  'workspace:changed', 'lead:changed', 'stats:changed', 'campaigns:changed', 'import:progress', 'import:finished',
  'compliance:changed', 'board:changed', 'monitor:changed', 'monitored:changed',
];

export function isRequestChannel(channel: unknown): channel is RequestChannel {
  return typeof channel === 'string' && Object.prototype.hasOwnProperty.call(requestSchemas, channel);
}

/** Transport-neutral calls; both the preload and the browser bridge build the API from these. */
export type Invoke = <C extends RequestChannel>(channel: C, payload: RequestPayload<C>) => Promise<Result<RequestResults[C]>>;
export type Subscribe = <E extends EventChannel>(channel: E, listener: (payload: EventPayloads[E]) => void) => () => void;

/** The grouped, typed API a renderer sees as `window.ringside` (never raw IPC). */
export interface RingsideApi {
  app: { ready(media: boolean): Promise<Result<Snapshot>> };
  account: {
    get(): Promise<Result<AccountView | null>>;
    save(account: z.input<typeof accountSchema>): Promise<Result<AccountView>>;
    onChanged(listener: (a: AccountView | null) => void): () => void;
  };
  sip: {
    register(): Promise<Result<RegistrationView>>;
    unregister(): Promise<Result<RegistrationView>>;
    onRegistrationChanged(listener: (r: RegistrationView) => void): () => void;
  };
  call: {
    dial(target: string): Promise<Result<CallSessionView>>;
    accept(id: string): Promise<Result<CallSessionView>>;
    reject(id: string): Promise<Result<CallSessionView>>;
    hangup(id: string): Promise<Result<CallSessionView>>;
    hold(id: string, hold: boolean): Promise<Result<CallSessionView>>;
    mute(id: string, muted: boolean): Promise<Result<CallSessionView>>;
    dtmf(id: string, tones: string): Promise<Result<{ via: 'rfc4733' | 'sip-info' }>>;
    transfer(id: string, target: string): Promise<Result<CallSessionView>>;
    switchTo(id: string): Promise<Result<CallSessionView>>;
    redial(id: string): Promise<Result<CallSessionView>>;
    dialLink(url: string): Promise<Result<CallSessionView>>;
    dismiss(id: string): Promise<Result<null>>;
    onStateChanged(listener: (c: CallSessionView) => void): () => void;
    onRemoved(listener: (e: { id: string }) => void): () => void;
  };
  media: {
    respond(reply: z.input<typeof mediaRespondSchema>): Promise<Result<null>>;
    onRequest(listener: (r: MediaRequest) => void): () => void;
  };
  campaign: {
    list(): Promise<Result<CampaignSummary[]>>;
    get(id: number): Promise<Result<Campaign>>;
    save(campaign: z.input<typeof campaignSchema>): Promise<Result<Campaign>>;
    exportJson(id: number): Promise<Result<{ json: string; fileName: string }>>;
    importJson(json: string): Promise<Result<Campaign>>;
    onListChanged(listener: (c: CampaignSummary[]) => void): () => void;
  };
  lead: {
    list(q: RequestPayload<'lead:list'>): Promise<Result<{ total: number; rows: LeadRow[] }>>;
    get(id: number): Promise<Result<{ lead: Lead; history: LeadHistoryEntry[]; callbacks: Callback[] }>>;
    update(id: number, patch: z.input<typeof leadPatchSchema>): Promise<Result<{ lead: Lead; invalidPhones: string[] }>>;
    onChanged(listener: (l: Lead) => void): () => void;
  };
  workspace: {
    selectCampaign(id: number): Promise<Result<WorkspaceView>>;
    next(): Promise<Result<WorkspaceView>>;
    openLead(leadId: number): Promise<Result<WorkspaceView>>;
    dial(phoneIndex?: number): Promise<Result<CallSessionView>>;
    skip(): Promise<Result<WorkspaceView>>;
    dispose(d: RequestPayload<'workspace:dispose'>): Promise<Result<WorkspaceView>>;
    capture(leadId: number, field: string, value: string): Promise<Result<Lead>>;
    onChanged(listener: (w: WorkspaceView) => void): () => void;
  };
  agent: {
    setState(state: 'available' | 'paused' | 'offline', reason?: string): Promise<Result<WorkspaceView>>;
    stats(): Promise<Result<AgentStats>>;
    onStatsChanged(listener: (s: AgentStats) => void): () => void;
  };
  importer: {
    begin(fileName: string, size: number): Promise<Result<{ importId: string }>>;
    chunk(importId: string, seq: number, data: string): Promise<Result<{ received: number }>>;
    preview(importId: string): Promise<Result<ImportPreview>>;
    run(r: RequestPayload<'import:run'>): Promise<Result<{ started: true }>>;
    cancel(importId: string): Promise<Result<null>>;
    onProgress(listener: (p: ImportProgress) => void): () => void;
    onFinished(listener: (r: ImportReport) => void): () => void;
  };
  compliance: {
    status(): Promise<Result<ComplianceStatus>>;
    check(q: RequestPayload<'compliance:check'>): Promise<Result<ComplianceDecision>>;
    importRegistry(r: RequestPayload<'compliance:import-registry'>): Promise<Result<ComplianceStatus>>;
    cancelImport(): Promise<Result<ComplianceStatus>>;
    addToDnc(numbers: string[], source: 'manual' | 'import'): Promise<Result<{ added: number; already: number; invalid: string[] }>>;
    scrub(campaignId: number): Promise<Result<ScrubReport>>;
    audit(offset: number, limit: number): Promise<Result<{ total: number; rows: AuditEntry[] }>>;
    exportAudit(range?: { from?: number; to?: number }): Promise<Result<{ csv: string; fileName: string; rows: number }>>;
    onChanged(listener: (s: ComplianceStatus) => void): () => void;
  };
  board: {
    get(): Promise<Result<BoardView>>;
    onChanged(listener: (b: BoardView) => void): () => void;
  };
  monitor: {
    start(agent: string, mode: MonitorMode): Promise<Result<MonitorView>>;
    setMode(mode: MonitorMode): Promise<Result<MonitorView>>;
    stop(): Promise<Result<null>>;
    onChanged(listener: (m: MonitorView | null) => void): () => void;
    /** Agent side: being monitored (only when the agent may see it). */
    onMonitoredChanged(listener: (m: MonitoredView | null) => void): () => void;
  };
}

/** Builds the named API over any transport. */
export function createRingsideApi(invoke: Invoke, subscribe: Subscribe): RingsideApi {
  return {
    app: { ready: (media) => invoke('app:ready', { media }) },
    account: {
      get: () => invoke('account:get', {}),
      save: (account) => invoke('account:save', account),
      onChanged: (l) => subscribe('account:changed', l),
    },
    sip: {
      register: () => invoke('sip:register', {}),
      unregister: () => invoke('sip:unregister', {}),
      onRegistrationChanged: (l) => subscribe('registration:changed', l),
    },
    call: {
      dial: (target) => invoke('call:dial', { target }),
      accept: (id) => invoke('call:accept', { id }),
      reject: (id) => invoke('call:reject', { id }),
      hangup: (id) => invoke('call:hangup', { id }),
      hold: (id, hold) => invoke('call:hold', { id, hold }),
      mute: (id, muted) => invoke('call:mute', { id, muted }),
      dtmf: (id, tones) => invoke('call:dtmf', { id, tones }),
      transfer: (id, target) => invoke('call:transfer', { id, target }),
      switchTo: (id) => invoke('call:switch', { id }),
      redial: (id) => invoke('call:redial', { id }),
      dialLink: (url) => invoke('call:dial-link', { url }),
      dismiss: (id) => invoke('call:dismiss', { id }),
      onStateChanged: (l) => subscribe('call:state-changed', l),
      onRemoved: (l) => subscribe('call:removed', l),
    },
    media: {
      respond: (reply) => invoke('media:respond', reply),
      onRequest: (l) => subscribe('media:request', l),
    },
    campaign: {
      list: () => invoke('campaign:list', {}),
      get: (id) => invoke('campaign:get', { id }),
      save: (campaign) => invoke('campaign:save', campaign),
      exportJson: (id) => invoke('campaign:export', { id }),
      importJson: (json) => invoke('campaign:import', { json }),
      onListChanged: (l) => subscribe('campaigns:changed', l),
    },
    lead: {
      list: (q) => invoke('lead:list', q),
      get: (id) => invoke('lead:get', { id }),
      update: (id, patch) => invoke('lead:update', { id, patch }),
      onChanged: (l) => subscribe('lead:changed', l),
    },
    workspace: {
      selectCampaign: (id) => invoke('workspace:select-campaign', { id }),
      next: () => invoke('workspace:next', {}),
      openLead: (leadId) => invoke('workspace:open-lead', { leadId }),
      dial: (phoneIndex = 0) => invoke('workspace:dial', { phoneIndex }),
      skip: () => invoke('workspace:skip', {}),
      dispose: (d) => invoke('workspace:dispose', d),
      capture: (leadId, field, value) => invoke('workspace:capture', { leadId, field, value }),
      onChanged: (l) => subscribe('workspace:changed', l),
    },
    agent: {
      setState: (state, reason) => invoke('agent:set-state', reason === undefined ? { state } : { state, reason }),
      stats: () => invoke('agent:stats', {}),
      onStatsChanged: (l) => subscribe('stats:changed', l),
    },
    importer: {
      begin: (fileName, size) => invoke('import:begin', { fileName, size }),
      chunk: (importId, seq, data) => invoke('import:chunk', { importId, seq, data }),
      preview: (importId) => invoke('import:preview', { importId }),
      run: (r) => invoke('import:run', r),
      cancel: (importId) => invoke('import:cancel', { importId }),
      onProgress: (l) => subscribe('import:progress', l),
      onFinished: (l) => subscribe('import:finished', l),
    },
    compliance: {
      status: () => invoke('compliance:status', {}),
      check: (q) => invoke('compliance:check', q),
      importRegistry: (r) => invoke('compliance:import-registry', r),
      cancelImport: () => invoke('compliance:cancel-import', {}),
      addToDnc: (numbers, source) => invoke('compliance:dnc-add', { numbers, source }),
      scrub: (campaignId) => invoke('compliance:scrub', { campaignId }),
      audit: (offset, limit) => invoke('compliance:audit', { offset, limit }),
      exportAudit: (range) => invoke('compliance:audit-export', range ?? {}),
      onChanged: (l) => subscribe('compliance:changed', l),
    },
    board: {
      get: () => invoke('board:get', {}),
      onChanged: (l) => subscribe('board:changed', l),
    },
    monitor: {
      start: (agent, mode) => invoke('monitor:start', { agent, mode }),
      setMode: (mode) => invoke('monitor:set-mode', { mode }),
      stop: () => invoke('monitor:stop', {}),
      onChanged: (l) => subscribe('monitor:changed', l),
      onMonitoredChanged: (l) => subscribe('monitored:changed', l),
    },
  };
}

/** Browser transport frames (loopback WebSocket), same contract. */
export type WireFrame =
  | { kind: 'request'; id: number; channel: string; payload: unknown }
  | { kind: 'response'; id: number; result: Result<unknown> }
  | { kind: 'event'; channel: EventChannel; payload: unknown };
