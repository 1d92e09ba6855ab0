/**
 * The compliance rules every outbound call is decided by, as one pure function:
 * main gathers the facts (internal DNC, registry hit, snapshot date, campaign kind, the lead's
 * evidence, the called party's zones, the campaign's window, a public holiday) and
 * `decideCompliance` returns allowed/blocked with every check in words. The same decision is
 * written to the audit log and shown on the call screen. The law of each country is a rule pack
 * (rule-packs.ts), picked by the number's country; the decision names it.
 *
 * Order of the rules:
 *  1. Internal Do-Not-Call list: blocks, and no exemption overrides it.
 *  2. National registry of the pack (US FTC registry, Canada's DNCL, the UK's TPS/CTPS):
 *     - exempt by campaign kind (the pack's kinds, e.g. charity, political, survey in the US;
 *       only survey in the UK), else
 *     - exempt by the lead's evidence: written consent (dated, not in the future); an existing
 *       business relationship where the pack has one — US: 18 months after the last purchase,
 *       3 months after an inquiry; Canada: 18 months and 6 months; none in the UK. "N months
 *       after D" means: now < D (00:00 UTC) + N calendar months. Evidence dated after today is
 *       not evidence.
 *     - else the registry must be loaded and its snapshot no older than the limit (the policy's,
 *       never more than the pack's: 31 days US/Canada, 28 UK; a stale or missing snapshot
 *       blocks), and the number must not be listed.
 *  3. Consent, where the pack asks for it: Poland's prior consent to direct marketing, and a
 *     pre-recorded message in any country (only present when one of these applies).
 *  4. Calling hours in the called party's local time (every call, exempt or not): the pack's
 *     statutory hours, else the campaign's window and, if it skips them, public holidays.
 */
import { DateTime } from 'luxon';
import { checkCallingHours, defaultCallingHours, hoursWindowProblem, type CallingHoursPolicy, type HoursRule } from './calling-hours.js';
import type { CampaignKind } from './campaign.js';
import { defaultCampaignCallingWindow, rulePackFor, rulePackView, rulePacks, type RulePack } from './rule-packs.js';

/** Every way a call can be placed; each one passes the gate and is named in the audit log. */
export const dialPaths = ['manual', 'preview', 'progressive', 'callback', 'redial', 'transfer', 'link', 'monitor'] as const;
export type DialPath = (typeof dialPaths)[number];

/** National Do-Not-Call registries: the US FTC registry, Canada's DNCL, the UK's TPS + CTPS. */
export type RegistryName = 'US' | 'CA' | 'GB';
export const registryNames: readonly RegistryName[] = ['US', 'CA', 'GB'];

/** What main knows about one national registry. */
export interface RegistryState {
  /** A registry index is loaded. */
  loaded: boolean;
  /** When the registry was downloaded (epoch ms), null when never. */
  snapshotAt: number | null;
  /** Numbers in the loaded index. */
  count: number;
}

export interface EvidenceDates {
  /** YYYY-MM-DD, or null. */
  consentAt: string | null;
  inquiryAt: string | null;
  lastPurchaseAt: string | null;
}

/**
 * The workspace's own settings. They can only narrow a pack's law: the snapshot limit and the
 * business-relationship months are capped at the pack's, and a kind is exempt only where both
 * the policy and the pack exempt it.
 */
export interface CompliancePolicy {
  callingHours: CallingHoursPolicy;
  /** A registry snapshot older than this (or than the pack's limit, if shorter) blocks non-exempt calls. */
  maxSnapshotAgeDays: number;
  /** Existing-business-relationship windows in calendar months, per registry. */
  ebrMonths: Record<RegistryName, { purchase: number; inquiry: number }>;
  /** Campaign kinds exempt from the national registries (never from the internal list). */
  exemptKinds: readonly CampaignKind[];
}

export const defaultCompliancePolicy: CompliancePolicy = {
  callingHours: defaultCallingHours,
  maxSnapshotAgeDays: 31,
  // The UK's PECR has no business-relationship exemption for calls to TPS numbers.
  ebrMonths: { US: { purchase: 18, inquiry: 3 }, CA: { purchase: 18, inquiry: 6 }, GB: { purchase: 0, inquiry: 0 } },
  exemptKinds: ['charity', 'political', 'survey'],
};

/** The pack of a registry (each registry belongs to one country). */
function packOfRegistry(registry: RegistryName): RulePack {
  return rulePacks[registry];
}

