/**
 * A connection of its own that LISTENs on one channel and hears every app's NOTIFY. It is not one
 * of the pool's: LISTEN belongs to a session, and a pooled connection goes back to be reused (or
 * closed when idle). A lost connection is made again after a capped backoff with jitter, and
 * `onResume` says that notifications sent meanwhile were missed. Nothing here throws to the
 * caller: failures go to `onError`.
 */
import pg from 'pg';
import { drop } from '../../lib/drop.js';
import { backoffDelay } from '../../sip/backoff.js';
import { explain, type Endpoint } from './errors.js';

export interface ListenOptions {
  channel: string;
  /** A notification's payload ('' when it had none). */
  onNotify: (payload: string) => void;
  /** Listening again after a lost connection (or after a first attempt that failed): anything may have been sent meanwhile. */
  onResume: () => void;
  onError?: (error: unknown) => void;
  /** Reconnection delays (default 250 ms doubling up to 30 s). */
  backoff?: { baseMs: number; capMs: number };
  /**
   * How often the session is checked while nothing arrives (default 30 s): a link that died
   * without a word (a laptop's Wi-Fi, a NAT that forgot us) is found this way, not at the next
   * notification that never comes. The check is LISTEN again, which changes nothing (and keeps
   * a server's idle_session_timeout, if it has one of more than this, from ending the session).
   */
  checkMs?: number;
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

export function listen(config: pg.ClientConfig, at: Endpoint, o: ListenOptions): () => void {
  const backoff = o.backoff ?? { baseMs: 250, capMs: 30_000 };
  const checkMs = o.checkMs ?? 30_000;
  const statement = `LISTEN ${quoteIdent(o.channel)}`;
  let stopped = false;
  /** Ends the current connection (or the wait before the next one). */
  let closeCurrent: () => void = () => undefined;
  let attempt = 0;
  // Set once a connection was lost or never made: the next one that listens must say so.
  let missed = false;

  // Without a logger, a failure has nowhere to go: the next reconnection (or onResume) is the
  // only thing the caller could do about it, and that happens anyway.
  const report = (error: unknown) => o.onError?.(explain(error, at));
  const guarded = (fn: () => void) => {
    try {
      fn();
    } catch (error) {
      report(error);
    }
  };

  function open(): void {
    if (stopped) return;
    const c = new pg.Client(config);
    let check: NodeJS.Timeout | null = null;
    let down = false;
    const close = () => {
      down = true;
      if (check) clearInterval(check);
      c.removeAllListeners('notification');
      c.end().catch(() => undefined);
    };
    const lost = (error?: unknown) => {
      if (down) return;
      close();
      if (stopped) return;
      // The loss, or the first attempt that fails, is reported; the attempts after it would only
      // say the same again every 30 s while the database stays away.
      if (error !== undefined && attempt === 0) report(error);
      missed = true;
      const retry = setTimeout(open, backoffDelay(attempt++, backoff));
      closeCurrent = () => clearTimeout(retry);
    };
    closeCurrent = close;
    c.on('error', (error) => lost(error));
    c.on('end', () => lost());
    c.on('notification', (m) => {
      if (m.channel === o.channel) guarded(() => o.onNotify(m.payload ?? ''));
    });
    const start = async () => {
      try {
        await c.connect();
        await c.query(statement);
      } catch (error) {
        lost(error);
        return;
      }
      if (down) return;
      attempt = 0;
      check = setInterval(() => drop(c.query(statement), (_, error) => lost(error)), checkMs);
      if (missed) {
        missed = false;
        guarded(o.onResume);
      }
    };
    drop(start(), (_, error) => report(error), 'listening');
  }

  open();
  return () => {
    if (stopped) return;
    stopped = true;
    closeCurrent();
  };
}
