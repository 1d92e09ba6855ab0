/**
 * The simulated agents of the live-board benchmark (started by tests/bench/board-bench.ts as a
 * child process with an IPC channel, so their CPU is not the supervisor's): one lightweight sip.js
 * UserAgent per agent, registered to Kamailio, each with the app's real PresencePublisher sending
 * the real presence body by SIP MESSAGE. The parent asks for state changes; each reply carries the
 * moment the change was made (epoch ms, high resolution) and how it will show on the board.
 *
 * Environment: BENCH_WS_URL, BENCH_DOMAIN, BENCH_SUPERVISOR (AOR), BENCH_USERS (comma-separated),
 * BENCH_HEARTBEAT_SEC.
 */
import { performance } from 'node:perf_hooks';
import { Registerer, RegistererState, UserAgent } from 'sip.js';
import WebSocket from 'ws';
import { PresencePublisher } from '../../electron/core/supervision/presence-publisher.js';
import type { PresenceInputs } from '../../electron/core/supervision/presence.js';
import { sendSipMessage } from '../../electron/core/supervision/sip-message.js';
import type { AgentState } from '../../shared/agent-state.js';
import { temperatureForDirection, type CallSessionView } from '../../shared/call-session.js';
import { staticSdpHandlerFactory } from '../support/static-sdp-handler.js';

if (typeof (globalThis as { WebSocket?: unknown }).WebSocket === 'undefined') (globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;

export type ToAgents = { kind: 'change'; id: number; agent: number; state: AgentState; reason: string | null } | { kind: 'usage' } | { kind: 'stop' };
export type FromAgents =
  | { kind: 'ready'; aors: string[] }
  | { kind: 'changed'; id: number; aor: string; state: AgentState; since: number; t0: number }
  | { kind: 'usage'; cpuMs: number; wallMs: number; rssMb: number; sent: number }
  | { kind: 'error'; message: string };

const send = (m: FromAgents) => process.send?.(m);
const epochNow = () => performance.timeOrigin + performance.now();

interface SimAgent {
  aor: string;
  ua: UserAgent;
  registerer: Registerer;
  publisher: PresencePublisher;
  agent: PresenceInputs['agent'];
  call: CallSessionView | null;
  stats: PresenceInputs['stats'];
}

function fakeCall(id: string, direction: 'inbound' | 'outbound', at: number): CallSessionView {
  return {
    id,
    direction,
    state: 'active',
    temperature: temperatureForDirection(direction),
    remoteUri: 'sip:+12125550100@pbx',
    remoteName: '',
    muted: false,
    pending: null,
    createdAt: at - 8000,
    answeredAt: at,
    endedAt: null,
    outcome: null,
    statusCode: null,
    detail: null,
    dtmfInBand: true,
    leadId: null,
    compliance: null,
    monitor: null,
  };
}

async function startAgent(user: string, env: { wsUrl: string; domain: string; supervisor: string; heartbeatSec: number }): Promise<SimAgent> {
  const aor = `sip:${user}@${env.domain}`;
  const ua = new UserAgent({
    uri: UserAgent.makeURI(aor),
    authorizationUsername: user,
    authorizationPassword: `secret-${user}`,
    displayName: `Bench ${user}`,
    transportOptions: { server: env.wsUrl, connectionTimeout: 5 },
    sessionDescriptionHandlerFactory: staticSdpHandlerFactory(),
    logLevel: 'error',
    logBuiltinEnabled: false,
  });
  await ua.start();
  const registerer = new Registerer(ua, { expires: 600 });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${user} did not register`)), 10_000);
    registerer.stateChange.addListener((s) => {
      if (s === RegistererState.Registered) {
        clearTimeout(timer);
        resolve();
      }
    });
    void registerer.register();
  });
  const sim: SimAgent = {
    aor,
    ua,
    registerer,
    agent: { state: 'available', pauseReason: null, since: Date.now(), name: `Bench agent ${user}` },
    call: null,
    stats: { calls: 0, connected: 0, talkSec: 0, successes: 0 },
    publisher: undefined as unknown as PresencePublisher,
  };
  sim.publisher = new PresencePublisher({
    self: aor,
    supervisors: [env.supervisor],
    heartbeatSec: env.heartbeatSec,
    registered: () => registerer.state === RegistererState.Registered,
    inputs: () => ({
      agent: sim.agent,
      campaign: 'Bench campaign',
      calls: sim.call ? [sim.call] : [],
      stats: sim.stats,
      registered: registerer.state === RegistererState.Registered,
    }),
    send: (to, contentType, body, headers) => sendSipMessage(ua, to, contentType, body, headers),
    log: { info: () => {}, warn: (m) => send({ kind: 'error', message: `${user}: ${m}` }) },
  });
  sim.publisher.start();
  return sim;
}

async function main(): Promise<void> {
  const env = {
    wsUrl: process.env.BENCH_WS_URL ?? '',
    domain: process.env.BENCH_DOMAIN ?? '127.0.0.1',
    supervisor: process.env.BENCH_SUPERVISOR ?? '',
    heartbeatSec: Number(process.env.BENCH_HEARTBEAT_SEC ?? 5),
  };
  const users = (process.env.BENCH_USERS ?? '').split(',').filter(Boolean);
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const agents: SimAgent[] = [];
  // Register in small groups: 50 digest handshakes at once are a burst no call center makes.
  for (let i = 0; i < users.length; i += 10) agents.push(...(await Promise.all(users.slice(i, i + 10).map((u) => startAgent(u, env)))));
  send({ kind: 'ready', aors: agents.map((a) => a.aor) });

  process.on('message', (raw: ToAgents) => {
    if (raw.kind === 'change') {
      const a = agents[raw.agent];
      if (!a) return;
      const t0 = epochNow();
      const since = Date.now();
      const wasOnCall = a.call !== null;
      a.agent = { ...a.agent, state: raw.state, pauseReason: raw.state === 'paused' ? raw.reason : null, since };
      if (raw.state === 'on-call') {
        a.call = fakeCall(`c${raw.id}`, raw.id % 3 === 0 ? 'inbound' : 'outbound', since);
        a.stats = { ...a.stats, calls: a.stats.calls + 1, connected: a.stats.connected + 1 };
      } else if (wasOnCall) {
        a.stats = {
          ...a.stats,
          talkSec: a.stats.talkSec + Math.round((since - (a.call?.answeredAt ?? since)) / 1000),
          successes: a.stats.successes + (raw.id % 5 === 0 ? 1 : 0),
        };
        a.call = null;
      }
      // What the workspace does on every change: tell the publisher.
      a.publisher.poke();
      send({ kind: 'changed', id: raw.id, aor: a.aor, state: raw.state, since, t0 });
    } else if (raw.kind === 'usage') {
      const cpu = process.cpuUsage(cpu0);
      send({
        kind: 'usage',
        cpuMs: (cpu.user + cpu.system) / 1000,
        wallMs: performance.now() - wall0,
        rssMb: process.memoryUsage().rss / 1048576,
        sent: agents.reduce((n, a) => n + a.publisher.sent, 0),
      });
    } else if (raw.kind === 'stop') {
      void (async () => {
        await Promise.allSettled(agents.map((a) => a.publisher.stop(500)));
        await Promise.allSettled(agents.map((a) => Promise.race([a.ua.stop(), new Promise((r) => setTimeout(r, 2000))])));
        process.exit(0);
      })();
    }
  });
  process.on('disconnect', () => process.exit(0));
}

main().catch((error: unknown) => {
  send({ kind: 'error', message: `agents failed: ${error instanceof Error ? error.message : String(error)}` });
  process.exit(1);
});
