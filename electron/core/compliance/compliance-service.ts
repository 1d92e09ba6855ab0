/**
 * The compliance gate's state and services in the main process: the national registry indexes
 * (US FTC registry, Canada's DNCL), registry imports from the inbox folder, the one decision
 * every dialling path asks for (`gate`, which also writes the append-only audit log), list scrubs
 * and the audit export. The rules themselves are the pure `decideCompliance` (shared/).
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import {
  decideCompliance,
  defaultCompliancePolicy,
  registryForCountry,
  registryNames,
  snapshotLimitDays,
  type AuditEntry,
  type AuditVerification,
  type DialPath,
  type ComplianceCheck,
  type ComplianceDecision,
  type CompliancePolicy,
  type ComplianceStatus,
  type RegistryImportView,
  type RegistryName,
  type RegistryView,
  type ScrubReport,
} from '../../../shared/compliance.js';
import type { CampaignKind } from '../../../shared/campaign.js';
import type { Lead } from '../../../shared/lead.js';
import { normalisePhone } from '../../../shared/phone.js';
import { RingsideError } from '../../../shared/result.js';
import type { RequestPayload } from '../../../shared/contract.js';
import type { Store, StoreLocation, StoredAuditRecord } from '../data/repositories.js';
import { codeOf, regionForNumber } from '../data/region.js';
import { timeZonesForNumber } from '../data/time-zone.js';
import { drop } from '../lib/drop.js';
import { inOrder } from '../lib/in-order.js';
import type { Logger } from '../lib/logger.js';
import { AuditChain, auditKey, fileKeyStore, memoryKeyStore, type AuditKeyStore } from './audit-chain.js';
import { runWorker, workerUrl } from '../lib/worker-thread.js';
import type { CrmEvents } from '../crm/crm-events.js';
import { hostname } from 'node:os';
import { RegistryIndex } from './registry-index.js';
import { registryKey } from './registry-key.js';
import { publicHolidayAt } from './holidays.js';
import { npaRegistryCache, scrubRows, type ScrubContext, type ScrubOutcome } from './scrub.js';
import type { ScrubJob, ScrubWorkerMessage } from './scrub-worker.js';
import { REGISTRY_NAMES, type RegistryJob, type RegistryJobHooks, type RegistryWorkerMessage } from './registry-job.js';

export interface ComplianceServiceDeps {
  store: Store;
  /** Where registry indexes live (`registry/`) and the inbox users copy downloads to; null = none. */
  dataDir: string | null;
  /** The campaign the agent works on (its kind decides exemptions for manual dials). */
  currentCampaignId(): number | null;
  defaultCountry(): Promise<string>;
  emit(status: ComplianceStatus): void;
  log: Logger;
  now?: () => number;
  policy?: CompliancePolicy;
  /** The registry import's worker script (tests); default: found by worker-thread.ts. */
  registryWorker?: URL;
  /** Where worker threads open the store for themselves (`store.location`): scrubs then run in them, on their own connections. */
  workerLocation?: StoreLocation | null;
  /**
   * Scrub workers, each on a share of the campaign's phones (default 1: on 2 cores two workers
   * were slower than one — each connection starts with a cold page cache and reads the evidence).
   */
  scrubWorkers?: number;
  /** The scrub's worker script (benchmarks: a bundled one); default: found by worker-thread.ts. */
  scrubWorker?: URL;
  /**
   * Heap limits of the registry import and scrub workers, MB. Their big arrays live outside the
   * heap (the index is a SharedArrayBuffer, lines are capped), so a worker past its limit has met
   * input nobody planned for: it is stopped and said so, and the core stays up.
   */
  workerHeapMb?: { registry?: number; scrub?: number };
  /** Who imports a registry, as the team sees it (default: this computer's name). */
  importedBy?: () => string;
  /** The CRM's events for additions to the internal list (none when CRM sync is off), and the hint that some were written. */
  crmEvents?: CrmEvents;
  eventsWritten?: () => void;
  /** Where the audit log's key is kept (default: a 0600 file in the data folder, or this run only). */
  auditKeys?: AuditKeyStore;
}

