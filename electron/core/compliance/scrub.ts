/**
 * The list scrub's decisions over one batch of phone rows (column-wise, from the store): the
 * internal list, the national registry of each +1 number's country and the UK's TPS/CTPS for +44
 * numbers (looked up in batches with hasMany), exemptions by campaign kind or the lead's
 * evidence, a stale or missing registry.
 *
 * GB differs in its exemptions (PECR): a call to a TPS/CTPS number needs the subscriber's
 * consent, and there is no business-relationship exemption; charities and political parties are
 * bound like anyone else. Only a survey (research, not marketing) is exempt by its kind.
 * Pure apart from the indexes it reads: runs in the main process or in a scrub worker
 * (scrub-worker.ts), each worker on its own share of the campaign.
 */
import { findExemption, registryExemptKinds, registryForCountry, registryNames, type CompliancePolicy, type RegistryName } from '../../../shared/compliance.js';
import type { CampaignKind } from '../../../shared/campaign.js';
import { normalisePhone } from '../../../shared/phone.js';
import type { ScrubPhones } from '../data/repositories.js';
import type { RegistryIndex } from './registry-index.js';
import { gbNsnKey } from './registry-key.js';

export interface ScrubContext {
  campaignKind: CampaignKind;
  /** The campaign's kind is exempt from the national registries (by the pack and the policy: charity, political, survey; GB: survey only). */
  kindExempt: boolean;
  now: number;
  policy: CompliancePolicy;
  /** Registries whose snapshot is missing or too old: their numbers count as blocked. */
  stale: Record<RegistryName, boolean>;
  indexes: Partial<Record<RegistryName, RegistryIndex>>;
  registryOfNpa: (npa: number, tenDigits: number) => RegistryName | null;
}

export interface ScrubOutcome {
  phones: number;
  allowed: number;
  exempt: number;
  internalDnc: number;
  registry: number;
  noRegistry: number;
  /** Distinct lead ids of the rows (a lead's phones may be split between workers). */
  leadIds: Float64Array;
  /** Phones whose verdict changed (null = callable again). */
  verdicts: Array<{ phoneId: number; blocked: string | null }>;
}

/** A cache of each NANP area code's registry (each area code belongs to one country). */
export function npaRegistryCache(): (npa: number, tenDigits: number) => RegistryName | null {
  const cache = new Map<number, RegistryName | null>();
  return (npa, tenDigits) => {
    let r = cache.get(npa);
    if (r === undefined) {
      const n = normalisePhone(`+1${tenDigits}`, 'US');
      // Only a valid number tells its area code's country; an invalid one decides nothing for the others.
      if (!n.ok) return null;
      r = registryForCountry(n.country);
      cache.set(npa, r);
    }
    return r;
  };
}

