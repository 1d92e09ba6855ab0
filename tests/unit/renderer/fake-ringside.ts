/** A fake RingsideApi for renderer tests: vi.fn requests, events emitted through captured listeners. */
import { defaultDialPlan } from '../../../shared/dial-plan.js';
import { vi } from 'vitest';
import type { AccountView } from '../../../shared/account';
import type { CallSessionView } from '../../../shared/call-session';
import { temperatureForDirection } from '../../../shared/call-session';
import { defaultDispositions, dispositionSchema, type Campaign } from '../../../shared/campaign';
import type { AuditEntry, ComplianceDecision, ComplianceStatus, ScrubReport } from '../../../shared/compliance';
import type { EventPayloads, RequestPayload, RingsideApi, Snapshot } from '../../../shared/contract';
import type { Lead, LeadHistoryEntry, LeadRow } from '../../../shared/lead';
import type { RegistrationView } from '../../../shared/registration-state';
import type { Result } from '../../../shared/result';
import type { AgentStats, ImportPreview, WorkspaceView } from '../../../shared/workspace';
import { workspaceLead } from '../../support/workspace-lead';
import type { MediaEngine } from '../../../renderer/src/media/engine';
import type { MonitorMode, MonitorView } from '../../../shared/supervision';
import type { CrmDeliveryView, CrmStatusView } from '../../../shared/crm';
import type { LocalDataView, TeamResults, TeamStatusView, TeamTestResult, UploadReport } from '../../../shared/team';

type Listeners = { [E in keyof EventPayloads]: Set<(p: EventPayloads[E]) => void> };

export const account: AccountView = {
  server: 'wss://pbx.example.com/ws',
  aor: 'sip:agent1@example.com',
  authUser: null,
  displayName: 'Agent One',
  expires: 300,
  keepAliveSec: 15,
  iceGatheringTimeoutMs: 500,
  iceServers: [],
  iceTransportPolicy: 'all',
  autoDialLinks: false,
  secretsStorage: 'encrypted',
  problems: [],
  crm: null,
  screenPop: null,
  team: null,
  hasPassword: true,
  source: 'settings',
  dialPlan: defaultDialPlan('US'),
  trustCallerId: false,
  supervision: {
    role: 'agent',
    supervisors: [],
    team: [],
    showMonitoring: true,
    monitorVia: 'proxy',
    hasTeamSecret: false,
    featureCodes: { listen: '*222{ext}', whisper: '*223{ext}', barge: '*224{ext}' },
    heartbeatSec: 5,
    alerts: { longCallMin: 10, longWrapUpMin: 3, longPauseMin: 15 },
  },
};

export const registered: RegistrationView = { state: 'registered', aor: account.aor, error: null, retryAt: null, attempt: 0, connected: true };

export function call(overrides: Partial<CallSessionView> = {}): CallSessionView {
  const direction = overrides.direction ?? 'inbound';
  return {
    id: 'c1',
    direction,
    state: 'active',
    temperature: temperatureForDirection(direction),
    remoteUri: 'sip:alice@example.com',
    remoteName: 'Alice',
    muted: false,
    pending: null,
    createdAt: Date.now() - 30_000,
    answeredAt: Date.now() - 20_000,
    endedAt: null,
    outcome: null,
    statusCode: null,
    detail: null,
    dtmfInBand: true,
    leadId: null,
    monitor: null,
    compliance: null,
    ...overrides,
  };
}

export const idleWorkspace: WorkspaceView = {
  agent: { state: 'available', pauseReason: null, since: Date.now() - 60_000, name: 'Agent One' },
  campaignId: null,
  current: null,
  dispositionRequired: false,
  notice: null,
};

export const emptyStats: AgentStats = { day: '2026-11-27', calls: 0, connected: 0, talkSec: 0, dispositions: {}, successes: 0 };

export function lead(overrides: Partial<Lead> = {}): Lead {
  return {
    id: 7,
    campaignId: 1,
    firstName: 'Maria',
    lastName: 'Kowalska',
    company: 'Sunny Roofs',
    email: 'maria@example.com',
    street: '1 Main St',
    city: 'Austin',
    region: 'TX',
    postalCode: '78701',
    country: 'US',
    timeZone: 'America/Chicago',
    source: 'web form',
    customFields: { roofType: 'tile' },
    consentAt: null,
    inquiryAt: '2026-11-20',
    lastPurchaseAt: null,
    score: 80,
    priority: 3,
    status: 'active',
    attempts: 1,
    lastAttemptAt: Date.now() - 86_400_000,
    dueAt: null,
    phones: [
      { e164: '+15125550101', raw: '512 555 0101', label: 'mobile', bad: false },
      { e164: '+15125550102', raw: '512 555 0102', label: 'office', bad: true },
    ],
    createdAt: Date.now() - 10 * 86_400_000,
    updatedAt: Date.now() - 86_400_000,
    ...overrides,
  };
}

