/**
 * Rule packs: the telemarketing law of each country a campaign calls, as data. `decideCompliance`
 * (compliance.ts) picks the pack by the called number's country and applies it; the pack's name
 * and citation go with every decision so the agent and the audit log see which law decided.
 *
 * A pack says which national registry covers the country, its statutory calling hours (null: the
 * campaign's own calling window applies), which campaign kinds the registry does not cover, the
 * existing-business-relationship windows, whether every direct-marketing call needs the
 * subscriber's prior consent, how old a registry snapshot may be, and which calls with a
 * pre-recorded message need consent. Where a pack cannot know a fact the law turns on (a wireless
 * line, a charity's tax status), it asks for the stricter evidence.
 *
 * Data only, with type-only imports: the renderer bundle and campaign.ts read it without pulling
 * in luxon or the decision code.
 */
import type { HoursRule } from './calling-hours.js';
import type { CampaignKind } from './campaign.js';
import type { RegistryName, RulePackView } from './compliance.js';

export interface RulePack extends RulePackView {
  /** ISO 3166 country, null for the default pack. */
  country: string | null;
  /** The national Do-Not-Call registry, null when the country keeps none we screen against. */
  registry: RegistryName | null;
  /** Statutory calling hours in the called party's local time; null = the campaign's calling window applies. */
  hours: HoursRule | null;
  /** Campaign kinds the national registry does not cover (never the internal list). */
  registryExemptKinds: readonly CampaignKind[];
  /** Existing business relationship, calendar months after a purchase / an inquiry; null = no such exemption. */
  ebrMonths: { purchase: number; inquiry: number } | null;
  /** The oldest registry snapshot (days) that still catches every number the law protects; null without a registry. */
  maxSnapshotAgeDays: number | null;
  /** Opt-in country: every direct-marketing call needs the subscriber's prior consent. */
  marketingConsent: { notDirectMarketing: readonly CampaignKind[]; rule: string } | null;
  /** A call that plays a pre-recorded (or artificial) voice needs dated consent, except for these kinds. */
  prerecorded: { exemptKinds: readonly CampaignKind[]; rule: string };
}

/**
 * The campaign's local calling window where the law sets none (Poland, the UK, every country
 * without a pack): weekdays 08:00–21:00, a narrower Saturday, no calls on Sunday. End exclusive.
 */
export const defaultCampaignCallingWindow: HoursRule = {
  weekday: { start: '08:00', end: '21:00' },
  saturday: { start: '09:00', end: '18:00' },
  sunday: null,
};

/**
 * United States.
 * - Registry: TSR 16 CFR 310.4(b)(1)(iii)(B) and TCPA rules 47 CFR 64.1200(c)(2). Charities'
 *   solicitations, political calls and surveys are not "telemarketing" to the registry (the TSR
 *   covers the sale of goods or services; the TCPA's "telephone solicitation", 47 CFR 64.1200(f),
 *   leaves out tax-exempt nonprofits), so those kinds are exempt; so is a signed written agreement.
 * - Existing business relationship: 18 months after a purchase, 3 months after an inquiry
 *   (16 CFR 310.2(q); 47 CFR 64.1200(f)(5)).
 * - Snapshot: the safe harbour needs a registry version no more than 31 days old
 *   (16 CFR 310.4(b)(3)(iv); 47 CFR 64.1200(c)(2)(i)(D)).
 * - Calling hours: 8:00–21:00 local, every day (16 CFR 310.4(c); 47 CFR 64.1200(c)(1)).
 * - Pre-recorded: telemarketing with a pre-recorded voice needs prior express written consent
 *   (47 CFR 64.1200(a)(2) wireless, (a)(3) residential; 16 CFR 310.4(b)(1)(v)); the EBR no longer
 *   counts (FCC 12-21). The residential exemptions for non-commercial and nonprofit calls
 *   ((a)(3)(ii)–(iv), capped at three calls in 30 days since FCC 20-186) do not reach wireless
 *   numbers, where any pre-recorded call needs prior express consent ((a)(1)(iii)). The facts do
 *   not say whether a line is wireless, so every kind needs dated consent here.
 */