export function scrubRows(phones: ScrubPhones, ctx: ScrubContext): ScrubOutcome {
  const n = phones.phoneId.length;
  // Which registry covers each phone, and its 10-digit number for the index.
  const registryNumbers = new Float64Array(n);
  const registryOf: Array<RegistryName | null> = new Array(n);
  for (let i = 0; i < n; i++) {
    const num = phones.nanp[i];
    // Only +1 numbers are on the US or Canadian registry; the area code picks the country.
    const reg = num ? ctx.registryOfNpa(Math.floor(num / 10_000_000), num) : null;
    registryNumbers[i] = reg ? num : 0;
    registryOf[i] = reg;
  }
  // +44 phones in a pass of their own (the NANP loop above stays as lean as it was), kept apart:
  // the NANP indexes never see their keys, nor the GB index the NANP numbers.
  const gbRows: number[] = [];
  const gbKeys: number[] = [];
  for (let i = 0; i < n; i++) {
    const nsn = phones.gb[i];
    if (!nsn) continue;
    // Only numbers valid for GB itself (not the Crown Dependencies sharing +44) are on the TPS.
    const key = gbNsnKey(String(nsn));
    if (key === null) continue;
    registryOf[i] = 'GB';
    gbRows.push(i);
    gbKeys.push(key);
  }
  const listed: Partial<Record<RegistryName, Uint8Array>> = {};
  for (const name of registryNames) {
    const index = ctx.indexes[name];
    if (!index || name === 'GB') continue;
    const out = new Uint8Array(n);
    index.hasMany(registryNumbers, out);
    listed[name] = out;
  }
  const gbIndex = ctx.indexes.GB;
  if (gbIndex && gbRows.length > 0) {
    const hits = new Uint8Array(gbRows.length);
    gbIndex.hasMany(Float64Array.from(gbKeys), hits);
    const out = new Uint8Array(n);
    for (let j = 0; j < gbRows.length; j++) out[gbRows[j]!] = hits[j]!;
    listed.GB = out;
  }
  // Each registry's own exempt kinds, as its rule pack says (the gate decides by the same list).
  const kindExemptBy = Object.fromEntries(
    registryNames.map((r) => [r, ctx.kindExempt && registryExemptKinds(r, ctx.policy).includes(ctx.campaignKind)]),
  ) as Record<RegistryName, boolean>;
  // Distinct leads, with a bitmap over lead ids (a Set of a million ids costs more).
  let maxLead = 0;
  for (let i = 0; i < n; i++) if (phones.leadId[i] > maxLead) maxLead = phones.leadId[i];
  const seen = new Uint8Array(maxLead + 1);
  const leadIds: number[] = [];
  const o: ScrubOutcome = { phones: n, allowed: 0, exempt: 0, internalDnc: 0, registry: 0, noRegistry: 0, leadIds: new Float64Array(0), verdicts: [] };
  // Evidence dates repeat across a list (an import's inquiry date, a mailing's consent date):
  // decide each distinct combination once.
  const evidenceCache = new Map<string, boolean>();
  const exemptByEvidence = (reg: RegistryName, e: number): boolean => {
    const [consentAt, inquiryAt, lastPurchaseAt] = phones.evidence[e]!;
    const key = `${reg}|${consentAt ?? ''}|${inquiryAt ?? ''}|${lastPurchaseAt ?? ''}`;
    let exempt = evidenceCache.get(key);
    if (exempt === undefined) {
      if (reg === 'GB') {
        // Consent only, whatever business-relationship months a policy may carry for GB.
        exempt = findExemption(reg, null, { consentAt, inquiryAt: null, lastPurchaseAt: null }, ctx.now, ctx.policy)?.basis === 'written-consent';
      } else exempt = findExemption(reg, ctx.campaignKind, { consentAt, inquiryAt, lastPurchaseAt }, ctx.now, ctx.policy) !== null;
      evidenceCache.set(key, exempt);
    }
    return exempt;
  };
  // Verdict codes as the store reports the last scrub's (0 = callable).
  const verdictCode = (name: string): number => {
    const at = phones.blockedNames.indexOf(name);
    return at === -1 ? phones.blockedNames.push(name) : at + 1;
  };
  const INTERNAL = verdictCode('internal-dnc');
  const REGISTRY = verdictCode('registry');
  for (let i = 0; i < n; i++) {
    const lead = phones.leadId[i];
    if (!seen[lead]) {
      seen[lead] = 1;
      leadIds.push(lead);
    }
    let blocked = 0;
    const reg = registryOf[i];
    const e = phones.evidenceOf[i];
    if (phones.internalDnc[i]) {
      blocked = INTERNAL;
      o.internalDnc++;
    } else if (!reg) o.allowed++;
    else if (kindExemptBy[reg] || (e >= 0 && exemptByEvidence(reg, e))) o.exempt++;
    else if (ctx.stale[reg])
      o.noRegistry++; // the gate blocks these until a fresh registry is imported
    else if (listed[reg]?.[i]) {
      blocked = REGISTRY;
      o.registry++;
    } else o.allowed++;
    if (blocked !== phones.blocked[i]) o.verdicts.push({ phoneId: phones.phoneId[i], blocked: blocked ? phones.blockedNames[blocked - 1]! : null });
  }
  o.leadIds = Float64Array.from(leadIds);
  return o;
}
