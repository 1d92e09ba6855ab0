/**
 * The embedded store: SQLite through better-sqlite3 (synchronous), one connection per process or
 * worker. WAL lets the import worker write on its own connection while the agent's connection
 * reads and records dispositions; synchronous=FULL makes a returned commit survive a crash.
 * Nothing SQLite-specific leaves this file: callers see only the repository interfaces.
 */
import Database, { type Database as Db, type Statement } from 'better-sqlite3';
import { campaignSchema, type Campaign, type CampaignInput } from '../../../shared/campaign.js';
import { leadName, type Callback, type Lead, type LeadHistoryEntry, type LeadPhone, type LeadRow, type LeadStatus } from '../../../shared/lead.js';
import type { AgentStats, CampaignSummary } from '../../../shared/workspace.js';
import { historyNote, planMerge, type MergePlan } from '../../../shared/import-merge.js';
import type { DuplicateMode } from '../../../shared/import.js';
import { DatabaseNeedsMigrationError, DatabaseTooNewError, latestVersion, migrate, schemaVersion } from './migrations.js';
import type {
  ActivityRepository,
  AuditRecord,
  AuditRepository,
  CallRecord,
  CampaignRepository,
  DispositionRecord,
  DncRepository,
  ImportRow,
  ImportRowResult,
  LeadChanges,
  LeadQuery,
  LeadRepository,
  NewLead,
  ScrubPhones,
  ScrubRepository,
  Store,
  StoredAuditRecord,
} from './repositories.js';

export interface SqliteStoreOptions {
  /** Open an existing, up-to-date file for reading only (no migration, writes throw). */
  readonly?: boolean;
}

/** A lead id that names no lead (or a campaign id that names no campaign). */
export class NotFoundError extends Error {
  constructor(what: string) {
    super(`${what} not found`);
    this.name = 'NotFoundError';
  }
}