const DAY = 86_400_000;
/** Heap limits of the workers (see `workerHeapMb`): several times what the largest real registry and campaign needed. */
const REGISTRY_WORKER_HEAP_MB = 512;
const SCRUB_WORKER_HEAP_MB = 512;

/** A CSV cell that a spreadsheet would not run as a formula (CSV injection). */
function safeCell(v: string): string {
  if (/^[=@\t\r]/.test(v) || (/^[+-]/.test(v) && !/^[+-][\d\s().-]*$/.test(v))) return `'${v}`;
  return v;
}

export class ComplianceService {
  private readonly auditChain: AuditChain;
  private auditVerification: AuditVerification | null = null;
  private readonly now: () => number;
  private readonly policy: CompliancePolicy;
  private readonly indexes = new Map<RegistryName, RegistryIndex>();
  private importView: RegistryImportView | null = null;
  private importAbort: AbortController | null = null;
  /** Each NANP area code's registry (NANP spans several countries), for scrubs in this thread. */
  private readonly registryOfNpa = npaRegistryCache();
  private readonly emitStatus: (status: Promise<ComplianceStatus>) => Promise<void>;

  constructor(private readonly deps: ComplianceServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.policy = deps.policy ?? defaultCompliancePolicy;
    // The key first: no decision may be logged under a seal that could not be verified later.
    const keys = deps.auditKeys ?? (deps.dataDir ? fileKeyStore(join(deps.dataDir, 'audit-key')) : memoryKeyStore());
    this.auditChain = new AuditChain(auditKey(keys), deps.dataDir);
    this.emitStatus = inOrder((status) => deps.emit(status), deps.log.warn, 'compliance status');
  }

  /** Loads the registry indexes found in the data folder. A corrupt file is reported, not fatal. */
  init(): void {
    // Right after start, off its path: an edited or cut log shows in the status and the log.
    setTimeout(() => {
      drop(
        this.verifyAudit().catch((error: unknown) => this.deps.log.warn('the audit log could not be verified', error)),
        this.deps.log.warn,
      );
    }, 0).unref();
    const dir = this.registryDir();
    this.inboxDir();
    if (!dir) return;
    for (const name of registryNames) {
      const file = join(dir, `${name}.rsdnc`);
      if (!existsSync(file)) continue;
      try {
        this.indexes.set(name, RegistryIndex.load(file));
      } catch (error) {
        this.deps.log.warn(`the ${REGISTRY_NAMES[name]} index could not be loaded; import it again`, error);
      }
    }
  }

  // ---------------------------------------------------------------------------------- deciding

  /** Writes one decision to the append-only audit log (the dial policy calls this once per attempt). */
  async record(entry: {
    path: DialPath;
    target: string;
    e164: string | null;
    leadId: number | null;
    campaignId: number | null;
    allowed: boolean;
    summary: string;
    checks: ComplianceCheck[];
  }): Promise<void> {
    await this.auditChain.append(this.deps.store.audit, { ...entry, at: this.now(), checks: JSON.stringify(entry.checks) });
  }

  /** Re-computes the audit log's seals; the result is kept in the status for the panel and the banner. */
  async verifyAudit(): Promise<AuditVerification> {
    const result = await this.auditChain.verify(this.deps.store.audit);
    this.auditVerification = result;
    if (!result.ok) this.deps.log.warn(result.message);
    await this.changed();
    return result;
  }