const history: LeadHistoryEntry[] = [
  {
    id: 1,
    at: Date.now() - 86_400_000,
    kind: 'call',
    direction: 'outbound',
    phone: '+15125550101',
    outcome: 'no-answer',
    durationSec: 0,
    disposition: null,
    note: null,
  },
  {
    id: 2,
    at: Date.now() - 86_000_000,
    kind: 'disposition',
    direction: null,
    phone: null,
    outcome: null,
    durationSec: null,
    disposition: 'No answer',
    note: 'try mornings',
  },
];

export function campaign(overrides: Partial<Campaign> = {}): Campaign {
  return {
    id: 1,
    name: 'Solar leads Q4',
    kind: 'outbound',
    script: {
      coldStart: 'intro',
      warmStart: 'warm',
      steps: [
        {
          id: 'intro',
          title: 'Introduction',
          text: 'Hello {{lead.firstName}}, this is {{agent.name}} from {{campaign.name}}.',
          answers: [
            { label: 'Interested', value: 'yes', next: 'roof' },
            { label: 'Not now', value: 'no', next: 'bye' },
          ],
          capture: 'custom.interest',
          next: null,
        },
        { id: 'warm', title: 'Warm opener', text: 'Hi {{lead.firstName}}, thanks for your inquiry.', answers: [], capture: null, next: 'roof' },
        { id: 'roof', title: 'Roof', text: 'What kind of roof do you have in {{lead.city}}?', answers: [], capture: 'custom.roofType', next: 'bye' },
        { id: 'bye', title: 'Close', text: 'Thank you for your time.', answers: [], capture: null, next: null },
      ],
    },
    dispositions: defaultDispositions.map((d) => dispositionSchema.parse(d)),
    callerId: '',
    defaultCountry: 'US',
    dialMode: 'preview',
    previewCountdownSec: 0,
    maxAttempts: 5,
    wrapUpLimitSec: 60,
    warmWindows: { inquiryDays: 90, purchaseDays: 540, consentDays: 3650 },
    ...overrides,
  };
}

export { workspaceLead };

const DAY = 86_400_000;

/** Both registries loaded, fresh, no banner, nothing in the inbox. */
export function complianceStatus(overrides: Partial<ComplianceStatus> = {}): ComplianceStatus {
  const snapshotAt = Date.now() - 3 * DAY;
  return {
    registries: [
      { name: 'US', loaded: true, snapshotAt, count: 245_000_000, ageDays: 3, stale: false },
      { name: 'CA', loaded: true, snapshotAt, count: 14_000_000, ageDays: 3, stale: false },
    ],
    maxSnapshotAgeDays: 31,
    banner: null,
    inboxDir: '/home/agent/.config/Ringside/registry-inbox',
    inboxFiles: [],
    import: null,
    auditEntries: 0,
    auditVerification: null,
    ...overrides,
  };
}

/** An allowed decision (every check passed), for a US number. */
export function allowedDecision(overrides: Partial<ComplianceDecision> = {}): ComplianceDecision {
  return {
    allowed: true,
    summary: 'Allowed: every check passed.',
    checks: [
      { rule: 'internal-dnc', outcome: 'pass', detail: 'Not on the internal Do-Not-Call list.' },
      { rule: 'registry', outcome: 'pass', detail: 'Not on the US National DNC Registry (snapshot 2026-11-24, 3 days old).' },
      { rule: 'calling-hours', outcome: 'pass', detail: 'Inside calling hours: 10:15 in America/Chicago (window 08:00–21:00).' },
    ],
    exemption: null,
    registry: 'US',
    localTimes: [{ zone: 'America/Chicago', local: '10:15', window: '08:00–21:00', inside: true }],
    ...overrides,
  };
}