/** The snapshot age (days) beyond which a registry's numbers are blocked: the policy's, capped at the pack's. */
export function snapshotLimitDays(registry: RegistryName, policy: CompliancePolicy = defaultCompliancePolicy): number {
  const law = packOfRegistry(registry).maxSnapshotAgeDays;
  return law === null ? policy.maxSnapshotAgeDays : Math.min(policy.maxSnapshotAgeDays, law);
}

/** Campaign kinds exempt from a registry: exempt by its pack and by the policy. */
export function registryExemptKinds(registry: RegistryName, policy: CompliancePolicy = defaultCompliancePolicy): CampaignKind[] {
  const pack = packOfRegistry(registry);
  return policy.exemptKinds.filter((k) => pack.registryExemptKinds.includes(k));
}

export interface ComplianceFacts {
  /** E.164 of the called number. */
  e164: string;
  /** ISO country of the number (from its prefix), null when unknown. */
  country: string | null;
  /** State/province code of the number or the lead (`FL`, `QC`), for calling-hours overrides. */
  region: string | null;
  /** Every zone the called party could be in (the lead's own zone, else the number's). */
  zones: readonly string[];
  onInternalDnc: boolean;
  /** Registry lookups: `listed` is null when no index for that registry is loaded. */
  registry: { name: RegistryName; state: RegistryState; listed: boolean | null } | null;
  /** Null when the call is not for a campaign (then it counts as telemarketing, no kind exemption). */
  campaignKind: CampaignKind | null;
  /** The lead's evidence, when the number belongs to a known lead. */
  evidence: EvidenceDates | null;
  now: number;
  /** A live agent, or a pre-recorded message (voicemail drop, broadcast); absent = live. */
  callKind?: 'live' | 'prerecorded';
  /** The campaign's calling window, used where the pack has no statutory hours; absent = the default window. */
  callingWindow?: HoursRule;
  /** The campaign does not call on public holidays (where its window applies); absent = true. */
  skipPublicHolidays?: boolean;
  /** Name of the public holiday on the called party's local date, null when none (main looks it up). */
  publicHoliday?: string | null;
}

/**
 * `target`: which telephone number(s) the target reaches (an unreadable one blocks);
 * `policy`: the workspace's own rules for an attempt (disposition first, a number marked bad);
 * `consent`: the subscriber's prior consent where the law asks for it for this call (Poland's
 * direct marketing, a pre-recorded message).
 */
export type CheckRule = 'target' | 'policy' | 'internal-dnc' | 'registry' | 'consent' | 'calling-hours';
export type CheckOutcome = 'pass' | 'block' | 'exempt' | 'not-applicable';

export interface ComplianceCheck {
  rule: CheckRule;
  outcome: CheckOutcome;
  /** In words, for the agent and the audit log. */
  detail: string;
}

export type ExemptionBasis = 'charity' | 'political' | 'survey' | 'written-consent' | 'ebr-purchase' | 'ebr-inquiry';

export interface Exemption {
  basis: ExemptionBasis;
  /** The evidence: "written consent 2026-03-02", "campaign kind charity". */
  evidence: string;
  /** Last day the exemption holds (YYYY-MM-DD), for time-limited ones. */
  validUntil: string | null;
}

/** One way the PBX could read a dial target, and what the policy decided for it. */
export interface TargetReadingView {
  kind: 'number' | 'extension' | 'internal-user' | 'emergency';
  /** The telephone number it reaches (kind `number`), E.164. */
  e164: string | null;
  /** "+1 212 555 0199", "extension 1001", "agent2@pbx.example.com". */
  label: string;
  /** What was read on the way, in order: "outside-line prefix 9", "feature code *67", "national form in PL". */
  via: string[];
  allowed: boolean;
  /** The decision for this reading in one line. */
  summary: string;
}

/** What a dial target resolved to: every reading is decided and the strictest decision stands. */
export interface TargetView {
  /** As typed / linked (trimmed, at most 256 characters). */
  input: string;
  /** The SIP URI that is (or would be) dialled; null when the target could not be read. */
  uri: string | null;
  readings: TargetReadingView[];
}

/** The rule pack that decided a number (by its country), with the law it encodes. */
export interface RulePackView {
  id: string;
  /** "United States: Telemarketing Sales Rule and TCPA". */
  name: string;
  /** Citation of the rules encoded, e.g. "16 CFR 310.4(b)(1)(iii)(B); 47 CFR 64.1200(c)". */
  source: string;
}