const US: RulePack = {
  id: 'US',
  name: 'United States: Telemarketing Sales Rule and TCPA',
  source: '16 CFR 310.4(b)(1)(iii)(B), (b)(1)(v), (b)(3)(iv), (c); 16 CFR 310.2(q); 47 CFR 64.1200(a)(1)–(3), (c)(1)–(2), (f)(5)',
  country: 'US',
  registry: 'US',
  hours: { weekday: { start: '08:00', end: '21:00' }, saturday: { start: '08:00', end: '21:00' }, sunday: { start: '08:00', end: '21:00' } },
  registryExemptKinds: ['charity', 'political', 'survey'],
  ebrMonths: { purchase: 18, inquiry: 3 },
  maxSnapshotAgeDays: 31,
  marketingConsent: null,
  prerecorded: { exemptKinds: [], rule: 'prior express written consent, 47 CFR 64.1200(a)(2)–(3) and 16 CFR 310.4(b)(1)(v)' },
};

/**
 * Canada.
 * - Registry: the National DNCL; exempt are registered charities, political parties and
 *   candidates, and survey calls (Telecommunications Act s. 41.7(1)), plus express consent and
 *   the existing business relationship: 18 months after a purchase, 6 months after an inquiry
 *   (also s. 41.7).
 * - Snapshot: telemarketers must work from a DNCL download no more than 31 days old
 *   (CRTC Unsolicited Telecommunications Rules, Part II).
 * - Calling hours: 9:00–21:30 on weekdays, 10:00–18:00 on weekends, the called party's local time
 *   (Unsolicited Telecommunications Rules, Part III, Telemarketing Rules).
 * - Pre-recorded: an automatic dialing-announcing device may be used for solicitation only with
 *   the consumer's express consent (Part IV, ADAD Rules). Asking for donations is solicitation,
 *   so charities and political fund-raising need consent too; a survey solicits nothing.
 */
const CA: RulePack = {
  id: 'CA',
  name: 'Canada: CRTC Unsolicited Telecommunications Rules',
  source:
    'Telecommunications Act, S.C. 1993, c. 38, s. 41.7; CRTC Unsolicited Telecommunications Rules, Parts II (National DNCL), III (Telemarketing), IV (ADAD)',
  country: 'CA',
  registry: 'CA',
  hours: { weekday: { start: '09:00', end: '21:30' }, saturday: { start: '10:00', end: '18:00' }, sunday: { start: '10:00', end: '18:00' } },
  registryExemptKinds: ['charity', 'political', 'survey'],
  ebrMonths: { purchase: 18, inquiry: 6 },
  maxSnapshotAgeDays: 31,
  marketingConsent: null,
  prerecorded: { exemptKinds: ['survey'], rule: 'express consent to ADAD solicitation, CRTC Unsolicited Telecommunications Rules Part IV' },
};

/**
 * Poland: opt-in. Since 10 November 2024, art. 398 ust. 1 of the Prawo komunikacji
 * elektronicznej (ustawa z dnia 12 lipca 2024 r., Dz.U. 2024 poz. 1221; it replaced art. 172
 * Prawa telekomunikacyjnego and art. 10 u.ś.d.e.) forbids using terminal equipment or automated
 * calling systems to send commercial information, including direct marketing, to a subscriber
 * or end user who has not consented beforehand. No registry, no business-relationship exemption
 * and no statutory calling hours: the campaign's window applies.
 *
 * Which kinds are direct marketing: a genuine survey promotes nothing, so it is not. Charity
 * appeals and political canvassing promote an organisation's aims, which the ePrivacy Directive
 * (2002/58/EC art. 13, which art. 398 implements) and its regulators treat as direct marketing;
 * they need consent too. An inbound campaign calls people who asked for contact, but the call
 * still offers the product, and only a recorded, dated consent proves the request (GDPR
 * art. 7(1)): it needs consent like any sales call.
 */
