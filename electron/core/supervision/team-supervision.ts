/**
 * The supervision side of one account, as a unit: this agent's state published to its
 * supervisors, the live board on a supervisor's desk, and both ends of listen / whisper / barge.
 * It follows the core's own events (calls, registration, the agent's figures) and changes shape
 * when the account's role changes.
 */
import type { Invitation, Message } from 'sip.js';
import type { Account } from '../../../shared/account.js';
import type { CallSessionView } from '../../../shared/call-session.js';
import type { EventChannel, EventPayloads } from '../../../shared/contract.js';
import { MONITOR_AUTH_HEADER, MONITOR_HEADER, type MonitorMode } from '../../../shared/supervision.js';
import type { CallManager } from '../calls/call-manager.js';
import type { Store } from '../data/repositories.js';
import type { Handlers, ChannelsOf } from '../ipc/router.js';
import type { CoreEvents } from '../lib/core-events.js';
import type { Emitter } from '../lib/emitter.js';
import { drop } from '../lib/drop.js';
import { inOrder } from '../lib/in-order.js';
import type { Logger } from '../lib/logger.js';
import type { SipClient } from '../sip/sip-client.js';
import type { WorkspaceService } from '../workspace/workspace-service.js';
import { AgentMonitoring } from './agent-monitoring.js';
import { BoardService } from './board-service.js';
import { answerSipMessage } from './message-inbox.js';
import type { PresenceInputs } from './presence.js';
import { PresencePublisher } from './presence-publisher.js';
import { sendSipMessage } from './sip-message.js';
import { supervisionHandlers } from './supervision-handlers.js';
import { SupervisorMonitoring } from './supervisor-monitoring.js';
import { sameIdentity } from './team-auth.js';

type SupervisionChannel = 'board:changed' | 'monitor:changed' | 'monitored:changed';

/**
 * What a presence message tells that is read from the store. The publisher builds each message
 * synchronously (at once when something changes, and for its heartbeats), so these are read
 * before each change is passed on to it, and it uses the last ones read.
 */
interface PresenceFacts {
  stats: PresenceInputs['stats'];
  campaign: string | null;
  /** The campaign (name) of each call with a lead, by call id. */
  callCampaigns: Map<string, string | null>;
}

export interface TeamSupervisionDeps {
  calls: CallManager;
  store: Store;
  events: Emitter<CoreEvents>;
  /** The agent's session: state, campaign and today's figures for each presence message, and notices. */
  workspace: Pick<WorkspaceService, 'agentView' | 'stats' | 'notify'>;
  /** Asks the media engine to mix a supervisor into the agent's call. */
  mix(sessionId: string, target: string, mode: MonitorMode): Promise<unknown>;
  emit<C extends SupervisionChannel>(channel: C, payload: EventPayloads[C & EventChannel]): void;
  log: Logger;
}

export class TeamSupervision {
  /** This supervisor listening to an agent. */
  readonly monitors: SupervisorMonitoring;
  /** The agent's side: who listens to this agent's call. */
  readonly monitored: AgentMonitoring;
  private account: Account | null = null;
  private presence: PresencePublisher | null = null;
  private boardService: BoardService | null = null;
  private facts: PresenceFacts = { stats: { calls: 0, connected: 0, talkSec: 0, successes: 0 }, campaign: null, callCampaigns: new Map() };
  private readonly factsRead: (facts: Promise<PresenceFacts>) => Promise<void>;

  constructor(private readonly deps: TeamSupervisionDeps) {
    const { calls, log } = deps;
    this.monitors = new SupervisorMonitoring({
      account: () => this.account,
      dial: (target, options) => calls.dial(target, { leadId: null, path: 'monitor' }, options),
      hangup: (id) => calls.hangup(id),
      mute: (id, muted) => calls.mute(id, muted),
      sendInfo: (id, contentType, content) => calls.sendInfo(id, contentType, content),
      setMonitor: (id, monitor) => calls.setMonitor(id, monitor),
      emit: (view) => {
        deps.emit('monitor:changed', view);
        deps.events.emit('monitor', view);
      },
      log,
    });
    this.monitored = new AgentMonitoring({
      account: () => this.account,
      calls: () => calls.list(),
      hangup: (id) => calls.hangup(id),
      setMonitor: (id, monitor) => calls.setMonitor(id, monitor),
      mix: deps.mix,
      emit: (view) => deps.emit('monitored:changed', view),
      notify: (text) => deps.workspace.notify(text),
      log,
    });
    const { events } = deps;
    events.on('call', (view) => {
      this.monitors.onCall(view);
      this.monitored.onCall(view);
    });
    this.factsRead = inOrder(
      (facts) => {
        this.facts = facts;
        this.presence?.poke();
      },
      log.warn,
      'agent state for the board',
    );
    // A change the board shows (state, call, today's figures, registration) goes to the supervisors.
    for (const event of ['call', 'call-removed', 'registration', 'agent'] as const) events.on(event, () => this.changedForBoard());
    events.on('monitor', () => this.boardService?.refresh());
  }

