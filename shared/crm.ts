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

/** An address Ringside may send to or open at the CRM: https, or http to this computer only (a local CRM connector); no user or password in it. */
export function isCrmAddress(u: URL): boolean {
  if (u.username || u.password) return false;
  if (u.protocol === 'https:') return true;
  return u.protocol === 'http:' && (u.hostname === 'localhost' || u.hostname === '127.0.0.1' || u.hostname === '[::1]');
}

export const crmEndpointSchema = z.object({
  /** Where the events are POSTed. https only, except to this machine (a local CRM connector). */
  url: z
    .string()
    .trim()
    .max(2048)
    .refine((s) => {
      try {
        return isCrmAddress(new URL(s));
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

/*
 * The screen pop: the company's CRM record of the lead on screen, opened in the system browser.
 * Its address is made from a template the company sets (never from an address found in a lead):
 * each placeholder is filled with the lead's value, percent-encoded, and the result may only go
 * to one of the allowed hosts.
 */

/** What a CRM record address may carry, each written `{name}`. `externalId` is the lead's `crm_id` custom field. */
export const screenPopPlaceholders = ['leadId', 'externalId', 'phone', 'campaignId', 'campaign', 'agent'] as const;
export type ScreenPopPlaceholder = (typeof screenPopPlaceholders)[number];

/** When the record opens: by itself once an inbound call matched to a lead is answered (and at the button), or only at the button. */
export const screenPopOpenModes = ['inbound-answered', 'button'] as const;
export type ScreenPopOpen = (typeof screenPopOpenModes)[number];

/** One `{name}` of a template (global: use with replace or matchAll). */
export const SCREEN_POP_PLACEHOLDER = /\{([^{}]*)\}/g;

/** The longest CRM record address Ringside opens: longer ones are cut or refused by some browsers and systems. */
export const SCREEN_POP_MAX_URL = 2048;

const placeholderList = screenPopPlaceholders.map((p) => `{${p}}`).join(', ');

/** A template read without any lead: the host it goes to (lowercase), or what is wrong with it in words. */
export function readScreenPopTemplate(template: string): { ok: true; host: string } | { ok: false; message: string } {
  const t = template.trim();
  if (!/^https?:\/\//i.test(t)) return { ok: false, message: 'The CRM record address must start with https:// (http:// only to this computer)' };
  const names = [...t.matchAll(SCREEN_POP_PLACEHOLDER)].map((m) => m[1] ?? '');
  const unknown = [...new Set(names.filter((n) => !(screenPopPlaceholders as readonly string[]).includes(n)))];
  if (unknown.length)
    return {
      ok: false,
      message: `The CRM record address has ${unknown.map((n) => `{${n.slice(0, 40)}}`).join(', ')}, which Ringside does not know: the placeholders are ${placeholderList}`,
    };
  if (/[{}]/.test(t.replace(SCREEN_POP_PLACEHOLDER, '')))
    return { ok: false, message: 'The CRM record address has a { or } that is not part of a placeholder such as {leadId}' };
  // Everything up to the first / ? # (or \, which browsers read as /) names the host: lead data may never be part of it.
  const authority = t.slice(t.indexOf('://') + 3).split(/[/?#\\]/)[0] ?? '';
  if (authority.includes('{'))
    return { ok: false, message: 'The host of the CRM record address must be written out: placeholders go after it, from the first /' };
  let sample: URL;
  try {
    sample = new URL(t.replace(SCREEN_POP_PLACEHOLDER, '0'));
  } catch {
    return { ok: false, message: 'The CRM record address is not a web address, e.g. https://crm.example.com/leads/{externalId}' };
  }
  if (!isCrmAddress(sample))
    return { ok: false, message: 'The CRM record address must be an https:// address (http:// only to this computer), without a user or password in it' };
  return { ok: true, host: sample.hostname };
}

/** `h` as a URL carries its host (lowercase, an international name in its xn-- form), or null when it is not a bare host name. */
export function canonicalHost(h: string): string | null {
  if (!h || /[/?#@\\\s]/.test(h)) return null;
  // A colon outside [an IPv6 address] is a port.
  if (h.includes(':') && !/^\[[0-9a-f:.]+\]$/i.test(h)) return null;
  try {
    const u = new URL(`https://${h}/`);
    return u.port || u.pathname !== '/' ? null : u.hostname;
  } catch {
    return null;
  }
}

const allowedHostSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .superRefine((h, ctx) => {
    const canonical = canonicalHost(h);
    if (canonical === h) return;
    ctx.addIssue({
      code: 'custom',
      message: canonical
        ? `Write the allowed host ${h} as ${canonical}`
        : `An allowed host is a host name such as crm.example.com, without https://, a path or a port (not ${h.slice(0, 60) || 'an empty line'})`,
    });
  });

export const crmScreenPopSchema = z
  .object({
    /** The CRM record address, e.g. `https://crm.example.com/leads/{externalId}?phone={phone}`. */
    template: z
      .string()
      .trim()
      .min(1, 'Enter the CRM record address, e.g. https://crm.example.com/leads/{externalId}')
      .max(SCREEN_POP_MAX_URL, `The CRM record address is longer than ${SCREEN_POP_MAX_URL} characters`)
      .superRefine((t, ctx) => {
        const read = readScreenPopTemplate(t);
        if (!read.ok) ctx.addIssue({ code: 'custom', message: read.message });
      }),
    /** The only hosts a CRM record may open at (compared exactly); the template's own host must be one. */
    allowedHosts: z.array(allowedHostSchema).min(1, 'List the host the CRM record address goes to among the allowed hosts').max(20, 'At most 20 allowed hosts'),
    open: z.enum(screenPopOpenModes).default('inbound-answered'),
  })
  .superRefine((pop, ctx) => {
    const read = readScreenPopTemplate(pop.template);
    if (read.ok && pop.allowedHosts.length > 0 && !pop.allowedHosts.includes(read.host))
      ctx.addIssue({ code: 'custom', path: ['allowedHosts'], message: `The CRM record address goes to ${read.host}, which is not in the allowed hosts` });
  });
export type CrmScreenPop = z.infer<typeof crmScreenPopSchema>;

/** The screen pop as Settings shows it (it holds no secret). */
export interface CrmScreenPopView {
  template: string;
  allowedHosts: string[];
  open: ScreenPopOpen;
}
