/** Leads: the people a campaign calls, with the evidence that decides warm or cold. */
import { z } from 'zod';

export const leadStatuses = ['new', 'active', 'callback', 'closed', 'bad-number', 'dnc', 'max-attempts'] as const;
export type LeadStatus = (typeof leadStatuses)[number];

export interface LeadPhone {
  /** Normalised E.164, e.g. +48225550123. */
  e164: string;
  /** As written in the source. */
  raw: string;
  label: string | null;
  /** Marked bad by a wrong/disconnected disposition (list cleaning). */
  bad: boolean;
}

/** ISO date (YYYY-MM-DD) or null. */
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD')
  .nullable();

/** Fields an agent (or a script answer) may change; validated in main. */
export const leadPatchSchema = z
  .object({
    firstName: z.string().trim().max(100),
    lastName: z.string().trim().max(100),
    company: z.string().trim().max(200),
    email: z.union([z.literal(''), z.string().trim().max(254).email('not an e-mail address')]),
    street: z.string().trim().max(200),
    city: z.string().trim().max(100),
    region: z.string().trim().max(100),
    postalCode: z.string().trim().max(20),
    country: z.string().trim().max(2),
    timeZone: z.string().trim().max(64).nullable(),
    source: z.string().trim().max(100),
    consentAt: isoDate,
    inquiryAt: isoDate,
    lastPurchaseAt: isoDate,
    score: z.number().int().min(0).max(1000),
    priority: z.number().int().min(0).max(10),
    /** Raw phone numbers; main normalises them and reports the invalid ones. */
    phones: z.array(z.string().trim().min(1).max(40)).max(10),
    customFields: z.record(z.string().max(60), z.string().max(2000)),
  })
  .partial()
  .strict();
export type LeadPatch = z.infer<typeof leadPatchSchema>;

export interface Lead {
  id: number;
  campaignId: number;
  firstName: string;
  lastName: string;
  company: string;
  email: string;
  street: string;
  city: string;
  region: string;
  postalCode: string;
  country: string;
  /** IANA zone, from the data or derived from the number; null when unknown. */
  timeZone: string | null;
  source: string;
  customFields: Record<string, string>;
  consentAt: string | null;
  inquiryAt: string | null;
  lastPurchaseAt: string | null;
  score: number;
  priority: number;
  status: LeadStatus;
  attempts: number;
  /** Epoch ms. */
  lastAttemptAt: number | null;
  /** When the lead is due again (retry delay or callback), epoch ms. */
  dueAt: number | null;
  phones: LeadPhone[];
  createdAt: number;
  updatedAt: number;
}

/** One row of the lead list (kept small: the list holds 100 k of them). */
export interface LeadRow {
  id: number;
  name: string;
  company: string;
  phone: string;
  status: LeadStatus;
  attempts: number;
  score: number;
  lastAttemptAt: number | null;
  dueAt: number | null;
}

export interface LeadHistoryEntry {
  id: number;
  at: number;
  kind: 'call' | 'disposition' | 'callback' | 'edit' | 'import' | 'note';
  /** For calls: direction, number, outcome and talk time. */
  direction: 'outbound' | 'inbound' | null;
  phone: string | null;
  outcome: string | null;
  durationSec: number | null;
  /** For dispositions: its code and label. */
  disposition: string | null;
  note: string | null;
}

export interface Callback {
  id: number;
  leadId: number;
  /** Epoch ms. */
  dueAt: number;
  /** The zone the agent picked the time in (the lead's local zone). */
  timeZone: string;
  note: string;
  done: boolean;
  /** The agent (its name in the team) whose callback it is; null: anyone on the campaign may take it. */
  owner: string | null;
}

export function leadName(l: Pick<Lead, 'firstName' | 'lastName' | 'company'>): string {
  const n = `${l.firstName} ${l.lastName}`.trim();
  return n || l.company || 'Unknown';
}
