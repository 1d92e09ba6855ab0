/**
 * The integer key a registry index stores a number under. The index keeps 10-digit keys with
 * a first three digits of 200–999 (NANP: NPA-NXX-XXXX); other registries map their national
 * numbers into that space. Null when the number cannot be on that registry.
 *
 * GB (TPS/CTPS): the key of a UK national significant number (NSN: the digits after +44, never
 * starting with 0) is
 *   - 10 digits `d r…` (d ∈ 1,2,3,5,7,8,9; UK NSNs never start with 4 or 6):
 *     2e9 + slot(d) × 1e9 + r, slot = 0..6 in that order → [2e9, 9e9);
 *   - 9 digits or fewer (`800 1111`, `800 123456`, the few 9-digit area-code numbers):
 *     9e9 + nsn → [9e9 + 1e5, 1e10).
 * The 10-digit ranges are disjoint by slot and cover `r` exactly (0 ≤ r < 1e9); a shorter NSN has
 * no leading zero, so its value alone tells its length and the 9e9 range needs no length tag.
 * So the mapping is injective, stays inside [2e9, 1e10) and inverts ({@link gbNsnOfKey}).
 * Only numbers libphonenumber-js (max metadata) reads as valid numbers of GB get a key: the
 * Crown Dependencies (+44 1481, 1534, 1624, …) are not on the UK's registry, and a number the
 * metadata does not know has no answer (the gate then blocks: fail closed).
 * The TPS file parser (tps-format.ts) and the scrub use this same function.
 */
import { Metadata, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { RegistryName } from '../../../shared/compliance.js';

export function registryKey(registry: RegistryName, e164: string): number | null {
  if (registry === 'US' || registry === 'CA') {
    if (!/^\+1[2-9]\d{9}$/.test(e164)) return null;
    return Number(e164.slice(2));
  }
  if (!/^\+44[1-9]\d{5,9}$/.test(e164)) return null;
  return gbNsnKey(e164.slice(3));
}

/** slot(d) by first digit d; -1: no 10-digit UK NSN starts with it. */
const GB_SLOT = [-1, 0, 1, 2, -1, 3, -1, 4, 5, 6];
const GB_SLOT_DIGIT = [1, 2, 3, 5, 7, 8, 9];
const GB_SHORT_BASE = 9e9;

/** The GB registry key of a UK NSN (digits only, as after +44), or null when it is not a valid GB number. */
export function gbNsnKey(nsn: string): number | null {
  const len = nsn.length;
  if (len < 6 || len > 10 || nsn.charCodeAt(0) === 48) return null;
  for (let i = 0; i < len; i++) {
    const d = nsn.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return null;
  }
  if (!isValidGbNsn(nsn)) return null;
  if (len === 10) {
    const slot = GB_SLOT[nsn.charCodeAt(0) - 48]!;
    return slot < 0 ? null : 2e9 + slot * 1e9 + Number(nsn.slice(1));
  }
  return GB_SHORT_BASE + Number(nsn);
}

/** The NSN a GB key stands for (the inverse of gbNsnKey on its image), or null for a key outside it. */
export function gbNsnOfKey(key: number): string | null {
  if (!Number.isInteger(key) || key < 2e9 || key >= 1e10) return null;
  if (key >= GB_SHORT_BASE) return String(key - GB_SHORT_BASE);
  const slot = Math.floor((key - 2e9) / 1e9);
  return `${GB_SLOT_DIGIT[slot]}${String(key - 2e9 - slot * 1e9).padStart(9, '0')}`;
}

// ---- validity, as libphonenumber-js decides it, at registry-file speed ----

/**
 * Whether libphonenumber-js reads `+44<nsn>` as a valid GB number with exactly that NSN. Its own
 * parse takes ~19 µs (it compiles each type's pattern anew on every call): ~6 minutes for the
 * ~15 M numbers of TPS + CTPS. The same decision — its getNumberType over GB's metadata: the
 * general pattern, then any type whose pattern and possible lengths fit — with the patterns
 * compiled once takes well under a microsecond. Where that shortcut could differ from a full
 * parse (an NSN starting like GB's national prefix, which the parse strips; metadata of another
 * shape than expected) the full parse decides. tests/unit/compliance/tps-registry.test.ts
 * compares both on random numbers.
 */
function isValidGbNsn(nsn: string): boolean {
  const fast = gbFastValidator();
  if (fast && !fast.prefix.test(nsn)) return fast.valid(nsn);
  return isValidGbNsnByParse(nsn);
}

/** The full parse: the reference the fast path must agree with. Exported for that test. */
export function isValidGbNsnByParse(nsn: string): boolean {
  const p = parsePhoneNumberFromString(`+44${nsn}`);
  return !!p && p.country === 'GB' && p.nationalNumber === nsn && p.isValid();
}

/** getNumberType's types, in its order (any match makes the number valid). */
const NUMBER_TYPES = ['FIXED_LINE', 'MOBILE', 'PREMIUM_RATE', 'TOLL_FREE', 'SHARED_COST', 'VOIP', 'PERSONAL_NUMBER', 'PAGER', 'UAN', 'VOICEMAIL'];

/** The runtime shape of libphonenumber-js's numbering plan (its typings expose less of it). */
interface PlanType {
  pattern(): string;
  possibleLengths(): number[] | undefined;
}
interface Plan {
  hasTypes(): boolean;
  leadingDigits(): string | undefined;
  nationalNumberPattern(): string;
  nationalPrefixForParsing(): string | undefined;
  type(name: string): PlanType | undefined;
}

interface FastValidator {
  /** NSNs the full parse might strip a national prefix from: decided by the full parse. */
  prefix: RegExp;
  valid(nsn: string): boolean;
}

let fastValidator: FastValidator | null | undefined;

function gbFastValidator(): FastValidator | null {
  if (fastValidator === undefined) {
    try {
      fastValidator = buildFastValidator();
    } catch {
      fastValidator = null;
    }
  }
  return fastValidator;
}

function buildFastValidator(): FastValidator | null {
  const metadata = new Metadata();
  metadata.selectNumberingPlan('GB');
  const plan = metadata.numberingPlan as unknown as Plan | undefined;
  if (!plan || typeof plan.type !== 'function' || typeof plan.hasTypes !== 'function' || !plan.hasTypes()) return null;
  // GB is +44's main country and is tried first only while it has no leading-digits rule.
  if (plan.leadingDigits()) return null;
  const general = new RegExp(`^(?:${plan.nationalNumberPattern()})$`);
  const types: Array<{ re: RegExp; lengths: number[] | undefined }> = [];
  for (const name of NUMBER_TYPES) {
    const t = plan.type(name);
    const pattern = t?.pattern();
    if (t && pattern) types.push({ re: new RegExp(`^(?:${pattern})$`), lengths: t.possibleLengths() });
  }
  if (types.length === 0) return null;
  const prefix = new RegExp(`^(?:${plan.nationalPrefixForParsing() || '0'})`);
  const valid = (nsn: string): boolean => {
    if (!general.test(nsn)) return false;
    for (const t of types) if ((!t.lengths || t.lengths.includes(nsn.length)) && t.re.test(nsn)) return true;
    return false;
  };
  // A metadata change that breaks the assumptions above shows on a few known numbers: then
  // every number takes the full parse (slow, still right).
  for (const nsn of ['2079460123', '1134960123', '7400123456', '8001111', '800123456', '1632960123', '7700900123', '1534123456', '169771234']) {
    if (!prefix.test(nsn) && valid(nsn) !== isValidGbNsnByParse(nsn)) return null;
  }
  return { prefix, valid };
}
