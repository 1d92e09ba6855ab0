/**
 * Warm or cold, with the evidence. Inbound = warm. Outbound is warm only with evidence of
 * interest inside the campaign's windows: written consent, an inquiry / form submission, or a
 * recent purchase; otherwise cold. Pure: main decides, the UI shows the reason.
 */
import type { CallDirection, CallTemperature } from './call-session.js';
import type { Lead } from './lead.js';

export interface WarmWindows {
  inquiryDays: number;
  purchaseDays: number;
  consentDays: number;
}

const DAY = 86_400_000;

function daysAgo(isoDate: string, now: number): number {
  return Math.floor((now - Date.parse(`${isoDate}T00:00:00Z`)) / DAY);
}

export function decideTemperature(
  direction: CallDirection,
  lead: Pick<Lead, 'consentAt' | 'inquiryAt' | 'lastPurchaseAt'> | null,
  windows: WarmWindows,
  now: number,
): CallTemperature {
  if (direction === 'inbound') return { kind: 'warm', reason: 'Inbound call: the caller contacted us' };
  if (!lead) return { kind: 'cold', reason: 'Outbound call with no lead on record' };
  const evidence: Array<[string | null, number, string]> = [
    [lead.consentAt, windows.consentDays, 'written consent'],
    [lead.inquiryAt, windows.inquiryDays, 'inquiry'],
    [lead.lastPurchaseAt, windows.purchaseDays, 'purchase'],
  ];
  const stale: string[] = [];
  for (const [date, limit, what] of evidence) {
    if (!date) continue;
    const age = daysAgo(date, now);
    if (age >= 0 && age <= limit) return { kind: 'warm', reason: `${what} ${date}` };
    stale.push(`${what} ${date} is older than ${limit} days`);
  }
  return { kind: 'cold', reason: stale.length ? `Cold: ${stale.join('; ')}` : 'Cold: no inquiry, consent or purchase on record' };
}
