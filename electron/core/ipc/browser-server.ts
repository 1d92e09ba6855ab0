/**
 * Browser transport: serves the built renderer and the IPC contract over a WebSocket on
 * loopback only. Access needs the per-launch token (in the URL fragment, so it never reaches a
 * server log) and an Origin of this very server, so another web page on the machine cannot
 * drive the softphone.
 *
 * Nothing a client sends may end the core: a request line no URL parser reads (`//[`) is
 * answered 400, a frame over the size cap closes its connection (1009), and each connection has
 * a request budget (a token bucket): past it, requests are answered `rate-limited` without
 * running, and a connection that keeps flooding, or stops reading its answers, is cut off.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { WireFrame } from '../../../shared/contract.js';
import { wireFrameMaxBytes } from '../../../shared/import.js';
import type { RendererHost } from './connection.js';
import { drop } from '../lib/drop.js';

/** How many requests one window may make: sustained per second, and at once. */
export interface RequestRate {
  perSecond: number;
  burst: number;
}

/** A page load asks for a few dozen things at once; nothing the UI does needs more than this. */
const DEFAULT_RATE: RequestRate = { perSecond: 100, burst: 300 };
/** Longest request target read (Node itself stops at 16 KiB of headers). */
const MAX_URL_CHARS = 8192;
/**
 * Refusals a connection may draw (burst, and per second as a multiple of its request rate) before
 * it is closed: a window that keeps sending far past `rate-limited` is not a UI any more.
 */
const REFUSALS = { burst: 1000, rateMultiple: 10 };
/** Answers queued unsent to a window that does not read them, before it is cut off. */
const MAX_BUFFERED_BYTES = 16 << 20;

export interface BrowserServer {
  /** Open this in a browser: includes the token. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wav': 'audio/wav',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

export async function startBrowserServer(
  core: RendererHost,
  options: { rendererDir: string; port?: number; host?: '127.0.0.1'; rate?: RequestRate },
): Promise<BrowserServer> {
  const token = randomBytes(24).toString('base64url');
  const root = resolve(options.rendererDir);
  const host = options.host ?? '127.0.0.1';
  let origin = '';

  const rate = options.rate ?? DEFAULT_RATE;

  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { 'content-type': 'text/plain', allow: 'GET, HEAD' }).end('Method not allowed');
      return;
    }
    if (!requestUrl(req.url)) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('Bad request');
      return;
    }
    drop(
      serveStatic(root, req.url).then((file) => {
        if (!file) {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
          return;
        }
        res.writeHead(200, {
          'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
          'x-content-type-options': 'nosniff',
          // Vite's hashed assets never change; the page itself is always revalidated.
          'cache-control': file.includes(`${sep}assets${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
        });
        if (req.method === 'HEAD') {
          res.end();
          return;
        }
        // A file that goes away between stat and read ends this response, not the process.
        createReadStream(file)
          .on('error', () => res.destroy())
          .pipe(res);
      }),
      undefined,
      'static file',
    );
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: wireFrameMaxBytes });
  server.on('upgrade', (req, socket, head) => {
    // A client that resets mid-handshake must not raise an unhandled 'error'.
    socket.on('error', () => socket.destroy());
    const url = requestUrl(req.url);
    if (!url) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const given = url.searchParams.get('token') ?? '';
    if (url.pathname !== '/ipc' || !sameToken(given, token) || req.headers.origin !== origin) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(core, ws, rate));
  });

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://${host}:${port}`;
  return {
    url: `${origin}/#token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The request target as a URL, or null when it is too long or no URL parser reads it. */
function requestUrl(raw: string | undefined): URL | null {
  if (typeof raw !== 'string' || raw.length > MAX_URL_CHARS) return null;
  try {
    return new URL(raw, 'http://127.0.0.1');
  } catch {
    return null;
  }
}

async function serveStatic(root: string, rawUrl: string | undefined): Promise<string | null> {
  const url = requestUrl(rawUrl);
  if (!url) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0')) return null;
  const file = normalize(join(root, pathname === '/' ? 'index.html' : pathname));
  if (file !== root && !file.startsWith(root + sep)) return null;
  try {
    const s = await stat(file);
    return s.isFile() ? file : null;
  } catch {
    return null;
  }
}

/** A token bucket: `burst` requests at once, refilled at `perSecond`. */
class RequestBudget {
  private tokens: number;
  private last = performance.now();

  constructor(private readonly rate: RequestRate) {
    this.tokens = rate.burst;
  }

  take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.rate.burst, this.tokens + ((now - this.last) / 1000) * this.rate.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

function attach(core: RendererHost, ws: WebSocket, rate: RequestRate): void {
  const sendText = (text: string): void => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      ws.terminate();
      return;
    }
    ws.send(text);
  };
  const send = (frame: WireFrame): void => sendText(JSON.stringify(frame));
  const connection = core.connect({ send: (channel, payload) => send({ kind: 'event', channel, payload }) });
  const budget = new RequestBudget(rate);
  const refusals = new RequestBudget({ perSecond: rate.perSecond * REFUSALS.rateMultiple, burst: REFUSALS.burst });
  ws.on('message', (data, isBinary) => {
    // Every frame draws on the budget, garbage too: parsing it is the cost being limited.
    const allowed = budget.take();
    if (!allowed && !refusals.take()) {
      ws.close(1008, 'Too many requests');
      return;
    }
    if (isBinary) return;
    let frame: unknown;
    try {
      frame = JSON.parse(data.toString());
    } catch {
      return; // not JSON: nothing to answer to
    }
    const f = frame as { kind?: unknown; id?: unknown; channel?: unknown; payload?: unknown };
    if (f?.kind !== 'request' || typeof f.id !== 'number' || !Number.isSafeInteger(f.id)) return;
    const id = f.id;
    if (!allowed) {
      send({
        kind: 'response',
        id,
        result: {
          ok: false,
          code: 'rate-limited',
          message: `Too many requests from this window (more than ${rate.perSecond} a second): this one was not run. Try again in a moment.`,
        },
      });
      return;
    }
    drop(
      connection.handle(f.channel, f.payload).then((result) => send({ kind: 'response', id, result })),
      undefined,
      'request',
    );
  });
  ws.on('close', () => connection.close());
  ws.on('error', () => connection.close());
}

export type { IncomingMessage };
