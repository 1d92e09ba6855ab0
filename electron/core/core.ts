/**
 * The main-process core: SIP account, registration, calls and the media bridge, behind the one
 * IPC contract. Plain Node (no `electron` import): the Electron shell and the browser-mode
 * server both hand it renderer connections, and tests drive it directly.
 */
import { randomUUID } from 'node:crypto';
import type { Account, AccountView } from '../../shared/account.js';
import type { CallSessionView } from '../../shared/call-session.js';
import { isRequestChannel, requestSchemas, type RequestChannel, type RequestPayload, type RequestResults, type Snapshot } from '../../shared/contract.js';
import type { RegistrationView } from '../../shared/registration-state.js';
import { fail, ok, RingsideError, type Result } from '../../shared/result.js';
import type { AccountStore, StoredAccount } from './account-store.js';
import type { BackoffOptions } from './backoff.js';
import { CallManager } from './call-manager.js';
import { drop } from './drop.js';
import { EventHub, type PeerSink } from './event-hub.js';
import { MediaBridge } from './media-bridge.js';
import { ProxySessionDescriptionHandler } from './proxy-sdh.js';
import { SipClient, type Logger } from './sip-client.js';
import { campaignSchema, type CampaignInput } from '../../shared/campaign.js';
import { normalisePhone } from '../../shared/phone.js';
import type { LeadPatch } from '../../shared/lead.js';
import type { LeadChanges, Store } from './data/repositories.js';
import { ComplianceService } from './compliance/compliance-service.js';
import { DialPolicy } from './compliance/dial-policy.js';
import { callerIdVerified } from './caller-id.js';
import type { CompliancePolicy } from '../../shared/compliance.js';
import { aorDomain } from '../../shared/account.js';
import { dirname } from 'node:path';
import { cachedTimeZone } from './data/time-zone.js';
import { WorkspaceService } from './workspace/workspace-service.js';
import { CsvFormatError, previewCsv } from './import/csv-import.js';
import { runImportInWorker } from './import/import-runner.js';
import { ImportUploads, UploadError } from './import/upload.js';
import type { ColumnTarget } from '../../shared/workspace.js';
import { BoardService } from './supervision/board-service.js';
import { sameIdentity } from './supervision/team-auth.js';
import { answerSipMessage } from './supervision/message-inbox.js';
import { PresencePublisher } from './supervision/presence-publisher.js';
import { sendSipMessage } from './supervision/sip-message.js';
import { MonitorService } from './supervision/monitor-service.js';
import { MonitoredService } from './supervision/monitored-service.js';
import { MONITOR_AUTH_HEADER, MONITOR_HEADER } from '../../shared/supervision.js';

export interface CoreDeps {
  accounts: AccountStore;
  /** Domain data (campaigns, leads, calls, dispositions, DNC). */
  store: Store;
  /** The SQLite file behind `store`, for the import worker's own connection. */
  dbPath?: string;
  log?: Logger;
  backoff?: BackoffOptions;
  mediaTimeoutMs?: number;
  /** Register as soon as an account is known (default true). */
  autoRegister?: boolean;
  /** Folder for registry indexes and the registry inbox; defaults to the database's folder. */
  dataDir?: string | null;
  /** The clock the compliance gate decides by (tests pin it). */
  now?: () => number;
  compliancePolicy?: CompliancePolicy;
}

/** One renderer's connection to the core. */
export interface CoreConnection {
  /** Validates and runs one request; never throws. */
  handle(channel: unknown, payload: unknown): Promise<Result<unknown>>;
  close(): void;
}

export interface Core {
  start(): Promise<void>;
  stop(): Promise<void>;
  connect(sink: PeerSink): CoreConnection;
  snapshot(): Snapshot;
  /** A tel:/sip: link handed over by the operating system: dialled through the gate like any other. */
  dialLink(url: string): Promise<Result<CallSessionView>>;
  /** Reconnect and re-register now (e.g. after the computer wakes up), if registration is wanted. */
  reconnect(): Promise<void>;
  /** For tests and benchmarks in the same process. */
  readonly calls: CallManager;
  readonly workspace: WorkspaceService;
  readonly registration: RegistrationView;
}

