/**
 * A list scrub's phones as both stores hand them over: the columns to fill, the leads' evidence
 * dates, and how a campaign's phones are cut into shares. Each store reads the rows its own way
 * (fast paths differ), and fills the same columns.
 */
import type { ScrubPhones } from '../repositories.js';

/** Evidence dates of a lead: [consentAt, inquiryAt, lastPurchaseAt]. */
type Evidence = ScrubPhones['evidence'][number];

/** Each lead's evidence once, in the order read, and where each lead's is. */
export function evidenceIndex(rows: Iterable<[id: number, ...evidence: Evidence]>): { evidence: Evidence[]; evidenceOfLead: Map<number, number> } {
  const evidence: Evidence[] = [];
  const evidenceOfLead = new Map<number, number>();
  for (const [id, c, i, p] of rows) evidenceOfLead.set(id, evidence.push([c, i, p]) - 1);
  return { evidence, evidenceOfLead };
}

/** The columns for `n` phones: nothing on any list, no evidence, no verdict yet. */
export function scrubColumns(n: number, evidence: Evidence[]): ScrubPhones {
  return {
    phoneId: new Float64Array(n),
    leadId: new Float64Array(n),
    nanp: new Float64Array(n),
    gb: new Float64Array(n),
    internalDnc: new Uint8Array(n),
    evidenceOf: new Int32Array(n).fill(-1),
    evidence,
    blocked: new Uint8Array(n),
    blockedNames: [],
  };
}

/** The ten digits of "+1" followed by exactly ten digits, as an integer; else 0. */
export function nanpOf(e164: string): number {
  if (e164.length !== 12 || e164.charCodeAt(0) !== 43 || e164.charCodeAt(1) !== 49) return 0;
  let num = 0;
  for (let i = 2; i < 12; i++) {
    const d = e164.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return 0;
    num = num * 10 + d;
  }
  return num;
}

/** For `n` phones in id order, the offset of each of `parts` shares' first phone (at least one share, at most `n`). */
export function shareOffsets(n: number, parts: number): number[] {
  const k = Math.max(1, Math.min(parts, n));
  return Array.from({ length: k }, (_, i) => Math.floor((n * i) / k));
}

/** The id ranges of the shares that start at `firstIds`, the last one open-ended. */
export function shareRanges(firstIds: readonly number[]): Array<{ from: number; to: number }> {
  return firstIds.map((from, i) => ({ from, to: firstIds[i + 1] ?? Number.MAX_SAFE_INTEGER }));
}
