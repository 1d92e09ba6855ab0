/**
 * Live board benchmark: state change → supervisor's board latency with 50 simulated
 * agents, and what the supervisor's core costs while it follows them.
 *
 *   bash tests/tools/netns.sh npx tsx tests/bench/board-bench.ts
 *
 * - A real Kamailio on loopback (users bench01 … bench50, supervisor1).
 * - The supervisor: the real core (createCore) in this process, role supervisor, team of 50, with a
 *   renderer stand-in connected to it that timestamps every `board:changed`.
 * - The agents: tests/bench/board-agents.ts in a child process (so its CPU is not counted here):
 *   50 sip.js user agents, each with the app's PresencePublisher sending real presence MESSAGEs.
 * - Changes cycle through available → on call → wrap-up → available → paused (reason), agents
 *   round-robin, at `ratePerSec` (default 20/s: each agent changes every 2.5 s, a very busy floor),
 *   plus every agent's heartbeat. Latency = the agent's state change (its app pokes the publisher)
 *   → the first `board:changed` in the supervisor's renderer connection that shows it.
 * Prints the figures and returns them.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ProvisionedAccountStore } from '../../electron/core/sip/account-store.js';
import { createCore } from '../../electron/core/app/create-core.js';
import { accountSchema } from '../../shared/account.js';
import type { AgentState } from '../../shared/agent-state.js';
import type { EventChannel, EventPayloads } from '../../shared/contract.js';
import type { BoardView } from '../../shared/supervision.js';
import { BENCH_USERS, startKamailio } from '../support/kamailio.js';
import { tempStore } from '../support/temp-store.js';
import type { FromAgents, ToAgents } from './board-agents.js';

export interface BoardBenchFigures {
  agents: number;
  changes: number;
  ratePerSec: number;
  heartbeatSec: number;
  /** State change → board:changed showing it, ms. */
  latencyMs: { p50: number; p95: number; p99: number; max: number; mean: number };
  /** Changes never seen on the board within 5 s. */
  lost: number;
  /** board:changed events the supervisor's renderer got per second during the run. */
  boardEventsPerSec: number;
  /** Presence MESSAGEs the agents sent per second (changes + heartbeats). */
  messagesPerSec: number;
  /** The supervisor's process (core + this harness): CPU share of one core during the run, RSS. */
  supervisor: { cpuPercent: number; rssBeforeMb: number; rssPeakMb: number; rssAfterMb: number };
  /** The 50 simulated agents together (child process), for scale. */
  agentsProcess: { cpuPercent: number; rssMb: number };
  rejected: number;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const epochNow = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