const consoleLog: Logger = {
  info: (m) => console.log(`[ringside] ${m}`),
  warn: (m, e) => console.warn(`[ringside] ${m}`, e instanceof Error ? e.message : (e ?? '')),
};

export function createCore(deps: CoreDeps): Core {
  const log = deps.log ?? consoleLog;
  const hub = new EventHub();
  const bridge = new MediaBridge({ send: (request) => hub.emit('media:request', request) }, deps.mediaTimeoutMs);
  let stored: StoredAccount | null = null;
  let sip: SipClient | null = null;
  let started = false;
  let registration: RegistrationView = { state: 'unregistered', aor: null, error: null, retryAt: null, attempt: 0, connected: false };
  /** Live board: this agent's state to its supervisors; the team's state on a supervisor's board. */
  let presence: PresencePublisher | null = null;
  let board: BoardService | null = null;

  const { store } = deps;
  const uploads = new ImportUploads();
  const imports = new Map<string, AbortController>();
  let workspace: WorkspaceService;
  const compliance = new ComplianceService({
    store,
    dataDir: deps.dataDir !== undefined ? deps.dataDir : deps.dbPath ? dirname(deps.dbPath) : null,
    currentCampaignId: () => workspace?.selectedCampaignId ?? null,
    defaultCountry: () => (workspace?.selectedCampaignId ? store.campaigns.get(workspace.selectedCampaignId)?.defaultCountry : null) ?? 'US',
    emit: (status) => hub.emit('compliance:changed', status),
    log,
    now: deps.now,
    policy: deps.compliancePolicy,
    dbPath: deps.dbPath ?? null,
  });
  compliance.init();
  const policy = new DialPolicy({
    compliance,
    store,
    account: () => {
      if (!stored) return null;
      const a = stored.account;
      const codes = a.supervision.featureCodes;
      return { dialPlan: a.dialPlan, domain: aorDomain(a.aor), team: [...a.supervision.team, ...a.supervision.supervisors], monitorCodes: [codes.listen, codes.whisper, codes.barge] };
    },
    currentCampaignId: () => workspace?.selectedCampaignId ?? null,
    dispositionRequired: () => workspace?.awaitingDisposition ?? false,
  });
  const calls: CallManager = new CallManager({
    line: () => (sip && stored ? { ua: sip.ua, isRegistered: sip.isRegistered, aor: stored.account.aor } : null),
    // The one gate: every dial and transfer target, whatever path it came by, is decided and logged.
    gate: (target, context) => policy.decide({ target, path: context.path ?? 'manual', leadId: context.leadId }),
    // A caller counts as an inquiry only when the server vouches for the caller ID.
    identify: (uri, name, pai) => workspace.identify(uri, name, Boolean(stored?.account.trustCallerId) || callerIdVerified(pai)),
    // Monitoring requests are decided before anything rings.
    screen: (invitation) =>
      monitored.screen({
        mode: invitation.request.getHeader(MONITOR_HEADER),
        auth: invitation.request.getHeader(MONITOR_AUTH_HEADER),
        pai: invitation.request.getHeader('P-Asserted-Identity'),
        from: invitation.remoteIdentity.uri.toString(),
      }),
    info: (view, contentType, body) => monitored.onInfo(view, contentType, body),
    onChange: (view) => {
      hub.emit('call:state-changed', view);
      monitors.onCall(view);
      monitored.onCall(view);
      // A monitoring call is not a customer call: no lead, no disposition, no statistics.
      if (view.monitor) return;
      try {
        workspace.onCall(view);
      } catch (error) {
        // The call itself must go on whatever the workspace thinks of it.
        log.warn('workspace could not follow the call', error);
      }
    },
    onRemoved: (id) => hub.emit('call:removed', { id }),
    log,
    newId: () => randomUUID(),
  });

  workspace = new WorkspaceService({
    store,
    check: (leadId, e164) => policy.preview({ target: e164, path: 'preview', leadId }).permit.decision,
    dial: (target, context) => calls.dial(target, context),
    liveCalls: () => calls.list().filter((c) => c.state !== 'ended' && !c.monitor),
    emit: (channel, payload) => hub.emit(channel, payload),
    registered: () => registration.state === 'registered',
    agentName: () => stored?.account.displayName || (stored ? stored.account.aor.replace(/^sips?:/, '').split('@')[0] : 'Agent'),
    log,
  });

  /** Listen / whisper / barge: this supervisor's session, and who listens to this agent. */
  const monitors: MonitorService = new MonitorService({
    account: () => stored?.account ?? null,
    dial: (target, options) => calls.dial(target, { leadId: null, path: 'monitor' }, options),
    hangup: (id) => calls.hangup(id),
    mute: (id, muted) => calls.mute(id, muted),
    sendInfo: (id, contentType, content) => calls.sendInfo(id, contentType, content),
    setMonitor: (id, monitor) => calls.setMonitor(id, monitor),
    emit: (view) => hub.emit('monitor:changed', view),
    log,
  });
  const monitored: MonitoredService = new MonitoredService({
    account: () => stored?.account ?? null,
    calls: () => calls.list(),
    hangup: (id) => calls.hangup(id),
    setMonitor: (id, monitor) => calls.setMonitor(id, monitor),
    mix: (sessionId, target, mode) => bridge.request(sessionId, { op: 'monitor-mix', target, mode }),
    emit: (view) => hub.emit('monitored:changed', view),
    log,
  });

  /** Validates and normalises a lead edit; invalid phone numbers are reported, not guessed. */
  function leadChanges(leadId: number, patch: LeadPatch): { changes: LeadChanges; invalidPhones: string[] } {
    const lead = store.leads.get(leadId);
    if (!lead) throw new RingsideError('not-found', 'That lead does not exist.');
    const country = store.campaigns.get(lead.campaignId)?.defaultCountry ?? 'US';
    const { phones, ...rest } = patch;
    const changes: LeadChanges = { ...rest };
    const invalidPhones: string[] = [];
    if (phones) {
      const keep: LeadChanges['phones'] = [];
      for (const raw of phones) {
        const n = normalisePhone(raw, country);
        if (n.ok) {
          if (!keep.some((p) => p.e164 === n.e164)) keep.push({ e164: n.e164, raw, label: lead.phones.find((p) => p.e164 === n.e164)?.label ?? null });
        } else invalidPhones.push(`${raw}: ${n.reason}`);
      }
      if (invalidPhones.length) throw new RingsideError('invalid-data', `Not saved — invalid phone numbers: ${invalidPhones.join('; ')}`);
      changes.phones = keep;
      // A lead without a zone gets the one its first number implies (if exactly one).
      if (!lead.timeZone && changes.timeZone === undefined && keep[0]) changes.timeZone = cachedTimeZone(keep[0].e164) ?? null;
    }
    if (changes.timeZone) {
      try {
        new Intl.DateTimeFormat('en', { timeZone: changes.timeZone });
      } catch {
        throw new RingsideError('invalid-data', `"${changes.timeZone}" is not a time zone (use e.g. Europe/Warsaw).`);
      }
    }
    return { changes, invalidPhones };
  }

  function saveCampaign(input: CampaignInput & { id?: number }) {
    const saved = store.campaigns.save(input);
    hub.emit('campaigns:changed', store.campaigns.list(Date.now()));
    return saved;
  }

  function accountView(): AccountView | null {
    if (!stored) return null;
    const a = stored.account;
    return {
      server: a.server,
      aor: a.aor,
      authUser: a.authUser ?? null,
      displayName: a.displayName ?? null,
      expires: a.expires,
      hasPassword: a.password.length > 0,
      source: stored.source,
      supervision: (({ teamSecret, ...rest }) => ({ ...rest, hasTeamSecret: Boolean(teamSecret) }))(a.supervision),
      dialPlan: a.dialPlan,
      trustCallerId: a.trustCallerId,
    };
  }

  function buildSip(account: Account): SipClient {
    return new SipClient({
      account,
      log,
      backoff: deps.backoff,
      onInvite: (invitation) => calls.onInvite(invitation),
      onMessage: (message) => answerSipMessage(message, board, log),
      onRegistration: (view) => {
        registration = view;
        hub.emit('registration:changed', view);
        workspace.onRegistration(view.state === 'registered');
      },
      onConnection: (connected) => calls.onConnection(connected),
      sdhFactory: (session) => {
        const id = calls.idFor(session);
        const sdh = new ProxySessionDescriptionHandler(id, bridge, {
          iceServers: account.iceServers,
          iceTimeoutMs: account.iceGatheringTimeoutMs,
          onNegotiated: (info) => calls.noteNegotiated(id, info),
          onError: (m, e) => log.warn(m, e),
        });
        calls.attachSdh(id, sdh);
        return sdh;
      },
    });
  }

  async function useAccount(next: StoredAccount | null): Promise<void> {
    const old = sip;
    // "Signed off" reaches the supervisors while the old registration still stands.
    await presence?.stop().catch((e: unknown) => log.warn('presence stop failed', e));
    presence = null;
    sip = null;
    if (old) {
      await calls.hangupAll();
      await old.stop();
    }
    stored = next;
    useBoard(next?.account ?? null);
    hub.emit('account:changed', accountView());
    if (!next) return;
    sip = buildSip(next.account);
    registration = sip.registration;
    hub.emit('registration:changed', registration);
    presence = buildPresence(next.account, sip);
    presence?.start();
    if (deps.autoRegister !== false) drop(sip.register(), log.warn, 'register');
  }

  /** Agent or both, with supervisors configured: publish this agent's state to them. */
  function buildPresence(account: Account, client: SipClient): PresencePublisher | null {
    const sv = account.supervision;
    if (sv.role === 'supervisor' || sv.supervisors.length === 0) return null;
    const campaignName = (id: number | null | undefined): string | null => (id == null ? null : (store.campaigns.get(id)?.name ?? null));
    return new PresencePublisher({
      self: account.aor,
      supervisors: sv.supervisors,
      teamSecret: sv.teamSecret || undefined,
      heartbeatSec: sv.heartbeatSec,
      registered: () => client.isRegistered,
      inputs: () => {
        const view = workspace.view();
        return {
          agent: view.agent,
          campaign: campaignName(view.campaignId),
          calls: calls.list(),
          campaignOfCall: (c) => (c.leadId !== null ? campaignName(store.leads.get(c.leadId)?.campaignId) : null) ?? campaignName(view.campaignId),
          stats: workspace.stats(),
          registered: client.isRegistered,
        };
      },
      send: (to, contentType, body, headers) => sendSipMessage(client.ua, to, contentType, body, headers),
      log,
    });
  }

  /** Supervisor or both: the board, kept across an account save that keeps the role. */
  function useBoard(account: Account | null): void {
    const sv = account?.supervision;
    if (!account || !sv || sv.role === 'agent') {
      board?.stop();
      board = null;
      return;
    }
    if (board && board.self === account.aor) {
      board.reconfigure(sv);
      return;
    }
    board?.stop();
    board = new BoardService({
      self: account.aor,
      supervision: sv,
      emit: (view) => hub.emit('board:changed', view),
      // The row of the agent this supervisor is listening to shows it.
      monitoring: (agent) => {
        const m = monitors.view();
        return m && (m.state === 'connecting' || m.state === 'active') && sameIdentity(m.agent, agent) ? m.mode : null;
      },
      log,
    });
    board.start();
  }

  // A change the board shows (state, call, today's figures, registration) goes to the supervisors.
  const presenceChannels = new Set(['workspace:changed', 'stats:changed', 'call:state-changed', 'call:removed', 'registration:changed']);
  hub.onEmit((channel) => {
    if (presenceChannels.has(channel)) presence?.poke();
    if (channel === 'monitor:changed') board?.refresh();
  });

  function requireSip(): SipClient {
    if (!sip) throw new RingsideError('not-configured', 'No SIP account yet: open Settings and enter your server and password.');
    return sip;
  }

  const snapshot = (): Snapshot => ({ registration, account: accountView(), calls: calls.list(), workspace: workspace.view(), stats: workspace.stats(), compliance: compliance.status(), board: board?.view() ?? null, monitor: monitors.view(), monitored: monitored.view() });

  type Handler<C extends RequestChannel> = (payload: unknown, peer: number) => Promise<RequestResults[C]> | RequestResults[C];
  /** Import errors the agent can act on become invalid-data, with the importer's own words. */
  const asDataError = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (error) {
      if (error instanceof UploadError || error instanceof CsvFormatError) throw new RingsideError('invalid-data', error.message);
      throw error;
    }
  };
  const importHandlers: { [C in 'import:begin' | 'import:chunk' | 'import:preview' | 'import:run' | 'import:cancel']: Handler<C> } = {
    'import:begin': (p) => {
      const { fileName, size } = p as { fileName: string; size: number };
      return { importId: asDataError(() => uploads.begin(fileName, size)) };
    },
    'import:chunk': (p) => {
      const { importId, seq, data } = p as { importId: string; seq: number; data: string };
      return { received: asDataError(() => uploads.chunk(importId, seq, data)) };
    },
    'import:preview': async (p) => {
      const { importId } = p as { importId: string };
      const path = asDataError(() => uploads.path(importId));
      try {
        return { ...(await previewCsv(path)), importId };
      } catch (error) {
        if (error instanceof CsvFormatError) throw new RingsideError('invalid-data', error.message);
        throw error;
      }
    },
    'import:run': (p) => {
      const { importId, campaignId, mapping, duplicates } = p as { importId: string; campaignId: number; mapping: ColumnTarget[]; duplicates: 'merge' | 'skip' };
      if (!deps.dbPath) throw new RingsideError('internal', 'Import needs the database file path.');
      const campaign = store.campaigns.get(campaignId);
      if (!campaign) throw new RingsideError('not-found', 'That campaign does not exist.');
      if (imports.has(importId)) throw new RingsideError('illegal-state', 'This import is already running.');
      const path = asDataError(() => uploads.path(importId));
      const controller = new AbortController();
      imports.set(importId, controller);
      drop(
        runImportInWorker({
          dbPath: deps.dbPath,
          path,
          campaignId,
          mapping,
          duplicates,
          defaultCountry: campaign.defaultCountry,
          signal: controller.signal,
          onProgress: (progress) => hub.emit('import:progress', { ...progress, importId }),
        })
          .then((report) => {
            hub.emit('import:finished', { ...report, importId });
            hub.emit('campaigns:changed', store.campaigns.list(Date.now()));
            if (workspace.view().campaignId === campaignId) workspace.leadsChanged();
          })
          .catch((error: unknown) => {
            const message = error instanceof Error ? error.message : String(error);
            hub.emit('import:finished', { importId, done: true, cancelled: false, rowsDone: 0, bytesDone: 0, bytesTotal: 0, imported: 0, merged: 0, skipped: 0, failed: 1, errors: [{ row: 0, reason: `The import stopped: ${message}` }], ms: 0 });
          })
          .finally(() => {
            imports.delete(importId);
            uploads.discard(importId);
          }),
        log.warn,
        'import',
      );
      return { started: true as const };
    },
    'import:cancel': (p) => {
      const { importId } = p as { importId: string };
      const running = imports.get(importId);
      if (running) running.abort();
      else uploads.discard(importId);
      return null;
    },
  };
  const handlers: { [C in RequestChannel]: Handler<C> } = {
    'app:ready': (p, peer) => {
      hub.ready(peer, (p as { media: boolean }).media);
      return snapshot();
    },
    'account:get': () => accountView(),
    'account:save': async (p) => {
      const account = p as Account;
      if (stored?.source === 'provisioned') throw new RingsideError('invalid-account', 'This account is provisioned by your call center and cannot be changed here.');
      // Keep the saved password when the form leaves it empty (the UI never sees it).
      const withPassword = account.password === '' && stored ? { ...account, password: stored.account.password } : account;
      // The team secret is write-only too: absent keeps the saved one, '' removes it.
      const { teamSecret, ...supervision } = withPassword.supervision;
      const secret = teamSecret === undefined ? stored?.account.supervision.teamSecret : teamSecret;
      const merged: Account = { ...withPassword, supervision: secret ? { ...supervision, teamSecret: secret } : supervision };
      await deps.accounts.save(merged);
      await useAccount({ account: merged, source: 'settings' });
      return accountView() as AccountView;
    },
    'sip:register': async () => {
      const client = requireSip();
      await client.register();
      return client.registration;
    },
    'sip:unregister': async () => {
      const client = requireSip();
      await client.unregister();
      return client.registration;
    },
    // The dial policy refuses a new call while the last one waits for its disposition.
    'call:dial': (p) => calls.dial((p as { target: string }).target, { leadId: null, path: 'manual' }),
    'call:accept': (p) => calls.accept((p as { id: string }).id),
    'call:reject': (p) => calls.reject((p as { id: string }).id),
    'call:hangup': (p) => calls.hangup((p as { id: string }).id),
    'call:hold': (p) => calls.hold((p as { id: string }).id, (p as { hold: boolean }).hold),
    'call:mute': (p) => calls.mute((p as { id: string }).id, (p as { muted: boolean }).muted),
    'call:dtmf': (p) => calls.dtmf((p as { id: string }).id, (p as { tones: string }).tones),
    'call:transfer': (p) => calls.transfer((p as { id: string }).id, (p as { target: string }).target),
    'call:switch': (p) => calls.switchTo((p as { id: string }).id),
    'call:redial': (p) => {
      const before = calls.list().find((c) => c.id === (p as { id: string }).id);
      if (!before) throw new RingsideError('no-such-call', 'That call is no longer in the list.');
      return calls.dial(before.remoteUri, { leadId: before.leadId, path: 'redial' });
    },
    'call:dial-link': (p) => calls.dial((p as { url: string }).url, { leadId: null, path: 'link' }),
    'call:dismiss': (p) => {
      calls.dismiss((p as { id: string }).id);
      return null;
    },
    'media:respond': (p) => {
      const reply = p as Parameters<MediaBridge['respond']>[0];
      if (!bridge.respond(reply)) log.warn(`media reply for unknown request ${reply.requestId} ignored`);
      return null;
    },
    'campaign:list': () => store.campaigns.list(Date.now()),
    'campaign:get': (p) => {
      const c = store.campaigns.get((p as { id: number }).id);
      if (!c) throw new RingsideError('not-found', 'That campaign does not exist.');
      return c;
    },
    'campaign:save': (p) => saveCampaign(p as CampaignInput & { id?: number }),
    'campaign:export': (p) => {
      const c = store.campaigns.get((p as { id: number }).id);
      if (!c) throw new RingsideError('not-found', 'That campaign does not exist.');
      const { id: _id, ...portable } = c;
      const fileName = `${c.name.replace(/[^\p{L}\p{N} _-]+/gu, '').trim().replace(/\s+/g, '-') || 'campaign'}.ringside-campaign.json`;
      return { json: JSON.stringify({ format: 'ringside-campaign', version: 1, campaign: portable }, null, 2), fileName };
    },
    'campaign:import': (p) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse((p as { json: string }).json);
      } catch (error) {
        throw new RingsideError('invalid-data', `The file is not JSON: ${(error as Error).message}`);
      }
      const body = parsed && typeof parsed === 'object' && 'campaign' in parsed ? (parsed as { campaign: unknown }).campaign : parsed;
      const result = campaignSchema.safeParse(body);
      if (!result.success) throw new RingsideError('invalid-data', `Not a valid campaign: ${result.error.issues.map((i) => `${i.path.join('.') || 'campaign'}: ${i.message}`).join('; ')}`);
      // Always a new campaign: importing never overwrites one that exists.
      const { id: _ignored, ...fresh } = result.data;
      return saveCampaign(fresh);
    },
    'lead:list': (p) => store.leads.list(p as Parameters<Store['leads']['list']>[0]),
    'lead:get': (p) => {
      const id = (p as { id: number }).id;
      const lead = store.leads.get(id);
      if (!lead) throw new RingsideError('not-found', 'That lead does not exist.');
      return { lead, history: store.leads.history(id), callbacks: store.leads.callbacks(id) };
    },
    'lead:update': (p) => {
      const { id, patch } = p as { id: number; patch: LeadPatch };
      const { changes, invalidPhones } = leadChanges(id, patch);
      const lead = store.leads.update(id, changes, Date.now());
      hub.emit('lead:changed', lead);
      return { lead, invalidPhones };
    },
    'workspace:select-campaign': (p) => workspace.selectCampaign((p as { id: number }).id),
    'workspace:next': () => workspace.next(),
    'workspace:open-lead': (p) => workspace.openLead((p as { leadId: number }).leadId),
    'workspace:dial': (p) => workspace.dial((p as { phoneIndex: number }).phoneIndex),
    'workspace:skip': () => workspace.skip(),
    'workspace:dispose': (p) => workspace.dispose(p as { code: string; note: string; callback?: { at: string; timeZone: string } }),
    'workspace:capture': (p) => {
      const { leadId, field, value } = p as { leadId: number; field: string; value: string };
      return workspace.capture(leadId, field, value);
    },
    'agent:set-state': (p) => {
      const { state, reason } = p as { state: 'available' | 'paused' | 'offline'; reason?: string };
      return workspace.setAgentState(state, reason);
    },
    'agent:stats': () => workspace.stats(),
    ...importHandlers,
    'compliance:status': () => compliance.status(),
    'compliance:check': (p) => {
      const q = p as { target: string } | { leadId: number; phoneIndex: number };
      if ('target' in q) return policy.preview({ target: q.target, path: 'manual', leadId: null }).permit.decision;
      const lead = store.leads.get(q.leadId);
      const phone = lead?.phones[q.phoneIndex];
      if (!lead || !phone) throw new RingsideError('not-found', 'That lead or phone does not exist.');
      return policy.preview({ target: phone.e164, path: 'preview', leadId: lead.id }).permit.decision;
    },
    'compliance:import-registry': (p) => compliance.startImport(p as RequestPayload<'compliance:import-registry'>),
    'compliance:cancel-import': () => compliance.cancelImport(),
    'compliance:dnc-add': (p) => {
      const { numbers, source } = p as { numbers: string[]; source: string };
      const result = compliance.addToInternalDnc(numbers, source);
      workspace.refresh();
      return result;
    },
    'compliance:scrub': async (p) => {
      const report = await compliance.scrub((p as { campaignId: number }).campaignId);
      hub.emit('campaigns:changed', store.campaigns.list(Date.now()));
      return report;
    },
    'compliance:audit': (p) => compliance.auditPage((p as { offset: number }).offset, (p as { limit: number }).limit),
    'compliance:audit-export': (p) => compliance.exportAudit(p as { from?: number; to?: number }),
    // Supervision: filled in by the board and monitoring services.
    'board:get': () => {
      if (!board) throw new RingsideError('not-configured', 'The live board is for supervisors: set the role to Supervisor (or Both) in Settings.');
      return board.view();
    },
    'monitor:start': (p) => {
      requireSip();
      const { agent, mode } = p as RequestPayload<'monitor:start'>;
      return monitors.start(agent, mode);
    },
    'monitor:set-mode': (p) => monitors.setMode((p as RequestPayload<'monitor:set-mode'>).mode),
    'monitor:stop': () => monitors.stop(),
  };

  /** Validates and runs one request; never throws. */
  async function handleRequest(channel: unknown, payload: unknown, peer: number): Promise<Result<unknown>> {
    if (!isRequestChannel(channel)) return fail('unknown-channel', `Unknown request ${String(channel).slice(0, 64)}`);
    const parsed = requestSchemas[channel].safeParse(payload);
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ');
      return fail('bad-request', `Invalid ${channel} request: ${why}`);
    }
    try {
      return ok(await (handlers[channel] as Handler<typeof channel>)(parsed.data, peer));
    } catch (error) {
      if (error instanceof RingsideError) return fail(error.code, error.message);
      log.warn(`${channel} failed`, error);
      return fail('internal', error instanceof Error ? error.message : String(error));
    }
  }

  return {
    calls,
    workspace,
    get registration() {
      return registration;
    },
    snapshot,
    async reconnect() {
      if (sip && registration.state !== 'unregistered') await sip.register();
    },
    async start() {
      if (started) throw new Error('core already started');
      started = true;
      await useAccount(await deps.accounts.load());
    },
    async stop() {
      workspace.stop();
      for (const running of imports.values()) running.abort();
      await useAccount(null).catch((e: unknown) => log.warn('stop failed', e));
      bridge.failAll('core stopped');
    },
    connect(sink) {
      const peer = hub.add(sink);
      return {
        handle: (channel, payload) => handleRequest(channel, payload, peer),
        close() {
          hub.remove(peer);
        },
      };
    },
    dialLink(url) {
      // A link from the OS (tel:/sip: handler): the same validation and gate as a renderer's dial.
      return (handleRequest('call:dial-link', { url }, -1) as Promise<Result<CallSessionView>>).then((r) => {
        // Nobody clicked a button in our window: the refusal has to be shown there.
        if (!r.ok) workspace.notify(`The link ${url.slice(0, 60)} was not dialled: ${r.message}`);
        return r;
      });
    },
  };
}

export type { CallSessionView };
