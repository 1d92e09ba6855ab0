/**
 * The compliance rules every outbound call is decided by (issue 4), as one pure function:
 * main gathers the facts (internal DNC, registry hit, snapshot date, campaign kind, the lead's
 * evidence, the called party's zones) and `decideCompliance` returns allowed/blocked with every
 * check in words. The same decision is written to the audit log and shown on the call screen.
 *
 * Order of the rules:
 *  1. Internal Do-Not-Call list: blocks, and no exemption overrides it.
 *  2. National registry (US FTC registry for US numbers, Canada's DNCL for Canadian ones):
 *     - exempt by campaign kind (charity, political, survey), else
 *     - exempt by the lead's evidence: written consent (dated, not in the future); an existing
 *       business relationship — US: 18 months after the last purchase, 3 months after an inquiry;
 *       Canada: 18 months and 6 months. "N months after D" means: now < D (00:00 UTC) + N calendar
 *       months. Evidence dated after today is not evidence.
 *     - else the registry must be loaded and its snapshot no older than the limit (31 days by
 *       default; a stale or missing snapshot blocks), and the number must not be listed.
 *  3. Calling hours in the called party's local time (every call, exempt or not).
 * Numbers outside the US and Canada have no national registry here (only rules 1 and 3).
 */
import { DateTime } from 'luxon';
import { checkCallingHours, defaultCallingHours, type CallingHoursPolicy } from './calling-hours.js';
import type { CampaignKind } from './campaign.js';

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

export interface CompliancePolicy {
  callingHours: CallingHoursPolicy;
  /** A registry snapshot older than this blocks non-exempt calls. */
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
}

/**
 * `target`: which telephone number(s) the target reaches (an unreadable one blocks);
 * `policy`: the workspace's own rules for an attempt (disposition first, a number marked bad).
 */
export type CheckRule = 'target' | 'policy' | 'internal-dnc' | 'registry' | 'calling-hours';
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
  return country === 'US' ? 'US' : country === 'CA' ? 'CA' : country === 'GB' ? 'GB' : null;
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
  if (kind && policy.exemptKinds.includes(kind)) {
    return { basis: kind as 'charity' | 'political' | 'survey', evidence: `campaign kind: ${kind}`, validUntil: null };
  }
  if (!evidence) return null;
  const consent = evidenceDate(evidence.consentAt, now);
  if (consent) return { basis: 'written-consent', evidence: `written consent dated ${evidence.consentAt}`, validUntil: null };
  const months = policy.ebrMonths[registry];
  const candidates: Array<[ExemptionBasis, string, DateTime | null, number]> = [
    ['ebr-purchase', 'last purchase', evidenceDate(evidence.lastPurchaseAt, now), months.purchase],
    ['ebr-inquiry', 'inquiry', evidenceDate(evidence.inquiryAt, now), months.inquiry],
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

export function decideCompliance(facts: ComplianceFacts, policy: CompliancePolicy = defaultCompliancePolicy): ComplianceDecision {
  const checks: ComplianceCheck[] = [];
  let exemption: Exemption | null = null;
  // The number's country decides the registry; a lookup in another registry's index is ignored.
  const registry = registryForCountry(facts.country);

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
    const regName = registry === 'US' ? 'US National DNC Registry' : registry === 'CA' ? "Canada's National DNCL" : "UK's Telephone Preference Service (TPS/CTPS)";
    if (exemption) {
      checks.push({ rule: 'registry', outcome: 'exempt', detail: `Exempt from the ${regName}: ${exemption.evidence}${exemption.validUntil ? `, valid until ${exemption.validUntil}` : ''}.` });
    } else {
      const state = facts.registry?.name === registry ? facts.registry.state : null;
      const listed = facts.registry?.name === registry ? facts.registry.listed : null;
      if (!state || !state.loaded || state.snapshotAt === null || listed === null) {
        checks.push({ rule: 'registry', outcome: 'block', detail: `The ${regName} has not been imported: calls to ${registry} numbers are blocked until it is.` });
      } else {
        const ageDays = Math.floor((facts.now - state.snapshotAt) / DAY);
        const snapDate = DateTime.fromMillis(state.snapshotAt, { zone: 'utc' }).toISODate();
        if (facts.now - state.snapshotAt > policy.maxSnapshotAgeDays * DAY) {
          checks.push({ rule: 'registry', outcome: 'block', detail: `The ${regName} snapshot of ${snapDate} is ${ageDays} days old (limit ${policy.maxSnapshotAgeDays}): refresh it before calling.` });
        } else if (listed) {
          checks.push({ rule: 'registry', outcome: 'block', detail: `${facts.e164} is on the ${regName} (snapshot ${snapDate}) and no exemption applies.` });
        } else {
          checks.push({ rule: 'registry', outcome: 'pass', detail: `Not on the ${regName} (snapshot ${snapDate}, ${ageDays} days old).` });
        }
      }
    }
  }

  // 3. Calling hours.
  const hours = checkCallingHours({ country: facts.country ?? '', region: facts.region, zones: facts.zones, now: facts.now, policy: policy.callingHours });
  const hoursApply = hours.localTimes.length > 0 || !hours.allowed;
  checks.push({ rule: 'calling-hours', outcome: !hoursApply ? 'not-applicable' : hours.allowed ? 'pass' : 'block', detail: hours.reason });

  const blocking = checks.find((c) => c.outcome === 'block');
  return {
    allowed: !blocking,
    summary: blocking ? (blocking.detail.startsWith('Blocked') ? blocking.detail : `Blocked: ${blocking.detail}`) : exemption ? `Allowed (exempt): ${exemption.evidence}.` : 'Allowed: every check passed.',
    checks,
    exemption,
    registry,
    localTimes: hours.localTimes,
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

export interface ScrubReport {
  campaignId: number;
  leads: number;
  phones: number;
  allowed: number;
  exempt: number;
  blocked: { internalDnc: number; registry: number; noRegistry: number; total: number };
  durationMs: number;
}
