/**
 * The telemarketer's day: which lead is on screen, dialling it (manual, preview with countdown,
 * progressive), wrap-up and the required disposition, the agent's state, inbound caller
 * matching, and today's figures. Everything durable goes through the repositories; the
 * disposition is written (in one transaction) before anyone is told it is saved.
 *
 * Every store call is awaited, so other requests and call events can come in between. What must
 * not interleave is claimed before the first await: one dial of the lead on screen at a time, one
 * disposition at a time (both refuse while the other runs), and whatever read the store re-checks
 * the agent's situation before it changes the screen.
 */
import { DateTime } from 'luxon';
import { assertAgentTransition, type AgentState } from '../../../shared/agent-state.js';
import type { Campaign } from '../../../shared/campaign.js';
import type { CallSessionView } from '../../../shared/call-session.js';
import type { EventChannel, EventPayloads } from '../../../shared/contract.js';
import type { Lead } from '../../../shared/lead.js';
import { RingsideError } from '../../../shared/result.js';
import { decideTemperature } from '../../../shared/temperature.js';
import type { AgentStats, WorkspaceLead, WorkspaceView } from '../../../shared/workspace.js';
import type { DialContext } from '../calls/call-manager.js';
import { blankLead, type DispositionRecord, type LeadChanges, type Store } from '../data/repositories.js';
import { numberOfUri } from '../calls/caller-id.js';
import type { ComplianceDecision } from '../../../shared/compliance.js';
import { cachedTimeZone } from '../data/time-zone.js';
import { drop } from '../lib/drop.js';
import { inOrder } from '../lib/in-order.js';
import { KeyedQueue } from '../lib/keyed-queue.js';
import type { Logger } from '../lib/logger.js';
import { editLead } from '../leads/lead-changes.js';
import { noCrmEvents, type CrmEvents } from '../crm/crm-events.js';
import { isDatabaseLost } from '../team/pending-results.js';

type DispositionInput = { code: string; note: string; callback?: { at: string; timeZone: string; forAnyone?: boolean } };

export interface WorkspaceDeps {
  store: Store;
  /** The compliance gate's decision for a lead's number now (not logged): the card before the call. */
  check?(leadId: number, e164: string): Promise<ComplianceDecision | null>;
  dial(target: string, context: DialContext): Promise<CallSessionView>;
  liveCalls(): CallSessionView[];
  emit<E extends EventChannel>(channel: E, payload: EventPayloads[E]): void;
  registered(): boolean;
  agentName(): string;
  /** Told when anything the supervisors' board shows of this agent changes (state, campaign, figures). */
  agentChanged?(): void;
  log: Logger;
  now?: () => number;
  /** The agent's zone, for "today" (defaults to the system zone). */
  timeZone?: string;
  /** Who the agent is in a team's shared data (null: a solo desktop, whose data is all its own). */
  agentId?: () => string | null;
  /** The CRM's events for a change (none when CRM sync is off), and the hint that some were written. */
  crmEvents?: CrmEvents;
  eventsWritten?: () => void;
  /** How long a claimed lead stays this agent's without a renewal (an app that died gives it back then). */
  leaseMs?: number;
  /** A disposition the store could not take because it is out of reach: kept to be written later (true), or not. */
  keepResult?: (record: DispositionRecord, error: unknown) => boolean;
  /** Why no lead may be claimed now (the team database does not answer), or null. */
  noClaims?: () => string | null;
}

/** A lead on screen is held this long at a time, renewed while it stays there. */
const LEASE_MS = 5 * 60_000;
/** The claim of a solo desktop: nobody else takes from its pool, the lease only keeps the rules one. */
const SOLO_AGENT = 'this-desktop';

/** A read that failed because the team database is out of reach gives what was read last, when there is such a thing. */
async function whenLost<T>(read: Promise<T>, last: T | null): Promise<T> {
  try {
    return await read;
  } catch (error) {
    if (last !== null && isDatabaseLost(error)) return last;
    throw error;
  }
}

const LIVE = new Set(['dialing', 'ringing', 'incoming', 'answering', 'active', 'held']);
const NOT_REGISTERED = 'Not registered';
/** The source of a lead made from an inbound call whose caller ID nobody vouched for (it stays cold). */
export const UNVERIFIED_CALLER_SOURCE = 'Inbound call (unverified caller ID)';

interface CallNote {
  leadId: number | null;
  direction: 'outbound' | 'inbound';
  /** The number (E.164) or SIP address, as the campaign's country reads it. */
  phone: Promise<string>;
  startedAt: number;
  answeredAt: number | null;
}

