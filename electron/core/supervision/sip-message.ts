/**
 * Sends one out-of-dialog SIP MESSAGE with sip.js and resolves with its final status: the
 * server's answer, sip.js's synthesized 408 (timeout) / 503 (transport error), or 0 when it could
 * not even be built. Never rejects: a supervisor who is offline is not the agent's problem.
 */
import { Messager, UserAgent } from 'sip.js';

export function sendSipMessage(ua: UserAgent, to: string, contentType: string, body: string, extraHeaders: string[] = [], timeoutMs = 32_000): Promise<number> {
  return new Promise((resolve) => {
    const target = UserAgent.makeURI(to);
    if (!target) return resolve(0);
    let timer: NodeJS.Timeout | undefined;
    const done = (code: number): void => {
      clearTimeout(timer);
      resolve(code);
    };
    // sip.js answers every request (408 after Timer F); this only bounds a stopped user agent.
    timer = setTimeout(() => done(408), timeoutMs);
    timer.unref?.();
    try {
      new Messager(ua, target, body, contentType, { extraHeaders })
        .message({
          requestDelegate: {
            onAccept: (r) => done(r.message.statusCode ?? 200),
            onReject: (r) => done(r.message.statusCode ?? 500),
            onRedirect: (r) => done(r.message.statusCode ?? 300),
          },
        })
        .catch(() => done(0));
    } catch {
      done(0);
    }
  });
}
