/**
 * What the core knows of the shared world beyond this desktop: whether its data is its own
 * (solo, the embedded file) or the team's (the shared PostgreSQL), whether that database answers,
 * and CRM sync — the outbox that every result is written to and its delivery to the company's
 * CRM. Answers the `team:` and `crm:` requests (the screen pop's through ScreenPop) and tells
 * every window when either changes.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../data/sqlite/store.js';
import { localData, uploadLocal } from './upload-local.js';
import type { Account } from '../../../shared/account.js';
import type { EventChannel, EventPayloads } from '../../../shared/contract.js';
import type { CrmStatusView } from '../../../shared/crm.js';
import type { TeamDatabase, TeamStatusView, TeamTestResult } from '../../../shared/team.js';
import { CrmDelivery, type ReadyEndpoint } from '../crm/crm-delivery.js';
import { crmEvent, type CrmEvents } from '../crm/crm-events.js';
import { ScreenPop, type ScreenPopHooks } from './screen-pop.js';
import type { DispositionRecord, Store } from '../data/repositories.js';
import { isDatabaseLost, PendingResults } from './pending-results.js';
import { RingsideError } from '../../../shared/result.js';
import type { ChannelsOf, Handlers } from '../ipc/router.js';
import type { Logger } from '../lib/logger.js';
import { teamAgentId } from '../sip/sip-line.js';

export interface TeamLinkDeps {
  store: Store;
  /** The account in use (its `crm` and `team` settings, secrets included). */
  account: () => Account | null;
  emit<E extends EventChannel>(channel: E, payload: EventPayloads[E]): void;
  log: Logger;
  /** "Test connection": connects with these settings and says what is there (default: the PostgreSQL probe). */
  probe?: (database: TeamDatabase) => Promise<TeamTestResult>;
  now?: () => number;
  /** The delivery's schedule and poll (tests). */
  delivery?: { retry?: { baseMs: number; capMs: number; maxAttempts: number }; pollMs?: number };
  /** Another agent put numbers on the internal DNC list (or the link to hear it was lost): what is on screen is decided again. */
  dncChanged?: () => void;
  /** How often the team database is asked whether it answers, ms (default 10 s). */
  healthEveryMs?: number;
  /** Where results wait while the team database does not answer (null: nowhere on disk, they cannot wait). */
  dataDir?: string | null;
}

export class TeamLink {
  private readonly delivery: CrmDelivery;
  private state: Pick<TeamStatusView, 'state' | 'since' | 'problem'> = { state: 'up', since: null, problem: null };
  private started = false;
  private health: NodeJS.Timeout | null = null;
  private unwatch: (() => void) | null = null;
  private readonly pending: PendingResults | null;
  private identityProblem: string | null = null;

  constructor(private readonly deps: TeamLinkDeps) {
    const account = deps.account;
    this.pending = deps.store.location.kind === 'postgres' && deps.dataDir ? new PendingResults(deps.dataDir, deps.log) : null;
    this.delivery = new CrmDelivery({
      outbox: deps.store.outbox,
      endpoint: () => readyEndpoint(account()),
      // Unique across the team's apps, readable in the outbox (which desktop holds an event).
      worker: `${hostname().slice(0, 40)}-${randomUUID().slice(0, 8)}`,
      log: deps.log,
      onStatus: (status) => deps.emit('crm:changed', status),
      now: deps.now,
      retry: deps.delivery?.retry,
      pollMs: deps.delivery?.pollMs,
    });
  }

  /** Starts delivering (the outbox is read even before an endpoint is set: nothing goes out then). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.delivery.start();
    if (this.deps.store.location.kind !== 'postgres') return;
    this.health = setInterval(() => void this.checkHealth(), this.deps.healthEveryMs ?? 10_000);
    this.health.unref?.();
    this.unwatch = this.deps.store.dnc.watch?.(() => this.deps.dncChanged?.()) ?? null;
    // Results kept from an earlier run while the database was away.
    if (this.pending?.count) void this.checkHealth().then(() => this.flushPending());
    void this.checkIdentity();
  }

  /**
   * With the team's least-privilege setup the database checks every claim and result against the
   * login: an agent name that is not the login would have every claim refused. Said at start, in
   * the status line, rather than at the first lead.
   */
  private async checkIdentity(): Promise<void> {
    const { location } = this.deps.store;
    const agent = this.agentId();
    if (location.kind !== 'postgres' || !agent) return;
    try {
      const probe = this.deps.probe ?? (await import('../data/postgres/probe.js')).probeTeamDatabase;
      const found = await probe(location.database);
      if (!found.rowSecurity || found.login === agent) return;
      this.identityProblem = `Your name in the team (${agent}) is not your database user (${found.login}), and the team database checks every lead and result against it: set "Your name in the team" to ${found.login} in Settings, or ask IT.`;
      this.deps.log.warn(this.identityProblem);
      this.deps.emit('team:changed', this.teamView());
    } catch (error) {
      this.deps.log.warn('could not check who this desktop is in the team database', error);
    }
  }