  board(): BoardService | null {
    return this.boardService;
  }

  /** Decides a monitoring request before anything rings (null: an ordinary call). */
  screen(invitation: Invitation): ReturnType<AgentMonitoring['screen']> {
    const request = invitation.request;
    return this.monitored.screen({
      mode: request.getHeader(MONITOR_HEADER),
      auth: request.getHeader(MONITOR_AUTH_HEADER),
      pai: request.getHeader('P-Asserted-Identity'),
      from: invitation.remoteIdentity.uri.toString(),
    });
  }

  onInfo(view: CallSessionView, contentType: string, body: string): ReturnType<AgentMonitoring['onInfo']> {
    return this.monitored.onInfo(view, contentType, body);
  }

  /** An out-of-dialog MESSAGE (agent state for the board). */
  onMessage(message: Message): void {
    answerSipMessage(message, this.boardService, this.deps.log);
  }

  /** Before the registration goes: "signed off" reaches the supervisors while it still stands. */
  async signOff(): Promise<void> {
    const presence = this.presence;
    this.presence = null;
    await presence?.stop().catch((e: unknown) => this.deps.log.warn('presence stop failed', e));
  }

  /** The account (and its line) now in use, or none. */
  use(account: Account | null, client: SipClient | null): void {
    this.account = account;
    this.useBoard(account);
    this.presence = account && client ? this.buildPresence(account, client) : null;
    this.presence?.start();
    this.changedForBoard();
  }

  handlers(requireSip: () => void): Handlers<ChannelsOf<'board'> | ChannelsOf<'monitor'>> {
    return supervisionHandlers({ board: () => this.boardService, monitors: this.monitors, requireSip });
  }

  /** Agent or both, with supervisors configured: publish this agent's state to them. */
  private buildPresence(account: Account, client: SipClient): PresencePublisher | null {
    const sv = account.supervision;
    if (sv.role === 'supervisor' || sv.supervisors.length === 0) return null;
    const { calls } = this.deps;
    return new PresencePublisher({
      self: account.aor,
      supervisors: sv.supervisors,
      teamSecret: sv.teamSecret || undefined,
      heartbeatSec: sv.heartbeatSec,
      registered: () => client.isRegistered,
      inputs: () => {
        const { facts } = this;
        return {
          agent: this.deps.workspace.agentView().agent,
          stats: facts.stats,
          campaign: facts.campaign,
          calls: calls.list(),
          campaignOfCall: (c) => facts.callCampaigns.get(c.id) ?? facts.campaign,
          registered: client.isRegistered,
        };
      },
      send: (to, contentType, body, headers) => sendSipMessage(client.ua, to, contentType, body, headers),
      log: this.deps.log,
    });
  }

  /** Something the board shows changed: its facts are read, then the publisher is told. */
  private changedForBoard(): void {
    if (this.presence) drop(this.factsRead(this.readFacts()));
  }

  private async readFacts(): Promise<PresenceFacts> {
    const { store, calls, workspace } = this.deps;
    const campaignName = async (id: number | null | undefined): Promise<string | null> => (id == null ? null : ((await store.campaigns.get(id))?.name ?? null));
    const callCampaigns = new Map<string, string | null>();
    for (const c of calls.list()) {
      // Only a live customer call is shown (presence.ts): the others need no campaign.
      if (c.leadId !== null && c.state !== 'ended' && c.monitor == null)
        callCampaigns.set(c.id, await campaignName((await store.leads.get(c.leadId))?.campaignId));
    }
    const [stats, campaign] = await Promise.all([workspace.stats(), campaignName(workspace.agentView().campaignId)]);
    return { stats, campaign, callCampaigns };
  }

  /** Supervisor or both: the board, kept across an account save that keeps the role. */
  private useBoard(account: Account | null): void {
    const sv = account?.supervision;
    if (!account || !sv || sv.role === 'agent') {
      this.boardService?.stop();
      this.boardService = null;
      return;
    }
    if (this.boardService && this.boardService.self === account.aor) {
      this.boardService.reconfigure(sv);
      return;
    }
    this.boardService?.stop();
    this.boardService = new BoardService({
      self: account.aor,
      supervision: sv,
      emit: (view) => this.deps.emit('board:changed', view),
      // The row of the agent this supervisor is listening to shows it.
      monitoring: (agent) => {
        const m = this.monitors.view();
        return m && (m.state === 'connecting' || m.state === 'active') && sameIdentity(m.agent, agent) ? m.mode : null;
      },
      log: this.deps.log,
    });
    this.boardService.start();
  }
}
