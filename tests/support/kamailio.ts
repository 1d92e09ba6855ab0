/**
 * Starts a real Kamailio (Debian's `kamailio` + `kamailio-websocket-modules`) on loopback for
 * integration and end-to-end tests, with the config template tests/kamailio/kamailio.cfg.
 *
 *   const sip = await startKamailio();
 *   // sip.wsUrl === 'ws://127.0.0.1:PORT', sip.domain === '127.0.0.1'
 *   // users: KAMAILIO_USERS (password of every user is `secret-<user>`)
 *   await sip.stop();   // SIGTERM, SIGKILL after 3 s; waits for exit
 *   await sip.start();  // again, same port (registrations are lost: memory only)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readdirSync, readFileSync, type WriteStream } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

export interface KamailioServer {
  /** ws://127.0.0.1:PORT */
  wsUrl: string;
  port: number;
  /** SIP domain and digest realm: '127.0.0.1' */
  domain: string;
  /** user -> password */
  users: Record<string, string>;
  /** Stop Kamailio (SIGTERM, then SIGKILL after 3 s) and wait until it has exited. */
  stop(): Promise<void>;
  /** Start again on the same port (no-op when running). */
  start(): Promise<void>;
  /** pid of Kamailio's main process, or null when stopped. */
  pid(): number | null;
  /** Path of Kamailio's log file (stdout+stderr of all its runs). */
  logFile: string;
  /** Last lines of Kamailio's log. */
  logTail(lines?: number): string;
}

/** Simulated agents for the live-board benchmark (tests/bench/board-bench.ts): bench01 … bench50. */
export const BENCH_USERS: readonly string[] = Array.from({ length: 50 }, (_, i) => `bench${String(i + 1).padStart(2, '0')}`);

export const KAMAILIO_USERS: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(
    [
      'agent1',
      'agent2',
      'agent3',
      'customer1',
      'customer2',
      'customer3',
      'supervisor1',
      '+48225550141',
      '+48225550142',
      '+48225550143',
      '+12125550141',
      '+12125550142',
      ...BENCH_USERS,
    ].map((u) => [u, `secret-${u}`]),
  ),
);

const HOST = '127.0.0.1';
const KAMAILIO_BIN = process.env.KAMAILIO_BIN ?? 'kamailio';
const READY_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 3_000;
const TAIL_LINES = 200;

const here = path.dirname(fileURLToPath(import.meta.url));
const CONFIG_TEMPLATE = path.resolve(here, '../kamailio/kamailio.cfg');

/** Every Kamailio started by this process, killed on exit whatever happens to the tests. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = () => {
    for (const child of running) killGroup(child, 'SIGKILL');
  };
  process.on('exit', killAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      killAll();
      // keep the default behaviour (die by that signal) unless someone else handles it
      if (process.listenerCount(sig) === 1) {
        process.removeListener(sig, onSignal);
        process.kill(process.pid, sig);
      }
    };
    process.on(sig, onSignal);
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid == null) return;
  try {
    // detached: Kamailio's main process leads its own process group (it forks workers)
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

/** Is any non-zombie process left in this process group? */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  // kill(-pgid, 0) also succeeds for zombies waiting to be reaped by init: look at /proc
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      } catch {
        continue;
      }
      // pid (comm) state ppid pgrp ...; comm may contain spaces/parens
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') return true;
    }
    return false;
  } catch {
    return true;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, HOST, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** One attempt: does the port complete a WebSocket handshake with subprotocol "sip"? */
function tryHandshake(url: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const ws = new WebSocket(url, 'sip', { handshakeTimeout: timeoutMs });
    const done = (ok: boolean) => {
      if (settled) return;
      settled = true;
      try {
        ws.terminate();
      } catch {
        /* ignore */
      }
      resolve(ok);
    };
    ws.on('open', () => done(ws.protocol === 'sip'));
    ws.on('error', () => done(false));
    ws.on('unexpected-response', () => done(false));
    ws.on('close', () => done(false));
  });
}

