/**
 * The telemarketer's day: which lead is on screen, dialling it (manual, preview with countdown,
 * progressive), wrap-up and the required disposition, the agent's state, inbound caller
 * matching, and today's figures. Everything durable goes through the repositories; the
 * disposition is written (synchronously, in one transaction) before anyone is told it is saved.
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
import { blankLead, type LeadChanges, type Store } from '../data/repositories.js';
import { numberOfUri } from '../calls/caller-id.js';
import type { ComplianceDecision } from '../../../shared/compliance.js';
import { cachedTimeZone } from '../data/time-zone.js';
import { drop } from '../lib/drop.js';
import type { Logger } from '../lib/logger.js';

export interface WorkspaceDeps {
  store: Store;
  /** The compliance gate's decision for a lead's number now (not logged): the card before the call. */
  check?(leadId: number, e164: string): ComplianceDecision | null;
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
}

const LIVE = new Set(['dialing', 'ringing', 'incoming', 'answering', 'active', 'held']);
const NOT_REGISTERED = 'Not registered';
/** The source of a lead made from an inbound call whose caller ID nobody vouched for (it stays cold). */
export const UNVERIFIED_CALLER_SOURCE = 'Inbound call (unverified caller ID)';

interface CallNote {
  leadId: number | null;
  direction: 'outbound' | 'inbound';
  phone: string;
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

  constructor(private readonly deps: WorkspaceDeps) {
    this.now = deps.now ?? Date.now;
    // Paused until the SIP account registers; then available (unless the agent chose otherwise).
    this.agent = { state: 'paused', pauseReason: NOT_REGISTERED, since: this.now() };
  }

  /** The campaign the agent works on; cheap, unlike view() (which decides the previewed lead). */
  get selectedCampaignId(): number | null {
    return this.campaignId;
  }

  /** The last call still waits for its disposition. */
  get awaitingDisposition(): boolean {
    return this.dispositionRequired;
  }

  view(): WorkspaceView {
    return {
      agent: { ...this.agent, name: this.deps.agentName() },
      campaignId: this.campaignId,
      current: this.current ? { ...this.current, compliance: this.currentCompliance(this.current) } : null,
      dispositionRequired: this.dispositionRequired,
      notice: this.notice,
    };
  }

  stats(): AgentStats {
    const zone = this.deps.timeZone ?? DateTime.local().zoneName ?? 'UTC';
    const start = DateTime.fromMillis(this.now(), { zone }).startOf('day');
    return this.deps.store.activity.stats(start.toMillis(), start.plus({ days: 1 }).toMillis(), start.toISODate() ?? '');
  }

  // ---- campaign and leads on screen ------------------------------------------------------

  selectCampaign(id: number): WorkspaceView {
    this.campaign(id);
    this.requireIdle('switch campaigns');
    this.campaignId = id;
    this.skipped = [];
    this.setCurrent(null, null);
    this.advance(this.campaign(id));
    return this.view();
  }

  next(): WorkspaceView {
    const campaign = this.requireCampaign();
    this.requireIdle('take the next lead');
    const lead = this.deps.store.leads.next(campaign.id, this.now(), this.skipped);
    if (!lead) {
      this.setCurrent(null, this.skipped.length ? 'No more leads are due (some were skipped this session).' : 'No leads are due in this campaign right now.');
      return this.view();
    }
    this.preview(lead, campaign);
    return this.view();
  }

  openLead(leadId: number): WorkspaceView {
    const lead = this.deps.store.leads.get(leadId);
    if (!lead) throw new RingsideError('not-found', 'That lead does not exist.');
    this.requireIdle('open another lead');
    const campaign = this.campaign(lead.campaignId);
    this.campaignId = campaign.id;
    this.preview(lead, campaign, false);
    return this.view();
  }

  skip(): WorkspaceView {
    if (!this.current || this.current.stage !== 'preview') throw new RingsideError('illegal-state', 'Only a previewed lead can be skipped.');
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
    const lead = this.lead(current.leadId);
    const phone = lead.phones[phoneIndex];
    if (!phone) throw new RingsideError('invalid-target', 'The lead has no such phone number.');
    this.clearCountdown();
    const call = await this.deps.dial(phone.e164, { leadId: lead.id, temperature: current.temperature, path: lead.status === 'callback' ? 'callback' : path });
    this.deps.store.activity.recordAttempt(lead.id, this.now());
    this.current = { ...current, stage: 'call', callId: call.id, phoneIndex, countdownEndsAt: null };
    this.notice = null;
    this.changed();
    return call;
  }

