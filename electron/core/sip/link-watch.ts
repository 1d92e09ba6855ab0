/**
 * Notices a dead link to the SIP server. TCP can keep a half-open WebSocket "open" for many
 * minutes after a laptop sleeps or Wi-Fi drops, and sip.js's CRLF keep-alives expect no answer,
 * so nothing would ever say the server is gone. A WebSocket ping must be answered with a pong
 * (RFC 6455 §5.5.2) by any server: one that stays unanswered for `timeoutMs` means the link is
 * dead, and the socket is torn down so the transport reports "connection lost" and the line
 * opens a new one.
 */
import type { Logger } from '../lib/logger.js';

/** The part of a `ws` WebSocket the watch uses. */
interface PingableSocket {
  ping(): void;
  terminate(): void;
  on(event: 'pong', listener: () => void): unknown;
  off(event: 'pong', listener: () => void): unknown;
  readonly readyState: number;
}

const OPEN = 1;

function pingable(socket: unknown): socket is PingableSocket {
  const s = socket as Partial<PingableSocket> | null;
  return !!s && typeof s.ping === 'function' && typeof s.terminate === 'function' && typeof s.on === 'function' && typeof s.off === 'function';
}

export interface LinkWatchOptions {
  /** Ping this often while the link is quiet; 0 turns the periodic ping off (probes still work). */
  intervalMs: number;
  /** How long a pong may take before the link counts as dead. */
  timeoutMs: number;
  log: Logger;
}

export class LinkWatch {
  private socket: PingableSocket | null = null;
  private timer: NodeJS.Timeout | null = null;
  private waiting: { timer: NodeJS.Timeout; resolve: (alive: boolean) => void }[] = [];
  private readonly onPong = (): void => this.settle(true);

  constructor(private readonly options: LinkWatchOptions) {}

  /** Watches a freshly connected socket; false if it cannot be pinged (then nothing is watched). */
  watch(socket: unknown): boolean {
    this.stop();
    if (!pingable(socket)) {
      this.options.log.warn('the SIP transport cannot send WebSocket pings: a dead link is noticed only when TCP gives up');
      return false;
    }
    this.socket = socket;
    socket.on('pong', this.onPong);
    if (this.options.intervalMs > 0) {
      this.timer = setInterval(() => void this.probe(), this.options.intervalMs);
      this.timer.unref();
    }
    return true;
  }

  /**
   * Pings now; resolves true when the pong comes back, false when the link is dead (the socket
   * is then terminated) or there is no socket to ping.
   */
  probe(timeoutMs = this.options.timeoutMs): Promise<boolean> {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.options.log.warn(`the SIP server did not answer a WebSocket ping within ${timeoutMs} ms: reconnecting`);
        this.settle(false);
        if (this.socket === socket) this.stop();
        socket.terminate();
      }, timeoutMs);
      timer.unref();
      this.waiting.push({ timer, resolve });
      try {
        socket.ping();
      } catch {
        // A socket that cannot even send is as dead as one that does not answer.
        clearTimeout(timer);
        this.waiting = this.waiting.filter((w) => w.timer !== timer);
        resolve(false);
      }
    });
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.socket?.off('pong', this.onPong);
    this.socket = null;
    this.settle(false);
  }

  private settle(alive: boolean): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const w of waiting) {
      clearTimeout(w.timer);
      w.resolve(alive);
    }
  }
}