export class WorkspaceService {
  private readonly now: () => number;
  private agent: { state: AgentState; pauseReason: string | null; since: number };
  /** What the agent returns to after wrap-up (they may ask for a pause during a call). */
  private after: { state: 'available' | 'paused' | 'offline'; reason: string | null } = { state: 'available', reason: null };
  private campaignId: number | null = null;
  private current: WorkspaceLead | null = null;
  private dispositionRequired = false;
  private notice: string | null = null;
  private countdown: NodeJS.Timeout | null = null;
  private skipped: number[] = [];
  private readonly callNotes = new Map<string, CallNote>();
  private readonly endedCalls = new Set<string>();
  /** The campaign and lead last read for the screen: a disposition kept while the database is away is made from them. */
  private seen: { campaign: Campaign | null; lead: Lead | null } = { campaign: null, lead: null };
  /** The lead this agent holds in the pool (claimed, its lease renewed while it is on screen). */
  private held: { leadId: number; agent: string; timer: NodeJS.Timeout } | null = null;
  /** A dial of the lead on screen is under way (the gate is deciding, the INVITE is leaving). */
  private dialling = false;
  /** A disposition is being written. */
  private disposing = false;
  /** The last dial's attempt being counted: its disposition waits for it (max attempts reads the count). */
  private attempt: Promise<void> = Promise.resolve();
  /** An unknown caller becomes one lead, however many of their calls come in at once. */
  private readonly callers = new KeyedQueue<string>();
  private readonly emitView: (view: Promise<WorkspaceView>) => Promise<void>;
  private readonly emitStats: (stats: Promise<AgentStats>) => Promise<void>;
  /** The last workspace event asked for: out once this settles. */
  private told: Promise<void> = Promise.resolve();

  constructor(private readonly deps: WorkspaceDeps) {
    this.now = deps.now ?? Date.now;
    this.emitView = inOrder((view) => deps.emit('workspace:changed', view), deps.log.warn, 'workspace view');
    this.emitStats = inOrder((stats) => deps.emit('stats:changed', stats), deps.log.warn, "today's figures");
    // Paused until the SIP account registers; then available (unless the agent chose otherwise).
    this.agent = { state: 'paused', pauseReason: NOT_REGISTERED, since: this.now() };
  }

  /** The campaign the agent works on; cheap, unlike view() (which decides the previewed lead). */
  get selectedCampaignId(): number | null {
    return this.campaignId;
  }

  /** The lead on screen and the phone selected on it (the caller's, during an inbound call), or null. */
  get onScreen(): { leadId: number; phoneIndex: number } | null {
    return this.current ? { leadId: this.current.leadId, phoneIndex: this.current.phoneIndex } : null;
  }

  /** The last call still waits for its disposition. */
  get awaitingDisposition(): boolean {
    return this.dispositionRequired;
  }

  /** The agent's state and campaign now (what the supervisors' board shows of them). */
  agentView(): Pick<WorkspaceView, 'agent' | 'campaignId'> {
    return { agent: { ...this.agent, name: this.deps.agentName() }, campaignId: this.campaignId };
  }

  /** The workspace as it is now; only the previewed lead's compliance card is read (and arrives) later. */
  async view(): Promise<WorkspaceView> {
    const { agent, campaignId } = this.agentView();
    const { current, dispositionRequired, notice } = this;
    return {
      agent,
      campaignId,
      current: current ? { ...current, compliance: await this.currentCompliance(current) } : null,
      dispositionRequired,
      notice,
    };
  }

  stats(): Promise<AgentStats> {
    const zone = this.deps.timeZone ?? DateTime.local().zoneName ?? 'UTC';
    const start = DateTime.fromMillis(this.now(), { zone }).startOf('day');
    return this.deps.store.activity.stats(start.toMillis(), start.plus({ days: 1 }).toMillis(), start.toISODate() ?? '', this.deps.agentId?.() ?? null);
  }

  // ---- campaign and leads on screen ------------------------------------------------------

  async selectCampaign(id: number): Promise<WorkspaceView> {
    const campaign = await this.campaign(id);
    this.requireIdle('switch campaigns');
    this.campaignId = id;
    this.skipped = [];
    this.setCurrent(null, null);
    await this.advance(campaign);
    return this.answer();
  }

  async next(): Promise<WorkspaceView> {
    const refused = this.deps.noClaims?.();
    if (refused) throw new RingsideError('illegal-state', refused);
    const campaign = await this.requireCampaign();
    this.requireIdle('take the next lead');
    await this.showNext(campaign);
    return this.answer();
  }

