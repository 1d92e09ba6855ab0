/**
 * The company's CRM hears of every result: each disposition, lead change, callback and Do-Not-Call
 * request is written to an outbox in the same transaction as the change, then delivered as a
 * webhook that follows the Standard Webhooks spec (https://www.standardwebhooks.com):
 * `webhook-id` (the idempotency key — a retry carries the same id), `webhook-timestamp` and
 * `webhook-signature` (HMAC-SHA256 with the endpoint's `whsec_` secret).
 */
import { z } from 'zod';

export const crmEventTypes = ['disposition.recorded', 'lead.changed', 'callback.scheduled', 'dnc.requested'] as const;
export type CrmEventType = (typeof crmEventTypes)[number];

/** Standard Webhooks secrets are `whsec_` and the base64 of 24 to 64 random bytes. */
const webhookSecretSchema = z
  .string()
  .trim()
  .regex(/^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/, 'The signing secret must look like whsec_ followed by base64 (as the CRM shows it)');

export const crmEndpointSchema = z.object({
  /** Where the events are POSTed. https only, except to this machine (a local CRM connector). */
  url: z
    .string()
    .trim()
    .max(2048)
    .refine((s) => {
      try {
        const u = new URL(s);
        if (u.username || u.password) return false;
        if (u.protocol === 'https:') return true;
        return u.protocol === 'http:' && (u.hostname === 'localhost' || u.hostname === '127.0.0.1' || u.hostname === '[::1]');
      } catch {
        return false;
      }
    }, 'The CRM address must be an https:// address (http:// only to this computer), without a user or password in it'),
  /** A secret: kept in the encrypted secret store, never in a settings file. */
  secret: webhookSecretSchema.optional(),
  /** Which events this endpoint wants (all by default). */
  events: z
    .array(z.enum(crmEventTypes))
    .min(1)
    .default([...crmEventTypes]),
  /** No answer within this many milliseconds counts as a failed attempt. */
  timeoutMs: z.number().int().min(1000).max(60_000).default(10_000),
});
export type CrmEndpoint = z.infer<typeof crmEndpointSchema>;

/*
 * One event as the CRM receives it (the JSON body): `{ id, type, timestamp, data }`, where `id`
 * equals the `webhook-id` header (a CRM drops an id it has already seen) and `timestamp` is when
 * the change happened (ISO 8601, UTC).
 */

/** An outbox entry as the dead-letter view shows it. */
export interface CrmDeliveryView {
  id: string;
  type: CrmEventType;
  leadId: number | null;
  createdAt: number;
  attempts: number;
  /** What the last attempt got back, in words ("The CRM answered 500 Internal Server Error"). */
  lastError: string | null;
  state: 'pending' | 'delivered' | 'dead';
}

/** The CRM link as the Settings and Compliance panels show it. */
export interface CrmStatusView {
  configured: boolean;
  /** Set when the CRM answered 410 Gone: nothing is sent until the agent or IT turns it back on. */
  disabled: { at: number; reason: string } | null;
  pending: number;
  dead: number;
  /** The last delivery that worked, epoch ms. */
  lastDeliveredAt: number | null;
}

/** The CRM endpoint as Settings shows it: never the signing secret, only whether one is saved. */
export interface CrmEndpointView {
  url: string;
  events: CrmEventType[];
  timeoutMs: number;
  hasSecret: boolean;
}