export async function startKamailio(opts: { port?: number } = {}): Promise<KamailioServer> {
  installExitHook();
  const port = opts.port ?? (await freePort());
  const domain = HOST;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ringside-kamailio-'));
  const cfgPath = path.join(dir, 'kamailio.cfg');
  const pidFile = path.join(dir, 'kamailio.pid');
  const logFile = path.join(dir, 'kamailio.log');
  const wsUrl = `ws://${HOST}:${port}`;

  const template = await readFile(CONFIG_TEMPLATE, 'utf8');
  const cfg = template.replaceAll('__WS_PORT__', String(port)).replaceAll('__DOMAIN__', domain).replaceAll('__LISTEN_IP__', HOST);
  await writeFile(cfgPath, cfg);

  const tail: string[] = [];
  let partial = '';
  let log: WriteStream | null = null;
  let child: ChildProcess | null = null;
  let exited: Promise<void> | null = null;

  const pushLog = (chunk: Buffer) => {
    log?.write(chunk);
    const text = partial + chunk.toString('utf8');
    const lines = text.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
    }
  };
  const logTail = (n = 40) => [...tail, ...(partial ? [partial] : [])].slice(-n).join('\n');

  async function start(): Promise<void> {
    if (child) return;
    log ??= createWriteStream(logFile, { flags: 'a' });
    const args = ['-DD', '-E', '-f', cfgPath, '-Y', dir, '-P', pidFile, '-m', '64', '-M', '8'];
    const proc = spawn(KAMAILIO_BIN, args, {
      cwd: dir,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    running.add(proc);
    proc.stdout?.on('data', pushLog);
    proc.stderr?.on('data', pushLog);
    let exitInfo: string | null = null;
    exited = new Promise<void>((resolve) => {
      const finish = (code: number | null, signal: NodeJS.Signals | null, err?: Error) => {
        if (exitInfo !== null) return;
        exitInfo = err ? `failed to spawn: ${err.message}` : `exited with code ${code} signal ${signal}`;
        running.delete(proc);
        if (child === proc) child = null;
        resolve();
      };
      proc.on('exit', (code, signal) => finish(code, signal));
      proc.on('error', (err) => finish(null, null, err));
    });

    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (exitInfo !== null) break;
      if (await tryHandshake(wsUrl, 1_000)) return;
      await sleep(100);
    }
    const why = exitInfo ?? `no WebSocket (sip) handshake on ${wsUrl} within ${READY_TIMEOUT_MS} ms`;
    await stop();
    throw new Error(`Kamailio did not start: ${why}\ncommand: ${KAMAILIO_BIN} ${args.join(' ')}\nlog ${logFile}, last lines:\n${logTail(60)}`);
  }

  async function stop(): Promise<void> {
    const proc = child;
    if (!proc) return;
    const pgid = proc.pid;
    // Kamailio's main process stops its workers on SIGTERM
    try {
      proc.kill('SIGTERM');
    } catch {
      /* gone */
    }
    const timer = setTimeout(() => killGroup(proc, 'SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
    // make sure no worker outlives the main process (the main process reaps its workers
    // before exiting, so anything left in its group now is an orphan)
    if (pgid != null) {
      const until = Date.now() + 500;
      while (groupAlive(pgid) && Date.now() < until) await sleep(50);
      if (groupAlive(pgid)) {
        try {
          process.kill(-pgid, 'SIGKILL');
        } catch {
          /* gone */
        }
        const hard = Date.now() + STOP_GRACE_MS;
        while (groupAlive(pgid) && Date.now() < hard) await sleep(20);
      }
    }
    running.delete(proc);
    if (child === proc) child = null;
  }

  await start();

  return {
    wsUrl,
    port,
    domain,
    users: { ...KAMAILIO_USERS },
    stop,
    start,
    pid: () => child?.pid ?? null,
    logFile,
    logTail,
  };
}
