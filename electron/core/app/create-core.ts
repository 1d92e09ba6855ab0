/**
 * The main-process core: SIP account, registration, calls and the media bridge, behind the one
 * IPC contract. Plain Node (no `electron` import): the Electron shell and the browser-mode
 * server both hand it renderer connections, and tests drive it directly.
 */
import { randomUUID } from 'node:crypto';
import type { Account, AccountView } from '../../../shared/account.js';
import type { CallSessionView } from '../../../shared/call-session.js';
import type { Snapshot } from '../../../shared/contract.js';
import type { RegistrationView } from '../../../shared/registration-state.js';
import { RingsideError, type Result } from '../../../shared/result.js';
import { withSavedSecrets, type AccountStore, type StoredAccount } from '../sip/account-store.js';
import type { BackoffOptions } from '../sip/backoff.js';
import { CallManager } from '../calls/call-manager.js';
import { drop } from '../lib/drop.js';
import { EventHub } from '../ipc/event-hub.js';
import { MediaBridge } from '../media/media-bridge.js';
import { ProxySessionDescriptionHandler } from '../media/proxy-sdh.js';
import { SipClient } from '../sip/sip-client.js';
import type { Logger } from '../lib/logger.js';
import type { Store } from '../data/repositories.js';
import { ComplianceService } from '../compliance/compliance-service.js';
import { callHandlers } from '../calls/call-handlers.js';
import { campaignHandlers } from '../campaigns/campaign-handlers.js';
import { complianceHandlers } from '../compliance/compliance-handlers.js';
import type { RendererHost } from '../ipc/connection.js';
import { RequestRouter, type ChannelsOf } from '../ipc/router.js';
import { leadHandlers } from '../leads/lead-handlers.js';
import { supervisionHandlers } from '../supervision/supervision-handlers.js';
import { workspaceHandlers } from '../workspace/workspace-handlers.js';
import { DialPolicy } from '../compliance/dial-policy.js';
import { callerIdVerified } from '../calls/caller-id.js';
import type { CompliancePolicy } from '../../../shared/compliance.js';
import { aorDomain } from '../../../shared/account.js';
import { dirname } from 'node:path';
import { WorkspaceService } from '../workspace/workspace-service.js';
import { ImportJobs } from '../import/import-jobs.js';
import { BoardService } from '../supervision/board-service.js';
import { sameIdentity } from '../supervision/team-auth.js';
import { answerSipMessage } from '../supervision/message-inbox.js';
import { PresencePublisher } from '../supervision/presence-publisher.js';
import { sendSipMessage } from '../supervision/sip-message.js';
import { SupervisorMonitoring } from '../supervision/supervisor-monitoring.js';
import { AgentMonitoring } from '../supervision/agent-monitoring.js';
import { MONITOR_AUTH_HEADER, MONITOR_HEADER } from '../../../shared/supervision.js';

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
export type { CoreConnection } from '../ipc/connection.js';

export interface Core extends RendererHost {
  start(): Promise<void>;
  stop(): Promise<void>;
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
      return {
        dialPlan: a.dialPlan,
        domain: aorDomain(a.aor),
        team: [...a.supervision.team, ...a.supervision.supervisors],
        monitorCodes: [codes.listen, codes.whisper, codes.barge],
      };
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
  const importJobs = new ImportJobs({
    store,
    dbPath: deps.dbPath ?? null,
    emit: (channel, payload) => hub.emit(channel, payload),
    onImported: (campaignId) => {
      if (workspace.selectedCampaignId === campaignId) workspace.leadsChanged();
    },
    log,
  });

  /** Listen / whisper / barge: this supervisor's session, and who listens to this agent. */
  const monitors: SupervisorMonitoring = new SupervisorMonitoring({
    account: () => stored?.account ?? null,
    dial: (target, options) => calls.dial(target, { leadId: null, path: 'monitor' }, options),
    hangup: (id) => calls.hangup(id),
    mute: (id, muted) => calls.mute(id, muted),
    sendInfo: (id, contentType, content) => calls.sendInfo(id, contentType, content),
    setMonitor: (id, monitor) => calls.setMonitor(id, monitor),
    emit: (view) => hub.emit('monitor:changed', view),
    log,
  });
  const monitored: AgentMonitoring = new AgentMonitoring({
    account: () => stored?.account ?? null,
    calls: () => calls.list(),
    hangup: (id) => calls.hangup(id),
    setMonitor: (id, monitor) => calls.setMonitor(id, monitor),
    mix: (sessionId, target, mode) => bridge.request(sessionId, { op: 'monitor-mix', target, mode }),
    emit: (view) => hub.emit('monitored:changed', view),
    log,
  });

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

  const snapshot = (): Snapshot => ({
    registration,
    account: accountView(),
    calls: calls.list(),
    workspace: workspace.view(),
    stats: workspace.stats(),
    compliance: compliance.status(),
    board: board?.view() ?? null,
    monitor: monitors.view(),
    monitored: monitored.view(),
  });

  // Each domain answers its own requests; this file only wires them together.
  const router = new RequestRouter(log);
  router.register<ChannelsOf<'app'> | ChannelsOf<'account'> | ChannelsOf<'sip'>>({
    'app:ready': (p, peer) => {
      hub.ready(peer, p.media);
      return snapshot();
    },
    'account:get': () => accountView(),
    'account:save': async (p) => {
      if (stored?.source === 'provisioned')
        throw new RingsideError('invalid-account', 'This account is provisioned by your call center and cannot be changed here.');
      const merged = withSavedSecrets(p, stored?.account ?? null);
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
  });
  router.register(callHandlers(calls, bridge, log));
  router.register(campaignHandlers({ store, emit: (c, p) => hub.emit(c, p) }));
  router.register(leadHandlers({ store, emit: (c, p) => hub.emit(c, p) }));
  router.register(workspaceHandlers(workspace));
  router.register(importJobs.handlers());
  router.register(complianceHandlers({ compliance, policy, store, dncChanged: () => workspace.refresh(), emit: (c, p) => hub.emit(c, p) }));
  router.register(supervisionHandlers({ board: () => board, monitors, requireSip }));
  router.assertComplete();
  const handleRequest = (channel: unknown, payload: unknown, peer: number): Promise<Result<unknown>> => router.handle(channel, payload, peer);

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
      importJobs.stopAll();
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
