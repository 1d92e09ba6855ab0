/** Campaigns: what is called, how, with which script and dispositions. Pure, shared. */
import { z } from 'zod';
import { defaultCampaignCallingWindow } from './rule-packs.js';
import { hoursWindowProblem } from './calling-hours.js';

export const campaignKinds = ['outbound', 'inbound', 'lead-generation', 'sales', 'survey', 'appointment-setting', 'charity', 'political'] as const;
export type CampaignKind = (typeof campaignKinds)[number];

export const dialModes = ['manual', 'preview', 'progressive'] as const;

/**
 * What a disposition does to the lead (the label is the campaign's own words):
 * closed = the lead leaves the queue (sale, appointment, not interested);
 * retry = called again after the disposition's retry delay (no answer, busy, voicemail);
 * callback = a callback at the time the agent picks; bad-number = the number is marked bad
 * (wrong / disconnected: list cleaning); dnc = the number goes on the internal Do-Not-Call list.
 */
export const dispositionEffects = ['closed', 'retry', 'callback', 'bad-number', 'dnc', 'none'] as const;
export type DispositionEffect = (typeof dispositionEffects)[number];

const slug = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and dashes');

export const dispositionSchema = z.object({
  code: slug,
  label: z.string().trim().min(1).max(60),
  effect: z.enum(dispositionEffects),
  /** 1–9: the key that picks it. */
  hotkey: z.number().int().min(1).max(9).nullable().default(null),
  /** For effect "retry": minutes until the lead is due again. */
  retryMinutes: z
    .number()
    .int()
    .min(0)
    .max(60 * 24 * 90)
    .nullable()
    .default(null),
  /** Counts as a success in today's figures (sale, appointment). */
  success: z.boolean().default(false),
});
export type Disposition = z.infer<typeof dispositionSchema>;

/** Lead fields a script answer may be captured into (or `custom.<name>`). */
export const capturableFields = ['firstName', 'lastName', 'company', 'email', 'source', 'street', 'city', 'region', 'postalCode', 'country'] as const;

export const scriptAnswerSchema = z.object({
  label: z.string().trim().min(1).max(120),
  /** Stored into the capture field when picked (defaults to the label). */
  value: z.string().max(500).optional(),
  /** Next step id; null ends the script. */
  next: z.string().max(40).nullable().default(null),
});

export const scriptStepSchema = z.object({
  id: z
    .string()
    .trim()
    .min(1)
    .max(40)
    .regex(/^[A-Za-z0-9_-]+$/),
  title: z.string().trim().min(1).max(120),
  /** Text the agent reads; merge fields like {{lead.firstName}}, {{agent.name}}, {{campaign.name}}. Always shown as text. */
  text: z.string().max(5000),
  /** A question with answers (branching); free-text answer when `answers` is empty and `capture` is set. */
  answers: z.array(scriptAnswerSchema).max(20).default([]),
  /** Where the answer goes: a lead field (see capturableFields) or `custom.<name>`. */
  capture: z
    .string()
    .trim()
    .max(60)
    .regex(/^(firstName|lastName|company|email|source|street|city|region|postalCode|country|custom\.[A-Za-z0-9_ -]{1,40})$/)
    .nullable()
    .default(null),
  /** Next step when there are no answers. */
  next: z.string().max(40).nullable().default(null),
});
export type ScriptStep = z.infer<typeof scriptStepSchema>;

export const scriptSchema = z
  .object({
    steps: z.array(scriptStepSchema).min(1).max(200),
    /** First step for a cold call, and for a warm one (the script can differ). */
    coldStart: z.string().max(40),
    warmStart: z.string().max(40),
  })
  .superRefine((s, ctx) => {
    const ids = new Set(s.steps.map((x) => x.id));
    if (ids.size !== s.steps.length) ctx.addIssue({ code: 'custom', message: 'step ids must be unique', path: ['steps'] });
    for (const start of ['coldStart', 'warmStart'] as const)
      if (!ids.has(s[start])) ctx.addIssue({ code: 'custom', message: `${start} names no step`, path: [start] });
    s.steps.forEach((step, i) => {
      for (const next of [step.next, ...step.answers.map((a) => a.next)]) {
        if (next !== null && !ids.has(next)) ctx.addIssue({ code: 'custom', message: `step ${step.id} leads to unknown step ${next}`, path: ['steps', i] });
      }
    });
  });

/**
 * A local calling window, `HH:mm` to `HH:mm`, end exclusive (08:00–21:00 allows 08:00 to 20:59;
 * 24:00 ends at midnight). The rules are calling-hours.ts's own, so both read a window alike.
 */
export const hoursWindowSchema = z.object({ start: z.string().trim().max(5), end: z.string().trim().max(5) }).superRefine((w, ctx) => {
  const problem = hoursWindowProblem(w);
  if (problem) ctx.addIssue({ code: 'custom', message: problem, path: [problem.startsWith('start') ? 'start' : 'end'] });
});

// Defaults are copied so that editing one parsed campaign never changes another's.
const copyWindow = (w: { start: string; end: string } | null) => (w ? { ...w } : null);