/** Blocked: the number is on the US registry and no exemption applies. */
export function registryBlocked(overrides: Partial<ComplianceDecision> = {}): ComplianceDecision {
  const detail = '+15125550101 is on the US National DNC Registry (snapshot 2026-11-24) and no exemption applies.';
  return allowedDecision({
    allowed: false,
    summary: `Blocked: ${detail}`,
    checks: [
      { rule: 'internal-dnc', outcome: 'pass', detail: 'Not on the internal Do-Not-Call list.' },
      { rule: 'registry', outcome: 'block', detail },
      { rule: 'calling-hours', outcome: 'pass', detail: 'Inside calling hours: 10:15 in America/Chicago (window 08:00–21:00).' },
    ],
    ...overrides,
  });
}

/** Allowed because of an inquiry (existing business relationship). */
export function exemptDecision(overrides: Partial<ComplianceDecision> = {}): ComplianceDecision {
  const evidence = 'inquiry on 2026-11-20 (existing business relationship, 3 months)';
  return allowedDecision({
    summary: `Allowed (exempt): ${evidence}.`,
    checks: [
      { rule: 'internal-dnc', outcome: 'pass', detail: 'Not on the internal Do-Not-Call list.' },
      { rule: 'registry', outcome: 'exempt', detail: `Exempt from the US National DNC Registry: ${evidence}, valid until 2027-02-19.` },
      { rule: 'calling-hours', outcome: 'pass', detail: 'Inside calling hours: 10:15 in America/Chicago (window 08:00–21:00).' },
    ],
    exemption: { basis: 'ebr-inquiry', evidence, validUntil: '2027-02-19' },
    ...overrides,
  });
}

export function auditRows(offset: number, limit: number, total: number): { total: number; rows: AuditEntry[] } {
  const rows: AuditEntry[] = [];
  for (let i = offset; i < Math.min(total, offset + limit); i++) {
    const allowed = i % 3 !== 0;
    rows.push({
      id: total - i,
      at: Date.now() - i * 60_000,
      path: i % 2 ? 'preview' : 'manual',
      target: `+1512555${String(i).padStart(4, '0')}`,
      e164: `+1512555${String(i).padStart(4, '0')}`,
      leadId: null,
      campaignId: 1,
      allowed,
      summary: allowed ? 'Allowed: every check passed.' : 'Blocked: on the US National DNC Registry.',
      checks: '[]',
    });
  }
  return { total, rows };
}

export const scrubReport: ScrubReport = {
  campaignId: 1,
  leads: 1200,
  phones: 1500,
  allowed: 1100,
  exempt: 250,
  blocked: { internalDnc: 12, registry: 130, noRegistry: 8, total: 150 },
  durationMs: 840,
};

export function snapshotOf(overrides: Partial<Snapshot> = {}): Snapshot {
  return {
    registration: registered,
    account,
    calls: [],
    workspace: idleWorkspace,
    stats: emptyStats,
    compliance: complianceStatus(),
    board: null,
    monitor: null,
    monitored: null,
    team: soloStatus,
    crm: noCrm,
    ...overrides,
  };
}

/** An agent on its own embedded store. */
export const soloStatus: TeamStatusView = { mode: 'solo', team: null, agentId: null, where: null, state: 'up', since: null, problem: null, waiting: 0 };
/** No CRM configured. */
export const noCrm: CrmStatusView = { configured: false, disabled: null, pending: 0, dead: 0, lastDeliveredAt: null };

export function leadRows(q: RequestPayload<'lead:list'>, total: number): { total: number; rows: LeadRow[] } {
  const rows: LeadRow[] = [];
  for (let i = q.offset; i < Math.min(total, q.offset + q.limit); i++) {
    rows.push({
      id: i + 1,
      name: `Lead ${i + 1}`,
      company: `Company ${i + 1}`,
      phone: `+1512555${String(i).padStart(4, '0')}`,
      status: 'new',
      attempts: 0,
      score: i % 100,
      lastAttemptAt: null,
      dueAt: null,
    });
  }
  return { total, rows };
}

export const importPreview: ImportPreview = {
  importId: 'imp1',
  encoding: 'utf-8',
  delimiter: ';',
  headers: ['Name', 'Phone', 'Roof'],
  rows: [
    ['Maria Kowalska', '512 555 0101', 'tile'],
    ['<b>Bob</b>', 'not a phone', 'flat'],
  ],
  suggested: ['fullName', 'phone', 'ignore'],
  bytes: 120,
};

