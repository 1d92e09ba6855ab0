/**
 * The core reaches domain data only through these interfaces. SQLite (better-sqlite3, WAL) is
 * the embedded default for one agent; a team shares PostgreSQL, so nothing here may leak either
 * engine's details. Every method is asynchronous because a networked store is: the SQLite adapter
 * stays synchronous inside (each method is one synchronous call, its transactions atomic), and
 * only its answer arrives as a promise.
 */
import type { Campaign, CampaignInput, DispositionEffect } from '../../../shared/campaign.js';
import type { CallDirection } from '../../../shared/call-session.js';
import type { AuditEntry, RegistryName } from '../../../shared/compliance.js';
import type { Callback, Lead, LeadHistoryEntry, LeadPhone, LeadRow, LeadStatus } from '../../../shared/lead.js';
import type { AgentStats, CampaignSummary } from '../../../shared/workspace.js';
import type { DuplicateMode, ImportConflict } from '../../../shared/import.js';
import type { TeamDatabase, TeamResults } from '../../../shared/team.js';
import type { NewOutboxEntry, OutboxRepository } from '../crm/outbox.js';

/**
 * A lead as an import or an inbound call creates it: the Lead's own data, without what the
 * store manages (id, status, attempts, times), and phones already normalised.
 */
export type NewLead = Omit<Lead, 'id' | 'campaignId' | 'status' | 'attempts' | 'lastAttemptAt' | 'dueAt' | 'createdAt' | 'updatedAt' | 'phones'> & {
  phones: Array<Omit<LeadPhone, 'bad'>>;
};

/** A lead with every field empty, to build on: `{ ...blankLead(), firstName, phones }`. */
export function blankLead(): NewLead {
  return {
    firstName: '',
    lastName: '',
    company: '',
    email: '',
    street: '',
    city: '',
    region: '',
    postalCode: '',
    country: '',
    timeZone: null,
    source: '',
    customFields: {},
    consentAt: null,
    inquiryAt: null,
    lastPurchaseAt: null,
    score: 0,
    priority: 0,
    phones: [],
  };
}

/** Changes to a lead (already validated and normalised). */
export type LeadChanges = Partial<Omit<NewLead, 'phones'>> & { phones?: NewLead['phones'] };

/** Who claims a lead, and for how long. */
export interface LeadClaim {
  agent: string;
  now: number;
  leaseMs: number;
  exclude?: readonly number[];
}

export interface LeadQuery {
  campaignId: number;
  offset: number;
  limit: number;
  /** Matches name, company, e-mail or phone (digits). */
  search?: string;
  status?: LeadStatus;
}

export interface CampaignRepository {
  list(now: number): Promise<CampaignSummary[]>;
  get(id: number): Promise<Campaign | null>;
  /** Inserts (no id) or updates; returns the stored campaign. */
  save(campaign: CampaignInput & { id?: number }): Promise<Campaign>;
  /** The default countries of every campaign: the countries a national number could be dialled for. */
  countries(): Promise<string[]>;
}

export interface LeadRepository {
  list(q: LeadQuery): Promise<{ total: number; rows: LeadRow[] }>;
  get(id: number): Promise<Lead | null>;
  /** Writes the changes and `events` (the CRM's, for this change) in one transaction. */
  update(id: number, changes: LeadChanges, now: number, events?: readonly NewOutboxEntry[]): Promise<Lead>;
  create(campaignId: number, lead: NewLead, now: number): Promise<Lead>;
  /** The most recently touched lead with this E.164 number in any campaign. */
  findByPhone(e164: string): Promise<Lead | null>;
  /**
   * The next lead to call: due callbacks first, then priority, then score, then least recently
   * attempted (never attempted first). Skips closed / bad-number / dnc / max-attempts leads,
   * leads not due yet, leads whose every phone is bad or on the internal DNC list, and `exclude`.
   */
  next(campaignId: number, now: number, exclude?: readonly number[]): Promise<Lead | null>;
  /**
   * Claims the next lead for `claim.agent` in ONE statement, in `next`'s order with one more rule
   * first: the agent's own due callbacks before callbacks anyone may take; a callback another
   * agent owns is not offered. A lead another agent holds (its lease not run out) is skipped, so
   * two agents never get the same lead; a lead whose holder's app died returns to the pool when
   * its lease runs out. The claimed lead is held by the agent until `leaseMs` after `now`.
   */
  claimNext(campaignId: number, claim: LeadClaim): Promise<Lead | null>;
  /** Holds a claimed lead `leaseMs` longer; false when the agent no longer holds it (the lease ran out and another agent claimed it). */
  renewClaim(leadId: number, agent: string, now: number, leaseMs: number): Promise<boolean>;
  /** Gives a claimed lead back to the pool (skipped, or the agent stops); a no-op when the agent does not hold it. */
  releaseClaim(leadId: number, agent: string): Promise<void>;
  /** Who holds the lead now (null: nobody, or the lease has run out). */
  holder(leadId: number, now: number): Promise<string | null>;
  history(leadId: number, limit?: number): Promise<LeadHistoryEntry[]>;
  callbacks(leadId: number): Promise<Callback[]>;
  /**
   * Imports a batch in one transaction. Duplicates (a phone already in the campaign) are
   * merged (non-empty incoming fields overwrite, phones are added) or skipped.
   */
  importBatch(campaignId: number, leads: NewLead[], duplicates: 'merge' | 'skip', now: number): Promise<{ imported: number; merged: number; skipped: number }>;
  /**
   * Imports a batch of file rows in one transaction, saying what became of each. A row whose
   * number a lead of the campaign already has (one written earlier in the batch included) is
   * merged — empty fields filled, nothing overwritten, differing values written into the lead's
   * history — skipped, or written over the lead (old values into the history), as `mode` says.
   * New numbers are added to the lead unless another lead of the campaign has them.
   * `source` names the file in the history.
   */
  importRows(campaignId: number, rows: readonly ImportRow[], mode: DuplicateMode, now: number, source: string): Promise<ImportRowResult[]>;
}