  /**
   * A disposition the team database could not take because it is out of reach: kept on this
   * desktop (true) and written when it answers again. Anything else is the caller's error.
   */
  keepResult(record: DispositionRecord, error: unknown): boolean {
    if (!this.pending || !isDatabaseLost(error)) return false;
    this.pending.keep(record);
    this.markDown(error);
    this.deps.emit('team:changed', this.teamView());
    return true;
  }

  /** Why no lead may be taken now (the team database is out of reach), or null. */
  noClaims(): string | null {
    if (this.state.state !== 'down') return null;
    return 'The team database does not answer: no new lead is taken until it does. Finish your call; its result is kept on this computer.';
  }

  private async flushPending(): Promise<void> {
    if (!this.pending?.count || this.state.state === 'down') return;
    const written = await this.pending.flush(this.deps.store);
    if (written > 0) this.deps.log.info(`wrote ${written} result(s) kept while the team database was away`);
    this.deps.emit('team:changed', this.teamView());
    this.delivery.kick();
  }

  private markDown(error: unknown): void {
    const problem = error instanceof Error ? error.message : String(error);
    const now = (this.deps.now ?? Date.now)();
    this.state = { state: 'down', since: this.state.state === 'down' ? this.state.since : now, problem };
  }

  async stop(): Promise<void> {
    this.started = false;
    if (this.health) clearInterval(this.health);
    this.health = null;
    this.unwatch?.();
    this.unwatch = null;
    await this.delivery.stop();
  }

  /** Asks the team database a trivial question; a change between answering and not is shown at once. */
  async checkHealth(): Promise<void> {
    const now = (this.deps.now ?? Date.now)();
    try {
      await this.deps.store.campaigns.countries();
      if (this.state.state === 'down') {
        this.state = { state: 'up', since: now, problem: null };
        this.deps.log.info('the team database answers again');
        this.deps.emit('team:changed', this.teamView());
        // Whatever was added to the DNC list meanwhile: the screen is decided again.
        this.deps.dncChanged?.();
        this.delivery.kick();
        await this.flushPending();
      }
    } catch (error) {
      const problem = error instanceof Error ? error.message : String(error);
      if (this.state.state === 'up' || this.state.problem !== problem) {
        this.markDown(error);
        this.deps.log.warn(`the team database does not answer: ${problem}`);
        this.deps.emit('team:changed', this.teamView());
      }
    }
  }

  /** The account changed: a new CRM address or secret applies to the next attempt. */
  accountChanged(): void {
    this.delivery.kick();
    void this.crmStatus().then(
      (s) => this.deps.emit('crm:changed', s),
      () => undefined,
    );
    this.deps.emit('team:changed', this.teamView());
  }

  /** The events a change writes beside itself: none when CRM sync is off or the CRM does not want them. */
  readonly events: CrmEvents = (type, leadId, at, data) => {
    const crm = this.deps.account()?.crm;
    if (!crm || !crm.events.includes(type)) return [];
    return [crmEvent(type, leadId, at, { ...data, agent: this.agentId() })];
  };

  /** A change wrote events: deliver them now rather than at the next poll. */
  readonly written = (): void => this.delivery.kick();

  /** What the services that make changes take: the events to write, and the hint that they did. */
  readonly hooks = { crmEvents: this.events, eventsWritten: this.written, importedBy: (): string => this.agentId() ?? hostname() };
  /** What the workspace takes: the hooks, and where a result waits when the database is away. */
  readonly workspaceHooks = {
    ...this.hooks,
    agentId: () => this.agentId(),
    keepResult: (record: DispositionRecord, error: unknown) => this.keepResult(record, error),
    noClaims: () => this.noClaims(),
  };

