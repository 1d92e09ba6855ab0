/**
 * A real HTTP server standing in for the company's CRM: it verifies each webhook's Standard
 * Webhooks signature with the `standardwebhooks` package (as a CRM would), records what arrived,
 * and answers what the test scripts (200 by default).
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
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  /** Wait before answering (a slow CRM). */
  delayMs?: number;
}

export interface CrmServer {
  url: string;
  received: Received[];
  /** The next answers, in order; afterwards 200. */
  script(...answers: Answer[]): void;
  /** Answers every request with this from now on (until `script` or `answerAlways(null)`). */
  answerAlways(answer: Answer | null): void;
  close(): Promise<void>;
}

export async function startCrmServer(secret: string): Promise<CrmServer> {
  const received: Received[] = [];
  let queue: Answer[] = [];
  let always: Answer | null = null;
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
      received.push({ id: String(req.headers['webhook-id']), timestamp: String(req.headers['webhook-timestamp']), body, verified, headers: req.headers });
      const answer = queue.shift() ?? always ?? { status: 200 };
      setTimeout(() => {
        res.writeHead(answer.status, answer.headers);
        res.end();
      }, answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
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
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