  async openLead(leadId: number): Promise<WorkspaceView> {
    const lead = await this.deps.store.leads.get(leadId);
    if (!lead) throw new RingsideError('not-found', 'That lead does not exist.');
    this.requireIdle('open another lead');
    const campaign = await this.campaign(lead.campaignId);
    this.requireIdle('open another lead');
    this.campaignId = campaign.id;
    this.preview(lead, campaign, false);
    return this.answer();
  }

  async skip(): Promise<WorkspaceView> {
    if (!this.current || this.current.stage !== 'preview') throw new RingsideError('illegal-state', 'Only a previewed lead can be skipped.');
    this.requireIdle('skip this lead');
    this.skipped.push(this.current.leadId);
    return this.next();
  }

  /** Calls the lead on screen. */
  async dial(phoneIndex = 0, path: 'preview' | 'progressive' = 'preview'): Promise<CallSessionView> {
    const current = this.current;
    // The disposition-first rule and the bad-number mark are the dial policy's, like every other rule.
    if (!current || current.stage !== 'preview')
      throw new RingsideError(
        this.dispositionRequired ? 'disposition-required' : 'illegal-state',
        this.dispositionRequired ? 'Choose a disposition for the last call first.' : 'No lead is waiting to be called.',
      );
    // Claimed before anything is awaited: a second dial (the countdown and a click) is refused, not placed.
    if (this.dialling) throw new RingsideError('illegal-state', 'This lead is being called already.');
    if (this.disposing) throw new RingsideError('illegal-state', 'The disposition is being saved.');
    this.dialling = true;
    try {
      const lead = await this.lead(current.leadId);
      const phone = lead.phones[phoneIndex];
      if (!phone) throw new RingsideError('invalid-target', 'The lead has no such phone number.');
      this.clearCountdown();
      const call = await this.deps.dial(phone.e164, {
        leadId: lead.id,
        temperature: current.temperature,
        path: lead.status === 'callback' ? 'callback' : path,
      });
      // The screen follows the call at once, so that the call's end finds it; then the attempt is counted.
      this.current = { ...current, stage: 'call', callId: call.id, phoneIndex, countdownEndsAt: null };
      this.notice = null;
      this.attempt = this.deps.store.activity
        .recordAttempt(lead.id, this.now())
        .catch((error: unknown) => this.deps.log.warn(`the attempt on lead ${lead.id} could not be counted`, error));
      this.changed();
      await this.attempt;
      return call;
    } finally {
      this.dialling = false;
    }
  }

  async dispose(input: DispositionInput): Promise<WorkspaceView> {
    const current = this.current;
    if (!current) throw new RingsideError('illegal-state', 'There is no lead to disposition.');
    const live = current.callId ? this.deps.liveCalls().find((c) => c.id === current.callId) : undefined;
    if (live) throw new RingsideError('illegal-state', 'Hang up before choosing a disposition.');
    if (this.dialling) throw new RingsideError('illegal-state', 'The call is being placed: hang up before choosing a disposition.');
    // Claimed before anything is awaited: a second click does not write a second disposition.
    if (this.disposing) throw new RingsideError('illegal-state', 'The disposition is being saved.');
    this.disposing = true;
    let campaign: Campaign;
    let lead: Lead;
    let phone: string | null;
    let disposition: Campaign['dispositions'][number];
    let kept: boolean;
    try {
      ({ campaign, lead, phone, disposition, kept } = await this.recordDisposition(current, input));
    } finally {
      this.disposing = false;
    }
    this.dispositionRequired = false;
    this.notice = kept
      ? `${disposition.label}: kept on this computer, and written to the team database as soon as it answers again.`
      : disposition.effect === 'dnc' && phone
        ? `${phone} is now on the Do-Not-Call list.`
        : null;
    if (this.agent.state === 'wrap-up') this.setAgent(this.after.state, this.after.reason);
    this.current = null;
    this.clearCountdown();
    // The next lead first (progressive: its INVITE leaves now); the figures can follow. The
    // disposition is saved whatever happens to the next lead.
    await this.advance(campaign).catch((error: unknown) => {
      this.notice = `${this.notice ? `${this.notice} ` : ''}No next lead: ${error instanceof Error ? error.message : String(error)}`;
    });
    if (!this.current) this.changed();
    const result = this.answer();
    setImmediate(() => {
      drop(
        this.deps.store.leads.get(lead.id).then((updated) => {
          if (updated) this.deps.emit('lead:changed', updated);
        }),
        this.deps.log.warn,
        'lead changed',
      );
      this.statsChanged();
    });
    return result;
  }

