/**
 * Every way to write one telephone number as a dial target, for the dial policy's property
 * tests: international and national forms under each country the PBX could read them in,
 * visual separators, the dial plan's outside-line prefixes and feature codes, `tel:` with and
 * without `phone-context`, SIP URIs with RFC 3966 parameters, escapes and name-addr brackets.
 * Seeded, so a failing spelling reproduces from its seed.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { DialPlan } from '../../shared/dial-plan.js';
import { numberingFacts } from '../../shared/dial-plan.js';

export interface SpellingContext {
  plan: DialPlan;
  /** The account's SIP domain. */
  domain: string;
  /** Countries whose national form the PBX could be reading (the policy's countries). */
  countries: readonly string[];
}

type Rand = () => number;

const pick = <T>(rand: Rand, items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;

/** Groups digits with a random separator style: "212 555 0199", "212-555-0199", "(212) 555.0199". */
function separate(rand: Rand, digits: string): string {
  const style = Math.floor(rand() * 6);
  if (style === 0) return digits;
  const groups: string[] = [];
  for (let i = 0; i < digits.length;) {
    const n = Math.min(digits.length - i, 2 + Math.floor(rand() * 3));
    groups.push(digits.slice(i, i + n));
    i += n;
  }
  if (style === 1) return groups.join(' ');
  if (style === 2) return groups.join('-');
  if (style === 3) return groups.join('.');
  if (style === 4) return `(${groups[0]}) ${groups.slice(1).join('-')}`;
  return groups.join(pick(rand, [' ', '-', '.']));
}

/** Percent-escapes some characters of a SIP user part (any character may be escaped, RFC 3261 §19.1.2). */
function escapeSome(rand: Rand, user: string): string {
  return [...user].map((ch) => (rand() < 0.25 ? `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}` : ch)).join('');
}

/** The dialled forms of a number (digits as a PBX takes them), each with how it was made. */
function forms(e164: string, ctx: SpellingContext): string[] {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) throw new Error(`not a number: ${e164}`);
  const cc = parsed.countryCallingCode;
  const nsn = parsed.nationalNumber;
  const out = new Set<string>([`+${cc}${nsn}`]);
  const idds = new Set(ctx.plan.internationalPrefixes);
  for (const c of ctx.countries) for (const p of numberingFacts(c)?.idd ?? []) idds.add(p);
  for (const idd of idds) out.add(`${idd}${cc}${nsn}`);
  // National forms only where the PBX could read the number as national.
  const country = parsed.country ?? '';
  if (ctx.countries.includes(country) || (cc === '1' && ctx.countries.some((c) => numberingFacts(c)?.idd.includes('011')))) {
    const trunk = numberingFacts(country)?.nationalPrefix ?? '';
    out.add(`${trunk}${nsn}`);
    if (trunk === '' || cc === '1') out.add(nsn);
  }
  return [...out].filter((f) => {
    // A national form is only a spelling of this number if the country it is read in agrees.
    if (f.startsWith('+') || [...idds].some((i) => f.startsWith(i) && f.slice(i.length).startsWith(cc))) return true;
    return ctx.countries.some((c) => parsePhoneNumberFromString(f, c as never)?.number === e164);
  });
}

/** One random spelling of the number. */
export function spell(rand: Rand, e164: string, ctx: SpellingContext): string {
  const base = pick(rand, forms(e164, ctx));
  // Prefixes the PBX strips: a feature code and/or an outside line, in either order.
  let digits = base;
  const usePrefixes = rand() < 0.6 && !base.startsWith('+');
  if (usePrefixes) {
    const parts: string[] = [];
    if (ctx.plan.featureCodes.length && rand() < 0.5) parts.push(pick(rand, ctx.plan.featureCodes));
    if (ctx.plan.outsideLinePrefixes.length && rand() < 0.7) parts.push(pick(rand, ctx.plan.outsideLinePrefixes));
    if (rand() < 0.5) parts.reverse();
    digits = `${parts.join('')}${base}`;
  } else if (base.startsWith('+') && ctx.plan.featureCodes.length && rand() < 0.3) {
    digits = `${pick(rand, ctx.plan.featureCodes)}${base}`;
  }
  const plus = digits.startsWith('+') ? '+' : '';
  const body = plus ? digits.slice(1) : digits;
  const shape = Math.floor(rand() * 8);
  const domain = rand() < 0.2 ? ctx.domain.toUpperCase() : ctx.domain;
  switch (shape) {
    case 0:
    case 1:
      return `${plus}${separate(rand, body)}${rand() < 0.15 ? ' x12' : ''}`;
    case 2: {
      // tel: with visual separators; a local number with a global phone-context, or none at all.
      const parsed = parsePhoneNumberFromString(e164);
      if (plus || !parsed || rand() < 0.4) return `tel:${plus}${separate(rand, body).replace(/ /g, '-')}${rand() < 0.3 ? ';ext=101' : ''}`;
      if (rand() < 0.5 && !usePrefixes) return `tel:${parsed.nationalNumber};phone-context=+${parsed.countryCallingCode}`;
      return `tel:${body}`;
    }
    case 3:
      return `sip:${plus}${body}@${domain}${rand() < 0.5 ? ';user=phone' : ''}`;
    case 4:
      return `${pick(rand, ['sip', 'SIP', 'sips'])}:${escapeSome(rand, `${plus}${body}`).replace(/^\+/, rand() < 0.5 ? '%2B' : '+')}@${domain}`;
    case 5:
      return `sip:${plus}${separate(rand, body).replace(/[ ()]/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '')}${pick(rand, [';isub=77', ';ext=12', ';isub=1;ext=2', ''])}@${domain}:5060;transport=ws`;
    case 6:
      return `"Customer" <sip:${plus}${body}@${rand() < 0.5 ? domain : 'carrier.example'}${rand() < 0.5 ? ';user=phone' : ''}>`;
    default:
      return `${plus}${body}@${rand() < 0.5 ? domain : 'gateway.example'}`;
  }
}

/** The digits of a number as they may appear on the wire, for scanning a SIP server's log. */
export function nationalDigits(e164: string): string {
  return parsePhoneNumberFromString(e164)?.nationalNumber ?? e164.replace(/^\+\d/, '');
}