export function openSqliteStore(path: string, opts: SqliteStoreOptions = {}): Store {
  const readonly = opts.readonly === true;
  const db = new Database(path, { readonly, fileMustExist: readonly });
  try {
    // An import worker writes on its own connection at the same time: wait for its lock.
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    if (readonly) {
      const version = schemaVersion(db);
      if (version > latestVersion) throw new DatabaseTooNewError(version, latestVersion);
      if (version < latestVersion) throw new DatabaseNeedsMigrationError(version, latestVersion);
    } else {
      db.pragma('journal_mode = WAL');
      // A disposition must survive a crash once recordDisposition returns.
      db.pragma('synchronous = FULL');
      migrate(db);
    }
    return new SqliteStore(db);
  } catch (err) {
    db.close();
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Rows as SQLite returns them.

interface LeadDbRow {
  id: number;
  campaign_id: number;
  first_name: string;
  last_name: string;
  company: string;
  email: string;
  street: string;
  city: string;
  region: string;
  postal_code: string;
  country: string;
  time_zone: string | null;
  source: string;
  custom_fields: string;
  consent_at: string | null;
  inquiry_at: string | null;
  last_purchase_at: string | null;
  score: number;
  priority: number;
  status: LeadStatus;
  attempts: number;
  last_attempt_at: number | null;
  due_at: number | null;
  created_at: number;
  updated_at: number;
}

interface PhoneDbRow {
  e164: string;
  raw: string;
  label: string | null;
  bad: number;
}

/** Lead columns a change may touch, by the field name callers use. */
const scalarColumns = {
  firstName: 'first_name',
  lastName: 'last_name',
  company: 'company',
  email: 'email',
  street: 'street',
  city: 'city',
  region: 'region',
  postalCode: 'postal_code',
  country: 'country',
  timeZone: 'time_zone',
  source: 'source',
  consentAt: 'consent_at',
  inquiryAt: 'inquiry_at',
  lastPurchaseAt: 'last_purchase_at',
  score: 'score',
  priority: 'priority',
} as const satisfies Record<Exclude<keyof NewLead, 'phones' | 'customFields'>, string>;
type ScalarField = keyof typeof scalarColumns;
const scalarFields = Object.keys(scalarColumns) as ScalarField[];

/** Statuses the dialler may pick (callbacks only once due). */
const DUE_WHERE = `((status IN ('new', 'active') AND (due_at IS NULL OR due_at <= @now)) OR (status = 'callback' AND due_at <= @now))`;

/** The lead has a number that is neither bad nor on the internal DNC list. */
const DIALABLE = `EXISTS (SELECT 1 FROM lead_phones p WHERE p.lead_id = l.id AND p.bad = 0 AND p.blocked IS NULL AND NOT EXISTS (SELECT 1 FROM dnc d WHERE d.e164 = p.e164))`;

const AUDIT_SELECT = `SELECT id, at, path, target, e164, lead_id AS leadId, campaign_id AS campaignId, allowed, summary, checks, hash, seal FROM compliance_audit`;
type AuditRow = Omit<StoredAuditRecord, 'allowed'> & { allowed: number };
function auditFromRow(row: AuditRow): StoredAuditRecord {
  return { ...row, allowed: row.allowed === 1 };
}

class SqliteStore implements Store {
  private readonly statements = new Map<string, Statement>();
  readonly campaigns: CampaignRepository;
  readonly leads: LeadRepository;
  readonly activity: ActivityRepository;
  readonly dnc: DncRepository;
  readonly audit: AuditRepository;
  readonly scrub: ScrubRepository;

  constructor(private readonly db: Db) {
    this.campaigns = {
      list: (now) => this.listCampaigns(now),
      get: (id) => this.getCampaign(id),
      save: (c) => this.saveCampaign(c),
      countries: () =>
        (this.q(`SELECT DISTINCT json_extract(config, '$.defaultCountry') AS c FROM campaigns`).all() as Array<{ c: unknown }>)
          .map((r) => r.c)
          .filter((c): c is string => typeof c === 'string' && /^[A-Z]{2}$/.test(c)),
    };
    this.leads = {
      list: (q) => this.listLeads(q),
      get: (id) => this.getLead(id),
      update: (id, changes, now) => this.updateLead(id, changes, now),
      create: (campaignId, lead, now) => this.createLead(campaignId, lead, now),
      findByPhone: (e164) => this.findByPhone(e164),
      next: (campaignId, now, exclude) => this.nextLead(campaignId, now, exclude ?? []),
      history: (leadId, limit) => this.history(leadId, limit ?? 200),
      callbacks: (leadId) => this.callbacks(leadId),
      importBatch: (campaignId, leads, duplicates, now) => this.importBatch(campaignId, leads, duplicates, now),
      importRows: (campaignId, rows, mode, now, source) => this.importRows(campaignId, rows, mode, now, source),
    };
    this.activity = {
      recordAttempt: (leadId, at) => this.recordAttempt(leadId, at),
      recordCall: (call) => this.recordCall(call),
      recordDisposition: (d) => this.recordDisposition(d),
      stats: (dayStart, dayEnd, day) => this.stats(dayStart, dayEnd, day),
    };
    this.dnc = {
      has: (e164) => this.q('SELECT 1 FROM dnc WHERE e164 = ?').get(e164) !== undefined,
      add: (e164, source, at) => {
        this.q('INSERT INTO dnc (e164, source, added_at) VALUES (?, ?, ?) ON CONFLICT (e164) DO NOTHING').run(e164, source, at);
      },
      addMany: (e164s, source, at) =>
        this.db.transaction(() => {
          const add = this.q('INSERT INTO dnc (e164, source, added_at) VALUES (?, ?, ?) ON CONFLICT (e164) DO NOTHING');
          let added = 0;
          for (const e of e164s) added += add.run(e, source, at).changes;
          return added;
        })(),
      count: () => (this.q('SELECT COUNT(*) AS n FROM dnc').get() as { n: number }).n,
    };
    this.audit = {
      append: (r, seal) => this.appendAudit(r, seal),
      count: () => (this.q('SELECT COUNT(*) AS n FROM compliance_audit').get() as { n: number }).n,
      list: (offset, limit) => (this.q(`${AUDIT_SELECT} ORDER BY id DESC LIMIT ? OFFSET ?`).all(limit, offset) as AuditRow[]).map(auditFromRow),
      each: (range, visit) => {
        const rows = this.q(`${AUDIT_SELECT} WHERE at >= ? AND at <= ? ORDER BY id`).iterate(
          range.from ?? 0,
          range.to ?? Number.MAX_SAFE_INTEGER,
        ) as IterableIterator<AuditRow>;
        for (const row of rows) visit(auditFromRow(row));
      },
    };
    this.scrub = {
      phones: (campaignId, ids) => this.scrubPhones(campaignId, ids),
      split: (campaignId, parts) => {
        // Index-only (campaign_id, then rowid): a count and one OFFSET probe per boundary.
        const n = this.q('SELECT COUNT(*) FROM lead_phones WHERE campaign_id = ?').pluck().get(campaignId) as number;
        if (n === 0) return [];
        const at = this.q('SELECT id FROM lead_phones WHERE campaign_id = ? ORDER BY id LIMIT 1 OFFSET ?').pluck();
        const bounds = [at.get(campaignId, 0) as number];
        const k = Math.max(1, Math.min(parts, n));
        for (let i = 1; i < k; i++) bounds.push(at.get(campaignId, Math.floor((n * i) / k)) as number);
        bounds.push(Number.MAX_SAFE_INTEGER);
        return bounds.slice(0, -1).map((from, i) => ({ from, to: bounds[i + 1]! }));
      },
      mark: (verdicts) =>
        this.db.transaction(() => {
          const set = this.q('UPDATE lead_phones SET blocked = ? WHERE id = ? AND blocked IS NOT ?');
          for (const v of verdicts) set.run(v.blocked, v.phoneId, v.blocked);
        })(),
    };
  }

  private scrubPhones(campaignId: number, ids?: { from: number; to: number }): ScrubPhones {
    // A million rows one by one through better-sqlite3 cost ~2 µs each; SQLite concatenates them
    // into one string far faster (one pass over lead_phones), and we cut it up here. A small
    // internal DNC list is checked in JS, a large one by an index probe inside SQLite. Evidence
    // comes only for the leads that have some (a partial index).
    const t0 = performance.now();
    const smallDnc = (this.q('SELECT COUNT(*) FROM dnc').pluck().get() as number) <= 200_000;
    // The small list in JS: +1 numbers as integers (a number-keyed Set is several times faster to
    // probe than strings cut from a large one), anything else as text.
    const dncNanp = new Set<number>();
    const dncOther = new Set<string>();
    if (smallDnc) {
      for (const e164 of this.q('SELECT e164 FROM dnc').pluck().iterate() as IterableIterator<string>) {
        const n = nanpOf(e164);
        if (n) dncNanp.add(n);
        else dncOther.add(e164);
      }
    }
    const dncColumn = smallDnc ? '0' : '(EXISTS (SELECT 1 FROM dnc d WHERE d.e164 = p.e164))';
    const packed = (this.q(
      `SELECT group_concat(p.id || ',' || p.lead_id || ',' || ${dncColumn} || ',' || coalesce(p.blocked, '') || ',' || p.e164, ';')
         FROM lead_phones p WHERE p.campaign_id = ? AND p.id >= ? AND p.id < ?`,
    )
      .pluck()
      .get(campaignId, ids?.from ?? 0, ids?.to ?? Number.MAX_SAFE_INTEGER) ?? '') as string;
    const t1 = performance.now();
    const evidence: ScrubPhones['evidence'] = [];
    const evidenceOfLead = new Map<number, number>();
    const ev = this.q(
      `SELECT id, consent_at, inquiry_at, last_purchase_at FROM leads INDEXED BY leads_evidence
        WHERE campaign_id = ? AND (consent_at IS NOT NULL OR inquiry_at IS NOT NULL OR last_purchase_at IS NOT NULL)`,
    )
      .raw(true)
      .iterate(campaignId) as IterableIterator<[number, string | null, string | null, string | null]>;
    for (const [id, c, i, p] of ev) evidenceOfLead.set(id, evidence.push([c, i, p]) - 1);
    const t2 = performance.now();

    let n = packed.length ? 1 : 0;
    for (let at = packed.indexOf(';'); at !== -1; at = packed.indexOf(';', at + 1)) n++;
    const out: ScrubPhones = {
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
    // Fields: id,lead_id,dnc,blocked,e164 — integers read digit by digit, a +1 number's ten digits
    // (a +44 number's up to ten) too, a verdict matched against the few known ones in place: no
    // string is cut out per row (only a non-NANP number, for the internal list).
    let pos = 0;
    const len = packed.length;
    for (let k = 0; k < n; k++) {
      let id = 0;
      let c = packed.charCodeAt(pos);
      while (c !== 44) {
        id = id * 10 + (c - 48);
        c = packed.charCodeAt(++pos);
      }
      let leadId = 0;
      c = packed.charCodeAt(++pos);
      while (c !== 44) {
        leadId = leadId * 10 + (c - 48);
        c = packed.charCodeAt(++pos);
      }
      const dnc = packed.charCodeAt(++pos) === 49; // '1'
      pos += 2;
      const blockedStart = pos;
      while (packed.charCodeAt(pos) !== 44) pos++;
      if (pos > blockedStart) {
        const names = out.blockedNames;
        let code = 0;
        for (let b = 0; b < names.length; b++) {
          if (names[b].length === pos - blockedStart && packed.startsWith(names[b], blockedStart)) {
            code = b + 1;
            break;
          }
        }
        out.blocked[k] = code || names.push(packed.slice(blockedStart, pos));
      }
      const e164Start = ++pos;
      // "+1" then exactly ten digits, or "+44" then up to ten, up to the ';' or the end
      let num = 0;
      let digits = 0;
      const nanp = packed.charCodeAt(pos) === 43 && packed.charCodeAt(pos + 1) === 49;
      const uk = !nanp && packed.charCodeAt(pos) === 43 && packed.charCodeAt(pos + 1) === 52 && packed.charCodeAt(pos + 2) === 52;
      let reading = nanp || uk;
      if (nanp) pos += 2;
      else if (uk) pos += 3;
      while (pos < len) {
        c = packed.charCodeAt(pos);
        if (c === 59) break;
        if (reading) {
          const d = c - 48;
          if (d >= 0 && d <= 9 && digits < 10) {
            num = num * 10 + d;
            digits++;
          } else reading = false;
        }
        pos++;
      }
      let onDnc = dnc;
      if (nanp && reading && digits === 10) {
        out.nanp[k] = num;
        if (!onDnc && smallDnc) onDnc = dncNanp.has(num);
      } else {
        // A +44 number with a leading 0 after the code is no NSN (E.164 never has one).
        if (uk && reading && digits > 0 && packed.charCodeAt(pos - digits) !== 48) out.gb[k] = num;
        if (!onDnc && smallDnc) onDnc = dncOther.has(packed.slice(e164Start, pos));
      }
      pos++;
      out.phoneId[k] = id;
      out.leadId[k] = leadId;
      out.internalDnc[k] = onDnc ? 1 : 0;
      const e = evidenceOfLead.get(leadId);
      if (e !== undefined) out.evidenceOf[k] = e;
    }
    if (process.env.RINGSIDE_SCRUB_TRACE === '1')
      console.log(`scrub read: phones ${(t1 - t0).toFixed(0)} ms, evidence ${(t2 - t1).toFixed(0)} ms, parse ${(performance.now() - t2).toFixed(0)} ms`);
    return out;
  }

  private appendAudit(r: AuditRecord, sealWith: (prev: string) => { kind: 'sha256' | 'hmac-sha256'; seal: string }): StoredAuditRecord {
    return this.db
      .transaction(() => {
        // The chain's head is read inside the write transaction: another connection may append too.
        const prev = (this.q('SELECT hash FROM compliance_audit ORDER BY id DESC LIMIT 1').get() as { hash: string } | undefined)?.hash ?? '';
        const { kind, seal } = sealWith(prev);
        const info = this.q(
          `INSERT INTO compliance_audit (at, path, target, e164, lead_id, campaign_id, allowed, summary, checks, hash, seal)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(r.at, r.path, r.target, r.e164, r.leadId, r.campaignId, r.allowed ? 1 : 0, r.summary, r.checks, seal, kind);
        return { ...r, id: Number(info.lastInsertRowid), hash: seal, seal: kind };
      })
      .immediate();
  }

  async backup(path: string): Promise<void> {
    // SQLite's online backup: page by page between statements, so calls and dispositions go on.
    await this.db.backup(path);
  }

  close(): void {
    if (!this.db.open) return;
    this.statements.clear();
    this.db.close();
  }

  /** A prepared statement, compiled once per connection. */
  private q(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  // -------------------------------------------------------------------------------- campaigns

  private listCampaigns(now: number): CampaignSummary[] {
    const rows = this.q(
      `SELECT c.id, c.name, c.kind, c.dial_mode AS dialMode,
              (SELECT COUNT(*) FROM leads l WHERE l.campaign_id = c.id) AS leads,
              (SELECT COUNT(*) FROM leads l WHERE l.campaign_id = c.id AND ${DUE_WHERE}) AS due
         FROM campaigns c ORDER BY c.name COLLATE NOCASE, c.id`,
    ).all({ now }) as CampaignSummary[];
    return rows;
  }

  private getCampaign(id: number): Campaign | null {
    const row = this.q('SELECT config FROM campaigns WHERE id = ?').get(id) as { config: string } | undefined;
    if (!row) return null;
    // Parsing fills defaults added by later versions of the schema.
    return { ...campaignSchema.parse(JSON.parse(row.config)), id };
  }

  private saveCampaign(input: CampaignInput & { id?: number }): Campaign {
    const { id, ...rest } = input;
    const parsed = campaignSchema.parse(rest);
    const { id: _ignored, ...config } = parsed;
    const now = Date.now();
    const params = { name: parsed.name, kind: parsed.kind, dialMode: parsed.dialMode, maxAttempts: parsed.maxAttempts, config: JSON.stringify(config), now };
    if (id === undefined) {
      const r = this.q(
        `INSERT INTO campaigns (name, kind, dial_mode, max_attempts, config, created_at, updated_at)
         VALUES (@name, @kind, @dialMode, @maxAttempts, @config, @now, @now)`,
      ).run(params);
      return { ...config, id: Number(r.lastInsertRowid) };
    }
    const r = this.q(
      `UPDATE campaigns SET name = @name, kind = @kind, dial_mode = @dialMode, max_attempts = @maxAttempts, config = @config, updated_at = @now
        WHERE id = @id`,
    ).run({ ...params, id });
    if (r.changes === 0) throw new NotFoundError(`campaign ${id}`);
    return { ...config, id };
  }

  // -------------------------------------------------------------------------------- leads

  private phonesOf(leadId: number): LeadPhone[] {
    const rows = this.q('SELECT e164, raw, label, bad FROM lead_phones WHERE lead_id = ? ORDER BY position, id').all(leadId) as PhoneDbRow[];
    return rows.map((p) => ({ e164: p.e164, raw: p.raw, label: p.label, bad: p.bad !== 0 }));
  }

  private getLead(id: number): Lead | null {
    const r = this.q('SELECT * FROM leads WHERE id = ?').get(id) as LeadDbRow | undefined;
    return r ? this.toLead(r) : null;
  }

  private toLead(r: LeadDbRow): Lead {
    return {
      id: r.id,
      campaignId: r.campaign_id,
      firstName: r.first_name,
      lastName: r.last_name,
      company: r.company,
      email: r.email,
      street: r.street,
      city: r.city,
      region: r.region,
      postalCode: r.postal_code,
      country: r.country,
      timeZone: r.time_zone,
      source: r.source,
      customFields: parseCustom(r.custom_fields),
      consentAt: r.consent_at,
      inquiryAt: r.inquiry_at,
      lastPurchaseAt: r.last_purchase_at,
      score: r.score,
      priority: r.priority,
      status: r.status,
      attempts: r.attempts,
      lastAttemptAt: r.last_attempt_at,
      dueAt: r.due_at,
      phones: this.phonesOf(r.id),
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }

  private mustGetLead(id: number): Lead {
    const lead = this.getLead(id);
    if (!lead) throw new NotFoundError(`lead ${id}`);
    return lead;
  }

  private listLeads(q: LeadQuery): { total: number; rows: LeadRow[] } {
    const where = ['l.campaign_id = @campaignId'];
    const params: Record<string, unknown> = { campaignId: q.campaignId, limit: Math.max(0, Math.trunc(q.limit)), offset: Math.max(0, Math.trunc(q.offset)) };
    if (q.status) {
      where.push('l.status = @status');
      params.status = q.status;
    }
    const search = q.search?.trim() ?? '';
    if (search) {
      const text = `%${escapeLike(search)}%`;
      const terms = [`(l.first_name || ' ' || l.last_name) LIKE @text ESCAPE '\\'`, `l.company LIKE @text ESCAPE '\\'`, `l.email LIKE @text ESCAPE '\\'`];
      params.text = text;
      const digits = search.replace(/\D/g, '');
      // A phone search: mostly digits ("+48 22 555", "(212) 555-01"), at least three of them.
      if (digits.length >= 3 && /^[\d\s+().\-/]+$/.test(search)) {
        terms.push(`EXISTS (SELECT 1 FROM lead_phones p WHERE p.lead_id = l.id AND p.e164 LIKE @digits)`);
        params.digits = `%${digits}%`;
      }
      where.push(`(${terms.join(' OR ')})`);
    }
    const w = where.join(' AND ');
    const { total } = this.q(`SELECT COUNT(*) AS total FROM leads l WHERE ${w}`).get(params) as { total: number };
    const rows = this.q(
      `SELECT l.id, l.first_name, l.last_name, l.company, l.status, l.attempts, l.score, l.last_attempt_at, l.due_at,
              (SELECT p.e164 FROM lead_phones p WHERE p.lead_id = l.id ORDER BY p.position, p.id LIMIT 1) AS phone
         FROM leads l WHERE ${w} ORDER BY l.id LIMIT @limit OFFSET @offset`,
    ).all(params) as Array<
      Pick<LeadDbRow, 'id' | 'first_name' | 'last_name' | 'company' | 'status' | 'attempts' | 'score' | 'last_attempt_at' | 'due_at'> & { phone: string | null }
    >;
    return {
      total,
      rows: rows.map((r) => ({
        id: r.id,
        name: leadName({ firstName: r.first_name, lastName: r.last_name, company: r.company }),
        company: r.company,
        phone: r.phone ?? '',
        status: r.status,
        attempts: r.attempts,
        score: r.score,
        lastAttemptAt: r.last_attempt_at,
        dueAt: r.due_at,
      })),
    };
  }

  private insertLead(campaignId: number, lead: NewLead, now: number): number {
    const r = this.q(
      `INSERT INTO leads (campaign_id, first_name, last_name, company, email, street, city, region, postal_code, country, time_zone, source,
                          custom_fields, consent_at, inquiry_at, last_purchase_at, score, priority, status, attempts, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'new', 0, ?, ?)`,
    ).run(
      campaignId,
      lead.firstName,
      lead.lastName,
      lead.company,
      lead.email,
      lead.street,
      lead.city,
      lead.region,
      lead.postalCode,
      lead.country,
      lead.timeZone,
      lead.source,
      JSON.stringify(lead.customFields ?? {}),
      lead.consentAt,
      lead.inquiryAt,
      lead.lastPurchaseAt,
      Math.trunc(lead.score),
      Math.trunc(lead.priority),
      now,
      now,
    );
    const id = Number(r.lastInsertRowid);
    this.addPhones(id, lead.phones, 0);
    return id;
  }

  /** Adds numbers the lead does not have yet, after its existing ones. */
  private addPhones(leadId: number, phones: NewLead['phones'], firstPosition: number | null): number {
    let position = firstPosition ?? (this.q('SELECT COALESCE(MAX(position) + 1, 0) AS p FROM lead_phones WHERE lead_id = ?').get(leadId) as { p: number }).p;
    let added = 0;
    const insert = this.q(
      `INSERT INTO lead_phones (lead_id, campaign_id, position, e164, raw, label)
       VALUES (@leadId, (SELECT campaign_id FROM leads WHERE id = @leadId), @position, @e164, @raw, @label) ON CONFLICT (lead_id, e164) DO NOTHING`,
    );
    for (const p of phones) {
      if (insert.run({ leadId, position, e164: p.e164, raw: p.raw, label: p.label }).changes > 0) {
        position++;
        added++;
      }
    }
    return added;
  }

  private addHistory(e: {
    leadId: number;
    at: number;
    kind: LeadHistoryEntry['kind'];
    direction?: string | null;
    phone?: string | null;
    outcome?: string | null;
    durationSec?: number | null;
    disposition?: string | null;
    note?: string | null;
  }): void {
    this.q('INSERT INTO history (lead_id, at, kind, direction, phone, outcome, duration_sec, disposition, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
      e.leadId,
      e.at,
      e.kind,
      e.direction ?? null,
      e.phone ?? null,
      e.outcome ?? null,
      e.durationSec ?? null,
      e.disposition ?? null,
      e.note ?? null,
    );
  }

  private createLead(campaignId: number, lead: NewLead, now: number): Lead {
    const id = this.db.transaction(() => {
      return this.insertLead(campaignId, lead, now);
    })();
    return this.mustGetLead(id);
  }

  private updateLead(id: number, changes: LeadChanges, now: number): Lead {
    this.db.transaction(() => {
      const before = this.mustGetLead(id);
      const sets: string[] = [];
      const params: Record<string, unknown> = { id, now };
      const changed: string[] = [];
      for (const f of scalarFields) {
        const v = changes[f];
        if (v === undefined || v === before[f]) continue;
        sets.push(`${scalarColumns[f]} = @${f}`);
        params[f] = typeof v === 'number' ? Math.trunc(v) : v;
        changed.push(f);
      }
      if (changes.customFields !== undefined && JSON.stringify(changes.customFields) !== JSON.stringify(before.customFields)) {
        sets.push('custom_fields = @customFields');
        params.customFields = JSON.stringify(changes.customFields);
        changed.push('customFields');
      }
      if (changes.phones !== undefined && !samePhones(before.phones, changes.phones)) {
        this.replacePhones(id, before.phones, changes.phones);
        changed.push('phones');
        // A lead out of the queue for bad numbers is callable again once it has a good one.
        if (before.status === 'bad-number' && changes.phones.some((p) => !before.phones.find((o) => o.e164 === p.e164)?.bad)) {
          sets.push(`status = 'active'`, 'due_at = NULL');
        }
      }
      if (changed.length === 0) return;
      sets.push('updated_at = @now');
      this.q(`UPDATE leads SET ${sets.join(', ')} WHERE id = @id`).run(params);
      this.addHistory({ leadId: id, at: now, kind: 'edit', note: `Changed ${changed.join(', ')}` });
    })();
    return this.mustGetLead(id);
  }

  /** The new list in its order; a number kept keeps its bad mark. */
  private replacePhones(leadId: number, before: LeadPhone[], phones: NewLead['phones']): void {
    this.q('DELETE FROM lead_phones WHERE lead_id = ?').run(leadId);
    const insert = this.q(
      `INSERT INTO lead_phones (lead_id, campaign_id, position, e164, raw, label, bad)
       VALUES (@leadId, (SELECT campaign_id FROM leads WHERE id = @leadId), @position, @e164, @raw, @label, @bad) ON CONFLICT (lead_id, e164) DO NOTHING`,
    );
    phones.forEach((p, i) =>
      insert.run({ leadId, position: i, e164: p.e164, raw: p.raw, label: p.label, bad: before.find((o) => o.e164 === p.e164)?.bad ? 1 : 0 }),
    );
  }

  private findByPhone(e164: string): Lead | null {
    const r = this.q(
      `SELECT l.id FROM lead_phones p CROSS JOIN leads l ON l.id = p.lead_id WHERE p.e164 = ? ORDER BY l.updated_at DESC, l.id DESC LIMIT 1`,
    ).get(e164) as { id: number } | undefined;
    return r ? this.getLead(r.id) : null;
  }

  private nextLead(campaignId: number, now: number, exclude: readonly number[]): Lead | null {
    const params = { campaignId, now, exclude: JSON.stringify(exclude.filter((x) => Number.isInteger(x))) };
    const notExcluded = `l.id NOT IN (SELECT value FROM json_each(@exclude))`;
    // Phase 1: callbacks that are due, the longest overdue first.
    const callback = this.q(
      `SELECT l.id FROM leads l
        WHERE l.campaign_id = @campaignId AND l.status = 'callback' AND l.due_at <= @now AND ${notExcluded} AND ${DIALABLE}
        ORDER BY l.due_at, l.priority DESC, l.id LIMIT 1`,
    ).get(params) as { id: number } | undefined;
    if (callback) return this.getLead(callback.id);
    // Phase 2: walks the partial queue index in dialling order and stops at the first fit.
    const lead = this.q(
      `SELECT l.id FROM leads l INDEXED BY leads_queue
        WHERE l.campaign_id = @campaignId AND l.status IN ('new', 'active') AND (l.due_at IS NULL OR l.due_at <= @now)
          AND ${notExcluded} AND ${DIALABLE}
        ORDER BY l.priority DESC, l.score DESC, l.last_attempt_at, l.id LIMIT 1`,
    ).get(params) as { id: number } | undefined;
    return lead ? this.getLead(lead.id) : null;
  }

  private history(leadId: number, limit: number): LeadHistoryEntry[] {
    const rows = this.q(
      // The creation entry (id 0) comes from the lead itself: an import writes no history row.
      `SELECT id, at, kind, direction, phone, outcome, duration_sec AS durationSec, disposition, note
         FROM history WHERE lead_id = @leadId
       UNION ALL
       SELECT 0, created_at, 'note', NULL, NULL, NULL, NULL, NULL, 'Lead created' FROM leads WHERE id = @leadId
       ORDER BY at DESC, id DESC LIMIT @limit`,
    ).all({ leadId, limit: Math.max(0, Math.trunc(limit)) }) as LeadHistoryEntry[];
    return rows;
  }

  private callbacks(leadId: number): Callback[] {
    const rows = this.q(
      `SELECT id, lead_id AS leadId, due_at AS dueAt, time_zone AS timeZone, note, done FROM callbacks
        WHERE lead_id = ? ORDER BY done, due_at DESC, id DESC`,
    ).all(leadId) as Array<Omit<Callback, 'done'> & { done: number }>;
    return rows.map((r) => ({ ...r, done: r.done !== 0 }));
  }

  private importBatch(campaignId: number, leads: NewLead[], duplicates: 'merge' | 'skip', now: number): { imported: number; merged: number; skipped: number } {
    return this.db.transaction(() => {
      if (!this.q('SELECT 1 FROM campaigns WHERE id = ?').get(campaignId)) throw new NotFoundError(`campaign ${campaignId}`);
      const findDuplicate = this.q(
        'SELECT p.lead_id AS id FROM lead_phones p CROSS JOIN leads l ON l.id = p.lead_id WHERE p.e164 = ? AND l.campaign_id = ? LIMIT 1',
      ).pluck();
      let imported = 0;
      let merged = 0;
      let skipped = 0;
      for (const lead of leads) {
        // Rows written earlier in this batch are visible here: duplicates within the batch count too.
        let existing: number | undefined;
        for (const p of lead.phones) {
          existing = findDuplicate.get(p.e164, campaignId) as number | undefined;
          if (existing !== undefined) break;
        }
        if (existing === undefined) {
          this.insertLead(campaignId, lead, now);
          imported++;
        } else if (duplicates === 'skip') {
          skipped++;
        } else {
          this.mergeInto(existing, lead, now);
          merged++;
        }
      }
      return { imported, merged, skipped };
    })();
  }

  /**
   * Non-empty incoming fields overwrite (text non-empty, dates/zone non-null, score/priority
   * non-zero since an import without those columns gives 0), custom fields are merged key by key,
   * new numbers are added after the existing ones.
   */
  private mergeInto(leadId: number, lead: NewLead, now: number): void {
    const custom: Record<string, string> = {};
    for (const [k, v] of Object.entries(lead.customFields ?? {})) if (v !== '') custom[k] = v;
    this.q(
      `UPDATE leads SET
         first_name = CASE WHEN @firstName <> '' THEN @firstName ELSE first_name END,
         last_name = CASE WHEN @lastName <> '' THEN @lastName ELSE last_name END,
         company = CASE WHEN @company <> '' THEN @company ELSE company END,
         email = CASE WHEN @email <> '' THEN @email ELSE email END,
         street = CASE WHEN @street <> '' THEN @street ELSE street END,
         city = CASE WHEN @city <> '' THEN @city ELSE city END,
         region = CASE WHEN @region <> '' THEN @region ELSE region END,
         postal_code = CASE WHEN @postalCode <> '' THEN @postalCode ELSE postal_code END,
         country = CASE WHEN @country <> '' THEN @country ELSE country END,
         time_zone = COALESCE(NULLIF(@timeZone, ''), time_zone),
         source = CASE WHEN @source <> '' THEN @source ELSE source END,
         consent_at = COALESCE(@consentAt, consent_at),
         inquiry_at = COALESCE(@inquiryAt, inquiry_at),
         last_purchase_at = COALESCE(@lastPurchaseAt, last_purchase_at),
         score = CASE WHEN @score <> 0 THEN @score ELSE score END,
         priority = CASE WHEN @priority <> 0 THEN @priority ELSE priority END,
         custom_fields = json_patch(custom_fields, @custom),
         updated_at = @now
       WHERE id = @id`,
    ).run({
      id: leadId,
      now,
      firstName: lead.firstName,
      lastName: lead.lastName,
      company: lead.company,
      email: lead.email,
      street: lead.street,
      city: lead.city,
      region: lead.region,
      postalCode: lead.postalCode,
      country: lead.country,
      timeZone: lead.timeZone,
      source: lead.source,
      consentAt: lead.consentAt,
      inquiryAt: lead.inquiryAt,
      lastPurchaseAt: lead.lastPurchaseAt,
      score: Math.trunc(lead.score),
      priority: Math.trunc(lead.priority),
      custom: JSON.stringify(custom),
    });
    this.addPhones(leadId, lead.phones, null);
    this.addHistory({ leadId, at: now, kind: 'import', note: 'Merged from an import' });
  }

  private importRows(campaignId: number, rows: readonly ImportRow[], mode: DuplicateMode, now: number, source: string): ImportRowResult[] {
    return this.db.transaction(() => {
      if (!this.q('SELECT 1 FROM campaigns WHERE id = ?').get(campaignId)) throw new NotFoundError(`campaign ${campaignId}`);
      const leadWith = this.q(
        'SELECT p.lead_id AS id FROM lead_phones p CROSS JOIN leads l ON l.id = p.lead_id WHERE p.e164 = ? AND l.campaign_id = ? LIMIT 1',
      ).pluck();
      return rows.map(({ row, lead }): ImportRowResult => {
        // Rows written earlier in this batch are visible here: duplicates within the batch count too.
        let existing: number | undefined;
        for (const p of lead.phones) {
          existing = leadWith.get(p.e164, campaignId) as number | undefined;
          if (existing !== undefined) break;
        }
        if (existing === undefined) return { outcome: 'imported', leadId: this.insertLead(campaignId, lead, now) };
        const before = this.mustGetLead(existing);
        const name = leadName(before);
        if (mode === 'skip') return { outcome: 'skip', leadId: existing, name, filled: [], conflicts: [] };
        const plan = planMerge(before, lead, mode);
        // A number another lead of the campaign has stays that lead's alone.
        const added = lead.phones.filter((p) => leadWith.get(p.e164, campaignId) === undefined);
        this.applyMerge(existing, plan, now);
        this.addPhones(existing, added, null);
        const filled = [...plan.filled, ...added.map((p) => `number ${p.e164}`)];
        this.addHistory({ leadId: existing, at: now, kind: 'import', note: historyNote(source, row, mode, filled, plan.conflicts) });
        return { outcome: mode, leadId: existing, name, filled, conflicts: plan.conflicts };
      });
    })();
  }

  /** Writes the fields a merge plan changes (and the lead's update time). */
  private applyMerge(leadId: number, plan: MergePlan, now: number): void {
    const sets = ['updated_at = @now'];
    const params: Record<string, unknown> = { id: leadId, now };
    for (const [f, v] of Object.entries(plan.set) as Array<[ScalarField, string | number | null]>) {
      sets.push(`${scalarColumns[f]} = @${f}`);
      params[f] = typeof v === 'number' ? Math.trunc(v) : v;
    }
    if (plan.customFields) {
      sets.push('custom_fields = @customFields');
      params.customFields = JSON.stringify(plan.customFields);
    }
    this.q(`UPDATE leads SET ${sets.join(', ')} WHERE id = @id`).run(params);
  }

  // -------------------------------------------------------------------------------- activity

  private recordAttempt(leadId: number, at: number): void {
    const r = this.q(
      `UPDATE leads SET attempts = attempts + 1, last_attempt_at = @at, updated_at = @at,
              status = CASE WHEN status = 'new' THEN 'active' ELSE status END
        WHERE id = @leadId`,
    ).run({ leadId, at });
    if (r.changes === 0) throw new NotFoundError(`lead ${leadId}`);
  }

  private recordCall(c: CallRecord): void {
    this.db.transaction(() => {
      this.q(
        `INSERT INTO calls (call_id, lead_id, direction, phone, started_at, answered_at, ended_at, outcome)
         VALUES (@callId, @leadId, @direction, @phone, @startedAt, @answeredAt, @endedAt, @outcome)
         ON CONFLICT (call_id) DO UPDATE SET lead_id = excluded.lead_id, direction = excluded.direction, phone = excluded.phone,
           started_at = excluded.started_at, answered_at = excluded.answered_at, ended_at = excluded.ended_at, outcome = excluded.outcome`,
      ).run(c);
      if (c.leadId !== null) {
        this.addHistory({
          leadId: c.leadId,
          at: c.startedAt,
          kind: 'call',
          direction: c.direction,
          phone: c.phone,
          outcome: c.outcome,
          durationSec: talkSeconds(c),
        });
      }
    })();
  }

  private recordDisposition(d: DispositionRecord): void {
    this.db
      .transaction(() => {
        const lead = this.q('SELECT status, attempts FROM leads WHERE id = ?').get(d.leadId) as { status: LeadStatus; attempts: number } | undefined;
        if (!lead) throw new NotFoundError(`lead ${d.leadId}`);
        this.q(
          `INSERT INTO dispositions (lead_id, call_id, code, label, effect, success, note, phone, at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(d.leadId, d.callId, d.code, d.label, d.effect, d.success ? 1 : 0, d.note, d.phone, d.at);
        // The history row carries the label (what the agent sees) and the code as its outcome.
        this.addHistory({ leadId: d.leadId, at: d.at, kind: 'disposition', phone: d.phone, outcome: d.code, disposition: d.label, note: d.note || null });
        // Whatever the outcome, this call settles any callback that was open.
        this.q('UPDATE callbacks SET done = 1, done_at = ? WHERE lead_id = ? AND done = 0').run(d.at, d.leadId);

        let status: LeadStatus = lead.status;
        let dueAt: number | null | undefined; // undefined: unchanged
        switch (d.effect) {
          case 'closed':
            status = 'closed';
            dueAt = null;
            break;
          case 'retry':
            status = 'active';
            dueAt = d.retryAt;
            break;
          case 'callback': {
            if (!d.callback) throw new TypeError('a callback disposition needs the callback time');
            status = 'callback';
            dueAt = d.callback.dueAt;
            this.q('INSERT INTO callbacks (lead_id, due_at, time_zone, note, done, created_at) VALUES (?, ?, ?, ?, 0, ?)').run(
              d.leadId,
              d.callback.dueAt,
              d.callback.timeZone,
              d.note,
              d.at,
            );
            this.addHistory({
              leadId: d.leadId,
              at: d.at,
              kind: 'callback',
              note: `Callback ${new Date(d.callback.dueAt).toISOString()} (${d.callback.timeZone})${d.note ? `: ${d.note}` : ''}`,
            });
            break;
          }
          case 'bad-number': {
            if (d.phone === null) this.q('UPDATE lead_phones SET bad = 1 WHERE lead_id = ?').run(d.leadId);
            else this.q('UPDATE lead_phones SET bad = 1 WHERE lead_id = ? AND e164 = ?').run(d.leadId, d.phone);
            const good = this.q('SELECT 1 FROM lead_phones WHERE lead_id = ? AND bad = 0 LIMIT 1').get(d.leadId);
            if (!good) {
              status = 'bad-number';
              dueAt = null;
            } else if (status === 'new' || status === 'callback') {
              // Another number remains: the lead stays in the queue, due now.
              status = 'active';
              dueAt = null;
            }
            break;
          }
          case 'dnc': {
            const phones = d.phone === null ? (this.q('SELECT e164 FROM lead_phones WHERE lead_id = ?').pluck().all(d.leadId) as string[]) : [d.phone];
            const add = this.q('INSERT INTO dnc (e164, source, added_at) VALUES (?, ?, ?) ON CONFLICT (e164) DO NOTHING');
            for (const p of phones) add.run(p, `disposition:${d.code}:lead:${d.leadId}`, d.at);
            status = 'dnc';
            dueAt = null;
            break;
          }
          case 'none':
            break;
        }
        if (lead.attempts >= d.maxAttempts && (status === 'new' || status === 'active')) {
          status = 'max-attempts';
          dueAt = null;
        }
        this.q(`UPDATE leads SET status = @status, due_at = CASE WHEN @keepDue THEN due_at ELSE @dueAt END, updated_at = @at WHERE id = @id`).run({
          id: d.leadId,
          status,
          keepDue: dueAt === undefined ? 1 : 0,
          dueAt: dueAt ?? null,
          at: d.at,
        });
      })
      .immediate();
  }

  private stats(dayStart: number, dayEnd: number, day: string): AgentStats {
    const calls = this.q(
      `SELECT COUNT(*) AS calls, COUNT(answered_at) AS connected,
              COALESCE(SUM(CASE WHEN answered_at IS NOT NULL AND ended_at > answered_at THEN ended_at - answered_at ELSE 0 END), 0) AS talkMs
         FROM calls WHERE started_at >= ? AND started_at < ?`,
    ).get(dayStart, dayEnd) as { calls: number; connected: number; talkMs: number };
    const byCode = this.q('SELECT code, COUNT(*) AS n, SUM(success) AS successes FROM dispositions WHERE at >= ? AND at < ? GROUP BY code').all(
      dayStart,
      dayEnd,
    ) as Array<{ code: string; n: number; successes: number }>;
    const dispositions: Record<string, number> = {};
    let successes = 0;
    for (const r of byCode) {
      dispositions[r.code] = r.n;
      successes += r.successes;
    }
    return { day, calls: calls.calls, connected: calls.connected, talkSec: Math.round(calls.talkMs / 1000), dispositions, successes };
  }
}

// ---------------------------------------------------------------------------------------------

function talkSeconds(c: CallRecord): number {
  return c.answeredAt === null ? 0 : Math.max(0, Math.round((c.endedAt - c.answeredAt) / 1000));
}

function parseCustom(text: string): Record<string, string> {
  try {
    const v: unknown = JSON.parse(text);
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const out: Record<string, string> = {};
      for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
      return out;
    }
  } catch {
    // A damaged value reads as no custom fields rather than breaking the lead card.
  }
  return {};
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function samePhones(a: LeadPhone[], b: NewLead['phones']): boolean {
  return a.length === b.length && a.every((p, i) => p.e164 === b[i].e164 && p.raw === b[i].raw && p.label === b[i].label);
}

/** The ten digits of "+1" followed by exactly ten digits, as an integer; else 0. */
function nanpOf(e164: string): number {
  if (e164.length !== 12 || e164.charCodeAt(0) !== 43 || e164.charCodeAt(1) !== 49) return 0;
  let num = 0;
  for (let i = 2; i < 12; i++) {
    const d = e164.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return 0;
    num = num * 10 + d;
  }
  return num;
}
