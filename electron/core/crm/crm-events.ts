/**
 * The events the CRM receives, as the outbox stores them: `{ id, type, timestamp, data }`, where
 * `id` is also the `webhook-id` (the CRM's idempotency key) and `timestamp` is when the change
 * happened, not when it was delivered.
 */
import { randomUUID } from 'node:crypto';
import type { CrmEventType } from '../../../shared/crm.js';
import type { NewOutboxEntry } from './outbox.js';

export const newEventId = (): string => `evt_${randomUUID().replace(/-/g, '')}`;

export function crmEvent(type: CrmEventType, leadId: number | null, at: number, data: Record<string, unknown>, id = newEventId()): NewOutboxEntry {
  return { id, type, leadId, createdAt: at, body: JSON.stringify({ id, type, timestamp: new Date(at).toISOString(), data }) };
}

/** Makes the events a change should write, or none when CRM sync is off or the CRM does not want them. */
export type CrmEvents = (type: CrmEventType, leadId: number | null, at: number, data: Record<string, unknown>) => NewOutboxEntry[];

export const noCrmEvents: CrmEvents = () => [];
