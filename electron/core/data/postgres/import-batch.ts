/**
 * One import batch, written in as few statements as its semantics allow (each statement is a
 * round trip to the server, and a batch is thousands of rows): the numbers of the whole batch
 * that the campaign has are looked up at once, the leads that have them read (and locked) at once,
 * new leads in a run of rows are queued and written together, and a merge is one statement. The batch keeps what
 * it wrote in view, so a row sees the rows before it exactly as the embedded store's row-by-row
 * writes do: a number is the lead's that had it first.
 */
import type { Lead } from '../../../../shared/lead.js';
import type { NewLead } from '../repositories.js';
import { NotFoundError } from '../shared/not-found-error.js';
import type { Sql } from './connection.js';
import { distinctPhones, insertLeads, lockLeads, newLeadIds, readLead } from './lead-rows.js';

/** Namespace of the per-campaign import lock ("rsim"), the campaign id being the second key. */
const IMPORT_LOCK = 1920166253;

interface Pending {
  lead: NewLead;
  /** Told the lead's id once it is written. */
  written: (id: number) => void;
  /** The numbers that are this lead's (no lead had them before it). */
  claimed: string[];
}

export class ImportBatch {
  /** A number of the campaign and its lead's id, or -(i + 1) for the i-th lead still queued. */
  private readonly owners = new Map<string, number>();
  /** Leads as they are now (read at the start; a lead the batch changes is read again). */
  private readonly known = new Map<number, Lead>();
  private pending: Pending[] = [];

  private constructor(
    private readonly sql: Sql,
    private readonly campaignId: number,
    private readonly now: number,
  ) {}

  /**
   * Starts a batch: the campaign must exist; imports into it from any app wait for each other
   * (two at once would both add a number that neither saw).
   */
  static async begin(sql: Sql, campaignId: number, leads: readonly NewLead[], now: number): Promise<ImportBatch> {
    if (!(await sql.one('SELECT 1 FROM campaigns WHERE id = $1', [campaignId]))) throw new NotFoundError(`campaign ${campaignId}`);
    await sql.run('SELECT pg_advisory_xact_lock($1::int, ($2::bigint % 2147483647)::int)', [IMPORT_LOCK, campaignId]);
    const batch = new ImportBatch(sql, campaignId, now);
    const numbers = [...new Set(leads.flatMap((l) => l.phones.map((p) => p.e164)))];
    if (numbers.length === 0) return batch;
    // The earliest number row decides, as the embedded store's first match does.
    const rows = await sql.arrays(
      `SELECT DISTINCT ON (e164) e164, lead_id FROM lead_phones WHERE campaign_id = $1 AND e164 = ANY($2::text[]) ORDER BY e164, id`,
      [campaignId, numbers],
    );
    for (const [e164, leadId] of rows) batch.owners.set(e164 as string, leadId as number);
    for (const lead of await lockLeads(sql, [...new Set(batch.owners.values())])) batch.known.set(lead.id, lead);
    return batch;
  }

  /** Whether a lead of the campaign (one of this batch included) has the number. */
  has(e164: string): boolean {
    return this.owners.has(e164);
  }

  /** The lead that has one of the numbers (the row's first number that a lead has decides). */
  async ownerOf(lead: NewLead): Promise<number | undefined> {
    for (const p of lead.phones) {
      const owner = this.owners.get(p.e164);
      if (owner === undefined) continue;
      if (owner > 0) return owner;
      // A lead queued in this batch: written now, so that it can be read and merged into.
      await this.flush();
      return this.owners.get(p.e164);
    }
    return undefined;
  }

  /** Queues a new lead; `written` gets its id when it is written (at the latest by `flush`). */
  create(lead: NewLead, written: (id: number) => void): void {
    const claimed: string[] = [];
    const ref = -this.pending.push({ lead, written, claimed });
    for (const p of lead.phones)
      if (!this.owners.has(p.e164)) {
        this.owners.set(p.e164, ref);
        claimed.push(p.e164);
      }
  }

  /** The lead as it is now, its row held. */
  async lead(id: number): Promise<Lead> {
    const known = this.known.get(id);
    if (known) return known;
    const lead = await readLead(this.sql, id, true);
    if (!lead) throw new NotFoundError(`lead ${id}`);
    this.known.set(id, lead);
    return lead;
  }

  /**
   * Merges into `before` in one statement: `sets` (SQL assignments whose parameters follow
   * $1 = lead id, $2 = now, in `values`), the numbers it does not have yet after its own, and a
   * history entry.
   */
  async merge(before: Lead, sets: string[], values: unknown[], phones: NewLead['phones'], note: string): Promise<void> {
    // The queued leads first: numbers are then added in the rows' order, as row-by-row writes add
    // them (which lead has a number first decides later imports).
    await this.flush();
    const add = distinctPhones(phones, before.phones);
    const all = [before.id, this.now, ...values];
    const p = (v: unknown) => `$${all.push(v)}`;
    await this.sql.run(
      `WITH u AS (UPDATE leads SET updated_at = $2${sets.map((s) => `, ${s}`).join('')} WHERE id = $1),
            p AS (
              INSERT INTO lead_phones (lead_id, campaign_id, position, e164, raw, label)
              SELECT $1, ${p(this.campaignId)}, (SELECT COALESCE(MAX(position) + 1, 0) FROM lead_phones WHERE lead_id = $1) + x.ord - 1, x.e164, x.raw, x.label
                FROM unnest(${p(add.map((x) => x.e164))}::text[], ${p(add.map((x) => x.raw))}::text[], ${p(add.map((x) => x.label))}::text[])
                     WITH ORDINALITY AS x(e164, raw, label, ord)
               ORDER BY x.ord
            )
       INSERT INTO history (lead_id, at, kind, note) VALUES ($1, $2, 'import', ${p(note)})`,
      all,
    );
    for (const x of add) if (!this.owners.has(x.e164)) this.owners.set(x.e164, before.id);
    this.known.delete(before.id);
  }

  /** Writes the queued leads. */
  async flush(): Promise<void> {
    const pending = this.pending;
    if (pending.length === 0) return;
    this.pending = [];
    const ids = await newLeadIds(this.sql, pending.length);
    await insertLeads(
      this.sql,
      this.campaignId,
      ids,
      pending.map((q) => q.lead),
      this.now,
    );
    pending.forEach((q, i) => {
      for (const e164 of q.claimed) this.owners.set(e164, ids[i]);
      q.written(ids[i]);
    });
  }
}
