/**
 * Delivers the outbox to the company's CRM. Each pass claims the events that are due (at most one
 * per lead, so a lead's changes arrive in order; across a team, each event is claimed by one app),
 * sends them a few at a time, and records what happened:
 * - 2xx: delivered.
 * - 410 Gone: the endpoint is turned off (said in the UI) until someone turns it on again; the
 *   event stays pending, nothing is lost.
 * - anything else, or no answer: tried again after an exponential backoff with full jitter (and
 *   no sooner than the CRM's Retry-After), until the last attempt, then kept in the dead-letter
 *   view where an agent or IT can send it again.
 * A retry carries the same `webhook-id`, so a CRM that saw the first attempt drops the second.
 */
import type { CrmEndpoint, CrmStatusView, CrmDeliveryView } from '../../../shared/crm.js';
import { drop } from '../lib/drop.js';
import type { Logger } from '../lib/logger.js';
import { backoffDelay } from '../sip/backoff.js';
import type { OutboxEntry, OutboxRepository } from './outbox.js';
import { sendWebhook, type Attempt } from './webhook-sender.js';

/** A configured endpoint with its secret (from the encrypted store). */
export type ReadyEndpoint = CrmEndpoint & { secret: string };

export interface CrmDeliveryOptions {
  outbox: OutboxRepository;
  /** The endpoint as configured now; null when CRM sync is off. */
  endpoint: () => ReadyEndpoint | null;
  /** Who claims events: this app's agent, unique within the team. */
  worker: string;
  log: Logger;
  /** Something changed that the UI shows (a delivery, a dead letter, the endpoint turned off). */
  onStatus?: (status: CrmStatusView) => void;
  now?: () => number;
  random?: () => number;
  /**
   * The schedule. With the defaults an event that keeps failing is given up on after about three
   * hours on average; the jitter draws each wait between half the base and its ceiling, so the
   * span varies: about 1 event in 5000 that fails for an hour is given up on within it, 1 in 25
   * within two hours.
   */
  retry?: { baseMs: number; capMs: number; maxAttempts: number };
  /** How often the outbox is looked at without a kick. */
  pollMs?: number;
  /** Sent at once (different leads). */
  parallel?: number;
}

/** The retry schedule unless one is given. */
export const DEFAULT_CRM_RETRY = { baseMs: 10_000, capMs: 3600_000, maxAttempts: 15 } as const;
const LEASE_MS = 60_000;

export class CrmDelivery {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<boolean> | null = null;
  private again = false;
  private stopped = true;
  private readonly now: () => number;
  private readonly retry: { baseMs: number; capMs: number; maxAttempts: number };

  constructor(private readonly o: CrmDeliveryOptions) {
    this.now = o.now ?? Date.now;
    this.retry = o.retry ?? DEFAULT_CRM_RETRY;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Something was written to the outbox: look now rather than at the next poll. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  /** Stops polling and waits for the attempts under way (each bounded by the endpoint's timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /**
   * One pass now (also what the timer runs); resolves when its attempts are recorded, to whether
   * more may be due at once (the timer then runs another pass without waiting for the poll).
   */
  async runOnce(): Promise<boolean> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.pass().finally(() => (this.running = null));
    return this.running;
  }

  async status(): Promise<CrmStatusView> {
    const [counts, disabled] = await Promise.all([this.o.outbox.counts(), this.o.outbox.disabled()]);
    return { configured: this.o.endpoint() !== null, disabled, pending: counts.pending, dead: counts.dead, lastDeliveredAt: counts.lastDeliveredAt };
  }

  async deadLetters(offset: number, limit: number): Promise<CrmDeliveryView[]> {
    return (await this.o.outbox.list('dead', offset, limit)).map(view);
  }

  /** "Retry" in the dead-letter view. */
  async revive(id: string): Promise<boolean> {
    const revived = await this.o.outbox.revive(id, this.now());
    if (revived) {
      await this.changed();
      this.kick();
    }
    return revived;
  }

  /** Turns a 410-disabled endpoint back on (the CRM's address was fixed). */
  async enable(): Promise<void> {
    await this.o.outbox.setDisabled(null);
    await this.changed();
    this.kick();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.again = false;
      drop(
        this.runOnce()
          .then((more) => {
            if (more) this.again = true;
          })
          .finally(() => this.schedule(this.again ? 0 : (this.o.pollMs ?? 5000))),
        (m, e) => this.o.log.warn(m, e),
        'CRM delivery',
      );
    }, ms);
    this.timer.unref?.();
  }

  private async pass(): Promise<boolean> {
    const endpoint = this.o.endpoint();
    if (!endpoint || (await this.o.outbox.disabled())) return false;
    const batch = await this.o.outbox.claimDue(this.now(), this.o.parallel ?? 4, this.o.worker, LEASE_MS);
    if (batch.length === 0) return false;
    const wanted = new Set(endpoint.events);
    const outcomes = await Promise.all(batch.map(async (entry) => ({ entry, attempt: wanted.has(entry.type) ? await sendWebhook(entry, endpoint) : null })));
    let changed = false;
    let done = false;
    for (const { entry, attempt } of outcomes) {
      changed = (await this.record(entry, attempt)) || changed;
      done ||= attempt === null || attempt.kind === 'delivered';
    }
    if (changed) await this.changed();
    // A full batch suggests more are due; so does an event done with, which held its lead's next
    // one back (a lead's backlog after an outage would otherwise go out one event per poll).
    return batch.length === (this.o.parallel ?? 4) || done;
  }

  /** Records one attempt; true when the UI's figures change. */
  private async record(entry: OutboxEntry, attempt: Attempt | null): Promise<boolean> {
    const at = this.now();
    if (attempt === null) {
      // The endpoint does not take this kind of event: it is done with.
      await this.o.outbox.delivered(entry.id, at);
      return false;
    }
    switch (attempt.kind) {
      case 'delivered':
        await this.o.outbox.delivered(entry.id, at);
        return true;
      case 'gone':
        await this.o.outbox.setDisabled({ at, reason: attempt.error });
        await this.o.outbox.release(entry.id, at);
        this.o.log.warn(`CRM sync is off: ${attempt.error}`);
        return true;
      case 'retry': {
        const attempts = entry.attempts + 1;
        if (attempts >= this.retry.maxAttempts) {
          await this.o.outbox.dead(entry.id, attempt.error);
          this.o.log.warn(`a CRM event was given up on after ${attempts} attempts: ${attempt.error}`);
          return true;
        }
        // Retry-After is the least the CRM asks us to wait, not a reason to come back sooner than
        // the schedule would: a short one given to an event many attempts in would use up its
        // remaining attempts in minutes, and a CRM that comes back from an outage throttling
        // would see its events dead-lettered.
        const wait = Math.max(attempt.retryAfterMs ?? 0, backoffDelay(attempts - 1, { ...this.retry, random: this.o.random }));
        await this.o.outbox.retryAt(entry.id, at + wait, attempt.error);
        return false;
      }
    }
  }

  private async changed(): Promise<void> {
    if (this.o.onStatus) this.o.onStatus(await this.status());
  }
}

function view(e: OutboxEntry): CrmDeliveryView {
  return { id: e.id, type: e.type, leadId: e.leadId, createdAt: e.createdAt, attempts: e.attempts, lastError: e.lastError, state: e.state };
}