/**
 * The campaign's calling window in the called party's local time, for countries whose law sets
 * no calling hours (Poland, the UK, any country without a rule pack); null = no calls that day.
 * Statutory hours (US, Canada) always apply instead: a campaign cannot widen them.
 */
export const callingWindowSchema = z.object({
  weekday: hoursWindowSchema.nullable().default(() => copyWindow(defaultCampaignCallingWindow.weekday)),
  saturday: hoursWindowSchema.nullable().default(() => copyWindow(defaultCampaignCallingWindow.saturday)),
  sunday: hoursWindowSchema.nullable().default(() => copyWindow(defaultCampaignCallingWindow.sunday)),
});
export type CallingWindow = z.infer<typeof callingWindowSchema>;

export const campaignSchema = z
  .object({
    id: z.number().int().positive().optional(),
    name: z.string().trim().min(1).max(120),
    kind: z.enum(campaignKinds),
    script: scriptSchema,
    dispositions: z.array(dispositionSchema).min(1).max(30),
    /** Caller ID presented on outbound calls (E.164 or SIP user), if the PBX honours it. */
    callerId: z.string().trim().max(40).default(''),
    /** ISO 3166 country for numbers written without +country code. */
    defaultCountry: z
      .string()
      .length(2)
      .regex(/^[A-Z]{2}$/)
      .default('US'),
    dialMode: z.enum(dialModes).default('preview'),
    /** Preview mode: dial automatically after this many seconds; 0 = the agent clicks Call. */
    previewCountdownSec: z.number().int().min(0).max(120).default(0),
    maxAttempts: z.number().int().min(1).max(50).default(5),
    /** After-call work limit shown to the agent, seconds. */
    wrapUpLimitSec: z.number().int().min(5).max(3600).default(60),
    /** Evidence windows for a warm outbound call, days. */
    warmWindows: z
      .object({
        inquiryDays: z.number().int().min(0).max(3650).default(90),
        purchaseDays: z.number().int().min(0).max(3650).default(540),
        consentDays: z.number().int().min(0).max(36500).default(3650),
      })
      .default({ inquiryDays: 90, purchaseDays: 540, consentDays: 3650 }),
    /** Campaigns saved before the window existed get the default one. */
    callingWindow: callingWindowSchema.default(() => ({
      weekday: copyWindow(defaultCampaignCallingWindow.weekday),
      saturday: copyWindow(defaultCampaignCallingWindow.saturday),
      sunday: copyWindow(defaultCampaignCallingWindow.sunday),
    })),
    /** No calls on the called party's public holidays, where the campaign's window applies. */
    skipPublicHolidays: z.boolean().default(true),
  })
  .superRefine((c, ctx) => {
    const codes = new Set<string>();
    const keys = new Set<number>();
    c.dispositions.forEach((d, i) => {
      if (codes.has(d.code)) ctx.addIssue({ code: 'custom', message: `duplicate disposition ${d.code}`, path: ['dispositions', i] });
      codes.add(d.code);
      if (d.hotkey !== null) {
        if (keys.has(d.hotkey)) ctx.addIssue({ code: 'custom', message: `hotkey ${d.hotkey} used twice`, path: ['dispositions', i] });
        keys.add(d.hotkey);
      }
    });
  });
type ParsedCampaign = z.infer<typeof campaignSchema>;
/**
 * A parsed campaign always has a calling window and the holiday choice; they are optional in the
 * type so that campaigns written out in code before the window existed still type-check (the
 * decision falls back to the same defaults).
 */
export type Campaign = Omit<ParsedCampaign, 'callingWindow' | 'skipPublicHolidays'> &
  Partial<Pick<ParsedCampaign, 'callingWindow' | 'skipPublicHolidays'>> & { id: number };
export type CampaignInput = z.input<typeof campaignSchema>;

/** The disposition set a new campaign starts with (the usual telemarketing outcomes). */
export const defaultDispositions: z.input<typeof dispositionSchema>[] = [
  { code: 'sale', label: 'Sale', effect: 'closed', hotkey: 1, success: true },
  { code: 'appointment', label: 'Appointment set', effect: 'closed', hotkey: 2, success: true },
  { code: 'interested', label: 'Interested / send info', effect: 'retry', hotkey: 3, retryMinutes: 60 * 24 * 3 },
  { code: 'callback', label: 'Callback', effect: 'callback', hotkey: 4 },
  { code: 'not-interested', label: 'Not interested', effect: 'closed', hotkey: 5 },
  { code: 'no-answer', label: 'No answer', effect: 'retry', hotkey: 6, retryMinutes: 120 },
  { code: 'busy', label: 'Busy', effect: 'retry', hotkey: 7, retryMinutes: 15 },
  { code: 'voicemail', label: 'Voicemail', effect: 'retry', hotkey: 8, retryMinutes: 240 },
  { code: 'wrong-number', label: 'Wrong number', effect: 'bad-number', hotkey: 9 },
  { code: 'disconnected', label: 'Disconnected number', effect: 'bad-number', hotkey: null },
  { code: 'do-not-call', label: 'Do not call', effect: 'dnc', hotkey: null },
];
