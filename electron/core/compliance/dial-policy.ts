/**
 * The one dial policy: every attempt to place a call — the dial box, a link, preview, the
 * countdown, progressive, a callback, redial, a transfer target, a supervisor's monitoring
 * call — is decided here once, right before it is dialled, and leaves one audit record.
 *
 * The target is read the way the PBX will read it (shared/target-reading.ts, with the
 * account's dial plan); every reading is decided and the strictest decision stands. A target
 * that is neither internal (an extension, one of our agents, an internal domain's user, an
 * emergency number) nor a number the rules can decide is refused: the policy fails closed.
 * The workspace's own rules for an attempt (a disposition first, a number marked bad) are
 * part of the same decision. It is made only once every read from the store is in; a read that
 * fails fails the decision, and a decision that fails is a refusal (nothing is dialled).
 */
import type { ComplianceCheck, ComplianceDecision, DialPath, TargetReadingView, TargetView } from '../../../shared/compliance.js';
import { aorDomain, type Account } from '../../../shared/account.js';
import type { DialPlan } from '../../../shared/dial-plan.js';
import type { Lead } from '../../../shared/lead.js';
import { readingLabel, readTarget, type Reading, type TargetRead } from '../../../shared/target-reading.js';
import type { Store } from '../data/repositories.js';
import type { ComplianceService } from './compliance-service.js';

/** A call with a live agent, or a pre-recorded message played into it (voicemail drop). */
export type CallKind = 'live' | 'prerecorded';

export interface DialAttempt {
  /** What was typed or linked, a redial's remote URI, a transfer target. */
  target: string;
  path: DialPath;
  /** The lead the call is for (its evidence and campaign count only for its own numbers). */
  leadId: number | null;
  /** A live agent, or a pre-recorded message (voicemail drop). */
  callKind?: CallKind;
}

export type DialPermit =
  | { allowed: true; uri: string; display: string; decision: ComplianceDecision }
  | { allowed: false; code: 'blocked' | 'invalid-target' | 'disposition-required'; reason: string; decision: ComplianceDecision };

export interface DialAccount {
  dialPlan: DialPlan;
  /** The account's SIP domain: internal, and where bare numbers are sent. */
  domain: string;
  /** AORs of this account's team (agents it monitors, supervisors it reports to): our own people. */
  team: readonly string[];
  /** The PBX's monitoring dial strings with `{ext}` (listen / whisper / barge), for monitoring calls. */
  monitorCodes: readonly string[];
}

/** What of an account the policy reads: its dial plan, domain, team and monitoring codes. */
export function dialAccountOf(account: Account | null): DialAccount | null {
  if (!account) return null;
  const { supervision } = account;
  const codes = supervision.featureCodes;
  return {
    dialPlan: account.dialPlan,
    domain: aorDomain(account.aor),
    team: [...supervision.team, ...supervision.supervisors],
    monitorCodes: [codes.listen, codes.whisper, codes.barge],
  };
}

export interface DialPolicyDeps {
  compliance: ComplianceService;
  store: Store;
  /** The account in use; null before one is configured (then nothing can be dialled). */
  account(): DialAccount | null;
  currentCampaignId(): number | null;
  /** The last call still waits for its disposition. */
  dispositionRequired(): boolean;
}

/** Paths that start a new customer call, so the last one's disposition comes first. */
const NEW_CALL_PATHS: readonly DialPath[] = ['manual', 'preview', 'progressive', 'callback', 'redial', 'link'];

const DISPOSITION_FIRST = 'Choose a disposition for the last call first.';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function userOf(aor: string): { user: string; domain: string } | null {
  const m = /^sips?:([^@]+)@([^:;>]+)/i.exec(aor.trim());
  return m ? { user: (m[1] ?? '').toLowerCase(), domain: (m[2] ?? '').toLowerCase() } : null;
}

export class DialPolicy {
  constructor(private readonly deps: DialPolicyDeps) {}

  /** What the policy would decide now, without recording it: the "why" card before a call. */
  preview(attempt: DialAttempt): Promise<{ permit: DialPermit; lead: Lead | null }> {
    return this.evaluate(attempt);
  }

  /**
   * Decides the attempt and writes its one audit record. Every dialling path calls this, and
   * dials only when it resolves allowed: when a read or the audit write fails, it rejects.
   */
  async decide(attempt: DialAttempt): Promise<DialPermit> {
    const { permit, lead } = await this.evaluate(attempt);
    const decisive = permit.decision.target?.readings.find((r) => !r.allowed) ?? permit.decision.target?.readings[0];
    await this.deps.compliance.record({
      path: attempt.path,
      target: attempt.target.trim().slice(0, 256),
      e164: decisive?.e164 ?? null,
      leadId: lead?.id ?? attempt.leadId,
      campaignId: lead?.campaignId ?? this.deps.currentCampaignId(),
      allowed: permit.allowed,
      summary: permit.decision.summary,
      checks: permit.decision.checks,
    });
    return permit;
  }