  teamView(): TeamStatusView {
    const { location } = this.deps.store;
    if (location.kind === 'sqlite') return { mode: 'solo', team: null, agentId: null, where: null, state: 'up', since: null, problem: null, waiting: 0 };
    const team = this.deps.account()?.team;
    const waiting = this.pending?.count ?? 0;
    const state = this.state.state === 'up' && this.identityProblem ? { ...this.state, problem: this.identityProblem } : this.state;
    return { mode: 'team', team: team?.name ?? null, agentId: this.agentId(), where: whereOf(location.database.url), ...state, waiting };
  }

  crmStatus(): Promise<CrmStatusView> {
    return this.delivery.status();
  }

  /** The `team:` and `crm:` requests; the screen pop answers its own, and hears of answered calls from now on. */
  handlers(screenPop: ScreenPopHooks): Handlers<ChannelsOf<'team'> | ChannelsOf<'crm'>> {
    const { store, account, emit, log } = this.deps;
    return {
      ...new ScreenPop({ ...screenPop, store, account, emit, log }).handlers(),
      'team:status': () => this.teamView(),
      'team:test': async ({ database }) => {
        const saved = this.deps.account()?.team?.database;
        // The saved password only for the address it was saved for, as saving keeps it.
        const typed = database.password !== undefined && database.password !== '';
        const withPassword = typed ? database : { ...database, password: saved?.url === database.url ? saved.password : undefined };
        const probe = this.deps.probe ?? (await import('../data/postgres/probe.js')).probeTeamDatabase;
        try {
          return await probe(withPassword);
        } catch (error) {
          throw new RingsideError('invalid-account', error instanceof Error ? error.message : String(error));
        }
      },
      'team:results': async ({ from, to }) => {
        const role = this.deps.account()?.supervision.role;
        if (role !== 'supervisor' && role !== 'both') throw new RingsideError('forbidden', "The team's results are for supervisors.");
        return this.deps.store.activity.results(from, to);
      },
      'team:local-data': () =>
        this.withLocalFile(async (local) => {
          const data = await localData(local, (this.deps.now ?? Date.now)());
          return data.campaigns + data.dnc > 0 ? data : null;
        }),
      'team:upload': async () => {
        if (this.deps.store.location.kind !== 'postgres') throw new RingsideError('illegal-state', 'Uploading is for a desktop in team mode.');
        const report = await this.withLocalFile((local) => uploadLocal(local, this.deps.store, (this.deps.now ?? Date.now)(), `Uploaded from ${hostname()}`));
        if (!report) throw new RingsideError('not-found', 'This computer has no data of its own to upload.');
        this.deps.log.info(`uploaded this desktop's data to the team database: ${JSON.stringify(report)}`);
        return report;
      },
      'crm:status': () => this.crmStatus(),
      'crm:dead-letters': async ({ offset, limit }) => {
        const [rows, status] = await Promise.all([this.delivery.deadLetters(offset, limit), this.crmStatus()]);
        return { total: status.dead, rows };
      },
      'crm:retry': async ({ id }) => {
        if (!(await this.delivery.revive(id))) throw new RingsideError('not-found', 'That event is no longer in the dead-letter list.');
        return this.crmStatus();
      },
      'crm:enable': async () => {
        await this.delivery.enable();
        return this.crmStatus();
      },
    };
  }

  /** Runs `fn` on this desktop's own file (team mode only; null when there is none). */
  private async withLocalFile<T>(fn: (local: Store) => Promise<T>): Promise<T | null> {
    const { dataDir } = this.deps;
    if (this.deps.store.location.kind !== 'postgres' || !dataDir) return null;
    const path = join(dataDir, 'ringside.db');
    if (!existsSync(path)) return null;
    const local = openSqliteStore(path);
    try {
      return await fn(local);
    } finally {
      await local.close();
    }
  }

  /** Who this agent is in the shared data; null on a solo desktop (its data is all its own). */
  agentId(): string | null {
    const account = this.deps.account();
    if (this.deps.store.location.kind !== 'postgres' || !account?.team) return null;
    return teamAgentId(account.team, account.aor);
  }
}

function readyEndpoint(account: Account | null): ReadyEndpoint | null {
  const crm = account?.crm;
  return crm?.secret ? { ...crm, secret: crm.secret } : null;
}

/** host:port/database of a postgres:// URL, for the status line. */
function whereOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  } catch {
    return 'the team database';
  }
}