  /** Validates the disposition of the lead on screen and writes it with all its effects. */
  private async recordDisposition(
    current: WorkspaceLead,
    input: DispositionInput,
  ): Promise<{ campaign: Campaign; lead: Lead; phone: string | null; disposition: Campaign['dispositions'][number]; kept: boolean }> {
    // With the team database out of reach the result can still be kept: from what was read last.
    const campaign = await whenLost(this.requireCampaign(), this.seen.campaign?.id === this.campaignId ? this.seen.campaign : null);
    const disposition = campaign.dispositions.find((d) => d.code === input.code);
    if (!disposition) throw new RingsideError('invalid-data', `"${input.code}" is not a disposition of ${campaign.name}.`);
    const lead = await whenLost(this.lead(current.leadId), this.seen.lead?.id === current.leadId ? this.seen.lead : null);
    const now = this.now();
    let callback: { dueAt: number; timeZone: string; owner: string | null } | null = null;
    const agent = this.deps.agentId?.() ?? null;
    if (disposition.effect === 'callback') {
      if (!input.callback) throw new RingsideError('invalid-data', 'Pick the date and time of the callback.');
      const at = DateTime.fromISO(input.callback.at, { zone: input.callback.timeZone });
      if (!at.isValid) throw new RingsideError('invalid-data', `Callback time is invalid: ${at.invalidExplanation ?? at.invalidReason}`);
      if (at.toMillis() <= now) throw new RingsideError('invalid-data', 'The callback time is in the past.');
      callback = { dueAt: at.toMillis(), timeZone: input.callback.timeZone, owner: input.callback.forAnyone ? null : agent };
    }
    const phone = lead.phones[current.phoneIndex]?.e164 ?? null;
    // The call's attempt is in the count that max attempts is decided on.
    await this.attempt;
    // Durable first: when this returns, the disposition survives a crash.
    const record: DispositionRecord = {
      leadId: lead.id,
      callId: current.callId,
      code: disposition.code,
      label: disposition.label,
      effect: disposition.effect,
      success: disposition.success,
      note: input.note,
      at: now,
      phone,
      retryAt: disposition.effect === 'retry' ? now + (disposition.retryMinutes ?? 60) * 60_000 : null,
      callback,
      maxAttempts: campaign.maxAttempts,
      agent,
      events: this.dispositionEvents(lead, current, disposition, input.note, now, phone, callback),
    };
    let kept = false;
    try {
      await this.deps.store.activity.recordDisposition(record);
    } catch (error) {
      // The team database is out of reach: the result waits on this desktop, the agent goes on.
      if (!this.deps.keepResult?.(record, error)) throw error;
      kept = true;
    }
    // A team agent's claim went with the disposition, in its transaction; a solo desktop's is only its own.
    if (this.held?.leadId === lead.id) {
      if (agent === null) this.giveBackHeld();
      else this.stopHolding();
    }
    if (!kept) this.deps.eventsWritten?.();
    return { campaign, lead, phone, disposition, kept };
  }

  /** A script answer goes into the lead (a field, or `custom.<name>`). */
  async capture(leadId: number, field: string, value: string): Promise<Lead> {
    // The custom fields are written back whole: another edit of the lead must not come in between.
    const updated = await editLead(this.deps.store, leadId, async () => {
      const lead = await this.lead(leadId);
      const changes: LeadChanges = field.startsWith('custom.') ? { customFields: { ...lead.customFields, [field.slice(7)]: value } } : { [field]: value };
      const at = this.now();
      return this.deps.store.leads.update(leadId, changes, at, this.crm('lead.changed', leadId, at, { leadId, changes, via: 'script' }));
    });
    this.deps.eventsWritten?.();
    this.deps.emit('lead:changed', updated);
    return updated;
  }

  // ---- agent state -----------------------------------------------------------------------

  async setAgentState(state: 'available' | 'paused' | 'offline', reason?: string): Promise<WorkspaceView> {
    if (state === 'available' && !this.deps.registered()) {
      this.after = { state: 'available', reason: null };
      if (this.agent.state !== 'on-call' && this.agent.state !== 'wrap-up') this.setAgent('paused', NOT_REGISTERED);
      this.notice = 'Not registered to the SIP server: you will become available as soon as registration succeeds.';
      this.changed();
      return this.answer();
    }
    if (this.agent.state === 'on-call' || this.agent.state === 'wrap-up') {
      // Takes effect after this call's disposition.
      this.after = { state, reason: reason ?? null };
      this.notice = state === 'available' ? null : `You will be ${state === 'paused' ? `paused (${reason ?? 'break'})` : 'offline'} after this call.`;
      this.changed();
      return this.answer();
    }
    this.after = { state, reason: reason ?? null };
    this.setAgent(state, state === 'paused' ? (reason ?? 'Break') : null);
    if (state === 'available') await this.advance(await this.campaignOrNull());
    else this.clearCountdown();
    return this.answer();
  }

