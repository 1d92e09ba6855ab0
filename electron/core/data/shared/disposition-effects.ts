/**
 * What a disposition does to its lead, decided once for both stores: the rows it writes besides
 * its own (history, a callback, bad marks, internal DNC entries) and the lead's status and due time
 * after it. Each store writes them in its own transaction, in this order: the disposition and its
 * history row, the open callbacks settled, then the rest of `dispositionWrites`, then the lead.
 */
import type { LeadStatus } from '../../../../shared/lead.js';
import type { DispositionRecord } from '../repositories.js';
import type { HistoryRow } from './history-rows.js';

export interface DispositionWrites {
  /** The disposition's history row: the label (what the agent sees) and the code as its outcome. */
  history: HistoryRow;
  /** effect "callback": the callback to open, and its history row. */
  callback: { dueAt: number; timeZone: string; note: string; createdAt: number; owner: string | null; history: HistoryRow } | null;
  /** effect "bad-number": the number to mark bad, or null for every number of the lead. */
  markBad: { phone: string | null } | null;
  /** effect "dnc": the number to put on the internal DNC list (null: every number of the lead), and the source recorded with it. */
  dnc: { phone: string | null; source: string } | null;
}

/** Throws TypeError for a callback disposition without its time. */
export function dispositionWrites(d: DispositionRecord): DispositionWrites {
  const writes: DispositionWrites = {
    history: { leadId: d.leadId, at: d.at, kind: 'disposition', phone: d.phone, outcome: d.code, disposition: d.label, note: d.note || null },
    callback: null,
    markBad: null,
    dnc: null,
  };
  switch (d.effect) {
    case 'callback': {
      const callback = callbackOf(d);
      writes.callback = {
        dueAt: callback.dueAt,
        timeZone: callback.timeZone,
        note: d.note,
        createdAt: d.at,
        owner: callback.owner ?? null,
        history: {
          leadId: d.leadId,
          at: d.at,
          kind: 'callback',
          note: `Callback ${new Date(callback.dueAt).toISOString()} (${callback.timeZone})${d.note ? `: ${d.note}` : ''}`,
        },
      };
      break;
    }
    case 'bad-number':
      writes.markBad = { phone: d.phone };
      break;
    case 'dnc':
      writes.dnc = { phone: d.phone, source: `disposition:${d.code}:lead:${d.leadId}` };
      break;
    case 'closed':
    case 'retry':
    case 'none':
      break;
  }
  return writes;
}

/** The lead's status and due time after the disposition; `dueAt` undefined: the lead's stays as it is. */
export interface LeadAfterDisposition {
  status: LeadStatus;
  dueAt: number | null | undefined;
}

/**
 * `lead` as it was before the disposition; `goodNumberLeft`: after a bad-number disposition's
 * marks, whether the lead still has a number not marked bad (read only for that effect).
 */
export function leadAfterDisposition(d: DispositionRecord, lead: { status: LeadStatus; attempts: number }, goodNumberLeft: boolean): LeadAfterDisposition {
  let status = lead.status;
  let dueAt: number | null | undefined;
  switch (d.effect) {
    case 'closed':
      status = 'closed';
      dueAt = null;
      break;
    case 'retry':
      status = 'active';
      dueAt = d.retryAt;
      break;
    case 'callback':
      status = 'callback';
      dueAt = callbackOf(d).dueAt;
      break;
    case 'bad-number':
      if (!goodNumberLeft) {
        status = 'bad-number';
        dueAt = null;
      } else if (status === 'new' || status === 'callback') {
        // Another number remains: the lead stays in the queue, due now.
        status = 'active';
        dueAt = null;
      }
      break;
    case 'dnc':
      status = 'dnc';
      dueAt = null;
      break;
    case 'none':
      break;
  }
  if (lead.attempts >= d.maxAttempts && (status === 'new' || status === 'active')) {
    status = 'max-attempts';
    dueAt = null;
  }
  return { status, dueAt };
}

function callbackOf(d: DispositionRecord): NonNullable<DispositionRecord['callback']> {
  if (!d.callback) throw new TypeError('a callback disposition needs the callback time');
  return d.callback;
}