const ok = <T>(value: T): Promise<Result<T>> => Promise.resolve({ ok: true, value });

export function fakeRingside(snapshot: Snapshot = snapshotOf(), options: { leadTotal?: number; auditTotal?: number } = {}) {
  const listeners: Listeners = {
    'registration:changed': new Set(),
    'call:state-changed': new Set(),
    'call:removed': new Set(),
    'call:link-offered': new Set(),
    'account:changed': new Set(),
    'team:changed': new Set(),
    'crm:changed': new Set(),
    'crm:open-url': new Set(),
    'media:request': new Set(),
    'workspace:changed': new Set(),
    'lead:changed': new Set(),
    'stats:changed': new Set(),
    'campaigns:changed': new Set(),
    'import:progress': new Set(),
    'import:finished': new Set(),
    'compliance:changed': new Set(),
    'board:changed': new Set(),
    'monitor:changed': new Set(),
    'monitored:changed': new Set(),
  };
  const on =
    <E extends keyof EventPayloads>(event: E) =>
    (l: (p: EventPayloads[E]) => void) => {
      listeners[event].add(l);
      return () => {
        listeners[event].delete(l);
      };
    };
  const current = (id: string) => snapshot.calls.find((c) => c.id === id) ?? call({ id });
  const ws = () => snapshot.workspace;
  const api = {
    app: { ready: vi.fn(() => ok(snapshot)) },
    account: { get: vi.fn(() => ok(snapshot.account)), save: vi.fn(() => ok(account)), onChanged: vi.fn(on('account:changed')) },
    sip: {
      register: vi.fn(() => ok(registered)),
      unregister: vi.fn(() => ok(registered)),
      checkLink: vi.fn(() => ok(null)),
      onRegistrationChanged: vi.fn(on('registration:changed')),
    },
    call: {
      dial: vi.fn((target: string) =>
        ok(call({ id: 'new', direction: 'outbound', state: 'dialing', remoteUri: target, remoteName: target, answeredAt: null })),
      ),
      accept: vi.fn((id: string) => ok(current(id))),
      reject: vi.fn((id: string) => ok(current(id))),
      hangup: vi.fn((id: string) => ok(current(id))),
      hold: vi.fn((id: string) => ok(current(id))),
      mute: vi.fn((id: string) => ok(current(id))),
      dtmf: vi.fn(() => ok({ via: 'rfc4733' as const })),
      transfer: vi.fn((id: string) => ok(current(id))),
      switchTo: vi.fn((id: string) => ok(current(id))),
      redial: vi.fn((id: string) => ok(call({ ...current(id), id: 'new', direction: 'outbound', state: 'dialing', answeredAt: null }))),
      dialLink: vi.fn((url: string) => ok(call({ id: 'new', direction: 'outbound', state: 'dialing', remoteUri: url, remoteName: url, answeredAt: null }))),
      dismiss: vi.fn(() => ok(null)),
      onStateChanged: vi.fn(on('call:state-changed')),
      onRemoved: vi.fn(on('call:removed')),
      onLinkOffered: vi.fn(on('call:link-offered')),
    },
    media: { respond: vi.fn(() => ok(null)), onRequest: vi.fn(on('media:request')) },
    campaign: {
      list: vi.fn(() => ok([{ id: 1, name: 'Solar leads Q4', kind: 'outbound', dialMode: 'preview', leads: 120, due: 14 }])),
      get: vi.fn((id: number) => ok(campaign({ id }))),
      save: vi.fn((c: RequestPayload<'campaign:save'>) => ok({ ...campaign(), ...(c as Partial<Campaign>), id: c.id ?? 2 } as Campaign)),
      exportJson: vi.fn(() => ok({ json: '{}', fileName: 'campaign.json' })),
      importJson: vi.fn(() => ok(campaign({ id: 3 }))),
      onListChanged: vi.fn(on('campaigns:changed')),
    },
    lead: {
      list: vi.fn((q: RequestPayload<'lead:list'>) => ok(leadRows(q, options.leadTotal ?? 3))),
      get: vi.fn((id: number) => ok({ lead: lead({ id }), history, callbacks: [] })),
      update: vi.fn((id: number) => ok({ lead: lead({ id }), invalidPhones: [] as string[] })),
      onChanged: vi.fn(on('lead:changed')),
    },
    workspace: {
      selectCampaign: vi.fn((id: number) => ok({ ...ws(), campaignId: id })),
      next: vi.fn(() => ok(ws())),
      openLead: vi.fn((leadId: number) => ok({ ...ws(), current: workspaceLead({ leadId }) })),
      dial: vi.fn(() => ok(call({ id: 'new', direction: 'outbound', state: 'dialing', answeredAt: null, leadId: 7 }))),
      skip: vi.fn(() => ok(ws())),
      dispose: vi.fn(() => ok({ ...ws(), dispositionRequired: false })),
      capture: vi.fn((leadId: number) => ok(lead({ id: leadId }))),
      onChanged: vi.fn(on('workspace:changed')),
    },
    agent: {
      setState: vi.fn((state: 'available' | 'paused' | 'offline', reason?: string) =>
        ok({ ...ws(), agent: { ...ws().agent, state, pauseReason: reason ?? null } }),
      ),
      stats: vi.fn(() => ok(snapshot.stats)),
      onStatsChanged: vi.fn(on('stats:changed')),
    },
    importer: {
      begin: vi.fn(() => ok({ importId: 'imp1' })),
      chunk: vi.fn((_id: string, _seq: number, data: string) => ok({ received: data.length })),
      preview: vi.fn(() => ok(importPreview)),
      run: vi.fn(() => ok({ started: true as const })),
      cancel: vi.fn(() => ok(null)),
      onProgress: vi.fn(on('import:progress')),
      onFinished: vi.fn(on('import:finished')),
    },
    compliance: {
      status: vi.fn(() => ok(snapshot.compliance)),
      check: vi.fn((_q: RequestPayload<'compliance:check'>) => ok(allowedDecision())),
      importRegistry: vi.fn((r: RequestPayload<'compliance:import-registry'>) =>
        ok(
          complianceStatus({
            import: {
              registry: r.registry,
              mode: r.mode,
              phase: 'reading',
              bytesDone: 0,
              bytesTotal: 1000,
              numbers: 0,
              badLines: 0,
              badExamples: [],
              message: null,
              resumed: false,
            },
          }),
        ),
      ),
      cancelImport: vi.fn(() => ok(complianceStatus())),
      addToDnc: vi.fn((numbers: string[]) => ok({ added: numbers.length, already: 0, invalid: [] as string[] })),
      scrub: vi.fn((campaignId: number) => ok({ ...scrubReport, campaignId })),
      audit: vi.fn((offset: number, limit: number) => ok(auditRows(offset, limit, options.auditTotal ?? 3))),
      exportAudit: vi.fn((_range?: { from?: number; to?: number }) =>
        ok({ csv: 'at,path,target,allowed,summary\n1,manual,+15125550100,true,Allowed\n', fileName: 'ringside-audit.csv', rows: 1 }),
      ),
      verifyAudit: vi.fn(() => ok({ ok: true, rows: 2, keyed: 2, checkedAt: 0, message: 'All 2 audit records verify.', firstBadId: null })),
      onChanged: vi.fn(on('compliance:changed')),
    },
    board: {
      get: vi.fn(() =>
        ok(
          snapshot.board ?? {
            agents: [],
            totals: { agents: 0, onCall: 0, available: 0, calls: 0, connected: 0, talkSec: 0, successes: 0, conversion: 0 },
            history: [],
            rejected: 0,
            unverified: 0,
          },
        ),
      ),
      onChanged: vi.fn(on('board:changed')),
    },
    monitor: {
      start: vi.fn((agent: string, mode: MonitorMode) => ok<MonitorView>({ agent, mode, via: 'proxy', state: 'connecting', callId: null, detail: null })),
      setMode: vi.fn((mode: MonitorMode) =>
        ok<MonitorView>({ agent: 'sip:agent1@example.com', mode, via: 'proxy', state: 'active', callId: 'm1', detail: null }),
      ),
      stop: vi.fn(() => ok(null)),
      onChanged: vi.fn(on('monitor:changed')),
      onMonitoredChanged: vi.fn(on('monitored:changed')),
    },
    team: {
      status: vi.fn(() => ok(snapshot.team)),
      test: vi.fn(() => ok<TeamTestResult>({ server: 'PostgreSQL 15.8', schemaVersion: 0, campaigns: 0, leads: 0, login: 'agent_anna', rowSecurity: true })),
      results: vi.fn((from: number, to: number) => ok<TeamResults>({ from, to, rows: [] })),
      localData: vi.fn(() => ok<LocalDataView | null>(null)),
      upload: vi.fn(() => ok<UploadReport>({ campaignsCreated: 0, campaignsJoined: 0, leadsImported: 0, leadsMerged: 0, leadsKeptHere: 0, dncAdded: 0 })),
      onChanged: vi.fn(on('team:changed')),
    },
    crm: {
      status: vi.fn(() => ok(snapshot.crm)),
      deadLetters: vi.fn(() => ok<{ total: number; rows: CrmDeliveryView[] }>({ total: 0, rows: [] })),
      retry: vi.fn(() => ok(snapshot.crm)),
      enable: vi.fn(() => ok(snapshot.crm)),
      screenPop: vi.fn((_leadId?: number) => ok({ url: 'https://crm.example.com/leads/1' })),
      onChanged: vi.fn(on('crm:changed')),
      onOpenUrl: vi.fn(on('crm:open-url')),
    },
  } satisfies RingsideApi;
  const emit = <E extends keyof EventPayloads>(event: E, payload: EventPayloads[E]) => {
    for (const l of listeners[event]) l(payload);
  };
  const listenerCount = () => Object.values(listeners).reduce((n, s) => n + s.size, 0);
  return { api, emit, listenerCount };
}

