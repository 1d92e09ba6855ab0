/**
 * Browser transport: serves the built renderer and the IPC contract over a WebSocket on
 * loopback only. Access needs the per-launch token (in the URL fragment, so it never reaches a
 * server log) and an Origin of this very server, so another web page on the machine cannot
 * drive the softphone.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { WireFrame } from '../../../shared/contract.js';
import type { RendererHost } from './connection.js';
import { drop } from '../lib/drop.js';

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

export async function startBrowserServer(core: RendererHost, options: { rendererDir: string; port?: number; host?: '127.0.0.1' }): Promise<BrowserServer> {
  const token = randomBytes(24).toString('base64url');
  const root = resolve(options.rendererDir);
  const host = options.host ?? '127.0.0.1';
  let origin = '';

  const server: Server = createServer((req, res) => {
    drop(
      serveStatic(root, req.url ?? '/').then((file) => {
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
        createReadStream(file).pipe(res);
      }),
      undefined,
      'static file',
    );
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    const given = url.searchParams.get('token') ?? '';
    if (url.pathname !== '/ipc' || !sameToken(given, token) || req.headers.origin !== origin) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(core, ws));
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

async function serveStatic(root: string, rawUrl: string): Promise<string | null> {
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(rawUrl, 'http://x').pathname);
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

function attach(core: RendererHost, ws: WebSocket): void {
  const send = (frame: WireFrame): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  };
  const connection = core.connect({ send: (channel, payload) => send({ kind: 'event', channel, payload }) });
  ws.on('message', (data, isBinary) => {
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