export async function runBoardBench(opts: { changes?: number; ratePerSec?: number; heartbeatSec?: number; agents?: number } = {}): Promise<BoardBenchFigures> {
  const changes = opts.changes ?? 600;
  const ratePerSec = opts.ratePerSec ?? 20;
  const heartbeatSec = opts.heartbeatSec ?? 5;
  const users = BENCH_USERS.slice(0, opts.agents ?? 50);
  const sip = await startKamailio();
  const quiet = { info: () => {}, warn: (m: string) => console.warn(`[supervisor] ${m}`) };
  let child: ChildProcess | null = null;
  const { store } = tempStore();
  const supervisorAor = `sip:supervisor1@${sip.domain}`;
  const core = createCore({
    accounts: new ProvisionedAccountStore(
      accountSchema.parse({
        server: sip.wsUrl,
        aor: supervisorAor,
        password: sip.users.supervisor1,
        supervision: { role: 'supervisor', team: users.map((u) => `sip:${u}@${sip.domain}`), heartbeatSec },
      }),
    ),
    store,
    log: quiet,
  });

  // The renderer stand-in: every board:changed, timestamped on arrival.
  let boardEvents = 0;
  let latest: BoardView | null = null;
  const onBoard = new Set<(b: BoardView, t: number) => void>();
  let registered: () => void = () => {};
  const isRegistered = new Promise<void>((r) => (registered = r));
  try {
    await core.start();
    const connection = core.connect({
      send<E extends EventChannel>(channel: E, payload: EventPayloads[E]) {
        if (channel === 'registration:changed' && (payload as EventPayloads['registration:changed']).state === 'registered') registered();
        if (channel !== 'board:changed') return;
        const t = epochNow();
        boardEvents += 1;
        latest = payload as BoardView;
        for (const l of onBoard) l(latest, t);
      },
    });
    await connection.handle('app:ready', { media: false });
    if (core.registration.state === 'registered') registered();
    await Promise.race([isRegistered, sleep(10_000).then(() => Promise.reject(new Error('supervisor did not register')))]);

    // The agents, in their own process.
    const proc = fork(path.join(here, 'board-agents.ts'), [], {
      execArgv: ['--import', 'tsx'],
      env: {
        ...process.env,
        BENCH_WS_URL: sip.wsUrl,
        BENCH_DOMAIN: sip.domain,
        BENCH_SUPERVISOR: supervisorAor,
        BENCH_USERS: users.join(','),
        BENCH_HEARTBEAT_SEC: String(heartbeatSec),
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child = proc;
    const fromChild = new Set<(m: FromAgents) => void>();
    proc.on('message', (m: FromAgents) => {
      if (m.kind === 'error') console.warn(`[agents] ${m.message}`);
      for (const l of fromChild) l(m);
    });
    const nextFromChild = <K extends FromAgents['kind']>(kind: K, timeoutMs: number): Promise<Extract<FromAgents, { kind: K }>> =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`agents: no ${kind} in ${timeoutMs} ms`)), timeoutMs);
        const l = (m: FromAgents) => {
          if (m.kind !== kind) return;
          clearTimeout(timer);
          fromChild.delete(l);
          resolve(m as Extract<FromAgents, { kind: K }>);
        };
        fromChild.add(l);
      });
    const tell = (m: ToAgents) => proc.send(m);
    const { aors } = await nextFromChild('ready', 60_000);

    // Everyone heard from once before measuring.
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && !(latest as BoardView | null)?.agents.every((a) => a.presence !== null)) await sleep(100);
    const heard = (latest as BoardView | null)?.agents.filter((a) => a.presence !== null).length ?? 0;
    if (heard < aors.length) throw new Error(`only ${heard} of ${aors.length} agents reached the board`);

    // The change plan: per agent a cycle of states; agents in a shuffled round-robin.
    const cycle: Array<{ state: AgentState; reason: string | null }> = [
      { state: 'on-call', reason: null },
      { state: 'wrap-up', reason: null },
      { state: 'available', reason: null },
      { state: 'paused', reason: 'Break' },
      { state: 'available', reason: null },
    ];
    const order = aors.map((_, i) => i).sort(() => Math.random() - 0.5);
    const step = new Array<number>(aors.length).fill(0);

    interface Pending {
      aor: string;
      state: AgentState;
      since: number;
      t0: number;
    }
    const pending = new Map<number, Pending>();
    /** First time the board showed (aor, state, since). */
    const shownAt = new Map<string, number>();
    const latencies: number[] = [];
    let measuring = false;
    const keyOf = (aor: string, state: string, since: number) => `${aor}|${state}|${since}`;
    const settle = (id: number, p: Pending, t1: number) => {
      pending.delete(id);
      if (measuring) latencies.push(t1 - p.t0);
    };
    onBoard.add((b, t) => {
      for (const a of b.agents) {
        const p = a.presence;
        if (!p) continue;
        const key = keyOf(a.aor, p.state, p.since);
        if (!shownAt.has(key)) shownAt.set(key, t);
      }
      for (const [id, p] of pending) {
        const t1 = shownAt.get(keyOf(p.aor, p.state, p.since));
        if (t1 !== undefined) settle(id, p, t1);
      }
    });
    fromChild.add((m) => {
      if (m.kind !== 'changed') return;
      const p: Pending = { aor: m.aor, state: m.state, since: m.since, t0: m.t0 };
      pending.set(m.id, p);
      const t1 = shownAt.get(keyOf(p.aor, p.state, p.since));
      if (t1 !== undefined) settle(m.id, p, t1);
    });

    let id = 0;
    const runChanges = async (n: number) => {
      const gap = 1000 / ratePerSec;
      const start = performance.now();
      for (let k = 0; k < n; k++) {
        const agent = order[id % order.length] as number;
        const next = cycle[(step[agent] as number) % cycle.length] as { state: AgentState; reason: string | null };
        step[agent] = (step[agent] as number) + 1;
        tell({ kind: 'change', id: id++, agent, state: next.state, reason: next.reason });
        const due = start + (k + 1) * gap;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
      }
    };

    // Warm-up (not measured): one change per agent.
    await runChanges(aors.length);
    await sleep(1500);
    pending.clear();

    // Measure.
    const before = await (tell({ kind: 'usage' }), nextFromChild('usage', 5000));
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const rssTimer = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 250);
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    const events0 = boardEvents;
    measuring = true;
    await runChanges(changes);
    const until = Date.now() + 5000;
    while (pending.size > 0 && Date.now() < until) await sleep(50);
    const wallMs = performance.now() - wall0;
    const cpu = process.cpuUsage(cpu0);
    clearInterval(rssTimer);
    measuring = false;
    const lost = pending.size;
    const after = await (tell({ kind: 'usage' }), nextFromChild('usage', 5000));
    const rssAfter = process.memoryUsage().rss;

    const sorted = [...latencies].sort((a, b) => a - b);
    const mean = sorted.reduce((s, x) => s + x, 0) / Math.max(1, sorted.length);
    const board = latest as BoardView | null;
    const figures: BoardBenchFigures = {
      agents: aors.length,
      changes: latencies.length,
      ratePerSec,
      heartbeatSec,
      latencyMs: {
        p50: round(percentile(sorted, 50)),
        p95: round(percentile(sorted, 95)),
        p99: round(percentile(sorted, 99)),
        max: round(sorted.at(-1) ?? Number.NaN),
        mean: round(mean),
      },
      lost,
      boardEventsPerSec: round(((boardEvents - events0) * 1000) / wallMs),
      messagesPerSec: round(((after.sent - before.sent) * 1000) / (after.wallMs - before.wallMs)),
      supervisor: {
        cpuPercent: round(((cpu.user + cpu.system) / 1000 / wallMs) * 100),
        rssBeforeMb: round(rssBefore / 1048576),
        rssPeakMb: round(rssPeak / 1048576),
        rssAfterMb: round(rssAfter / 1048576),
      },
      agentsProcess: { cpuPercent: round(((after.cpuMs - before.cpuMs) / (after.wallMs - before.wallMs)) * 100), rssMb: round(after.rssMb) },
      rejected: board?.rejected ?? 0,
    };

    tell({ kind: 'stop' });
    await Promise.race([new Promise((r) => proc.once('exit', r)), sleep(5000)]);
    connection.close();
    return figures;
  } finally {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await core.stop().catch(() => undefined);
    await store.close();
    await sip.stop();
  }
}

