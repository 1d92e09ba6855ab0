/**
 * The audit log's tamper evidence. Each record is sealed with an HMAC-SHA256 over the previous
 * record's seal and its own fields, under a key the database does not hold (the operating
 * system's encrypted store in the desktop app, a 0600 file beside the data otherwise). Whoever
 * edits a row and re-chains the rest with plain SHA-256 — possible with any SQLite tool — cannot
 * make the seals verify without the key. The last seal is also kept outside the database (the
 * head), so cutting records off the end shows too.
 *
 * Records written before keyed seals existed carry plain SHA-256 seals; they verify as such, and
 * only before the first keyed one.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AuditVerification } from '../../../shared/compliance.js';
import type { AuditRecord, AuditRepository, StoredAuditRecord } from '../data/repositories.js';

export type AuditSealKind = 'sha256' | 'hmac-sha256';

const fieldsOf = (prev: string, r: AuditRecord): string =>
  [prev, r.at, r.path, r.target, r.e164 ?? '', r.leadId ?? '', r.campaignId ?? '', r.allowed ? 1 : 0, r.summary, r.checks].join('\u001f');

/** The seal of a record after `prev`: keyed, or the plain SHA-256 of older records. */
export function auditSeal(kind: AuditSealKind, key: Buffer, prev: string, r: AuditRecord): string {
  return kind === 'hmac-sha256'
    ? createHmac('sha256', key).update(fieldsOf(prev, r)).digest('hex')
    : createHash('sha256').update(fieldsOf(prev, r)).digest('hex');
}

/** Where the audit key lives; `load` returns null when there is none yet. */
export interface AuditKeyStore {
  load(): Buffer | null;
  save(key: Buffer): void;
}

/** A key file readable by this user only (browser mode, headless, or no OS key store). */
export function fileKeyStore(path: string): AuditKeyStore {
  return {
    load() {
      try {
        const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
        return key.length >= 32 ? key : null;
      } catch {
        return null;
      }
    },
    save(key) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, key.toString('base64'), { mode: 0o600 });
      chmodSync(path, 0o600);
    },
  };
}

/** A key for this run only (tests, or nowhere to keep it): records verify until the app closes. */
export function memoryKeyStore(): AuditKeyStore {
  let key: Buffer | null = null;
  return {
    load: () => key,
    save: (k) => {
      key = k;
    },
  };
}

/** The key, created on first use. */
export function auditKey(store: AuditKeyStore): Buffer {
  const existing = store.load();
  if (existing) return existing;
  const key = randomBytes(32);
  store.save(key);
  return key;
}

/**
 * The last record's id and seal, and the first record sealed with the key, kept outside the
 * database and sealed themselves: a log re-chained without the key, or cut short, no longer
 * matches them.
 */
interface Head {
  id: number;
  seal: string;
  keyedFrom: number;
  mac: string;
}

const headMac = (key: Buffer, id: number, seal: string, keyedFrom: number): string =>
  createHmac('sha256', key).update(`audit-head\u001f${id}\u001f${seal}\u001f${keyedFrom}`).digest('hex');

const sameHex = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** The head is one fixed-size record, rewritten in place: a dial must not wait for a file replace (ms on some disks). */
const HEAD_BYTES = 512;

export class AuditChain {
  private readonly headPath: string | null;
  private headFd: number | null = null;
  /** The first keyed record, as the head says (read once; the head is ours to write after that). */
  private keyedFrom: number | null | undefined;
  /**
   * The last record the head was moved to by this process. Appends and verifies finish in any
   * order once their writes are awaited: the head only ever moves forward.
   */
  private headId = 0;

  constructor(
    private readonly key: Buffer,
    dataDir: string | null,
  ) {
    this.headPath = dataDir ? join(dataDir, 'audit-head.json') : null;
  }

  /** Appends one record, sealed, and moves the head. */
  async append(audit: AuditRepository, record: AuditRecord): Promise<StoredAuditRecord> {
    const stored = await audit.append(record, (prev) => ({ kind: 'hmac-sha256', seal: auditSeal('hmac-sha256', this.key, prev, record) }));
    if (this.keyedFrom === undefined) this.keyedFrom = this.readHead()?.keyedFrom ?? null;
    // Two first appends may finish in either order: the first keyed record is the lower id.
    this.keyedFrom = Math.min(this.keyedFrom ?? stored.id, stored.id);
    this.writeHead(stored.id, stored.hash, this.keyedFrom);
    return stored;
  }