export interface ComplianceDecision {
  allowed: boolean;
  /** One line: the first blocking reason, or why it is allowed. */
  summary: string;
  checks: ComplianceCheck[];
  exemption: Exemption | null;
  /** The registry consulted (or that would have been). */
  registry: RegistryName | null;
  localTimes: Array<{ zone: string; local: string; window: string | null; inside: boolean }>;
  /** The rule pack of the number's country; null for targets that are not telephone numbers. */
  pack?: RulePackView | null;
  /** What the target resolved to (set by the dial policy for a dial target). */
  target?: TargetView | null;
}

const DAY = 86_400_000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The registry that covers a number's country. */
export function registryForCountry(country: string | null): RegistryName | null {
  return rulePackFor(country).registry;
}

function evidenceDate(value: string | null, now: number): DateTime | null {
  if (!value || !ISO_DATE.test(value)) return null;
  const d = DateTime.fromISO(value, { zone: 'utc' });
  if (!d.isValid || d.toMillis() > now) return null;
  return d;
}

/** The exemption that applies, if any (campaign kind first, then the strongest evidence). */
export function findExemption(
  registry: RegistryName,
  kind: CampaignKind | null,
  evidence: EvidenceDates | null,
  now: number,
  policy: CompliancePolicy = defaultCompliancePolicy,
): Exemption | null {
  const pack = packOfRegistry(registry);
  if (kind && registryExemptKinds(registry, policy).includes(kind)) {
    return { basis: kind as 'charity' | 'political' | 'survey', evidence: `campaign kind: ${kind}`, validUntil: null };
  }
  if (!evidence) return null;
  const consent = evidenceDate(evidence.consentAt, now);
  if (consent) return { basis: 'written-consent', evidence: `written consent dated ${evidence.consentAt}`, validUntil: null };
  if (!pack.ebrMonths) return null;
  const law = pack.ebrMonths;
  const months = policy.ebrMonths[registry];
  const candidates: Array<[ExemptionBasis, string, DateTime | null, number]> = [
    ['ebr-purchase', 'last purchase', evidenceDate(evidence.lastPurchaseAt, now), Math.min(months.purchase, law.purchase)],
    ['ebr-inquiry', 'inquiry', evidenceDate(evidence.inquiryAt, now), Math.min(months.inquiry, law.inquiry)],
  ];
  let best: Exemption | null = null;
  let bestEnd = -Infinity;
  for (const [basis, label, date, n] of candidates) {
    if (!date) continue;
    const end = date.plus({ months: n });
    if (now < end.toMillis() && end.toMillis() > bestEnd) {
      bestEnd = end.toMillis();
      best = {
        basis,
        evidence: `${label} on ${date.toISODate()} (existing business relationship, ${n} months)`,
        validUntil: end.minus({ days: 1 }).toISODate(),
      };
    }
  }
  return best;
}

const REGISTRY_WORDS: Record<RegistryName, string> = {
  US: 'US National DNC Registry',
  CA: "Canada's National DNCL",
  GB: "UK's Telephone Preference Service (TPS/CTPS)",
};

function registryCheck(facts: ComplianceFacts, registry: RegistryName, exemption: Exemption | null, policy: CompliancePolicy): ComplianceCheck {
  const regName = REGISTRY_WORDS[registry];
  if (exemption) {
    return {
      rule: 'registry',
      outcome: 'exempt',
      detail: `Exempt from the ${regName}: ${exemption.evidence}${exemption.validUntil ? `, valid until ${exemption.validUntil}` : ''}.`,
    };
  }
  // The number's country decides the registry; a lookup in another registry's index is ignored.
  const state = facts.registry?.name === registry ? facts.registry.state : null;
  const listed = facts.registry?.name === registry ? facts.registry.listed : null;
  if (!state || !state.loaded || state.snapshotAt === null || listed === null) {
    return { rule: 'registry', outcome: 'block', detail: `The ${regName} has not been imported: calls to ${registry} numbers are blocked until it is.` };
  }
  const limit = snapshotLimitDays(registry, policy);
  const ageDays = Math.floor((facts.now - state.snapshotAt) / DAY);
  const snapDate = DateTime.fromMillis(state.snapshotAt, { zone: 'utc' }).toISODate();
  if (facts.now - state.snapshotAt > limit * DAY) {
    return {
      rule: 'registry',
      outcome: 'block',
      detail: `The ${regName} snapshot of ${snapDate} is ${ageDays} days old (limit ${limit}): refresh it before calling.`,
    };
  }
  if (listed) return { rule: 'registry', outcome: 'block', detail: `${facts.e164} is on the ${regName} (snapshot ${snapDate}) and no exemption applies.` };
  return { rule: 'registry', outcome: 'pass', detail: `Not on the ${regName} (snapshot ${snapDate}, ${ageDays} days old).` };
}