  /** Registration lost: pause automatically (progressive dialling stops); back when it returns. */
  onRegistration(registered: boolean): void {
    if (!registered && this.agent.state === 'available') {
      this.after = { state: 'available', reason: null };
      this.clearCountdown();
      this.setAgent('paused', NOT_REGISTERED);
    } else if (registered && this.agent.state === 'paused' && this.agent.pauseReason === NOT_REGISTERED) {
      this.setAgent('available', null);
      this.advanceLater();
    }
  }

  // ---- calls -----------------------------------------------------------------------------

  /**
   * Matches an inbound caller to a lead by number; an unknown caller becomes a new lead. Its
   * call counts as an inquiry (evidence that warms later outbound calls) only with a caller ID
   * the server vouched for: anyone can put any number in a From header.
   */
  async identify(remoteUri: string, remoteName: string, callerIdVerified = false): Promise<DialContext | null> {
    const campaign = await this.campaignOrNull();
    const e164 = numberOfUri(remoteUri, campaign?.defaultCountry ?? 'US');
    const temperature = decideTemperature('inbound', null, { inquiryDays: 0, purchaseDays: 0, consentDays: 0 }, this.now());
    if (!e164) return { leadId: null, temperature };
    // Looked up and, if unknown, created with no other call from the number in between.
    return this.callers.run(e164, async () => {
      const known = await this.deps.store.leads.findByPhone(e164);
      if (known) return { leadId: known.id, temperature };
      if (!campaign) return { leadId: null, temperature };
      return { leadId: (await this.createCaller(campaign, e164, remoteName, callerIdVerified)).id, temperature };
    });
  }

  /** A lead for an unknown caller, in the campaign the agent works on. */
  private createCaller(campaign: Campaign, e164: string, remoteName: string, callerIdVerified: boolean): Promise<Lead> {
    const name = /^[+\d\s]+$/.test(remoteName) ? '' : remoteName;
    const [firstName = '', ...rest] = name.split(/\s+/);
    return this.deps.store.leads.create(
      campaign.id,
      {
        ...blankLead(),
        firstName,
        lastName: rest.join(' '),
        timeZone: cachedTimeZone(e164) ?? null,
        source: callerIdVerified ? 'Inbound call' : UNVERIFIED_CALLER_SOURCE,
        inquiryAt: callerIdVerified ? new Date(this.now()).toISOString().slice(0, 10) : null,
        phones: [{ e164, raw: e164, label: null }],
      },
      this.now(),
    );
  }

  /** Every call state change. Keeps the agent state, the lead on screen and the call log. */
  onCall(view: CallSessionView): void {
    // An ended call may still change (its hang-up refused later): it is in the log once.
    if (this.endedCalls.has(view.id)) return;
    if (!this.callNotes.has(view.id)) {
      // History keeps the number (E.164) when the address is one, else the SIP address.
      const phone = this.campaignOrNull().then((c) => numberOfUri(view.remoteUri, c?.defaultCountry ?? 'US') ?? view.remoteUri);
      // Read now, written when the call ends: a failed read fails that write, where it is logged.
      phone.catch(() => undefined);
      this.callNotes.set(view.id, { leadId: view.leadId, direction: view.direction, phone, startedAt: view.createdAt, answeredAt: null });
    }
    const note = this.callNotes.get(view.id) as CallNote;
    if (view.answeredAt) note.answeredAt = view.answeredAt;

    // An inbound call from a known lead pops its card before answering (if nothing is pending).
    if (view.direction === 'inbound' && view.state === 'incoming' && view.leadId && this.mayPop()) {
      drop(this.popCard(view, view.leadId), this.deps.log.warn, "show the caller's lead");
    }

    if (view.state === 'active' || view.state === 'dialing') {
      if (this.agent.state !== 'on-call') this.setAgent('on-call', null);
    }

    if (view.state !== 'ended') return;
    this.callNotes.delete(view.id);
    this.endedCalls.add(view.id);
    // Only the latest few matter: a call's later updates come within its transaction timeout.
    if (this.endedCalls.size > 100) this.endedCalls.delete(this.endedCalls.values().next().value as string);
    const recorded = note.phone.then((phone) =>
      this.deps.store.activity.recordCall({
        callId: view.id,
        leadId: note.leadId,
        direction: note.direction,
        phone,
        startedAt: note.startedAt,
        answeredAt: note.answeredAt,
        endedAt: view.endedAt ?? this.now(),
        outcome: view.outcome ?? 'failed',
        agent: this.deps.agentId?.() ?? null,
      }),
    );
    // Today's figures once the call is in them.
    drop(
      recorded.finally(() => this.statsChanged()),
      this.deps.log.warn,
      'record call',
    );
    const mine = this.current?.callId === view.id;
    if (mine && this.current) {
      this.current = { ...this.current, stage: 'wrap-up', wrapUpStartedAt: this.now() };
      this.dispositionRequired = true;
      this.setAgent('wrap-up', null);
      if (view.leadId) {
        drop(
          this.deps.store.leads.get(view.leadId).then((lead) => {
            if (lead) this.deps.emit('lead:changed', lead);
          }),
          this.deps.log.warn,
          'lead changed',
        );
      }
    } else if (this.agent.state === 'on-call' && !this.deps.liveCalls().some((c) => c.id !== view.id && LIVE.has(c.state))) {
      this.setAgent(this.after.state, this.after.reason);
    }
  }

