/**
 * Starts Debian's coturn (`turnserver`) on 127.0.0.1 for end-to-end tests, with a config written
 * to a temporary folder: UDP and TCP on one free port, relay addresses on 127.0.0.1 from a fixed
 * port range, loopback peers allowed (coturn refuses to relay to 127.0.0.0/8 otherwise), no TLS
 * or DTLS, and either long-term credentials (`lt-cred-mech`, `user=`) or the TURN REST API's
 * shared secret (`use-auth-secret`, `static-auth-secret`). Its user database is a file in the same
 * folder, not the system's /var/lib/turn.
 *
 *   const turn = await startCoturn({ auth: { users: { agent1: 'pw' } }, relayPorts: [49160, 49199] });
 *   turn.url  // 'turn:127.0.0.1:PORT?transport=udp'
 *   await turn.stop();
 *
 * It runs as whoever runs the tests (root inside tests/tools/netns.sh, or the user namespace's
 * root): coturn 4.6 does not refuse root, and binds no privileged port here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { mkdtemp, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const HOST = '127.0.0.1';
const TURNSERVER_BIN = process.env.TURNSERVER_BIN ?? 'turnserver';
const READY_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 3_000;
const REALM = 'ringside.test';

export type CoturnAuth = { users: Record<string, string> } | { secret: string };

export interface CoturnServer {
  /** turn:127.0.0.1:PORT?transport=udp */
  url: string;
  port: number;
  realm: string;
  /** Everything coturn printed (it logs each allocation with its user name, and each refusal). */
  output(): string;
  stop(): Promise<void>;
}

/** Every coturn started by this process, killed on exit whatever happens to the tests. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

/** A port free for both UDP and TCP on 127.0.0.1 (coturn listens on both). */
async function freeUdpTcpPort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = net.createServer();
      srv.on('error', reject);
      srv.listen(0, HOST, () => {
        const addr = srv.address();
        const p = typeof addr === 'object' && addr ? addr.port : 0;
        srv.close(() => resolve(p));
      });
    });
    const udpFree = await new Promise<boolean>((resolve) => {
      const sock = dgram.createSocket('udp4');
      sock.once('error', () => resolve(false));
      sock.bind(port, HOST, () => sock.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error('no port free for both UDP and TCP on 127.0.0.1');
}

/** Does a STUN Binding request on UDP get an answer? (coturn answers one without credentials.) */
function stunAnswers(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = dgram.createSocket('udp4');
    const request = Buffer.alloc(20);
    request.writeUInt16BE(0x0001, 0); // Binding request
    request.writeUInt16BE(0, 2); // no attributes
    request.writeUInt32BE(0x2112a442, 4); // magic cookie
    randomBytes(12).copy(request, 8);
    const done = (ok: boolean) => {
      clearTimeout(timer);
      sock.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    sock.on('message', (msg) => done(msg.length >= 20 && msg.readUInt16BE(0) === 0x0101 && msg.subarray(8, 20).equals(request.subarray(8, 20))));
    sock.on('error', () => done(false));
    sock.send(request, port, HOST);
  });
}

/**
 * TURN REST API credentials made the way the convention says (what coturn's `use-auth-secret`
 * checks), written here on their own so a test does not take them from the code under test.
 */
export function restCredentials(secret: string, user: string, ttlSec = 3600): { username: string; credential: string } {
  const username = `${Math.floor(Date.now() / 1000) + ttlSec}:${user}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}

export async function startCoturn(opts: { auth: CoturnAuth; relayPorts: [number, number] }): Promise<CoturnServer> {
  installExitHook();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ringside-coturn-'));
  const port = await freeUdpTcpPort();
  const auth =
    'secret' in opts.auth
      ? ['use-auth-secret', `static-auth-secret=${opts.auth.secret}`]
      : ['lt-cred-mech', ...Object.entries(opts.auth.users).map(([user, password]) => `user=${user}:${password}`)];
  const config = [
    `listening-ip=${HOST}`,
    `relay-ip=${HOST}`,
    `listening-port=${port}`,
    `min-port=${opts.relayPorts[0]}`,
    `max-port=${opts.relayPorts[1]}`,
    // Every peer of these tests is on 127.0.0.1, which coturn will not relay to by default.
    'allow-loopback-peers',
    'no-tls',
    'no-dtls',
    ...auth,
    `realm=${REALM}`,
    'fingerprint',
    'no-cli',
    `userdb=${path.join(dir, 'turndb')}`,
    `pidfile=${path.join(dir, 'turnserver.pid')}`,
    'log-file=stdout',
    'simple-log',
    // Logs each allocation with its user name, which the tests read.
    'verbose',
  ];
  const configFile = path.join(dir, 'turnserver.conf');
  await writeFile(configFile, config.join('\n') + '\n');

  let out = '';
  const proc = spawn(TURNSERVER_BIN, ['-c', configFile], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(proc);
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  let exitInfo: string | null = null;
  const exited = new Promise<void>((resolve) => {
    proc.once('exit', (code, signal) => {
      exitInfo = `exited with code ${code} signal ${signal}`;
      running.delete(proc);
      resolve();
    });
    proc.once('error', (error) => {
      exitInfo = `failed to start: ${error.message}`;
      running.delete(proc);
      resolve();
    });
  });

  const stop = async (): Promise<void> => {
    if (exitInfo !== null) return;
    const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_GRACE_MS);
    proc.kill('SIGTERM');
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && exitInfo === null) {
    if (await stunAnswers(port, 300)) return { url: `turn:${HOST}:${port}?transport=udp`, port, realm: REALM, output: () => out, stop };
  }
  await stop();
  throw new Error(
    `coturn did not start: ${exitInfo ?? `no STUN answer on ${HOST}:${port} within ${READY_TIMEOUT_MS} ms`}\nconfig ${configFile}\n${out.slice(-4000)}`,
  );
}