const PL: RulePack = {
  id: 'PL',
  name: 'Poland: Prawo komunikacji elektronicznej (prior consent)',
  source: 'Ustawa z dnia 12 lipca 2024 r. – Prawo komunikacji elektronicznej (Dz.U. 2024 poz. 1221), art. 398 ust. 1, in force since 10 November 2024',
  country: 'PL',
  registry: null,
  hours: null,
  registryExemptKinds: [],
  ebrMonths: null,
  maxSnapshotAgeDays: null,
  marketingConsent: { notDirectMarketing: ['survey'], rule: 'Prawo komunikacji elektronicznej, art. 398 ust. 1' },
  prerecorded: { exemptKinds: ['survey'], rule: 'prior consent to automated calling systems, Prawo komunikacji elektronicznej art. 398 ust. 1 pkt 1' },
};

/**
 * United Kingdom: PECR (SI 2003/2426).
 * - Registry: reg. 21(1)(b) forbids unsolicited direct-marketing calls to numbers on the register
 *   kept under reg. 26, which holds individuals (TPS) and, since 2004, corporate subscribers
 *   (CTPS). The only way past it is the subscriber's notice that they do not object to this
 *   caller's calls (reg. 21(4)): consent. There is no business-relationship exemption.
 * - Kinds: "direct marketing" (DPA 2018 s. 122(5), used by PECR) covers promoting aims and
 *   ideals, so charity fund-raising and political campaigning are direct marketing and screened
 *   (ICO direct marketing guidance); genuine market research is not, so a survey is exempt. An
 *   inbound campaign's call counts as solicited only when the subscriber asked for that call,
 *   which only recorded consent shows: screened like sales.
 * - Snapshot: a number is protected once listed for 28 days (reg. 21(3)), so a snapshot at most
 *   28 days old catches every protected number.
 * - Calls for pensions (reg. 21A) or claims management (reg. 21B) need consent whatever the
 *   register says; no campaign kind names them, so they are left to the internal list.
 * - Pre-recorded: automated calling systems for direct marketing need the subscriber's prior
 *   consent (reg. 19).
 * - No statutory calling hours: the campaign's window applies.
 */
const GB: RulePack = {
  id: 'GB',
  name: 'United Kingdom: PECR (TPS/CTPS)',
  source: 'Privacy and Electronic Communications (EC Directive) Regulations 2003 (SI 2003/2426), regs 19, 21(1)(b), 21(3)–(4), 26',
  country: 'GB',
  registry: 'GB',
  hours: null,
  registryExemptKinds: ['survey'],
  ebrMonths: null,
  maxSnapshotAgeDays: 28,
  marketingConsent: null,
  prerecorded: { exemptKinds: ['survey'], rule: 'prior consent to automated calls, PECR reg. 19' },
};

/**
 * Every other country: no registry or consent rule is encoded, so the internal list, the
 * campaign's calling window and its public holidays are the gate. A pre-recorded call needs
 * consent from every kind: the strictest common rule (the EU's 2002/58/EC art. 13(1) for
 * automated calling), since the local law is not encoded.
 */
export const defaultRulePack: RulePack = {
  id: 'default',
  name: 'Other countries: internal list and the campaign’s calling window',
  source: 'No country-specific law encoded; pre-recorded calls need consent as under Directive 2002/58/EC art. 13(1)',
  country: null,
  registry: null,
  hours: null,
  registryExemptKinds: [],
  ebrMonths: null,
  maxSnapshotAgeDays: null,
  marketingConsent: null,
  prerecorded: { exemptKinds: [], rule: 'prior consent to automated calls (no local rule encoded)' },
};

export const rulePacks: Readonly<Record<'US' | 'CA' | 'PL' | 'GB', RulePack>> = { US, CA, PL, GB };

/** The pack of a number's country (the default pack for any other or an unknown country). */
export function rulePackFor(country: string | null): RulePack {
  return (country !== null && Object.hasOwn(rulePacks, country) ? rulePacks[country as keyof typeof rulePacks] : undefined) ?? defaultRulePack;
}

/** The pack as the UI shows it. */
export function rulePackView(pack: RulePack): RulePackView {
  return { id: pack.id, name: pack.name, source: pack.source };
}
