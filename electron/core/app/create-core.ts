/**
 * The main-process core, wired: the SIP line, calls and their media, the workspace, imports,
 * compliance and supervision, behind the one IPC contract. Plain Node (no `electron` import):
 * the Electron shell and the browser-mode server both hand it renderer connections, and tests
 * drive it directly. Wiring only: each domain owns its rules and answers its own requests.
 */
import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import type { CallSessionView } from '../../../shared/call-session.js';
import type { Snapshot } from '../../../shared/contract.js';
import type { Result } from '../../../shared/result.js';
import { callHandlers } from '../calls/call-handlers.js';
import { AUDIO_GONE, CallManager } from '../calls/call-manager.js';
import { callerIdVerified } from '../calls/caller-id.js';
import { openLink } from '../calls/link-offer.js';
import { campaignHandlers } from '../campaigns/campaign-handlers.js';
import { complianceHandlers } from '../compliance/compliance-handlers.js';
import { ComplianceService } from '../compliance/compliance-service.js';
import { dialAccountOf, DialPolicy } from '../compliance/dial-policy.js';
import { ImportJobs } from '../import/import-jobs.js';
import { connectPeer } from '../ipc/connection.js';
import { EventHub } from '../ipc/event-hub.js';
import { RequestRouter, type ChannelsOf, type Handlers } from '../ipc/router.js';
import { leadHandlers } from '../leads/lead-handlers.js';
import type { CoreEvents } from '../lib/core-events.js';
import { Emitter } from '../lib/emitter.js';
import { drop } from '../lib/drop.js';
import { consoleLogger } from '../lib/logger.js';
import { MediaBridge } from '../media/media-bridge.js';
import { SipLine } from '../sip/sip-line.js';
import { TeamSupervision } from '../supervision/team-supervision.js';
import { TeamLink } from '../team/team-link.js';
import { workspaceHandlers } from '../workspace/workspace-handlers.js';
import { WorkspaceService } from '../workspace/workspace-service.js';
import type { Core, CoreDeps } from './core.js';
export type { Core, CoreConnection, CoreDeps } from './core.js';