function print(f: BoardBenchFigures): void {
  console.log(`Live board: ${f.agents} agents, ${f.changes} state changes at ${f.ratePerSec}/s (+ heartbeats every ${f.heartbeatSec} s)`);
  console.log(
    `  state change → supervisor's board   p50 ${f.latencyMs.p50} ms   p95 ${f.latencyMs.p95} ms   p99 ${f.latencyMs.p99} ms   max ${f.latencyMs.max} ms   (mean ${f.latencyMs.mean} ms, lost ${f.lost})`,
  );
  console.log(`  presence MESSAGEs ${f.messagesPerSec}/s, board:changed ${f.boardEventsPerSec}/s, rejected ${f.rejected}`);
  console.log(
    `  supervisor process: CPU ${f.supervisor.cpuPercent} % of one core, RSS ${f.supervisor.rssBeforeMb} → peak ${f.supervisor.rssPeakMb} → ${f.supervisor.rssAfterMb} MiB`,
  );
  console.log(`  50 simulated agents (one process): CPU ${f.agentsProcess.cpuPercent} %, RSS ${f.agentsProcess.rssMb} MiB`);
  console.log(JSON.stringify(f));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  runBoardBench({
    changes: process.env.BENCH_CHANGES ? Number(process.env.BENCH_CHANGES) : undefined,
    ratePerSec: process.env.BENCH_RATE ? Number(process.env.BENCH_RATE) : undefined,
  })
    .then((f) => {
      print(f);
      process.exit(0);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