  /** Nothing the agent must finish holds the screen: an incoming call may show its lead. */
  private mayPop(): boolean {
    return !this.dispositionRequired && !this.disposing && !this.dialling && (!this.current || this.current.stage === 'preview');
  }

  private async popCard(view: CallSessionView, leadId: number): Promise<void> {
    const lead = await this.deps.store.leads.get(leadId);
    const campaign = lead ? await this.deps.store.campaigns.get(lead.campaignId) : null;
    // Decided again now that the reads are in: the call may have ended, or the screen been taken.
    if (lead && this.callNotes.has(view.id) && this.mayPop()) {
      if (this.held && this.held.leadId !== lead.id) this.giveBackHeld();
      this.clearCountdown();
      this.campaignId = lead.campaignId;
      this.current = {
        leadId: lead.id,
        callId: view.id,
        phoneIndex: Math.max(
          0,
          lead.phones.findIndex((p) => view.remoteUri.includes(p.e164.slice(1))),
        ),
        stage: 'call',
        countdownEndsAt: null,
        wrapUpStartedAt: null,
        temperature: view.temperature,
        scriptStart: campaign?.script.warmStart ?? '',
        compliance: null,
      };
      this.changed();
    }
  }

  /** New leads arrived (an import finished): an idle dialler picks them up. */
  leadsChanged(): void {
    if (!this.current && !this.dispositionRequired) this.advanceLater();
  }

  /** Stops timers and gives back a lead claimed but not called (core shutting down). */
  async stop(): Promise<void> {
    this.clearCountdown();
    const held = this.held;
    this.stopHolding();
    if (held && this.current?.leadId === held.leadId && this.current.stage === 'preview')
      await this.deps.store.leads.releaseClaim(held.leadId, held.agent).catch((e: unknown) => this.deps.log.warn('give back the claimed lead', e));
  }

  // ---- internals -------------------------------------------------------------------------

  /** After a disposition or becoming available: progressive dials on, preview shows the next lead. */
  private async advance(campaign: Campaign | null): Promise<void> {
    if (!campaign || !this.mayAdvance(campaign)) return;
    if (campaign.dialMode === 'manual') return;
    if (campaign.dialMode === 'progressive' && this.deps.registered()) {
      const lead = await this.claim(campaign);
      // Another advance (or a call, a campaign switch) may have come first while the queue was read.
      if (!this.mayAdvance(campaign)) return this.giveBack(lead);
      if (lead) {
        // Straight to the call: the UI hears about the lead with the call, not before it.
        this.preview(lead, campaign, false, false);
        const next = this.current as WorkspaceLead | null;
        if (next)
          drop(
            this.dial(next.phoneIndex, 'progressive').catch((e: unknown) => this.dialFailed(e)),
            this.deps.log.warn,
            'progressive dial',
          );
        return;
      }
    }
    await this.showNext(campaign);
  }

  /** `advance` for an event that nobody waits on (registration back, an import finished). */
  private advanceLater(): void {
    drop(
      this.campaignOrNull().then((campaign) => this.advance(campaign)),
      this.deps.log.warn,
      'take the next lead',
    );
  }

  private mayAdvance(campaign: Campaign): boolean {
    return this.agent.state === 'available' && !this.current && !this.busy() && this.campaignId === campaign.id;
  }

  /** Previews the campaign's next due lead, or says none is due, unless the screen was taken while the queue was read. */
  private async showNext(campaign: Campaign): Promise<void> {
    const lead = await this.claim(campaign);
    if (this.campaignId !== campaign.id || this.busy() || this.current?.stage === 'call') return this.giveBack(lead);
    if (!lead) {
      this.setCurrent(null, this.skipped.length ? 'No more leads are due (some were skipped this session).' : 'No leads are due in this campaign right now.');
      return;
    }
    this.preview(lead, campaign);
  }

