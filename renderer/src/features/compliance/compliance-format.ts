/** Words for the compliance types, shared by the "why" card, the banner and the panel. */
import type { CheckOutcome, CheckRule, ComplianceDecision, ExemptionBasis, RegistryName, TargetReadingView } from '../../../../shared/compliance';

export const registryLabel: Record<RegistryName, string> = {
  US: 'US National DNC Registry',
  CA: "Canada's National DNCL",
  GB: 'UK Telephone Preference Service (TPS/CTPS)',
};

// `consent` is listed ahead of the rule packs that add it to CheckRule, so neither side breaks the other.
export const ruleLabel: Record<CheckRule | 'consent', string> = {
  target: 'Number reached',
  policy: 'Workspace rules',
  'internal-dnc': 'Internal Do-Not-Call list',
  registry: 'National registry',
  consent: 'Consent',
  'calling-hours': 'Calling hours',
};

/** Short rule names for the compact row of checks. */
export const ruleShort: Record<CheckRule | 'consent', string> = {
  target: 'Number',
  policy: 'Workspace',
  'internal-dnc': 'Internal DNC',
  registry: 'Registry',
  consent: 'Consent',
  'calling-hours': 'Calling hours',
};

/** Every outcome has a glyph and a word: colour only supports them. */
export const outcomeText: Record<CheckOutcome, { icon: string; label: string }> = {
  pass: { icon: '✓', label: 'Pass' },
  block: { icon: '✕', label: 'Blocks the call' },
  exempt: { icon: '★', label: 'Exempt' },
  'not-applicable': { icon: '–', label: 'Not applicable' },
};

export const basisLabel: Record<ExemptionBasis, string> = {
  charity: 'Charity campaign',
  political: 'Political campaign',
  survey: 'Survey campaign',
  'written-consent': 'Written consent',
  'ebr-purchase': 'Existing business relationship (purchase)',
  'ebr-inquiry': 'Existing business relationship (inquiry)',
};

export type Verdict = 'allowed' | 'exempt' | 'internal' | 'blocked';

const isInternal = (r: TargetReadingView) => r.kind === 'extension' || r.kind === 'internal-user';

/** `internal`: every reading is a colleague (an extension or a user of an internal domain), so no telemarketing rule applied. */
export function verdictOf(decision: ComplianceDecision): Verdict {
  if (!decision.allowed) return 'blocked';
  if (decision.exemption) return 'exempt';
  const readings = decision.target?.readings ?? [];
  return readings.length > 0 && readings.every(isInternal) ? 'internal' : 'allowed';
}

export const verdictText: Record<Verdict, { icon: string; headline: string }> = {
  allowed: { icon: '✓', headline: 'Allowed' },
  exempt: { icon: '★', headline: 'Allowed — exempt' },
  internal: { icon: '✓', headline: 'Allowed — internal' },
  blocked: { icon: '✕', headline: 'Blocked' },
};

/** The route a reading took, in order: "outside-line prefix 9 → national form in US". Empty when read as typed. */
export const viaText = (via: readonly string[]): string => via.join(' → ');

/**
 * The reading that decided a blocked call: the one whose own summary is the decision's, else
 * the first that blocked. Null when the call is allowed or no reading blocked (a workspace rule,
 * say, decided it).
 */
export function decidingReading(decision: ComplianceDecision): number | null {
  const readings = decision.target?.readings ?? [];
  if (decision.allowed) return null;
  const same = readings.findIndex((r) => !r.allowed && r.summary === decision.summary);
  if (same >= 0) return same;
  const first = readings.findIndex((r) => !r.allowed);
  return first >= 0 ? first : null;
}

/** The rule's name on the card: the registry it consulted, when there was one. */
export function ruleName(rule: CheckRule, decision: ComplianceDecision): string {
  if (rule === 'registry' && decision.registry) return registryLabel[decision.registry];
  return ruleLabel[rule];
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let n = bytes / 1024;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return `${n < 10 ? n.toFixed(1) : Math.round(n)} ${units[u]}`;
}

const countFormat = new Intl.NumberFormat('en-US');
export const formatCount = (n: number): string => countFormat.format(n);