  async dispose(input: { code: string; note: string; callback?: { at: string; timeZone: string } }): Promise<WorkspaceView> {
    const current = this.current;
    if (!current) throw new RingsideError('illegal-state', 'There is no lead to disposition.');
    const live = current.callId ? this.deps.liveCalls().find((c) => c.id === current.callId) : undefined;
    if (live) throw new RingsideError('illegal-state', 'Hang up before choosing a disposition.');
    const campaign = this.requireCampaign();
    const disposition = campaign.dispositions.find((d) => d.code === input.code);
    if (!disposition) throw new RingsideError('invalid-data', `"${input.code}" is not a disposition of ${campaign.name}.`);
    const lead = this.lead(current.leadId);
    const now = this.now();
    let callback: { dueAt: number; timeZone: string } | null = null;
    if (disposition.effect === 'callback') {
      if (!input.callback) throw new RingsideError('invalid-data', 'Pick the date and time of the callback.');
      const at = DateTime.fromISO(input.callback.at, { zone: input.callback.timeZone });
      if (!at.isValid) throw new RingsideError('invalid-data', `Callback time is invalid: ${at.invalidExplanation ?? at.invalidReason}`);
      if (at.toMillis() <= now) throw new RingsideError('invalid-data', 'The callback time is in the past.');
      callback = { dueAt: at.toMillis(), timeZone: input.callback.timeZone };
    }
    const phone = lead.phones[current.phoneIndex]?.e164 ?? null;
    // Durable first: when this returns, the disposition survives a crash.
    this.deps.store.activity.recordDisposition({
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
    });
    this.dispositionRequired = false;
    this.notice = disposition.effect === 'dnc' && phone ? `${phone} is now on the Do-Not-Call list.` : null;
    if (this.agent.state === 'wrap-up') this.setAgent(this.after.state, this.after.reason);
    this.current = null;
    this.clearCountdown();
    // The next lead first (progressive: its INVITE leaves now); the figures can follow.
    this.advance(campaign);
    if (!this.current) this.changed();
    const result = this.view();
    setImmediate(() => {
      const updated = this.deps.store.leads.get(lead.id);
      if (updated) this.deps.emit('lead:changed', updated);
      this.statsChanged();
    });
    return result;
  }

  /** A script answer goes into the lead (a field, or `custom.<name>`). */
  capture(leadId: number, field: string, value: string): Lead {
    const lead = this.lead(leadId);
    const changes: LeadChanges = field.startsWith('custom.') ? { customFields: { ...lead.customFields, [field.slice(7)]: value } } : { [field]: value };
    const updated = this.deps.store.leads.update(leadId, changes, this.now());
    this.deps.emit('lead:changed', updated);
    return updated;
  }

  // ---- agent state -----------------------------------------------------------------------

  setAgentState(state: 'available' | 'paused' | 'offline', reason?: string): WorkspaceView {
    if (state === 'available' && !this.deps.registered()) {
      this.after = { state: 'available', reason: null };
      if (this.agent.state !== 'on-call' && this.agent.state !== 'wrap-up') this.setAgent('paused', NOT_REGISTERED);
      this.notice = 'Not registered to the SIP server: you will become available as soon as registration succeeds.';
      this.changed();
      return this.view();
    }
    if (this.agent.state === 'on-call' || this.agent.state === 'wrap-up') {
      // Takes effect after this call's disposition.
      this.after = { state, reason: reason ?? null };
      this.notice = state === 'available' ? null : `You will be ${state === 'paused' ? `paused (${reason ?? 'break'})` : 'offline'} after this call.`;
      this.changed();
      return this.view();
    }
    this.after = { state, reason: reason ?? null };
    this.setAgent(state, state === 'paused' ? (reason ?? 'Break') : null);
    if (state === 'available') this.advance(this.campaignOrNull());
    else this.clearCountdown();
    return this.view();
  }

  /** Registration lost: pause automatically (progressive dialling stops); back when it returns. */
  onRegistration(registered: boolean): void {
    if (!registered && this.agent.state === 'available') {
      this.after = { state: 'available', reason: null };
      this.clearCountdown();
      this.setAgent('paused', NOT_REGISTERED);
    } else if (registered && this.agent.state === 'paused' && this.agent.pauseReason === NOT_REGISTERED) {
      this.setAgent('available', null);
      this.advance(this.campaignOrNull());
    }
  }

  // ---- calls -----------------------------------------------------------------------------