  /**
   * Claims the campaign's next lead for this agent (team mode: no other agent gets it while held)
   * and keeps renewing the lease while the lead stays this agent's. The gate decides again on the
   * card shown now and at the dial: a number listed after the lead was queued is never dialled.
   */
  private async claim(campaign: Campaign): Promise<Lead | null> {
    const refused = this.deps.noClaims?.();
    if (refused) throw new RingsideError('illegal-state', refused);
    const agent = this.deps.agentId?.() ?? SOLO_AGENT;
    const leaseMs = this.deps.leaseMs ?? LEASE_MS;
    const lead = await this.deps.store.leads.claimNext(campaign.id, { agent, now: this.now(), leaseMs, exclude: this.skipped });
    if (!lead) return null;
    if (this.held?.leadId !== lead.id) {
      this.giveBackHeld();
      const timer = setInterval(() => this.renew(), Math.max(1000, Math.floor(leaseMs / 3)));
      timer.unref?.();
      this.held = { leadId: lead.id, agent, timer };
    }
    return lead;
  }

  private renew(): void {
    const held = this.held;
    if (!held) return;
    drop(
      this.deps.store.leads.renewClaim(held.leadId, held.agent, this.now(), this.deps.leaseMs ?? LEASE_MS).then((kept) => {
        // Lost (the database was away past the lease and another agent took it): not ours to call.
        if (!kept && this.held === held) {
          this.stopHolding();
          if (this.current?.leadId === held.leadId && this.current.stage === 'preview')
            this.setCurrent(null, 'Another agent took this lead while the team database was out of reach: take the next one.');
        }
      }),
      this.deps.log.warn,
      'renew the claim on the lead on screen',
    );
  }

  /** A claimed lead that will not be shown after all goes back to the pool. */
  private giveBack(lead: Lead | null): void {
    if (lead && this.held?.leadId === lead.id && this.current?.leadId !== lead.id) this.giveBackHeld();
  }

  private giveBackHeld(): void {
    const held = this.held;
    if (!held) return;
    this.stopHolding();
    drop(this.deps.store.leads.releaseClaim(held.leadId, held.agent), this.deps.log.warn, 'give a lead back to the pool');
  }

  private stopHolding(): void {
    if (this.held) clearInterval(this.held.timer);
    this.held = null;
  }

  private crm(...args: Parameters<CrmEvents>): ReturnType<CrmEvents> {
    return (this.deps.crmEvents ?? noCrmEvents)(...args);
  }

  /** What the CRM hears of a disposition: the result, and its callback or Do-Not-Call request. */
  private dispositionEvents(
    lead: Lead,
    current: WorkspaceLead,
    disposition: Campaign['dispositions'][number],
    note: string,
    at: number,
    phone: string | null,
    callback: { dueAt: number; timeZone: string; owner: string | null } | null,
  ): ReturnType<CrmEvents> {
    const who = { leadId: lead.id, campaignId: lead.campaignId, externalRef: lead.customFields['crm_id'] ?? null };
    const events = this.crm('disposition.recorded', lead.id, at, {
      ...who,
      callId: current.callId,
      phone,
      code: disposition.code,
      label: disposition.label,
      success: disposition.success,
      effect: disposition.effect,
      note,
      temperature: current.temperature.kind,
    });
    if (callback)
      events.push(
        ...this.crm('callback.scheduled', lead.id, at, {
          ...who,
          dueAt: new Date(callback.dueAt).toISOString(),
          timeZone: callback.timeZone,
          owner: callback.owner,
        }),
      );
    if (disposition.effect === 'dnc' && phone)
      events.push(...this.crm('dnc.requested', lead.id, at, { ...who, phone, source: `disposition ${disposition.code}` }));
    return events;
  }

  /** A disposition is due or being written, or a dial is under way. */
  private busy(): boolean {
    return this.dispositionRequired || this.disposing || this.dialling;
  }