/** The consent check, when the pack asks for consent for this call (else null: no such check). */
function consentCheck(facts: ComplianceFacts, pack: RulePack): ComplianceCheck | null {
  const prerecorded = facts.callKind === 'prerecorded';
  if (!prerecorded && !pack.marketingConsent) return null;
  const where = pack.country ? `${pack.country} numbers` : 'numbers in this country';
  const kind = facts.campaignKind;
  // A pre-recorded message is the stricter of the two requirements: checked first.
  const needs = prerecorded
    ? kind !== null && pack.prerecorded.exemptKinds.includes(kind)
      ? null
      : { what: `a pre-recorded call to ${where}`, rule: pack.prerecorded.rule }
    : pack.marketingConsent && !(kind !== null && pack.marketingConsent.notDirectMarketing.includes(kind))
      ? { what: `a direct-marketing call to ${where}`, rule: pack.marketingConsent.rule }
      : null;
  if (!needs) {
    const rule = prerecorded ? pack.prerecorded.rule : pack.marketingConsent!.rule;
    return { rule: 'consent', outcome: 'not-applicable', detail: `No prior consent needed: a ${kind} campaign is not direct marketing (the rule: ${rule}).` };
  }
  const given = facts.evidence?.consentAt ?? null;
  if (evidenceDate(given, facts.now)) {
    return { rule: 'consent', outcome: 'pass', detail: `Prior consent dated ${given} (${needs.rule}).` };
  }
  const why = given && ISO_DATE.test(given) ? `the consent dated ${given} is in the future, so it is not evidence` : 'the lead has no dated consent';
  return { rule: 'consent', outcome: 'block', detail: `Blocked: ${needs.what} needs the subscriber's prior consent (${needs.rule}) and ${why}.` };
}

/** The campaign's window, checked so that a malformed one blocks instead of throwing. */
function windowProblem(window: HoursRule): string | null {
  for (const day of ['weekday', 'saturday', 'sunday'] as const) {
    const w = window[day];
    const problem = w ? hoursWindowProblem(w) : null;
    if (problem) return `Blocked: the campaign's ${day} calling window is not valid (${problem}).`;
  }
  return null;
}

function hoursCheck(
  facts: ComplianceFacts,
  pack: RulePack,
  policy: CompliancePolicy,
): { check: ComplianceCheck; localTimes: ComplianceDecision['localTimes'] } {
  const country = facts.country ?? '';
  if (pack.hours) {
    // Statutory hours (the policy's for the country, with its state/province overrides).
    const rule = Object.hasOwn(policy.callingHours.countries, country) ? undefined : pack.hours;
    const hours = checkCallingHours({ country, region: facts.region, zones: facts.zones, now: facts.now, policy: policy.callingHours, rule });
    return { check: { rule: 'calling-hours', outcome: hours.allowed ? 'pass' : 'block', detail: hours.reason }, localTimes: hours.localTimes };
  }
  const window = facts.callingWindow ?? defaultCampaignCallingWindow;
  const bad = windowProblem(window);
  if (bad) return { check: { rule: 'calling-hours', outcome: 'block', detail: bad }, localTimes: [] };
  // The campaign's own window: no region overrides (those narrow statutory hours only).
  const hours = checkCallingHours({ country, zones: facts.zones, now: facts.now, policy: { countries: {}, regions: {} }, rule: window });
  const whose = `the campaign's calling window; ${facts.country ?? 'this country'} sets no statutory calling hours`;
  const holiday = facts.publicHoliday && facts.skipPublicHolidays !== false ? facts.publicHoliday : null;
  const zone = facts.zones.find((z) => DateTime.fromMillis(facts.now, { zone: z }).isValid);
  if (holiday && zone) {
    const day = DateTime.fromMillis(facts.now, { zone }).setLocale('en-GB').toFormat('d LLLL');
    return {
      check: {
        rule: 'calling-hours',
        outcome: 'block',
        detail: `Blocked: ${day} is a public holiday in ${facts.country ?? 'the called country'} (${holiday}) and the campaign does not call on public holidays.`,
      },
      localTimes: hours.localTimes,
    };
  }
  return {
    check: {
      rule: 'calling-hours',
      outcome: hours.allowed ? 'pass' : 'block',
      detail: hours.localTimes.length ? `${hours.reason.replace(/\.$/, '')} (${whose}).` : hours.reason,
    },
    localTimes: hours.localTimes,
  };
}

