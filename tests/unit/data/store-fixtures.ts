// Builders for store tests (unit and integration).
import { defaultDispositions, type CampaignInput } from '../../../shared/campaign.js';
import type { DispositionRecord, NewLead } from '../../../electron/core/data/repositories.js';

export function campaignInput(name = 'Spring outbound', over: Partial<CampaignInput> = {}): CampaignInput {
  return {
    name,
    kind: 'outbound',
    script: { steps: [{ id: 'intro', title: 'Intro', text: 'Hello {{lead.firstName}}' }], coldStart: 'intro', warmStart: 'intro' },
    dispositions: defaultDispositions,
    maxAttempts: 3,
    ...over,
  };
}

let seq = 0;
/** A lead with one valid-looking unique number unless phones are given. */
export function newLead(over: Partial<NewLead> = {}): NewLead {
  seq++;
  return {
    firstName: `First${seq}`,
    lastName: `Last${seq}`,
    company: '',
    email: '',
    street: '',
    city: '',
    region: '',
    postalCode: '',
    country: 'US',
    timeZone: null,
    source: 'test',
    customFields: {},
    consentAt: null,
    inquiryAt: null,
    lastPurchaseAt: null,
    score: 0,
    priority: 0,
    phones: [{ e164: `+1212${String(5_000_000 + seq).padStart(7, '0')}`, raw: `212 ${seq}`, label: null }],
    ...over,
  };
}

export function phone(e164: string, label: string | null = null): NewLead['phones'][number] {
  return { e164, raw: e164, label };
}

/** A "no answer" disposition of `leadId` at `at` (retried in two hours), with `over` on top. */
export function dispositionRecord(leadId: number, at: number, over: Partial<DispositionRecord> = {}): DispositionRecord {
  return {
    leadId,
    callId: null,
    code: 'no-answer',
    label: 'No answer',
    effect: 'retry',
    success: false,
    note: '',
    at,
    phone: null,
    retryAt: at + 120 * 60_000,
    callback: null,
    maxAttempts: 5,
    ...over,
  };
}
