/**
 * The account's dial plan: how the PBX reads what an agent dials. The dial policy reads every
 * target through it (target-reading.ts), so a prefix the PBX strips can never hide a number
 * from the Do-Not-Call gate. Defaults per country come from libphonenumber's metadata (its
 * international and national prefixes) plus the caller-ID feature codes in common use there.
 */
import { z } from 'zod';
import { isSupportedCountry, Metadata, type CountryCode } from 'libphonenumber-js/max';

const digitPrefix = z
  .string()
  .trim()
  .regex(/^\d{1,4}$/, 'use 1 to 4 digits, e.g. 9');
/** `*67`, `#31#`, `141`: a code dialled before the number that changes nothing about where the call goes. */
const featureCode = z
  .string()
  .trim()
  .regex(/^(?:[*#]\d{1,4}#?|\d{3,4})$/, 'a feature code looks like *67, #31# or 141');
/** A host name or IP literal: `pbx.example.com`, `10.0.0.5`, `[2001:db8::1]`. */
const domain = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$|^\[[0-9a-f:.]+\]$/, 'a SIP domain looks like pbx.example.com');

export const dialPlanSchema = z
  .object({
    /** Where the PBX is: a national number dialled without a country code is read here first. */
    country: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{2}$/, 'use a two-letter country code, e.g. PL'),
    /** Digits the PBX needs (and strips) to reach an outside line, e.g. `9` or `0`; none on a plain proxy. */
    outsideLinePrefixes: z.array(digitPrefix).max(4),
    /** International access prefixes the PBX understands (`00`, `011`). */
    internationalPrefixes: z.array(digitPrefix).min(1, 'at least one international prefix, e.g. 00').max(4),
    /** The national trunk prefix before an area code (`0` in the UK, `1` in North America, none in Poland). */
    nationalPrefix: z
      .string()
      .trim()
      .regex(/^\d{0,2}$/, 'use up to 2 digits, or leave it empty'),
    /** Codes before a number that change nothing about its destination (hide caller ID and the like). */
    featureCodes: z.array(featureCode).max(12),
    /** Internal extensions: digits only, this many digits. Null: no extensions on this PBX. */
    extensions: z
      .object({ minDigits: z.number().int().min(1).max(8), maxDigits: z.number().int().min(1).max(8) })
      .refine((e) => e.minDigits <= e.maxDigits, 'the shortest extension cannot be longer than the longest')
      .nullable(),
    /** SIP domains of this company besides the account's own: a named user there is internal. */
    internalDomains: z.array(domain).max(16),
  })
  .strict();
export type DialPlan = z.infer<typeof dialPlanSchema>;

const NANP = new Set([
  'US',
  'CA',
  'AG',
  'AI',
  'AS',
  'BB',
  'BM',
  'BS',
  'DM',
  'DO',
  'GD',
  'GU',
  'JM',
  'KN',
  'KY',
  'LC',
  'MP',
  'MS',
  'PR',
  'SX',
  'TC',
  'TT',
  'VC',
  'VG',
  'VI',
]);

/** Caller-ID feature codes by where the PBX is: NANP vertical service codes, the UK's 141/1470, GSM-style elsewhere. */
function featureCodesFor(country: string): string[] {
  if (NANP.has(country)) return ['*67', '*82'];
  if (country === 'GB') return ['141', '1470'];
  return ['#31#', '*31#'];
}

/** The numbering plan facts libphonenumber keeps for a country, or null for an unknown code. */
export function numberingFacts(country: string): { idd: string[]; nationalPrefix: string; nsnLengths: number[] } | null {
  const meta = new Metadata();
  if (!/^[A-Z]{2}$/.test(country) || !isSupportedCountry(country)) return null;
  meta.selectNumberingPlan(country as CountryCode);
  const plan = meta.numberingPlan;
  if (!plan) return null;
  // IDDPrefix() is a pattern for a few countries (MX: `0[09]`): take its preferred plain form then.
  const idd = plan.IDDPrefix();
  const iddPlain = /^\d+$/.test(idd) ? idd : (plan.defaultIDDPrefix() ?? '00');
  // Countries without a trunk prefix (PL, MX) carry a placeholder that is not a string.
  const national: unknown = (plan as unknown as { nationalPrefix(): unknown }).nationalPrefix();
  return { idd: [iddPlain], nationalPrefix: typeof national === 'string' && /^\d{1,2}$/.test(national) ? national : '', nsnLengths: plan.possibleLengths() };
}

/** A sensible starting dial plan for a PBX in this country (no outside-line prefix: a plain proxy). */
export function defaultDialPlan(country = 'US'): DialPlan {
  const code = numberingFacts(country) ? country : 'US';
  const facts = numberingFacts(code) as NonNullable<ReturnType<typeof numberingFacts>>;
  return {
    country: code,
    outsideLinePrefixes: [],
    internationalPrefixes: facts.idd,
    nationalPrefix: facts.nationalPrefix,
    featureCodes: featureCodesFor(code),
    extensions: { minDigits: 3, maxDigits: Math.min(5, maxExtensionDigits(code, facts.nationalPrefix) ?? 5) },
    internalDomains: [],
  };
}

/**
 * The longest extension that cannot be mistaken for a national number of the country: shorter
 * than its shortest national number as dialled — with the trunk prefix where it is required
 * (the UK's 0), without it in North America, where the leading 1 is optional.
 */
export function maxExtensionDigits(country: string, nationalPrefix: string): number | null {
  const facts = numberingFacts(country);
  if (!facts) return null;
  const required = NANP.has(country) ? 0 : nationalPrefix.length;
  return Math.min(...facts.nsnLengths) + required - 1;
}

/**
 * Problems that make a dial plan contradict itself or the numbering plan it sits in, in words.
 * The schema checks each field; this checks them against each other.
 */
export function dialPlanProblems(plan: DialPlan): string[] {
  const problems: string[] = [];
  const facts = numberingFacts(plan.country);
  if (!facts) return [`${plan.country} is not a country code libphonenumber knows.`];
  if (plan.extensions) {
    const max = maxExtensionDigits(plan.country, plan.nationalPrefix) as number;
    if (plan.extensions.maxDigits > max) {
      problems.push(
        `Extensions of up to ${plan.extensions.maxDigits} digits would match real telephone numbers in ${plan.country} (its shortest national numbers have ${Math.min(...facts.nsnLengths)} digits${plan.nationalPrefix ? ` after the ${plan.nationalPrefix}` : ''}): allow at most ${max} digits.`,
      );
    }
  }
  for (const p of plan.outsideLinePrefixes) {
    if (plan.internationalPrefixes.includes(p)) problems.push(`${p} cannot be both the outside-line prefix and an international prefix.`);
    if (plan.featureCodes.includes(p)) problems.push(`${p} cannot be both the outside-line prefix and a feature code.`);
  }
  if (new Set(plan.outsideLinePrefixes).size !== plan.outsideLinePrefixes.length) problems.push('An outside-line prefix is listed twice.');
  return problems;
}

/** The schema and the cross-field checks together: what Settings and the provisioning file accept. */
export const validDialPlanSchema = dialPlanSchema.superRefine((plan, ctx) => {
  for (const message of dialPlanProblems(plan)) ctx.addIssue({ code: 'custom', message });
});
