/**
 * A real HTTP server standing in for the company's CRM: it verifies each webhook's Standard
 * Webhooks signature with the `standardwebhooks` package (as a CRM would), records what arrived,
 * and answers what the test scripts (200 by default). It can go away and come back on the same
 * port (`close`, then `restart`), as a CRM does when it is redeployed.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  id: string;
  timestamp: string;
  body: string;
  /** The signature verified under the secret. */
  verified: boolean;
  headers: IncomingHttpHeaders;
  /** What the server answered (or will answer, for a delayed answer). */
  status: number;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  /** Wait before answering (a slow CRM). */
  delayMs?: number;
}

/** An answer, or a function choosing one for each request (its `status` is not set yet). */
export type Answering = Answer | ((request: Received) => Answer);

export interface CrmServer {
  url: string;
  received: Received[];
  /** The next answers, in order; afterwards 200. */
  script(...answers: Answer[]): void;
  /** Answers every request with this from now on (until `script` or `answerAlways(null)`). */
  answerAlways(answer: Answering | null): void;
  close(): Promise<void>;
  /** Closes (if open) and listens again on the same port, keeping what was received and scripted. */
  restart(): Promise<void>;
}

export async function startCrmServer(secret: string): Promise<CrmServer> {
  const received: Received[] = [];
  let queue: Answer[] = [];
  let always: Answering | null = null;
  const verifier = new Webhook(secret);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let verified = false;
      try {
        verifier.verify(body, req.headers as Record<string, string>);
        verified = true;
      } catch {
        verified = false;
      }
      const got: Received = {
        id: String(req.headers['webhook-id']),
        timestamp: String(req.headers['webhook-timestamp']),
        body,
        verified,
        headers: req.headers,
        status: 0,
      };
      received.push(got);
      const answer = queue.shift() ?? (typeof always === 'function' ? always(got) : always) ?? { status: 200 };
      got.status = answer.status;
      setTimeout(() => {
        // The sender gave up waiting: nobody to answer.
        if (res.destroyed) return;
        res.writeHead(answer.status, answer.headers);
        res.end();
      }, answer.delayMs ?? 0);
    });
  });
  let listening = false;
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        listening = true;
        resolve();
      });
    });
  const close = () =>
    new Promise<void>((resolve) => {
      if (!listening) return resolve();
      listening = false;
      server.closeAllConnections();
      server.close(() => resolve());
    });
  await listen(0);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/ringside`,
    received,
    script: (...answers) => {
      queue = answers;
    },
    answerAlways: (a) => {
      always = a;
    },
    close,
    restart: async () => {
      await close();
      await listen(port);
    },
  };
}