export function fakeMedia(): MediaEngine {
  const media = {
    remoteStream: () => null,
    onStreamsChanged: () => () => undefined,
    rtpStats: () => Promise.resolve(null),
    dispose: () => undefined,
  };
  return media;
}

/** The US pack, as main names it on a decision. */
export const usPack = { id: 'US', name: 'United States: Telemarketing Sales Rule and TCPA', source: '16 CFR 310.4(b)(1)(iii)(B); 47 CFR 64.1200(c)' };

/** Blocked: "9 1 212 555 0199" reaches +1 212 555 0199 through the outside line, and that number is on the registry. */
export function prefixBlocked(overrides: Partial<ComplianceDecision> = {}): ComplianceDecision {
  const detail = '+12125550199 is on the US National DNC Registry (snapshot 2026-11-24) and no exemption applies.';
  return registryBlocked({
    summary: `Blocked: ${detail}`,
    checks: [
      { rule: 'target', outcome: 'pass', detail: 'Reaches +1 212 555 0199 (outside-line prefix 9, national form in US).' },
      { rule: 'internal-dnc', outcome: 'pass', detail: 'Not on the internal Do-Not-Call list.' },
      { rule: 'registry', outcome: 'block', detail },
      { rule: 'calling-hours', outcome: 'pass', detail: 'Inside calling hours: 10:15 in America/New_York (window 08:00–21:00).' },
    ],
    pack: usPack,
    target: {
      input: '9 1 212 555 0199',
      uri: 'sip:912125550199@example.com',
      readings: [
        {
          kind: 'number',
          e164: '+12125550199',
          label: '+1 212 555 0199',
          via: ['outside-line prefix 9', 'national form in US'],
          allowed: false,
          summary: `Blocked: ${detail}`,
        },
      ],
    },
    ...overrides,
  });
}

/** Blocked: the gate cannot tell which telephone number the target reaches. */
export function unreadableBlocked(input = '*99#1234'): ComplianceDecision {
  const detail = 'Can’t tell which telephone number this reaches — dial it in international form, +CC…';
  return {
    allowed: false,
    summary: `Blocked: ${detail}`,
    checks: [{ rule: 'target', outcome: 'block', detail }],
    exemption: null,
    registry: null,
    localTimes: [],
    pack: null,
    target: { input, uri: null, readings: [] },
  };
}

/** Allowed: an internal extension (no telemarketing rules apply). */
export function extensionAllowed(ext = '1001'): ComplianceDecision {
  const detail = `extension ${ext} — internal, no telemarketing rules apply`;
  return {
    allowed: true,
    summary: `Allowed: ${detail}.`,
    checks: [{ rule: 'target', outcome: 'pass', detail }],
    exemption: null,
    registry: null,
    localTimes: [],
    pack: null,
    target: {
      input: ext,
      uri: `sip:${ext}@example.com`,
      readings: [
        { kind: 'extension', e164: null, label: `extension ${ext}`, via: ['extension pattern 3–5 digits'], allowed: true, summary: `Allowed: ${detail}.` },
      ],
    },
  };
}
