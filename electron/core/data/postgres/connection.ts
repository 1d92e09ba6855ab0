/**
 * The pool of connections to a team's PostgreSQL, and the few ways the repositories use it: one
 * parameterised statement, or a transaction on one connection. Every failure that is about the
 * connection (address, password, TLS, timeouts) leaves here in words (errors.ts).
 */
import { readFileSync } from 'node:fs';
import tls from 'node:tls';
import pg from 'pg';
import type { TeamDatabase, TeamSslMode } from '../../../../shared/team.js';
import { endpointText, explain, TeamDatabaseError, type Endpoint } from './errors.js';
import { listen, type ListenOptions } from './listener.js';

/** One connection's statements (a transaction's, or any free connection of the pool's). */
export interface Sql {
  rows<R>(text: string, values?: readonly unknown[]): Promise<R[]>;
  /** The first row, or undefined. */
  one<R>(text: string, values?: readonly unknown[]): Promise<R | undefined>;
  /** Rows as arrays of column values (cheaper than objects for a million rows). */
  arrays(text: string, values?: readonly unknown[]): Promise<unknown[][]>;
  /** How many rows the statement wrote. */
  run(text: string, values?: readonly unknown[]): Promise<number>;
}

export interface Db extends Sql {
  readonly endpoint: Endpoint;
  /**
   * Runs `fn` in one transaction on one connection: committed when it resolves, rolled back when
   * it throws. `snapshot` reads one consistent view without writing (exports, scrubs).
   */
  tx<T>(fn: (sql: Sql) => Promise<T>, mode?: 'write' | 'snapshot'): Promise<T>;
  /**
   * Hears `channel`'s notifications on a connection of its own (listener.ts), made again when it
   * is lost; returns what stops it. `end` stops every listener too.
   */
  listen(channel: string, handlers: Pick<ListenOptions, 'onNotify' | 'onResume'>): () => void;
  end(): Promise<void>;
}

export interface ConnectOptions {
  /** How long to wait for a connection to be made (default 10 s). */
  connectTimeoutMs?: number;
  /** Every statement runs in a read-only transaction (the server refuses writes). */
  readonly?: boolean;
  /** A connection failed with nobody waiting on it: a pooled idle one, or a listener's (the server restarted, the network dropped). */
  onError?: (error: unknown) => void;
}

// BIGINT (epoch ms, ids, counts) as a number, not the driver's string: every value the store keeps
// is far below 2^53.
const INT8_OID = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** Where the database is, from its URL (postgres://user@host:port/database). */
export function endpointOf(database: TeamDatabase): Endpoint {
  const u = new URL(database.url);
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: u.port ? Number(u.port) : 5432,
    user: decodeURIComponent(u.username),
    database: decodeURIComponent(u.pathname.slice(1)),
    statementTimeoutMs: database.statementTimeoutMs,
  };
}

function sslOf(mode: TeamSslMode, caFile: string | undefined, at: Endpoint): pg.ClientConfig['ssl'] {
  if (mode === 'disable') return false;
  // Encrypted, but any certificate is accepted: protects against listening, not against an impostor.
  if (mode === 'require') return { rejectUnauthorized: false };
  let ca: string | undefined;
  if (caFile) {
    try {
      ca = readFileSync(caFile, 'utf8');
    } catch (error) {
      throw new TeamDatabaseError(
        'ca-file',
        `The CA file for the team database at ${endpointText(at)} (${caFile}) cannot be read: ${error instanceof Error ? error.message : String(error)}.`,
        { cause: error },
      );
    }
  }
  // The certificate must chain to the CA (or the system's) and name the host in the URL.
  return { rejectUnauthorized: true, ca, checkServerIdentity: tls.checkServerIdentity };
}

/** PostgreSQL's text cannot hold U+0000; it carries no meaning in a name or a note, so it is dropped. */
function clean(values: readonly unknown[] | undefined): unknown[] | undefined {
  if (!values) return undefined;
  return values.map((v) => (typeof v === 'string' ? (v.includes('\0') ? v.replaceAll('\0', '') : v) : Array.isArray(v) ? clean(v) : v));
}

/** A broken connection must not go back to the pool; a refused statement leaves it usable. */
function isConnectionLevel(error: unknown): boolean {
  return error instanceof TeamDatabaseError && (error.problem === 'unreachable' || error.problem === 'timeout');
}

/**
 * Parameterised statements are prepared once per connection under a name (the server parses and
 * plans them once, not on every call: about half the time of a claim). The texts are the
 * repositories' own, so few; a text built per call (a batch of N rows) is sent unnamed once the
 * cache is full, so neither this map nor a server session grows without bound.
 */
const MAX_PREPARED = 400;
const prepared = new Map<string, string>();
function statementName(text: string): string | undefined {
  let name = prepared.get(text);
  if (name === undefined && prepared.size < MAX_PREPARED) {
    name = `ringside_${prepared.size}`;
    prepared.set(text, name);
  }
  return name;
}

