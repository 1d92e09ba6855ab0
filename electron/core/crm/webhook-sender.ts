/**
 * One delivery attempt of one outbox event, signed as the Standard Webhooks spec says: the
 * `standardwebhooks` package signs `${id}.${timestamp}.${body}` with HMAC-SHA256 under the
 * endpoint's `whsec_` secret. What came back is turned into what the delivery loop does next,
 * with the reason in words for the dead-letter view. Never throws.
 */
import { Webhook } from 'standardwebhooks';
import type { OutboxEntry } from './outbox.js';

export type Attempt =
  | { kind: 'delivered'; status: number }
  /** Try again later; `retryAfterMs` when the CRM said when (Retry-After). */
  | { kind: 'retry'; error: string; retryAfterMs: number | null }
  /** 410 Gone: the CRM says this endpoint no longer exists; nothing more is sent to it. */
  | { kind: 'gone'; error: string };

export interface SendOptions {
  url: string;
  secret: string;
  timeoutMs: number;
  now?: () => Date;
}

/** The most a CRM may ask us to wait (Retry-After): beyond it the event would look lost. */
const MAX_RETRY_AFTER_MS = 6 * 3600_000;

export async function sendWebhook(entry: Pick<OutboxEntry, 'id' | 'body'>, opts: SendOptions): Promise<Attempt> {
  let signature: string;
  const at = (opts.now ?? (() => new Date()))();
  try {
    signature = new Webhook(opts.secret).sign(entry.id, at, entry.body);
  } catch {
    return { kind: 'retry', error: 'The CRM signing secret cannot be used: set it again in Settings', retryAfterMs: null };
  }
  let response: Response;
  try {
    response = await fetch(opts.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Ringside-Webhooks/1',
        'webhook-id': entry.id,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body: entry.body,
      // A redirect could hand a signed customer record to another host: it counts as a failure.
      redirect: 'manual',
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
  } catch (error) {
    return { kind: 'retry', error: unreachable(opts.url, error, opts.timeoutMs), retryAfterMs: null };
  }
  // The body is not needed; reading it (bounded by the timeout) frees the connection.
  await response.body?.cancel().catch(() => undefined);
  if (response.status >= 200 && response.status < 300) return { kind: 'delivered', status: response.status };
  const answered = `The CRM answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  if (response.status === 410) return { kind: 'gone', error: `${answered}: it says this address no longer takes events` };
  if (response.status >= 300 && response.status < 400) return { kind: 'retry', error: `${answered} (a redirect, which is not followed)`, retryAfterMs: null };
  return { kind: 'retry', error: answered, retryAfterMs: retryAfter(response.headers.get('retry-after'), at.getTime()) };
}

/** Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function retryAfter(value: string | null, now: number): number | null {
  if (value === null) return null;
  const text = value.trim();
  let ms: number;
  if (/^\d{1,10}$/.test(text)) ms = Number(text) * 1000;
  else {
    const when = Date.parse(text);
    if (Number.isNaN(when)) return null;
    ms = when - now;
  }
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms));
}

function unreachable(url: string, error: unknown, timeoutMs: number): string {
  const host = safeHost(url);
  const e = error as { name?: string; cause?: { code?: string } };
  // To the tenth of a second: rounding to whole seconds would say "within 0 s" or "2 s" for 1.5 s.
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `The CRM at ${host} did not answer within ${Number((timeoutMs / 1000).toFixed(1))} s`;
  const code = e?.cause?.code;
  if (code === 'ECONNREFUSED') return `The CRM at ${host} refused the connection`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `The CRM address ${host} cannot be found`;
  if (typeof code === 'string' && /CERT|SSL|TLS/.test(code)) return `The CRM at ${host} has a certificate this computer does not trust (${code})`;
  return `The CRM at ${host} cannot be reached${code ? ` (${code})` : ''}`;
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'its address';
  }
}
