/**
 * The transactional outbox behind CRM sync. A change (a disposition, a lead edit, a callback, a
 * Do-Not-Call request) and its event are written in ONE transaction by the repository that makes
 * the change, so an event exists exactly when its change does; delivery reads the outbox later,
 * from any agent's app, and a crash between the two loses nothing.
 */
import type { CrmEventType } from '../../../shared/crm.js';

export interface OutboxEntry {
  /** The idempotency key: sent as `webhook-id` on every attempt. */
  id: string;
  type: CrmEventType;
  leadId: number | null;
  createdAt: number;
  /** The JSON body exactly as it is signed and sent. */
  body: string;
  attempts: number;
  lastError: string | null;
  state: 'pending' | 'delivered' | 'dead';
}

/** A new event, as a repository writes it beside its change. */
export type NewOutboxEntry = Pick<OutboxEntry, 'id' | 'type' | 'leadId' | 'createdAt' | 'body'>;

export interface OutboxRepository {
  /**
   * Claims up to `limit` events that are due, for `leaseMs`, for `worker` (one delivery per event
   * across every agent of a team: an event another worker holds is skipped until its lease runs
   * out). Per lead, only the oldest pending event is due, so a CRM sees a lead's changes in the
   * order they happened; a dead-lettered event no longer holds the ones after it.
   */
  claimDue(now: number, limit: number, worker: string, leaseMs: number): Promise<OutboxEntry[]>;
  delivered(id: string, at: number): Promise<void>;
  /** A failed attempt: counted, its reason kept, due again at `nextAt`. */
  retryAt(id: string, nextAt: number, error: string): Promise<void>;
  /** Not counted as an attempt (the endpoint was turned off, the app is stopping): due again at `nextAt`. */
  release(id: string, nextAt: number): Promise<void>;
  /** Given up on after its last attempt: kept for the dead-letter view. */
  dead(id: string, error: string): Promise<void>;
  /** A dead event goes back to pending, due now, its attempts counted from zero. */
  revive(id: string, now: number): Promise<boolean>;
  /** Newest first. */
  list(state: OutboxEntry['state'], offset: number, limit: number): Promise<OutboxEntry[]>;
  counts(): Promise<{ pending: number; dead: number; lastDeliveredAt: number | null }>;
  /** The endpoint answered 410 Gone: it is off until turned on again (`null`). */
  setDisabled(state: { at: number; reason: string } | null): Promise<void>;
  disabled(): Promise<{ at: number; reason: string } | null>;
}