  /**
   * Matches an inbound caller to a lead by number; an unknown caller becomes a new lead. Its
   * call counts as an inquiry (evidence that warms later outbound calls) only with a caller ID
   * the server vouched for: anyone can put any number in a From header.
   */
  identify(remoteUri: string, remoteName: string, callerIdVerified = false): DialContext | null {
    const campaign = this.campaignOrNull();
    const e164 = numberOfUri(remoteUri, campaign?.defaultCountry ?? 'US');
    const temperature = decideTemperature('inbound', null, { inquiryDays: 0, purchaseDays: 0, consentDays: 0 }, this.now());
    if (!e164) return { leadId: null, temperature };
    const known = this.deps.store.leads.findByPhone(e164);
    if (known) return { leadId: known.id, temperature };
    if (!campaign) return { leadId: null, temperature };
    const name = /^[+\d\s]+$/.test(remoteName) ? '' : remoteName;
    const [firstName = '', ...rest] = name.split(/\s+/);
    const lead = this.deps.store.leads.create(
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
    return { leadId: lead.id, temperature };
  }

  /** Every call state change. Keeps the agent state, the lead on screen and the call log. */
  onCall(view: CallSessionView): void {
    if (!this.callNotes.has(view.id)) {
      // History keeps the number (E.164) when the address is one, else the SIP address.
      const phone = numberOfUri(view.remoteUri, this.campaignOrNull()?.defaultCountry ?? 'US') ?? view.remoteUri;
      this.callNotes.set(view.id, { leadId: view.leadId, direction: view.direction, phone, startedAt: view.createdAt, answeredAt: null });
    }
    const note = this.callNotes.get(view.id) as CallNote;
    if (view.answeredAt) note.answeredAt = view.answeredAt;

    // An inbound call from a known lead pops its card before answering (if nothing is pending).
    if (
      view.direction === 'inbound' &&
      view.state === 'incoming' &&
      view.leadId &&
      !this.dispositionRequired &&
      (!this.current || this.current.stage === 'preview')
    ) {
      const lead = this.deps.store.leads.get(view.leadId);
      if (lead) {
        const campaign = this.deps.store.campaigns.get(lead.campaignId);
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

    if (view.state === 'active' || view.state === 'dialing') {
      if (this.agent.state !== 'on-call') this.setAgent('on-call', null);
    }

    if (view.state !== 'ended') return;
    this.callNotes.delete(view.id);
    drop(
      Promise.resolve().then(() =>
        this.deps.store.activity.recordCall({
          callId: view.id,
          leadId: note.leadId,
          direction: note.direction,
          phone: note.phone,
          startedAt: note.startedAt,
          answeredAt: note.answeredAt,
          endedAt: view.endedAt ?? this.now(),
          outcome: view.outcome ?? 'failed',
        }),
      ),
      this.deps.log.warn,
      'record call',
    );
    const mine = this.current?.callId === view.id;
    if (mine && this.current) {
      this.current = { ...this.current, stage: 'wrap-up', wrapUpStartedAt: this.now() };
      this.dispositionRequired = true;
      this.setAgent('wrap-up', null);
      if (view.leadId) {
        const lead = this.deps.store.leads.get(view.leadId);
        if (lead) this.deps.emit('lead:changed', lead);
      }
    } else if (this.agent.state === 'on-call' && !this.deps.liveCalls().some((c) => c.id !== view.id && LIVE.has(c.state))) {
      this.setAgent(this.after.state, this.after.reason);
    }
    this.statsChanged();
  }

  /** New leads arrived (an import finished): an idle dialler picks them up. */
  leadsChanged(): void {
    if (!this.current && !this.dispositionRequired) this.advance(this.campaignOrNull());
  }

  /** Stops timers (core shutting down). */
  stop(): void {
    this.clearCountdown();
  }

  // ---- internals -------------------------------------------------------------------------

  /** After a disposition or becoming available: progressive dials on, preview shows the next lead. */
  private advance(campaign: Campaign | null): void {
    if (!campaign || this.agent.state !== 'available' || this.current || this.dispositionRequired) return;
    if (campaign.dialMode === 'manual') return;
    if (campaign.dialMode === 'progressive' && this.deps.registered()) {
      const lead = this.deps.store.leads.next(campaign.id, this.now(), this.skipped);
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
    this.next();
  }

  private preview(lead: Lead, campaign: Campaign, allowCountdown = true, announce = true): void {
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
        if (this.current?.leadId === leadId && this.current.stage === 'preview' && this.agent.state === 'available') {
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
    if (this.current && this.current.stage === 'call') throw new RingsideError('illegal-state', `Finish the current call before you ${what}.`);
  }

  private mode(): Campaign['dialMode'] {
    return this.campaignOrNull()?.dialMode ?? 'manual';
  }

  private campaign(id: number): Campaign {
    const c = this.deps.store.campaigns.get(id);
    if (!c) throw new RingsideError('not-found', 'That campaign does not exist.');
    return c;
  }

  private campaignOrNull(): Campaign | null {
    return this.campaignId === null ? null : this.deps.store.campaigns.get(this.campaignId);
  }

  private requireCampaign(): Campaign {
    const c = this.campaignOrNull();
    if (!c) throw new RingsideError('illegal-state', 'Pick a campaign first.');
    return c;
  }

  private lead(id: number): Lead {
    const lead = this.deps.store.leads.get(id);
    if (!lead) throw new RingsideError('not-found', 'That lead does not exist.');
    return lead;
  }

  private changed(): void {
    this.deps.emit('workspace:changed', this.view());
    this.deps.agentChanged?.();
  }

  private statsChanged(): void {
    this.deps.emit('stats:changed', this.stats());
    this.deps.agentChanged?.();
  }

  /** Only before the call: during and after it the call carries the decision it was dialled on. */
  private currentCompliance(current: WorkspaceLead): ComplianceDecision | null {
    if (!this.deps.check || current.stage !== 'preview') return null;
    const phone = this.deps.store.leads.get(current.leadId)?.phones[current.phoneIndex];
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