export function decideCompliance(facts: ComplianceFacts, policy: CompliancePolicy = defaultCompliancePolicy): ComplianceDecision {
  const pack = rulePackFor(facts.country);
  const checks: ComplianceCheck[] = [];
  let exemption: Exemption | null = null;
  const registry = pack.registry;

  // 1. Internal DNC: absolute.
  checks.push(
    facts.onInternalDnc
      ? { rule: 'internal-dnc', outcome: 'block', detail: `${facts.e164} is on the company's internal Do-Not-Call list (no exemption applies).` }
      : { rule: 'internal-dnc', outcome: 'pass', detail: 'Not on the internal Do-Not-Call list.' },
  );

  // 2. National registry.
  if (!registry) {
    checks.push({ rule: 'registry', outcome: 'not-applicable', detail: `No national registry for ${facts.country ?? 'this number'}'s country.` });
  } else {
    exemption = findExemption(registry, facts.campaignKind, facts.evidence, facts.now, policy);
    checks.push(registryCheck(facts, registry, exemption, policy));
  }

  // 3. Consent, where the law asks for it for this call.
  const consent = consentCheck(facts, pack);
  if (consent) checks.push(consent);

  // 4. Calling hours.
  const hours = hoursCheck(facts, pack, policy);
  checks.push(hours.check);

  const blocking = checks.find((c) => c.outcome === 'block');
  return {
    allowed: !blocking,
    summary: blocking
      ? blocking.detail.startsWith('Blocked')
        ? blocking.detail
        : `Blocked: ${blocking.detail}`
      : exemption
        ? `Allowed (exempt): ${exemption.evidence}.`
        : 'Allowed: every check passed.',
    checks,
    exemption,
    registry,
    localTimes: hours.localTimes,
    pack: rulePackView(pack),
  };
}

// ---- what the UI sees (contract types) ----

export type RegistryFileKindView = 'full' | 'changes' | 'additions' | 'deletions';

export interface RegistryView extends RegistryState {
  name: RegistryName;
  /** Whole days since the snapshot, null when never imported. */
  ageDays: number | null;
  /** Older than the limit (or never imported): non-exempt calls to this registry's numbers are blocked. */
  stale: boolean;
  /** In a team: a newer snapshot another desktop imported (this one should import it too), else null. */
  teamNewest?: { snapshotAt: number; importedBy: string } | null;
}

export interface RegistryImportView {
  registry: RegistryName;
  mode: 'full' | 'changes';
  phase: 'reading' | 'building' | 'done' | 'failed' | 'cancelled';
  bytesDone: number;
  bytesTotal: number;
  numbers: number;
  badLines: number;
  /** Up to 20 bad lines: file, line number, a sanitised excerpt. */
  badExamples: Array<{ file: string; line: number; text: string }>;
  /** Set when done/failed. */
  message: string | null;
  resumed: boolean;
}

export interface ComplianceStatus {
  registries: RegistryView[];
  maxSnapshotAgeDays: number;
  /** A clear sentence when outbound telemarketing is blocked by a stale/missing registry. */
  banner: string | null;
  /** Folder the registry files are imported from (the user copies the FTC/DNCL downloads there). */
  inboxDir: string;
  inboxFiles: Array<{ name: string; size: number; modifiedAt: number }>;
  import: RegistryImportView | null;
  auditEntries: number;
  /** The last verification of the audit log (at start, or the Verify button); null while none has run. */
  auditVerification: AuditVerification | null;
}

export interface AuditEntry {
  id: number;
  at: number;
  /** The dialling path: manual, preview, progressive, callback, redial, transfer, link. */
  path: string;
  target: string;
  e164: string | null;
  leadId: number | null;
  campaignId: number | null;
  allowed: boolean;
  summary: string;
  /** The checks, as JSON text (ComplianceCheck[]). */
  checks: string;
}

/** The audit log's seals re-computed, oldest first, and its end compared with the head kept outside it. */
export interface AuditVerification {
  ok: boolean;
  /** Records checked (up to the first that does not verify). */
  rows: number;
  /** Of them, sealed with the key (the rest: older unkeyed seals). */
  keyed: number;
  checkedAt: number;
  /** One sentence for the compliance officer. */
  message: string;
  /** The first record that does not verify (or the first one missing from the end), else null. */
  firstBadId: number | null;
}

export interface ScrubReport {
  campaignId: number;
  leads: number;
  phones: number;
  allowed: number;
  exempt: number;
  blocked: { internalDnc: number; registry: number; noRegistry: number; total: number };
  durationMs: number;
}