/** One row of an imported file: its 1-based data row number and the lead it makes. */
export interface ImportRow {
  row: number;
  lead: NewLead;
}

/** What became of one imported row. */
export type ImportRowResult =
  | { outcome: 'imported'; leadId: number }
  | {
      outcome: DuplicateMode;
      /** The lead that had the number. */
      leadId: number;
      /** Its name before the row touched it. */
      name: string;
      /** Fields the row filled, numbers it added. */
      filled: string[];
      conflicts: ImportConflict[];
    };

export interface CallRecord {
  callId: string;
  leadId: number | null;
  direction: CallDirection;
  phone: string;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number;
  outcome: string;
  /** The agent's name in the team (absent or null on a solo desktop). */
  agent?: string | null;
}

export interface DispositionRecord {
  leadId: number;
  callId: string | null;
  code: string;
  label: string;
  effect: DispositionEffect;
  success: boolean;
  note: string;
  at: number;
  /** The number the disposition is about (marked bad, or put on the DNC list). */
  phone: string | null;
  /** effect "retry": when the lead is due again. */
  retryAt: number | null;
  /** effect "callback"; `owner` null: anyone on the campaign may take it. */
  callback: { dueAt: number; timeZone: string; owner?: string | null } | null;
  /** The campaign's max attempts: reaching it moves the lead to max-attempts. */
  maxAttempts: number;
  /** The agent's name in the team (absent or null on a solo desktop). The lead's claim by this agent is released in the same transaction. */
  agent?: string | null;
  /** The CRM's events for this disposition (and its callback, its DNC request), written in the same transaction. */
  events?: readonly NewOutboxEntry[];
}

export interface ActivityRepository {
  /** An attempt starts: attempts + 1, last attempt time. */
  recordAttempt(leadId: number, at: number): Promise<void>;
  recordCall(call: CallRecord): Promise<void>;
  /**
   * The disposition and all its effects (lead status, due time, callback, bad number, internal
   * DNC entry, history) in ONE durable transaction: when this returns, it survives a crash.
   */
  recordDisposition(d: DispositionRecord): Promise<void>;
  /** Today's figures; with `agent`, that agent's only (team mode), else all of this store's. */
  stats(dayStart: number, dayEnd: number, day: string, agent?: string | null): Promise<AgentStats>;
  /** Every agent's results per campaign between `from` and `to` (epoch ms, `to` exclusive): the supervisor's view. */
  results(from: number, to: number): Promise<TeamResults>;
}

export interface DncRepository {
  /** On the internal Do-Not-Call list (no exemption overrides it). */
  has(e164: string): Promise<boolean>;
  /** Adds the number and `events` (the CRM's "dnc.requested") in one transaction. */
  add(e164: string, source: string, at: number, events?: readonly NewOutboxEntry[]): Promise<void>;
  /** Adds many in one transaction; returns how many were new. */
  addMany(e164s: readonly string[], source: string, at: number, events?: readonly NewOutboxEntry[]): Promise<number>;
  count(): Promise<number>;
  /** The list in number order, `limit` at a time after `after` (null: from the start). */
  list(after: string | null, limit: number): Promise<string[]>;
  /**
   * Hears of additions made by anyone (a team database: at once, through LISTEN/NOTIFY): the
   * numbers added, or null after a lost connection (anything may have been added meanwhile).
   * The gate reads the list on every decision, so this only refreshes what is on screen. A store
   * only this app writes may leave it out.
   */
  watch?(onChange: (added: string[] | null) => void): () => void;
}