/**
 * A prepared statement the session can no longer use: another desktop's newer Ringside added a
 * column (`cached plan must not change result type`), or something between us and the server
 * (a pooler) dropped the session's statements. The connection is replaced and the work tried
 * again once on a fresh one, where everything is prepared anew.
 */
class StalePreparedError extends Error {}
function messageOfError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
function isStalePrepared(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | null;
  return (e?.code === '0A000' && /cached plan must not change result type/i.test(e.message ?? '')) || e?.code === '26000';
}

function sqlOn(client: pg.PoolClient, at: Endpoint): Sql {
  const query = async <R extends pg.QueryResultRow>(config: pg.QueryConfig): Promise<pg.QueryResult<R>> => {
    const name = config.values?.length ? statementName(config.text) : undefined;
    try {
      return await client.query<R>({ ...config, ...(name ? { name } : {}), values: clean(config.values) });
    } catch (error) {
      if (name && isStalePrepared(error)) throw new StalePreparedError(messageOfError(error), { cause: error });
      throw explain(error, at);
    }
  };
  return {
    rows: async <R>(text: string, values?: readonly unknown[]) => (await query<pg.QueryResultRow>({ text, values: values as unknown[] })).rows as R[],
    one: async <R>(text: string, values?: readonly unknown[]) =>
      (await query<pg.QueryResultRow>({ text, values: values as unknown[] })).rows[0] as R | undefined,
    arrays: async (text, values) =>
      (await client.query({ text, values: clean(values), rowMode: 'array' }).catch((e: unknown) => Promise.reject(explain(e, at)))).rows,
    run: async (text, values) => (await query({ text, values: values as unknown[] })).rowCount ?? 0,
  };
}

export function connect(database: TeamDatabase, opts: ConnectOptions = {}): Db {
  const at = endpointOf(database);
  const config: pg.ClientConfig = {
    host: at.host,
    port: at.port,
    user: at.user || undefined,
    database: at.database,
    password: database.password,
    ssl: sslOf(database.ssl, database.caFile, at),
    application_name: 'ringside',
    statement_timeout: database.statementTimeoutMs,
    // A transaction left open (a stalled agent) must not hold its locks on leads for long.
    idle_in_transaction_session_timeout: Math.max(10_000, 2 * database.statementTimeoutMs),
    // A server that stops answering (the network gone, not refused) fails the query soon after
    // the server's own timeout would have.
    query_timeout: database.statementTimeoutMs + 5_000,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
    keepAlive: true,
    options: opts.readonly ? '-c default_transaction_read_only=on' : undefined,
    types,
  };
  const pool = new pg.Pool({ ...config, max: database.poolMax, idleTimeoutMillis: 30_000 });
  // An idle connection that dies must not become an uncaught 'error' event (it would end the app).
  pool.on('error', (error) => opts.onError?.(explain(error, at)));

  async function withClient<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw explain(error, at);
    }
    let failure: unknown;
    // The pool listens for errors only on idle connections: one that dies while checked out, between
    // two statements of a transaction, would otherwise emit an uncaught 'error' and end the app.
    const onError = (error: Error): void => {
      failure ??= error;
    };
    client.on('error', onError);
    try {
      return await fn(client);
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      client.off('error', onError);
      client.release(isConnectionLevel(failure) || failure instanceof StalePreparedError ? (failure as Error) : undefined);
    }
  }

  /** Runs `fn` on a connection; once more on a fresh one if its prepared statements went stale. */
  async function onClient<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    try {
      return await withClient(fn);
    } catch (error) {
      if (!(error instanceof StalePreparedError)) throw error;
      try {
        return await withClient(fn);
      } catch (again) {
        throw again instanceof StalePreparedError ? explain(again.cause, at) : again;
      }
    }
  }

  let ended = false;
  const listeners = new Set<() => void>();
  return {
    endpoint: at,
    rows: (text, values) => onClient((c) => sqlOn(c, at).rows(text, values)),
    one: (text, values) => onClient((c) => sqlOn(c, at).one(text, values)),
    arrays: (text, values) => onClient((c) => sqlOn(c, at).arrays(text, values)),
    run: (text, values) => onClient((c) => sqlOn(c, at).run(text, values)),
    // A transaction that met a stale statement was rolled back whole: trying it again is safe.
    tx: (fn, mode = 'write') =>
      onClient(async (client) => {
        const sql = sqlOn(client, at);
        await sql.run(mode === 'snapshot' ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN');
        try {
          const result = await fn(sql);
          await sql.run('COMMIT');
          return result;
        } catch (error) {
          // A connection that broke cannot roll back; the server does it when the session ends.
          await client.query('ROLLBACK').catch(() => undefined);
          throw error;
        }
      }),
    listen: (channel, handlers) => {
      if (ended) return () => undefined;
      const stop = listen(config, at, { channel, ...handlers, onError: opts.onError });
      const remove = () => {
        listeners.delete(remove);
        stop();
      };
      listeners.add(remove);
      return remove;
    },
    end: async () => {
      if (ended) return;
      ended = true;
      for (const stop of [...listeners]) stop();
      await pool.end();
    },
  };
}
