/**
 * Baseline for the benchmark: a stock sip.js `Web.SimpleUser` with default options (server,
 * aor, credentials, and the remote <audio> element SimpleUser requires). Every timestamp is
 * taken inside this page: WebSocket.prototype.send is wrapped to see when a SIP message goes
 * on the wire, and RTP counters come from the session's RTCPeerConnection.getStats().
 */
import { Web } from 'sip.js';

interface WireHit {
  t: number;
  first: string;
  cseq: string;
}

const hits: WireHit[] = [];
const watchers = new Set<(h: WireHit) => void>();
const nativeSend = WebSocket.prototype.send;
WebSocket.prototype.send = function send(this: WebSocket, data: string | ArrayBufferLike | Blob | ArrayBufferView) {
  if (typeof data === 'string') {
    const t = performance.now();
    const eol = data.indexOf('\r\n');
    const hit: WireHit = { t, first: eol < 0 ? data : data.slice(0, eol), cseq: /\r\nCSeq:\s*\d+\s+(\w+)/i.exec(data)?.[1]?.toUpperCase() ?? '' };
    hits.push(hit);
    if (hits.length > 200) hits.shift();
    for (const w of [...watchers]) w(hit);
  }
  return nativeSend.call(this, data);
};

/** Time of the first message sent at or after `since` that matches. */
function onWire(match: (h: WireHit) => boolean, since: number, timeoutMs = 15_000): Promise<number> {
  const seen = hits.find((h) => h.t >= since && match(h));
  if (seen) return Promise.resolve(seen.t);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      watchers.delete(w);
      reject(new Error('timed out waiting for a SIP message on the wire'));
    }, timeoutMs);
    const w = (h: WireHit): void => {
      if (h.t < since || !match(h)) return;
      clearTimeout(timer);
      watchers.delete(w);
      resolve(h.t);
    };
    watchers.add(w);
  });
}

const isInvite = (h: WireHit): boolean => h.first.startsWith('INVITE ');
const isInviteOk = (h: WireHit): boolean => h.first.startsWith('SIP/2.0 200') && h.cseq === 'INVITE';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let su: Web.SimpleUser | null = null;
let state: 'idle' | 'incoming' | 'active' = 'idle';
let registered = false;
let answerArmed = false;
let answerResult: Promise<number> | null = null;
const stateWaiters = new Set<() => void>();

function setState(s: typeof state): void {
  state = s;
  const el = document.getElementById('status');
  if (el) el.textContent = `${registered ? 'registered' : 'unregistered'} / ${state}`;
  for (const w of [...stateWaiters]) w();
}

function waitFor(pred: () => boolean, timeoutMs: number, what: string): Promise<void> {
  if (pred()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stateWaiters.delete(w);
      reject(new Error(`timed out: ${what} (state ${state})`));
    }, timeoutMs);
    const w = (): void => {
      if (!pred()) return;
      clearTimeout(timer);
      stateWaiters.delete(w);
      resolve();
    };
    stateWaiters.add(w);
  });
}

function peerConnection(): RTCPeerConnection | undefined {
  const session = (su as unknown as { session?: { sessionDescriptionHandler?: { peerConnection?: RTCPeerConnection } } } | null)?.session;
  return session?.sessionDescriptionHandler?.peerConnection;
}

async function rtp(): Promise<{ sent: number; received: number }> {
  const pc = peerConnection();
  if (!pc) return { sent: 0, received: 0 };
  const report = await pc.getStats();
  let sent = 0;
  let received = 0;
  report.forEach((s: Record<string, unknown>) => {
    if (s.type === 'outbound-rtp' && s.kind === 'audio') sent += Number(s.packetsSent ?? 0);
    if (s.type === 'inbound-rtp' && s.kind === 'audio') received += Number(s.packetsReceived ?? 0);
  });
  return { sent, received };
}

/** performance.now() when both directions have carried RTP, polled every ~5 ms. */
async function twoWayRtp(timeoutMs = 15_000): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const s = await rtp();
    if (s.sent > 0 && s.received > 0) return performance.now();
    if (performance.now() > deadline) throw new Error(`no two-way RTP in ${timeoutMs} ms (sent ${s.sent}, received ${s.received})`);
    await sleep(5);
  }
}

const bench = {
  ready: true,
  state: () => state,
  async start(o: { server: string; aor: string; user: string; password: string }): Promise<void> {
    const remote = document.getElementById('remote') as HTMLAudioElement;
    su = new Web.SimpleUser(o.server, {
      aor: o.aor,
      media: { remote: { audio: remote } },
      userAgentOptions: { authorizationUsername: o.user, authorizationPassword: o.password },
    });
    su.delegate = {
      onRegistered: () => {
        registered = true;
        setState(state);
      },
      onUnregistered: () => {
        registered = false;
        setState(state);
      },
      onCallReceived: () => {
        setState('incoming');
        if (!answerArmed || !su) return;
        answerArmed = false;
        const t0 = performance.now();
        const ok = onWire(isInviteOk, t0);
        answerResult = su
          .answer()
          .then(() => ok)
          .then((t) => t - t0);
        answerResult.catch(() => undefined);
      },
      onCallAnswered: () => setState('active'),
      onCallHangup: () => setState('idle'),
    };
    await su.connect();
    await su.register();
    await waitFor(() => registered, 10_000, 'SimpleUser registered');
  },
  /** Dials and measures dial → INVITE on the wire and dial → two-way RTP, ms. */
  async dial(target: string): Promise<{ inviteMs: number; rtpMs: number }> {
    if (!su) throw new Error('not started');
    const t0 = performance.now();
    const invite = onWire(isInvite, t0);
    const media = twoWayRtp();
    media.catch(() => undefined);
    await su.call(target);
    const tInvite = await invite;
    const tRtp = await media;
    return { inviteMs: tInvite - t0, rtpMs: tRtp - t0 };
  },
  /** The next incoming call is answered at once; `answered()` gives accept → 200 OK, ms. */
  armAnswer(): void {
    answerArmed = true;
    answerResult = null;
  },
  async answered(timeoutMs = 15_000): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    while (!answerResult) {
      if (performance.now() > deadline) throw new Error('no incoming call to answer');
      await sleep(5);
    }
    return answerResult;
  },
  async waitActive(timeoutMs = 15_000): Promise<void> {
    await waitFor(() => state === 'active', timeoutMs, 'call active');
  },
  async hangup(timeoutMs = 15_000): Promise<void> {
    if (su && state !== 'idle') await su.hangup();
    await waitFor(() => state === 'idle', timeoutMs, 'call ended');
  },
  async stop(): Promise<void> {
    if (!su) return;
    await su.unregister().catch(() => undefined);
    await su.disconnect().catch(() => undefined);
  },
};

declare global {
  interface Window {
    bench: typeof bench;
  }
}
window.bench = bench;
setState('idle');