/** One gate decision as the audit log keeps it (the UI's AuditEntry without its row id). */
export type AuditRecord = Omit<AuditEntry, 'id'>;

export interface StoredAuditRecord extends AuditEntry {
  /** The seal over the previous row's seal and this row's fields (tamper evidence; compliance/audit-chain.ts). */
  hash: string;
  /** How it was sealed: keyed (HMAC-SHA256), or plain SHA-256 for records older than keyed seals. */
  seal: 'sha256' | 'hmac-sha256';
}

/** Append-only: there is no update and no delete. */
export interface AuditRepository {
  /**
   * Appends one record; `seal` is given the previous record's seal ('' for the first) inside the
   * same write, so two writers cannot both chain onto the same record.
   */
  append(record: AuditRecord, seal: (prev: string) => { kind: 'sha256' | 'hmac-sha256'; seal: string }): Promise<StoredAuditRecord>;
  count(): Promise<number>;
  /** Newest first. */
  list(offset: number, limit: number): Promise<StoredAuditRecord[]>;
  /** Oldest first, for export; `from`/`to` epoch ms inclusive. */
  each(range: { from?: number; to?: number }, visit: (r: StoredAuditRecord) => void): Promise<void>;
}

/**
 * A campaign's phones as a list scrub reads them: parallel columns, row i = one phone (a million
 * rows as objects would cost more than the scrub itself). Evidence dates are YYYY-MM-DD or null.
 * The SQLite adapter fills the arrays straight from its statement; any other adapter may build
 * them from plain rows.
 */
export interface ScrubPhones {
  phoneId: Float64Array;
  leadId: Float64Array;
  /** The 10 digits of a +1 (NANP) number as an integer, else 0. */
  nanp: Float64Array;
  /** The national significant number of a +44 number (its digits after +44) as an integer, else 0. */
  gb: Float64Array;
  /** On the internal DNC list. */
  internalDnc: Uint8Array;
  /** Index into `evidence` of the phone's lead, or -1 when the lead has no evidence dates. */
  evidenceOf: Int32Array;
  /** Distinct leads' evidence dates: [consentAt, inquiryAt, lastPurchaseAt]. */
  evidence: Array<[string | null, string | null, string | null]>;
  /** The last scrub's verdict: 0 = none (callable), else `blockedNames[code - 1]`. */
  blocked: Uint8Array;
  blockedNames: string[];
}

export interface ScrubRepository {
  /** The campaign's phones, or those with `from <= id < to` (a share for one scrub worker). */
  phones(campaignId: number, ids?: { from: number; to: number }): Promise<ScrubPhones>;
  /** Splits the campaign's phones into `parts` id ranges of about equal size ([] when it has none). */
  split(campaignId: number, parts: number): Promise<Array<{ from: number; to: number }>>;
  /** Writes every phone's verdict (null = callable) in one transaction. */
  mark(verdicts: Array<{ phoneId: number; blocked: string | null }>): Promise<void>;
}

/** A registry snapshot some desktop of the team imported: what the others should have too. */
export interface RegistrySnapshotRecord {
  registry: RegistryName;
  /** The snapshot's date (when the registry was downloaded), epoch ms. */
  snapshotAt: number;
  count: number;
  /** Who imported it: the agent's name in the team, or the computer's. */
  importedBy: string;
  importedAt: number;
}

/** What the desktops of a team have imported of the national registries (the indexes stay on each desktop). */
export interface RegistryRepository {
  record(snapshot: RegistrySnapshotRecord): Promise<void>;
  /** Per registry, the newest snapshot anyone imported. */
  newest(): Promise<RegistrySnapshotRecord[]>;
}

/**
 * Where a store's data is, as a worker thread needs it to open its own connection (the import and
 * the scrub run off the core's thread): the embedded file, or the team's database.
 */
export type StoreLocation = { kind: 'sqlite'; path: string } | { kind: 'postgres'; database: TeamDatabase };

export interface Store {
  readonly location: StoreLocation;
  campaigns: CampaignRepository;
  leads: LeadRepository;
  activity: ActivityRepository;
  dnc: DncRepository;
  audit: AuditRepository;
  scrub: ScrubRepository;
  /** CRM sync's outbox: each change's event, written in the change's own transaction. */
  outbox: OutboxRepository;
  registries: RegistryRepository;
  /**
   * Writes a consistent copy of the data to `path` while the store stays in use (an embedded
   * store's "last good copy"); a server database has its own backups and need not implement it.
   */
  backup?(path: string): Promise<void>;
  close(): Promise<void>;
}
