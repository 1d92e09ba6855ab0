/**
 * A throwaway PostgreSQL for tests: Debian's server binaries (/usr/lib/postgresql/<newest>/bin),
 * `initdb` into a temporary folder and `postgres` on 127.0.0.1 at a free port, with password
 * (SCRAM) authentication over TCP so the password path is what the tests use. Made for speed,
 * never for keeping data: no fsync, tiny shared buffers.
 *
 *   const pg = await startPostgres();
 *   pg.url, pg.password        // postgres://ringside_test@127.0.0.1:PORT/ringside_test
 *   await pg.createDatabase('contract');
 *   await pg.stop();           // fast shutdown, SIGKILL if it lingers, the folder removed
 *
 * PostgreSQL refuses to run as root. Run by root, the server runs as `nobody` (or
 * RINGSIDE_PG_USER; a `ringside-test` system user is added when neither exists); run by the root
 * of a user namespace (tests/tools/netns.sh as an ordinary user), where no other user is mapped,
 * it runs in a nested user namespace as an ordinary uid mapped onto that root.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TeamDatabase } from '../../shared/team.js';

const HOST = '127.0.0.1';
const USER = 'ringside_test';
const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;

export interface PostgresServer {
  /** postgres://ringside_test@127.0.0.1:PORT/ringside_test (no password in it). */
  url: string;
  password: string;
  host: string;
  port: number;
  user: string;
  database: string;
  /** How long initdb and the server's start took (ms). */
  startMs: { initdb: number; server: number };
  /** The team-database settings for `database` (default: the one created at start). */
  team(over?: Partial<TeamDatabase> & { database?: string }): TeamDatabase;
  /** Creates an empty database and returns its name. */
  createDatabase(name?: string): Promise<string>;
  /** Runs `fn` on a connection of the superuser to `database` (default: postgres). */
  admin<T>(fn: (client: pg.Client) => Promise<T>, database?: string): Promise<T>;
  /** A connection of the superuser to `database`, for the caller to end. */
  connect(database?: string): Promise<pg.Client>;
  /** What the server printed. */
  output(): string;
  stop(): Promise<void>;
}

export interface PostgresOptions {
  /** Serve TLS with this certificate and key (PEM); plain connections are still accepted. */
  tls?: { cert: string; key: string };
  /** Loopback addresses to listen on (default 127.0.0.1; any 127.x.y.z is this machine). */
  listen?: string[];
  /** Sessions the server takes (default 100): a team of fifty apps holds three each. */
  maxConnections?: number;
}

/**
 * A CA and a server certificate it signed for `names` (IP addresses or DNS names), made with
 * openssl into a temporary folder (removed when `cleanup` runs). `caFile` is for clients.
 */