  /**
   * Re-computes every seal, oldest first, and compares the end with the head. Reports the first
   * record that does not verify, or a log that ends before the head says it did.
   */
  async verify(audit: AuditRepository): Promise<AuditVerification> {
    const head = this.readHead();
    const keyedFrom = head?.keyedFrom ?? Number.POSITIVE_INFINITY;
    let prev = '';
    let rows = 0;
    let keyed = 0;
    let last: StoredAuditRecord | null = null;
    let broken: { id: number; reason: string } | null = null;
    await audit.each({}, (r) => {
      if (broken) return;
      rows += 1;
      const kind = r.seal;
      if (kind === 'sha256' && (keyed > 0 || r.id >= keyedFrom))
        broken = { id: r.id, reason: `record ${r.id} has an unkeyed seal where Ringside wrote a keyed one: it was rewritten outside Ringside` };
      else if (!sameHex(auditSeal(kind, this.key, prev, r), r.hash))
        broken = { id: r.id, reason: `record ${r.id} was changed after it was written (or one before it was removed)` };
      if (kind === 'hmac-sha256') keyed += 1;
      prev = r.hash;
      last = r;
    });
    const checkedAt = Date.now();
    if (broken)
      return {
        ok: false,
        rows,
        keyed,
        checkedAt,
        message: `The audit log does not verify: ${(broken as { reason: string }).reason}.`,
        firstBadId: (broken as { id: number }).id,
      };
    const end = last as StoredAuditRecord | null;
    if (!head && end && end.seal === 'hmac-sha256' && this.headPath) {
      this.writeHead(end.id, end.hash, end.id);
      return {
        ok: false,
        rows,
        keyed,
        checkedAt,
        message: `Every audit record verifies, but the file that records where the log ends was missing or not Ringside's: records removed from the end could not be noticed this time. It is written afresh.`,
        firstBadId: null,
      };
    }
    if (head && (!end || end.id < head.id))
      return {
        ok: false,
        rows,
        keyed,
        checkedAt,
        message: `The audit log ends at record ${end?.id ?? 0}, but it reached record ${head.id}: records were removed from its end.`,
        firstBadId: (end?.id ?? 0) + 1,
      };
    if (head && end && end.id === head.id && !sameHex(end.hash, head.seal))
      return { ok: false, rows, keyed, checkedAt, message: `The last audit record (${end.id}) is not the one Ringside wrote.`, firstBadId: end.id };
    // A head behind the log's end: records written by a run that could not update it (a crash). They verified above.
    if (end && head && head.id < end.id) this.writeHead(end.id, end.hash, head.keyedFrom);
    const legacy = rows - keyed;
    return {
      ok: true,
      rows,
      keyed,
      checkedAt,
      message:
        rows === 0
          ? 'The audit log is empty.'
          : `All ${rows} audit records verify${legacy > 0 ? ` (${legacy} older ones with unkeyed seals, written before keyed seals)` : ''}.`,
      firstBadId: null,
    };
  }

  private readHead(): Head | null {
    if (!this.headPath) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.headPath, 'utf8').trim());
    } catch {
      return null;
    }
    const h = parsed as Partial<Head> | null;
    if (typeof h?.id !== 'number' || typeof h.seal !== 'string' || typeof h.keyedFrom !== 'number' || typeof h.mac !== 'string') return null;
    // A head file not sealed with our key says nothing.
    return sameHex(headMac(this.key, h.id, h.seal, h.keyedFrom), h.mac) ? (h as Head) : null;
  }

  private writeHead(id: number, seal: string, keyedFrom: number): void {
    if (!this.headPath || id < this.headId) return;
    this.headId = id;
    this.keyedFrom = keyedFrom;
    try {
      this.headFd ??= openSync(this.headPath, 'w', 0o600);
      const record = Buffer.alloc(HEAD_BYTES, 0x20);
      record.write(JSON.stringify({ id, seal, keyedFrom, mac: headMac(this.key, id, seal, keyedFrom) }));
      writeSync(this.headFd, record, 0, HEAD_BYTES, 0);
    } catch {
      // The record itself is written; a head that lags is brought forward by the next verify.
    }
  }
}