  private preview(lead: Lead, campaign: Campaign, allowCountdown = true, announce = true): void {
    this.seen = { campaign, lead };
    if (this.held && this.held.leadId !== lead.id) this.giveBackHeld();
    const temperature = decideTemperature('outbound', lead, campaign.warmWindows, this.now());
    const phoneIndex = Math.max(
      0,
      lead.phones.findIndex((p) => !p.bad),
    );
    const countdown =
      allowCountdown && campaign.dialMode === 'preview' && campaign.previewCountdownSec > 0 && this.agent.state === 'available' && this.deps.registered();
    this.clearCountdown();
    this.current = {
      leadId: lead.id,
      callId: null,
      phoneIndex,
      stage: 'preview',
      countdownEndsAt: countdown ? this.now() + campaign.previewCountdownSec * 1000 : null,
      wrapUpStartedAt: null,
      temperature,
      scriptStart: temperature.kind === 'warm' ? campaign.script.warmStart : campaign.script.coldStart,
      compliance: null,
    };
    this.notice = null;
    if (countdown) {
      const leadId = lead.id;
      this.countdown = setTimeout(() => {
        this.countdown = null;
        if (this.current?.leadId === leadId && this.current.stage === 'preview' && this.agent.state === 'available' && !this.busy()) {
          drop(
            this.dial(phoneIndex).catch((e: unknown) => this.dialFailed(e)),
            this.deps.log.warn,
            'preview auto-dial',
          );
        }
      }, campaign.previewCountdownSec * 1000);
    }
    if (announce) this.changed();
  }

  private dialFailed(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.notice = `The call was not placed: ${message}`;
    if (this.current) this.current = { ...this.current, countdownEndsAt: null };
    this.changed();
  }

  private setCurrent(current: WorkspaceLead | null, notice: string | null): void {
    if (this.held && this.held.leadId !== current?.leadId) this.giveBackHeld();
    this.clearCountdown();
    this.current = current;
    this.notice = notice;
    this.changed();
  }

  private setAgent(state: AgentState, reason: string | null): void {
    if (this.agent.state === state && this.agent.pauseReason === reason) return;
    assertAgentTransition(this.agent.state, state);
    this.agent = { state, pauseReason: state === 'paused' ? reason : null, since: this.now() };
    this.changed();
  }

  private clearCountdown(): void {
    if (this.countdown) clearTimeout(this.countdown);
    this.countdown = null;
    if (this.current?.countdownEndsAt) this.current = { ...this.current, countdownEndsAt: null };
  }

  private requireIdle(what: string): void {
    if (this.dispositionRequired) throw new RingsideError('disposition-required', `Choose a disposition for the last call before you ${what}.`);
    if (this.disposing) throw new RingsideError('illegal-state', `The disposition is being saved: wait a moment before you ${what}.`);
    if (this.dialling) throw new RingsideError('illegal-state', `The call is being placed: wait a moment before you ${what}.`);
    if (this.current && this.current.stage === 'call') throw new RingsideError('illegal-state', `Finish the current call before you ${what}.`);
  }

  private async campaign(id: number): Promise<Campaign> {
    const c = await this.deps.store.campaigns.get(id);
    if (!c) throw new RingsideError('not-found', 'That campaign does not exist.');
    return c;
  }

  private async campaignOrNull(): Promise<Campaign | null> {
    return this.campaignId === null ? null : this.deps.store.campaigns.get(this.campaignId);
  }

  private async requireCampaign(): Promise<Campaign> {
    const c = await this.campaignOrNull();
    if (!c) throw new RingsideError('illegal-state', 'Pick a campaign first.');
    this.seen.campaign = c;
    return c;
  }

  private async lead(id: number): Promise<Lead> {
    const lead = await this.deps.store.leads.get(id);
    if (!lead) throw new RingsideError('not-found', 'That lead does not exist.');
    this.seen.lead = lead;
    return lead;
  }

  /** Tells the windows (in the order of the changes) and the supervisors' board. */
  private changed(): void {
    this.told = this.emitView(this.view());
    this.deps.agentChanged?.();
  }

  /** The view a request is answered with, once the events its changes caused are out (they come first). */
  private async answer(): Promise<WorkspaceView> {
    await this.told;
    return this.view();
  }

  private statsChanged(): void {
    drop(this.emitStats(this.stats()));
    this.deps.agentChanged?.();
  }

  /** Only before the call: during and after it the call carries the decision it was dialled on. */
  private async currentCompliance(current: WorkspaceLead): Promise<ComplianceDecision | null> {
    if (!this.deps.check || current.stage !== 'preview') return null;
    const phone = (await this.deps.store.leads.get(current.leadId))?.phones[current.phoneIndex];
    return phone ? this.deps.check(current.leadId, phone.e164) : null;
  }

  /** Shows the agent a notice (e.g. a tel: link from another app that the gate refused). */
  notify(text: string): void {
    this.notice = text;
    this.changed();
  }

  /** Tells the windows again (something the view depends on changed elsewhere, e.g. the DNC list). */
  refresh(): void {
    this.changed();
  }
}