export function createCore(deps: CoreDeps): Core {
  const { store } = deps;
  const log = deps.log ?? consoleLogger;
  const hub = new EventHub(() => drop(calls.endAll(AUDIO_GONE), log.warn, 'end the calls that lost their audio'));
  const emit = hub.emit.bind(hub);
  const events = new Emitter<CoreEvents>(log);
  const bridge = new MediaBridge({ send: (request) => hub.emit('media:request', request) }, deps.mediaTimeoutMs);
  const campaignId = (): number | null => workspace?.selectedCampaignId ?? null;
  // Workers open the store for themselves: a team database, or a file (not an in-memory one).
  const workerLocation = deps.dbPath || store.location.kind === 'postgres' ? store.location : null;
  // The team database (or this desktop's file) and CRM sync: what every change writes for the CRM.
  const dataDir = deps.dataDir !== undefined ? deps.dataDir : deps.dbPath ? dirname(deps.dbPath) : null;
  const link = new TeamLink({ store, dataDir, account: () => line.account, emit, log, now: deps.now, dncChanged: () => workspace.refresh() });
  const compliance = new ComplianceService({
    ...link.hooks,
    store,
    dataDir,
    currentCampaignId: campaignId,
    defaultCountry: async () => (await store.campaigns.get(campaignId() ?? -1))?.defaultCountry ?? 'US',
    emit: (status) => hub.emit('compliance:changed', status),
    log,
    now: deps.now,
    policy: deps.compliancePolicy,
    workerLocation,
    auditKeys: deps.auditKeys,
  });
  compliance.init();
  const policy = new DialPolicy({
    compliance,
    store,
    account: () => dialAccountOf(line.account),
    currentCampaignId: campaignId,
    dispositionRequired: () => workspace?.awaitingDisposition ?? false,
  });
  const calls: CallManager = new CallManager({
    line: () => (line.sip && line.account ? { ua: line.sip.ua, isRegistered: line.sip.isRegistered, aor: line.account.aor } : null),
    // The one gate: every dial and transfer target, whatever path it came by, is decided and logged.
    gate: (target, context) => policy.decide({ target, path: context.path ?? 'manual', leadId: context.leadId }),
    // A caller counts as an inquiry only when the server vouches for the caller ID.
    identify: (uri, name, pai) => workspace.identify(uri, name, Boolean(line.account?.trustCallerId) || callerIdVerified(pai, uri)),
    // Monitoring requests are decided before anything rings.
    screen: (invitation) => team.screen(invitation),
    info: (view, contentType, body) => team.onInfo(view, contentType, body),
    onChange: (view) => events.emit('call', view),
    onRemoved: (id) => events.emit('call-removed', { id }),
    log,
    newId: () => randomUUID(),
  });

  const workspace: WorkspaceService = new WorkspaceService({
    store,
    check: async (leadId, e164) => (await policy.preview({ target: e164, path: 'preview', leadId })).permit.decision,
    dial: (target, context) => calls.dial(target, context),
    liveCalls: () => calls.list().filter((c) => c.state !== 'ended' && !c.monitor),
    emit,
    registered: () => line.registration.state === 'registered',
    agentName: () => line.account?.displayName || line.account?.aor.replace(/^sips?:/, '').split('@')[0] || 'Agent',
    agentChanged: () => events.emit('agent', undefined),
    ...link.workspaceHooks,
    log,
  });
  const importJobs = new ImportJobs({
    store,
    workerLocation,
    emit,
    onImported: (id) => {
      if (workspace.selectedCampaignId === id) workspace.leadsChanged();
    },
    log,
  });

  const team = new TeamSupervision({
    calls,
    store,
    events,
    workspace,
    mix: (sessionId, target, mode) => bridge.request(sessionId, { op: 'monitor-mix', target, mode }),
    emit,
    log,
  });

  const line = new SipLine({
    accounts: deps.accounts,
    events,
    emit,
    autoRegister: deps.autoRegister !== false,
    backoff: deps.backoff,
    onInvite: (invitation) => calls.onInvite(invitation),
    onMessage: (message) => team.onMessage(message),
    onConnection: (connected) => calls.onConnection(connected),
    sdhFactory: (account) => calls.mediaFactory(bridge, account),
    leaving: async () => {
      await team.signOff();
      await calls.hangupAll();
    },
    joined: (account, client) => team.use(account, client),
    log,
  });

  events.on('account', () => link.accountChanged());

  // What the renderer hears of the core's own events; a monitoring call is not a customer call.
  events.on('call', (view) => {
    hub.emit('call:state-changed', view);
    if (!view.monitor) workspace.onCall(view);
  });
  events.on('call-removed', (removed) => hub.emit('call:removed', removed));
  events.on('registration', (view) => workspace.onRegistration(view.state === 'registered'));
  // Read from the store first; the rest as it is once those reads are in.
  const snapshot = async (): Promise<Snapshot> => {
    const [view, stats, status, crm] = await Promise.all([workspace.view(), workspace.stats(), compliance.status(), link.crmStatus()]);
    const live = { registration: line.registration, account: line.view(), calls: calls.list(), board: team.board()?.view() ?? null, team: link.teamView() };
    return { ...live, workspace: view, stats, compliance: status, crm, monitor: team.monitors.view(), monitored: team.monitored.view() };
  };

  // Each domain answers its own requests; this file only wires them together.
  const router = new RequestRouter(log);
  const app: Handlers<ChannelsOf<'app'>> = { 'app:ready': (p, peer) => (hub.ready(peer, p.media), snapshot()) };
  router
    .register(app)
    .register(line.handlers())
    .register(callHandlers(calls, bridge, log))
    .register(campaignHandlers({ store, emit }))
    .register(leadHandlers({ store, emit, ...link.hooks }))
    .register(workspaceHandlers(workspace))
    .register(importJobs.handlers())
    .register(complianceHandlers({ compliance, policy, store, dncChanged: () => workspace.refresh(), emit }))
    .register(team.handlers(() => line.require()))
    .register(link.handlers({ workspace, events, open: deps.openExternal }))
    .assertComplete();

  let started = false;
  return {
    calls,
    workspace,
    get registration() {
      return line.registration;
    },
    snapshot,
    reconnect: () => line.checkLink(),
    async start() {
      if (started) throw new Error('core already started');
      started = true;
      await line.load();
      link.start();
    },
    async stop() {
      await workspace.stop();
      importJobs.stopAll();
      await line.close().catch((e: unknown) => log.warn('stop failed', e));
      await link.stop();
      bridge.failAll('core stopped');
    },
    connect: (sink) => connectPeer(hub, router, sink, (peer) => importJobs.connectionClosed(peer)),
    openLink: (url) =>
      openLink(url, {
        autoDial: () => line.account?.autoDialLinks ?? false,
        dial: (link) => router.handle('call:dial-link', { url: link }, -1) as Promise<Result<CallSessionView>>,
        offer: (link) => hub.emit('call:link-offered', link),
        notify: (text) => workspace.notify(text),
      }),
  };
}
