/** Words for the compliance types, shared by the "why" card, the banner and the panel. */
import type { CheckOutcome, CheckRule, ComplianceDecision, ExemptionBasis, RegistryName } from '../../../shared/compliance';

export const registryLabel: Record<RegistryName, string> = {
  US: 'US National DNC Registry',
  CA: "Canada's National DNCL",
  GB: 'UK Telephone Preference Service (TPS/CTPS)',
};

export const ruleLabel: Record<CheckRule, string> = {
  target: 'Number reached',
  policy: 'Workspace rules',
  'internal-dnc': 'Internal Do-Not-Call list',
  registry: 'National registry',
  'calling-hours': 'Calling hours',
};

/** Short rule names for the compact row of checks. */
export const ruleShort: Record<CheckRule, string> = {
  target: 'Number',
  policy: 'Workspace',
  'internal-dnc': 'Internal DNC',
  registry: 'Registry',
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

export type Verdict = 'allowed' | 'exempt' | 'blocked';

export function verdictOf(decision: ComplianceDecision): Verdict {
  return !decision.allowed ? 'blocked' : decision.exemption ? 'exempt' : 'allowed';
}

export const verdictText: Record<Verdict, { icon: string; headline: string }> = {
  allowed: { icon: '✓', headline: 'Allowed' },
  exempt: { icon: '★', headline: 'Allowed — exempt' },
  blocked: { icon: '✕', headline: 'Blocked' },
};

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