  /**
   * The rules' decision for one telephone number now, with the lead whose evidence speaks for it.
   * Decided only once every read is in; a read that fails rejects, and the dial it was for is refused.
   */
  async decideNumber(e164: string, country: string | null, lead: Lead | null, callKind: 'live' | 'prerecorded' = 'live'): Promise<ComplianceDecision> {
    const campaignId = lead?.campaignId ?? this.deps.currentCampaignId();
    const [campaign, onInternalDnc] = await Promise.all([campaignId ? this.deps.store.campaigns.get(campaignId) : null, this.deps.store.dnc.has(e164)]);
    const kind = (campaign?.kind as CampaignKind | undefined) ?? null;
    const registry = registryForCountry(country);
    const index = registry ? this.indexes.get(registry) : undefined;
    const region = (lead && codeOf(lead.region)) || (lead && /^[A-Z]{2}$/.test(lead.region) ? lead.region : null) || regionForNumber(e164);
    const zones = lead?.timeZone ? [lead.timeZone] : timeZonesForNumber(e164);
    const now = this.now();
    // A holiday in any zone the called party could be in counts.
    const publicHoliday = country ? (zones.map((z) => publicHolidayAt(country, region, z, now)).find((h) => h !== null) ?? null) : null;
    return decideCompliance(
      {
        e164,
        country,
        region,
        zones,
        onInternalDnc,
        registry: registry ? { name: registry, state: this.registryState(registry), listed: this.listed(registry, index, e164) } : null,
        campaignKind: kind,
        evidence: lead ? { consentAt: lead.consentAt, inquiryAt: lead.inquiryAt, lastPurchaseAt: lead.lastPurchaseAt } : null,
        now,
        callKind,
        ...(campaign?.callingWindow ? { callingWindow: campaign.callingWindow } : {}),
        skipPublicHolidays: campaign?.skipPublicHolidays ?? true,
        publicHoliday,
      },
      this.policy,
    );
  }

  /** Whether the registry lists the number; null (no answer: the gate blocks) without an index or a key. */
  private listed(registry: RegistryName, index: RegistryIndex | undefined, e164: string): boolean | null {
    const key = index ? registryKey(registry, e164) : null;
    return index && key !== null ? index.has(key) : null;
  }

  // ---------------------------------------------------------------------------------- status

  private registryState(name: RegistryName): { loaded: boolean; snapshotAt: number | null; count: number } {
    const index = this.indexes.get(name);
    return index ? { loaded: true, snapshotAt: index.meta.snapshotAt, count: index.meta.count } : { loaded: false, snapshotAt: null, count: 0 };
  }

  /** The status as it is now; only the audit log's size is read (and arrives) later. */
  async status(): Promise<ComplianceStatus> {
    const now = this.now();
    const registries: RegistryView[] = registryNames.map((name) => {
      const state = this.registryState(name);
      const ageDays = state.snapshotAt === null ? null : Math.floor((now - state.snapshotAt) / DAY);
      const stale = state.snapshotAt === null || now - state.snapshotAt > snapshotLimitDays(name, this.policy) * DAY;
      return { name, ...state, ageDays, stale, teamNewest: null };
    });
    const problems = registries
      .filter((r) => r.stale)
      .map((r) =>
        r.loaded
          ? `the ${REGISTRY_NAMES[r.name]} snapshot is ${r.ageDays} days old (limit ${snapshotLimitDays(r.name, this.policy)})`
          : `the ${REGISTRY_NAMES[r.name]} has not been imported`,
      );
    const banner = problems.length
      ? `Outbound telemarketing to ${registries
          .filter((r) => r.stale)
          .map((r) => r.name)
          .join(
            ' and ',
          )} numbers is blocked: ${problems.join('; ')}. Import a fresh download (exempt calls — charity, political, survey, consent, business relationship — still go through).`
      : null;
    const status: Omit<ComplianceStatus, 'auditEntries'> = {
      registries,
      maxSnapshotAgeDays: this.policy.maxSnapshotAgeDays,
      banner,
      inboxDir: this.inboxDir() ?? '',
      inboxFiles: this.inboxFiles(),
      import: this.importView && { ...this.importView },
      auditVerification: this.auditVerification,
    };
    const [auditEntries, newest] = await Promise.all([this.deps.store.audit.count(), this.deps.store.registries.newest().catch(() => [])]);
    // A snapshot another desktop of the team has and this one has not: said beside the registry.
    for (const r of status.registries) {
      const theirs = newest.find((n) => n.registry === r.name);
      r.teamNewest =
        theirs && (r.snapshotAt === null || theirs.snapshotAt > r.snapshotAt) ? { snapshotAt: theirs.snapshotAt, importedBy: theirs.importedBy } : null;
    }
    return { ...status, auditEntries };
  }