  private async evaluate(attempt: DialAttempt): Promise<{ permit: DialPermit; lead: Lead | null }> {
    const account = this.deps.account();
    const contextLead = attempt.leadId ? await this.deps.store.leads.get(attempt.leadId) : null;
    const policyChecks: ComplianceCheck[] = [];
    if (NEW_CALL_PATHS.includes(attempt.path) && this.deps.dispositionRequired()) {
      policyChecks.push({ rule: 'policy', outcome: 'block', detail: DISPOSITION_FIRST });
    }
    if (!account) {
      const decision = blockedDecision(attempt.target, null, [], 'No SIP account yet: open Settings and enter your server and password.', policyChecks);
      return { permit: { allowed: false, code: 'invalid-target', reason: decision.summary, decision }, lead: contextLead };
    }
    // On a monitoring call the PBX's monitoring codes are prefixes too: what follows them is read.
    const monitorPrefixes =
      attempt.path === 'monitor' ? account.monitorCodes.map((c) => c.split('{ext}')[0] ?? '').filter((p) => /^[*#0-9]{1,8}$/.test(p)) : [];
    const dialPlan = monitorPrefixes.length
      ? { ...account.dialPlan, featureCodes: [...new Set([...account.dialPlan.featureCodes, ...monitorPrefixes])] }
      : account.dialPlan;
    const read = readTarget(attempt.target, {
      dialPlan,
      accountDomain: account.domain,
      countries: await this.countries(account.dialPlan, contextLead),
      internal: this.internalWho(account, attempt.path),
    });
    if (!read.ok) {
      const decision = blockedDecision(read.input, read.uri, [], read.message, policyChecks);
      // Not even an address (no URI) is invalid input; an address that reaches no readable number is refused.
      const code = policyChecks.length ? 'disposition-required' : read.uri === null ? 'invalid-target' : 'blocked';
      return { permit: { allowed: false, code, reason: decision.summary, decision }, lead: contextLead };
    }
    const decided = await Promise.all(read.readings.map((r) => this.decideReading(r, contextLead, attempt)));
    const decision = combine(read, decided, policyChecks);
    if (decision.allowed)
      return { permit: { allowed: true, uri: read.uri, display: read.display, decision }, lead: decided.find((d) => d.lead)?.lead ?? contextLead };
    const code = policyChecks.some((c) => c.detail === DISPOSITION_FIRST) ? 'disposition-required' : 'blocked';
    return { permit: { allowed: false, code, reason: decision.summary, decision }, lead: decided.find((d) => d.lead)?.lead ?? contextLead };
  }

  /** The countries a national number could be read in: the PBX's, the lead's and every campaign's. */
  private async countries(plan: DialPlan, lead: Lead | null): Promise<string[]> {
    const out = [plan.country];
    const campaignId = lead?.campaignId ?? this.deps.currentCampaignId();
    const [campaign, campaignCountries] = await Promise.all([
      campaignId ? this.deps.store.campaigns.get(campaignId) : null,
      this.deps.store.campaigns.countries(),
    ]);
    if (campaign) out.push(campaign.defaultCountry);
    if (lead && /^[A-Z]{2}$/.test(lead.country)) out.push(lead.country);
    out.push(...campaignCountries);
    return [...new Set(out)];
  }

  /** Our own people: the team's AORs, and on a monitoring call the PBX's monitoring dial strings. */
  private internalWho(account: DialAccount, path: DialPath): (user: string, domain: string) => string | null {
    const team = account.team.map(userOf).filter((u): u is { user: string; domain: string } => u !== null);
    const codes = path === 'monitor' ? account.monitorCodes.map((c) => new RegExp(`^${escapeRegExp(c).replace('\\{ext\\}', '([0-9A-Za-z._-]{1,32})')}$`)) : [];
    // A team entry that looks like a telephone number (a `+`, or more digits than an extension
    // has) is decided as a number like any other: a list entry must not open a way around the rules.
    const maxExt = account.dialPlan.extensions?.maxDigits ?? 0;
    const agentLike = (u: string): boolean => !u.includes('+') && !(/^[\d*#]+$/.test(u) && u.replace(/[*#]/g, '').length > maxExt);
    return (user, domain) => {
      const u = user.toLowerCase();
      const d = domain.toLowerCase();
      if (agentLike(u) && team.some((t) => t.user === u && t.domain === d)) return 'an agent on your team';
      for (const re of codes) {
        const ext = re.exec(user)?.[1]?.toLowerCase();
        if (ext && agentLike(ext) && team.some((t) => t.user === ext)) return `the PBX's monitoring code for ${ext}, an agent on your team`;
      }
      return null;
    };
  }

  private async decideReading(
    r: Reading,
    contextLead: Lead | null,
    attempt: DialAttempt,
  ): Promise<{ reading: Reading; decision: ComplianceDecision | null; allowed: boolean; summary: string; lead: Lead | null }> {
    if (r.kind !== 'number') {
      const what = r.kind === 'emergency' ? 'an emergency number' : r.kind === 'extension' ? 'an internal extension' : 'internal';
      return { reading: r, decision: null, allowed: true, summary: `${readingLabel(r)} is ${what}: no telemarketing rules apply.`, lead: null };
    }
    // A lead's evidence speaks for its own numbers only; another number is looked up by itself.
    const own = contextLead?.phones.some((p) => p.e164 === r.e164) ? contextLead : null;
    const lead = own ?? (await this.deps.store.leads.findByPhone(r.e164));
    const decision = await this.deps.compliance.decideNumber(r.e164, r.country, lead, attempt.callKind ?? 'live');
    const bad = lead?.phones.find((p) => p.e164 === r.e164 && p.bad);
    if (bad) {
      decision.checks.unshift({ rule: 'policy', outcome: 'block', detail: `${r.e164} is marked as a bad number (wrong or disconnected).` });
      decision.allowed = false;
      decision.summary = `Blocked: ${r.e164} is marked as a bad number (wrong or disconnected).`;
    }
    // Every refusal names the number it reached.
    if (!decision.allowed && !decision.summary.includes(r.e164)) decision.summary = decision.summary.replace(/^Blocked: /, `Blocked: ${r.e164} — `);
    return { reading: r, decision, allowed: decision.allowed, summary: decision.summary, lead };
  }
}

function view(r: Reading, allowed: boolean, summary: string): TargetReadingView {
  return { kind: r.kind, e164: r.kind === 'number' ? r.e164 : null, label: readingLabel(r), via: r.via, allowed, summary };
}

function blockedDecision(input: string, uri: string | null, readings: TargetReadingView[], why: string, policy: ComplianceCheck[]): ComplianceDecision {
  const target: TargetView = { input: input.slice(0, 256), uri, readings };
  const first = policy[0];
  return {
    allowed: false,
    summary: first ? `Blocked: ${first.detail}` : why.startsWith('Blocked') ? why : `Blocked: ${why}`,
    checks: [...policy, { rule: 'target', outcome: 'block', detail: why }],
    exemption: null,
    registry: null,
    localTimes: [],
    pack: null,
    target,
  };
}

/** Every reading decided; the strictest stands (a block by any reading blocks the target). */
function combine(
  read: Extract<TargetRead, { ok: true }>,
  decided: Array<{ reading: Reading; decision: ComplianceDecision | null; allowed: boolean; summary: string }>,
  policy: ComplianceCheck[],
): ComplianceDecision {
  const readings = decided.map((d) => view(d.reading, d.allowed, d.summary));
  const target: TargetView = { input: read.input.slice(0, 256), uri: read.uri, readings };
  const several = decided.length > 1;
  const describe = (d: (typeof decided)[number]): string => `${readingLabel(d.reading)}${d.reading.via.length ? ` (${d.reading.via.join(', ')})` : ''}`;
  const targetDetail = `"${read.input.slice(0, 60)}" reaches ${decided.map(describe).join(several ? '; or ' : '')}${several ? ' — every reading is decided and the strictest stands' : ''}.`;
  const blocking = decided.find((d) => !d.allowed);
  const main = blocking ?? decided.find((d) => d.decision) ?? decided[0];
  const base = main?.decision;
  const checks: ComplianceCheck[] = [...policy, { rule: 'target', outcome: blocking ? 'block' : 'pass', detail: targetDetail }, ...(base?.checks ?? [])];
  const policyBlock = policy.find((c) => c.outcome === 'block');
  const allowed = !blocking && !policyBlock;
  let summary: string;
  if (policyBlock) summary = `Blocked: ${policyBlock.detail}`;
  else if (base)
    summary = several && blocking ? `${base.summary} (one of ${decided.length} ways the PBX could read "${read.input.slice(0, 40)}")` : base.summary;
  else summary = `Allowed: ${main?.summary ?? 'internal'}`;
  return {
    allowed,
    summary,
    checks,
    exemption: allowed ? (base?.exemption ?? null) : null,
    registry: base?.registry ?? null,
    localTimes: base?.localTimes ?? [],
    pack: base?.pack ?? null,
    target,
  };
}