export function testCertificates(names: string[]): { caFile: string; cert: string; key: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ringside-pg-tls-'));
  const at = (f: string) => path.join(dir, f);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ssl('req', '-x509', ...ec, '-keyout', at('ca.key'), '-out', at('ca.crt'), '-days', '2', '-subj', '/CN=Ringside test CA');
  ssl('req', ...ec, '-keyout', at('server.key'), '-out', at('server.csr'), '-subj', `/CN=${names[0]}`);
  const san = names.map((n) => (net.isIP(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
  writeFileSync(at('ext.cnf'), `subjectAltName=${san}\n`);
  ssl(
    'x509',
    '-req',
    '-in',
    at('server.csr'),
    '-CA',
    at('ca.crt'),
    '-CAkey',
    at('ca.key'),
    '-CAcreateserial',
    '-out',
    at('server.crt'),
    '-days',
    '2',
    '-extfile',
    at('ext.cnf'),
  );
  return {
    caFile: at('ca.crt'),
    cert: readFileSync(at('server.crt'), 'utf8'),
    key: readFileSync(at('server.key'), 'utf8'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Every server started by this process, killed on exit whatever happens to the tests. */
const running = new Map<ChildProcess, string>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const [child, dir] of running) {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

/** The newest installed server's bin folder (PG_BIN overrides). */
function binDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(path.join(root, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) throw new Error(`No PostgreSQL server under ${root}/*/bin (install Debian's postgresql package).`);
  return path.join(root, versions[0], 'bin');
}

/** How the server's binaries are started: as whom, and through what. */
interface RunAs {
  uid?: number;
  gid?: number;
  /** A command the binary runs under, e.g. unshare for a nested user namespace. */
  prefix: string[];
}

function inInitialUserNamespace(): boolean {
  try {
    const [inside, outside, count] = readFileSync('/proc/self/uid_map', 'utf8').trim().split(/\s+/).map(Number);
    return inside === 0 && outside === 0 && count === 4294967295;
  } catch {
    return true;
  }
}

function idOf(user: string): { uid: number; gid: number } | null {
  try {
    const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { uid, gid };
  } catch {
    return null;
  }
}

function runAs(): RunAs {
  if (process.geteuid?.() !== 0) return { prefix: [] };
  if (!inInitialUserNamespace()) {
    // Only root is mapped here: an inner namespace maps an ordinary uid onto it.
    return { prefix: ['unshare', '--user', '--map-user=1000', '--map-group=1000', '--'] };
  }
  const name = process.env.RINGSIDE_PG_USER ?? 'nobody';
  let id = idOf(name);
  if (!id) {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'ringside-test'], { stdio: 'ignore' });
    id = idOf('ringside-test');
  }
  if (!id) throw new Error(`No unprivileged user to run PostgreSQL as (tried ${name} and ringside-test).`);
  return { ...id, prefix: [] };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, HOST, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function run(as: RunAs, bin: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const [cmd, ...rest] = as.prefix.length ? [...as.prefix, bin, ...args] : [bin, ...args];
  return spawn(cmd, rest, { uid: as.uid, gid: as.gid, env, stdio: ['ignore', 'pipe', 'pipe'] });
}

function finished(child: ChildProcess, output: (s: string) => void): Promise<{ code: number | null; signal: string | null; error?: Error }> {
  child.stdout?.on('data', (d: Buffer) => output(d.toString()));
  child.stderr?.on('data', (d: Buffer) => output(d.toString()));
  return new Promise((resolve) => {
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

export async function startPostgres(opts: PostgresOptions = {}): Promise<PostgresServer> {
  installExitHook();
  const bin = binDir();
  const as = runAs();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ringside-pg-'));
  const owned = (file: string) => {
    if (as.uid !== undefined) chownSync(file, as.uid, as.gid!);
  };
  owned(dir);
  const password = `pw-${Math.random().toString(36).slice(2)}-${Date.now()}`;
  const pwfile = path.join(dir, 'pwfile');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  owned(pwfile);
  const data = path.join(dir, 'data');
  // Only what the binaries need: a PG* variable of the test's shell must not steer them.
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', TZ: 'UTC' };
  let out = '';
  const output = (s: string) => {
    out = (out + s).slice(-64_000);
  };

  const t0 = performance.now();
  const init = run(
    as,
    path.join(bin, 'initdb'),
    [
      '-D',
      data,
      '-U',
      USER,
      `--pwfile=${pwfile}`,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ],
    env,
  );
  const initResult = await finished(init, output);
  if (initResult.code !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (${initResult.error?.message ?? `code ${initResult.code}, signal ${initResult.signal}`}):\n${out.slice(-4000)}`);
  }
  const t1 = performance.now();

  const tlsArgs: string[] = [];
  if (opts.tls) {
    for (const [name, pem] of [
      ['server.crt', opts.tls.cert],
      ['server.key', opts.tls.key],
    ] as const) {
      const file = path.join(dir, name);
      writeFileSync(file, pem, { mode: 0o600 });
      chmodSync(file, 0o600);
      owned(file);
    }
    tlsArgs.push('-c', 'ssl=on', '-c', `ssl_cert_file=${path.join(dir, 'server.crt')}`, '-c', `ssl_key_file=${path.join(dir, 'server.key')}`);
  }

  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const server = run(
      as,
      path.join(bin, 'postgres'),
      [
        '-D',
        data,
        '-k',
        dir,
        '-p',
        String(port),
        '-c',
        `listen_addresses=${(opts.listen ?? [HOST]).join(',')}`,
        // For tests only: nothing here must survive a crash.
        '-c',
        'fsync=off',
        '-c',
        'synchronous_commit=off',
        '-c',
        'full_page_writes=off',
        '-c',
        'shared_buffers=16MB',
        '-c',
        `max_connections=${opts.maxConnections ?? 100}`,
        '-c',
        'logging_collector=off',
        ...tlsArgs,
      ],
      env,
    );
    running.set(server, dir);
    let exit: Awaited<ReturnType<typeof finished>> | null = null;
    const exited = finished(server, output).then((e) => {
      exit = e;
      running.delete(server);
      return e;
    });

    const stop = async (): Promise<void> => {
      if (exit === null) {
        // SIGINT is PostgreSQL's fast shutdown: sessions are ended, no checkpoint wait for clients.
        server.kill('SIGINT');
        const timer = setTimeout(() => server.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    };

    const connect = async (database = 'postgres'): Promise<pg.Client> => {
      const client = new pg.Client({ host: HOST, port, user: USER, password, database });
      // stop() ends every session: a client still open then must not throw from an event.
      client.on('error', () => undefined);
      try {
        await client.connect();
      } catch (error) {
        await client.end().catch(() => undefined);
        throw error;
      }
      return client;
    };
    const admin = async <T>(fn: (client: pg.Client) => Promise<T>, database?: string): Promise<T> => {
      const client = await connect(database);
      try {
        return await fn(client);
      } finally {
        await client.end();
      }
    };

    const deadline = Date.now() + READY_TIMEOUT_MS;
    let lastError = '';
    while (exit === null && Date.now() < deadline) {
      try {
        await admin((c) => c.query('SELECT 1'));
        break;
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    if (exit !== null || Date.now() >= deadline) {
      const bindFailed = /could not bind|Address already in use/i.test(out);
      await stop();
      if (bindFailed && attempt < 5) {
        // Someone took the free port between our probe and the server's bind.
        continue;
      }
      throw new Error(`PostgreSQL did not start on ${HOST}:${port}: ${exit ? JSON.stringify(exit) : lastError}\n${out.slice(-4000)}`);
    }
    const t2 = performance.now();

    const createDatabase = async (name = `db_${Math.random().toString(36).slice(2, 10)}`): Promise<string> => {
      await admin((c) => c.query(`CREATE DATABASE ${quoteIdent(name)}`));
      return name;
    };
    const database = await createDatabase(USER);
    const urlOf = (db: string) => `postgres://${USER}@${HOST}:${port}/${encodeURIComponent(db)}`;
    return {
      url: urlOf(database),
      password,
      host: HOST,
      port,
      user: USER,
      database,
      startMs: { initdb: Math.round(t1 - t0), server: Math.round(t2 - t1) },
      team: ({ database: db = database, ...over } = {}) => ({
        url: urlOf(db),
        password,
        ssl: 'disable',
        statementTimeoutMs: 5000,
        poolMax: 4,
        ...over,
      }),
      createDatabase,
      admin,
      connect,
      output: () => out,
      stop,
    };
  }
}