  /** Tells the windows; the promise settles once they have been told. */
  private changed(): Promise<void> {
    return this.emitStatus(this.status());
  }

  private registryDir(): string | null {
    if (!this.deps.dataDir) return null;
    const dir = join(this.deps.dataDir, 'registry');
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  private inboxDir(): string | null {
    if (!this.deps.dataDir) return null;
    const dir = join(this.deps.dataDir, 'registry-inbox');
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  private inboxFiles(): ComplianceStatus['inboxFiles'] {
    const dir = this.inboxDir();
    if (!dir) return [];
    try {
      return readdirSync(dir, { withFileTypes: true })
        .filter((d) => d.isFile() && !d.name.startsWith('.'))
        .slice(0, 2000)
        .map((d) => {
          const st = statSync(join(dir, d.name));
          return { name: d.name, size: st.size, modifiedAt: st.mtimeMs };
        })
        .sort((a, b) => a.name.localeCompare(b.name));
    } catch {
      return [];
    }
  }

  // ---------------------------------------------------------------------------------- import

  /** Starts a registry import from inbox files; progress and the end arrive as status events. */
  async startImport(req: RequestPayload<'compliance:import-registry'>): Promise<ComplianceStatus> {
    const registryDir = this.registryDir();
    const inbox = this.inboxDir();
    if (!registryDir || !inbox) throw new RingsideError('not-configured', 'Registry imports need a data folder.');
    if (this.importView && (this.importView.phase === 'reading' || this.importView.phase === 'building')) {
      throw new RingsideError('illegal-state', 'A registry import is already running.');
    }
    const files = req.files.map((f) => {
      const path = join(inbox, f.name);
      let st;
      try {
        st = statSync(path);
      } catch {
        throw new RingsideError('not-found', `"${f.name}" is not in the registry inbox (${inbox}).`);
      }
      if (!st.isFile()) throw new RingsideError('invalid-data', `"${f.name}" is not a file.`);
      return { path, kind: f.kind, size: st.size, mtime: st.mtimeMs };
    });
    const mode = req.mode;
    if (mode === 'full' && files.some((f) => f.kind !== 'full'))
      throw new RingsideError('invalid-data', 'A full import takes full-list files only; import change lists with mode "changes".');
    if (mode === 'changes' && files.some((f) => f.kind === 'full'))
      throw new RingsideError('invalid-data', 'A change import takes change, addition or deletion files.');
    if (mode === 'changes' && !this.indexes.has(req.registry))
      throw new RingsideError('illegal-state', `Import a full ${REGISTRY_NAMES[req.registry]} list before its change lists.`);
    const snapshotAt = req.snapshotDate ? Date.parse(`${req.snapshotDate}T00:00:00Z`) : Math.max(...files.map((f) => f.mtime));
    if (!Number.isFinite(snapshotAt) || snapshotAt > this.now() + DAY)
      throw new RingsideError('invalid-data', 'The snapshot date is not a valid date in the past.');

    const abort = new AbortController();
    this.importAbort = abort;
    this.importView = {
      registry: req.registry,
      mode,
      phase: 'reading',
      bytesDone: 0,
      bytesTotal: files.reduce((s, f) => s + f.size, 0),
      numbers: 0,
      badLines: 0,
      badExamples: [],
      message: null,
      resumed: false,
    };
    drop(this.runImport(req.registry, mode, files, snapshotAt, registryDir, abort.signal), this.deps.log.warn, 'registry import');
    await this.changed();
    return this.status();
  }

  cancelImport(): Promise<ComplianceStatus> {
    this.importAbort?.abort();
    return this.status();
  }

  private async runImport(
    registry: RegistryName,
    mode: 'full' | 'changes',
    files: Array<{ path: string; kind: 'full' | 'changes' | 'additions' | 'deletions'; size: number; mtime: number }>,
    snapshotAt: number,
    dir: string,
    signal: AbortSignal,
  ): Promise<void> {
    const view = this.importView as RegistryImportView;
    const target = join(dir, `${registry}.rsdnc`);
    const checkpointPath = join(dir, `${registry}.${mode}.checkpoint.json`);
    const requestPath = join(dir, `${registry}.${mode}.request.json`);
    const workDir = join(dir, `${registry}.work`);
    // Resume only the very same request (same files, sizes and dates); anything else starts over.
    const request = JSON.stringify(files.map((f) => [f.path, f.kind, f.size, f.mtime]));
    let resume = false;
    try {
      resume = readFileSync(requestPath, 'utf8') === request;
    } catch {
      resume = false;
    }
    if (!resume) {
      rmSync(checkpointPath, { force: true });
      rmSync(workDir, { recursive: true, force: true });
    }
    writeFileSync(requestPath, request);
    let lastEmit = 0;
    const onProgress = (p: { bytesDone: number; bytesTotal: number; numbers: number; badLines: number }): void => {
      Object.assign(view, { bytesDone: p.bytesDone, bytesTotal: p.bytesTotal, numbers: p.numbers, badLines: p.badLines });
      const t = Date.now();
      if (t - lastEmit >= 200) {
        lastEmit = t;
        drop(this.changed());
      }
    };
    const job: RegistryJob = { registry, mode, files: files.map((f) => ({ path: f.path, kind: f.kind })), snapshotAt, target, checkpointPath, workDir, resume };
    try {
      const done = await this.runJob(job, signal, {
        onProgress,
        onBuilding: (report) => {
          Object.assign(view, report, { phase: 'building' });
          drop(this.changed());
        },
      });
      const index = RegistryIndex.fromFileImage(done.index, target);
      this.indexes.set(registry, index);
      view.message = done.message;
      view.phase = 'done';
      // The team hears which snapshot this desktop has; the index itself stays here.
      await this.deps.store.registries
        .record({
          registry,
          snapshotAt: index.meta.snapshotAt,
          count: index.meta.count,
          importedBy: this.deps.importedBy?.() ?? hostname(),
          importedAt: this.now(),
        })
        .catch((e: unknown) => this.deps.log.warn('could not tell the team database which registry snapshot this desktop has', e));
      rmSync(checkpointPath, { force: true });
      rmSync(requestPath, { force: true });
    } catch (error) {
      const cancelled = signal.aborted;
      view.phase = cancelled ? 'cancelled' : 'failed';
      view.message = cancelled
        ? 'Import cancelled. Start the same import again to resume where it stopped; the registry in use is unchanged.'
        : `Import failed: ${error instanceof Error ? error.message : String(error)}. The registry in use is unchanged.`;
      if (!cancelled) this.deps.log.warn('registry import failed', error);
    } finally {
      this.importAbort = null;
      await this.changed();
    }
  }

  /** Runs the import in its worker thread; resolves once the index file is written, with its verified image. */
  private runJob(job: RegistryJob, signal: AbortSignal, hooks: Omit<RegistryJobHooks, 'signal'>): Promise<{ message: string; index: SharedArrayBuffer }> {
    const url = this.deps.registryWorker ?? workerUrl('compliance/registry-worker');
    return runWorker<RegistryWorkerMessage, { message: string; index: SharedArrayBuffer }>(
      url,
      {
        workerData: job,
        name: 'ringside-registry-import',
        resourceLimits: { maxOldGenerationSizeMb: this.deps.workerHeapMb?.registry ?? REGISTRY_WORKER_HEAP_MB },
      },
      'the registry import',
      (m: RegistryWorkerMessage) => {
        if (m.type === 'progress') hooks.onProgress(m.progress);
        else if (m.type === 'building') hooks.onBuilding(m.report);
        else return m.type === 'done' ? { value: { message: m.message, index: m.index } } : { error: new Error(m.message) };
        return undefined;
      },
      signal,
    );
  }

  // ---------------------------------------------------------------------------------- internal DNC

  /** Adds numbers to the internal list (by hand or pasted/imported); returns what happened. */
  async addToInternalDnc(raw: readonly string[], source: string): Promise<{ added: number; already: number; invalid: string[] }> {
    const country = await this.deps.defaultCountry();
    const valid: string[] = [];
    const invalid: string[] = [];
    for (const r of raw) {
      const n = normalisePhone(r, country);
      if (n.ok) valid.push(n.e164);
      else invalid.push(`${r.slice(0, 40)}: ${n.reason}`);
    }
    const unique = [...new Set(valid)];
    const at = this.now();
    // The CRM's suppression list hears of them too, a thousand numbers an event at most.
    const events = [];
    for (let i = 0; i < unique.length; i += 1000)
      events.push(...(this.deps.crmEvents?.('dnc.requested', null, at, { phones: unique.slice(i, i + 1000), source }) ?? []));
    const added = await this.deps.store.dnc.addMany(unique, source, at, events);
    if (events.length) this.deps.eventsWritten?.();
    return { added, already: unique.length - added, invalid };
  }

  // ---------------------------------------------------------------------------------- scrub

  /**
   * Checks every phone of a campaign's leads against the internal list and the registries (with
   * exemptions) and marks the blocked ones, which the queue then skips. Calling hours are left to
   * the gate at dial time: they change by the minute, a list does not. With a database file the
   * scrub runs in a worker thread (its own connection; the registry indexes' memory shared, not
   * copied; optionally several, each on a share of the phones): the main process — SIP, IPC —
   * never waits on it.
   */
  async scrub(campaignId: number): Promise<ScrubReport> {
    const started = performance.now();
    const campaign = await this.deps.store.campaigns.get(campaignId);
    if (!campaign) throw new RingsideError('not-found', 'That campaign does not exist.');
    const stale = Object.fromEntries((await this.status()).registries.map((r) => [r.name, r.stale])) as Record<RegistryName, boolean>;
    const context = {
      campaignKind: campaign.kind,
      kindExempt: this.policy.exemptKinds.includes(campaign.kind as CampaignKind),
      now: this.now(),
      policy: this.policy,
      stale,
    };
    const location = this.deps.workerLocation ?? null;
    // One worker takes every phone; several need the phone-id ranges of equal shares first.
    const shares = this.deps.scrubWorkers ?? 1;
    const parts = !location ? [] : shares > 1 ? await this.deps.store.scrub.split(campaignId, shares) : [{ from: 0, to: Number.MAX_SAFE_INTEGER }];
    const workers = location !== null && parts.length > 0;
    let outcomes: Array<Omit<ScrubOutcome, 'verdicts'>>;
    const tSplit = performance.now();
    if (workers) {
      const indexes = [...this.indexes].map(([name, index]) => ({ name, image: index.fileImage(), path: join(this.registryDir() ?? '', `${name}.rsdnc`) }));
      outcomes = await Promise.all(parts.map((ids) => this.runScrubWorker({ location, campaignId, ids, context, indexes })));
    } else {
      const indexes: ScrubContext['indexes'] = Object.fromEntries(this.indexes);
      const { verdicts, ...outcome } = scrubRows(await this.deps.store.scrub.phones(campaignId), { ...context, indexes, registryOfNpa: this.registryOfNpa });
      await this.deps.store.scrub.mark(verdicts);
      outcomes = [outcome];
    }
    const tWork = performance.now();
    const report: ScrubReport = {
      campaignId,
      leads: 0,
      phones: 0,
      allowed: 0,
      exempt: 0,
      blocked: { internalDnc: 0, registry: 0, noRegistry: 0, total: 0 },
      durationMs: 0,
    };
    for (const o of outcomes) {
      report.phones += o.phones;
      report.allowed += o.allowed;
      report.exempt += o.exempt;
      report.blocked.internalDnc += o.internalDnc;
      report.blocked.registry += o.registry;
      report.blocked.noRegistry += o.noRegistry;
    }
    // Distinct leads over all shares (a lead's phones may fall into two), with a bitmap.
    if (outcomes.length === 1) report.leads = outcomes[0]!.leadIds.length;
    else {
      let max = 0;
      for (const o of outcomes) for (const id of o.leadIds) if (id > max) max = id;
      const seen = new Uint8Array(max + 1);
      for (const o of outcomes) {
        for (const id of o.leadIds) {
          if (seen[id]) continue;
          seen[id] = 1;
          report.leads++;
        }
      }
    }
    report.blocked.total = report.blocked.internalDnc + report.blocked.registry + report.blocked.noRegistry;
    report.durationMs = Math.round(performance.now() - started);
    if (process.env.RINGSIDE_SCRUB_TRACE === '1')
      console.log(
        `scrub: ${report.phones} phones in ${report.durationMs} ms (${workers ? `${parts.length} worker(s)` : 'main thread'}; before ${(tSplit - started).toFixed(0)} ms, work ${(tWork - tSplit).toFixed(0)} ms, merge ${(performance.now() - tWork).toFixed(0)} ms)`,
      );
    return report;
  }

  /** One scrub share in a worker thread; resolves with its counts once its marks are written. */
  private runScrubWorker(job: ScrubJob): Promise<Omit<ScrubOutcome, 'verdicts'>> {
    const url = this.deps.scrubWorker ?? workerUrl('compliance/scrub-worker');
    return runWorker<ScrubWorkerMessage, Omit<ScrubOutcome, 'verdicts'>>(
      url,
      { workerData: job, name: 'ringside-scrub', resourceLimits: { maxOldGenerationSizeMb: this.deps.workerHeapMb?.scrub ?? SCRUB_WORKER_HEAP_MB } },
      'the scrub worker',
      (m: ScrubWorkerMessage) => (m.type === 'done' ? { value: m.outcome } : { error: new RingsideError('internal', `The scrub failed: ${m.message}`) }),
    );
  }

  // ---------------------------------------------------------------------------------- audit

  async auditPage(offset: number, limit: number): Promise<{ total: number; rows: AuditEntry[] }> {
    const [total, rows] = await Promise.all([this.deps.store.audit.count(), this.deps.store.audit.list(offset, limit)]);
    return { total, rows: rows.map(toEntry) };
  }

  async exportAudit(range: { from?: number; to?: number }): Promise<{ csv: string; fileName: string; rows: number }> {
    const rows: string[][] = [];
    await this.deps.store.audit.each(range, (r) => {
      rows.push(
        [
          String(r.id),
          new Date(r.at).toISOString(),
          r.path,
          r.target,
          r.e164 ?? '',
          r.leadId === null ? '' : String(r.leadId),
          r.campaignId === null ? '' : String(r.campaignId),
          r.allowed ? 'allowed' : 'blocked',
          r.summary,
          r.checks,
          r.hash,
          r.seal,
        ].map(safeCell),
      );
    });
    const csv = Papa.unparse(
      { fields: ['id', 'time_utc', 'path', 'target', 'e164', 'lead_id', 'campaign_id', 'decision', 'summary', 'checks', 'seal', 'seal_kind'], data: rows },
      { quotes: true, newline: '\r\n' },
    );
    const day = new Date(this.now()).toISOString().slice(0, 10);
    return { csv, fileName: `ringside-compliance-audit-${day}.csv`, rows: rows.length };
  }
}

function toEntry(r: StoredAuditRecord): AuditEntry {
  return {
    id: r.id,
    at: r.at,
    path: r.path,
    target: r.target,
    e164: r.e164,
    leadId: r.leadId,
    campaignId: r.campaignId,
    allowed: r.allowed,
    summary: r.summary,
    checks: r.checks,
  };
}
