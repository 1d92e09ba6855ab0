/**
 * The agent's SIP user agent in the main process: one WebSocket transport, one Registerer, and
 * the registration state machine. Owns reconnection (capped exponential backoff with jitter)
 * instead of sip.js's fixed-interval retry, and never has two REGISTERs in flight.
 */
import type { Logger } from '../lib/logger.js';
import { Registerer, RegistererState, UserAgent, type Invitation, type Message, type SessionDescriptionHandlerFactory } from 'sip.js';
import WebSocketImpl from 'ws';
import type { Account } from '../../../shared/account.js';
import type { RegistrationView } from '../../../shared/registration-state.js';
import { backoffDelay, type BackoffOptions } from './backoff.js';
import { drop } from '../lib/drop.js';
import { LinkWatch } from './link-watch.js';
import { RegistrationMachine } from './registration-machine.js';

/**
 * sip.js's transport uses the global WebSocket. Node 20 has none, and the one newer Node and
 * Electron's main process have cannot send pings, which the link watch needs: use `ws`.
 */
export function ensureWebSocket(): void {
  const g = globalThis as { WebSocket?: unknown };
  // A subclass of `ws` (a test's timing wrapper) can ping too: keep it.
  const current = g.WebSocket;
  const isWs = typeof current === 'function' && (current === WebSocketImpl || current.prototype instanceof WebSocketImpl);
  if (!isWs) g.WebSocket = WebSocketImpl;
}

/** After a wake or a network change, a pong must come back this fast or the link is replaced. */
const WAKE_PROBE_MS = 1500;

export interface SipClientDeps {
  account: Account;
  sdhFactory: SessionDescriptionHandlerFactory;
  onInvite(invitation: Invitation): void;
  /** Out-of-dialog MESSAGE (agent state for the live board); must answer it. Absent: sip.js answers 200. */
  onMessage?(message: Message): void;
  onRegistration(view: RegistrationView): void;
  /** Told when the WebSocket goes down (error) or comes back. */
  onConnection?(connected: boolean): void;
  backoff?: BackoffOptions;
  log: Logger;
  now?: () => number;
}

/** Status codes that mean "your settings are wrong": retrying would only lock the account. */
const NOT_RETRYABLE = new Set([401, 403, 404]);

export function describeRegisterFailure(code: number | null, reason: string | null): string {
  if (code === 401 || code === 407 || code === 403) return `The SIP server refused the user name or password (${code} ${reason ?? ''}).`.replace(' )', ')');
  if (code === 404) return 'The SIP server does not know this account (404).';
  if (code === 408) return 'The SIP server did not answer the registration in time (408).';
  if (code !== null) return `Registration failed: ${code} ${reason ?? ''}`.trim();
  return 'Registration failed.';
}

/** Resolves with the promise's value, or undefined after `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)))]).finally(() => clearTimeout(timer));
}

export class SipClient {
  readonly ua: UserAgent;
  private readonly registerer: Registerer;
  private readonly machine: RegistrationMachine;
  private readonly backoff: BackoffOptions;
  private readonly now: () => number;
  /** The agent wants to be registered (false after sip:unregister or stop). */
  private wanted = false;
  private stopped = false;
  private inFlight: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  /** Settles the REGISTER we are waiting on, if any (the socket can die under it). */
  private settleRegister: ((ok: boolean, code: number | null, reason: string | null) => void) | null = null;
  private readonly link: LinkWatch;
  /** Told when the transport reports the socket gone. */
  private onceDisconnected: (() => void)[] = [];

  constructor(private readonly deps: SipClientDeps) {
    ensureWebSocket();
    const { account } = deps;
    this.backoff = deps.backoff ?? { baseMs: 1000, capMs: 30_000 };
    this.now = deps.now ?? Date.now;
    this.machine = new RegistrationMachine(account.aor, deps.onRegistration);
    const keepAliveMs = account.keepAliveSec * 1000;
    this.link = new LinkWatch({ intervalMs: keepAliveMs, timeoutMs: Math.min(keepAliveMs || 5000, 5000), log: deps.log });
    const uri = UserAgent.makeURI(account.aor);
    if (!uri) throw new Error(`Invalid SIP address ${account.aor}`);
    this.ua = new UserAgent({
      uri,
      displayName: account.displayName,
      authorizationUsername: account.authUser || uri.user,
      authorizationPassword: account.password,
      // The link watch's WebSocket pings replace sip.js's CRLF keep-alives, which expect no answer.
      transportOptions: { server: account.server, connectionTimeout: 5 },
      // We reconnect ourselves, with backoff and jitter, and re-register after.
      reconnectionAttempts: 0,
      sessionDescriptionHandlerFactory: deps.sdhFactory,
      userAgentString: 'Ringside/0.1 (sip.js)',
      // The call manager sends 180 itself once it has decided the call may ring: a monitoring
      // request is answered or refused without ever ringing.
      sendInitialProvisionalResponse: false,
      logBuiltinEnabled: false,
      logLevel: 'error',
      delegate: {
        onInvite: (invitation) => deps.onInvite(invitation),
        ...(deps.onMessage ? { onMessage: (message: Message) => deps.onMessage?.(message) } : {}),
        onDisconnect: (error) => this.onDisconnect(error),
        onConnect: () => {
          this.link.watch((this.ua.transport as { ws?: unknown }).ws);
          deps.onConnection?.(true);
        },
      },
    });
    this.registerer = new Registerer(this.ua, { expires: account.expires, refreshFrequency: 85 });
    this.registerer.stateChange.addListener((state) => this.onRegistererState(state));
  }

  get registration(): RegistrationView {
    return this.machine.current;
  }

  get isRegistered(): boolean {
    return this.machine.state === 'registered';
  }

  /** Connect and register; resolves when this attempt settles (registered or failed). */
  register(): Promise<void> {
    if (this.stopped) return Promise.reject(new Error('SIP client stopped'));
    this.wanted = true;
    this.clearRetry();
    if (!this.inFlight) {
      this.inFlight = this.attempt().finally(() => {
        this.inFlight = null;
      });
    }
    return this.inFlight;
  }

  async unregister(): Promise<void> {
    this.wanted = false;
    this.clearRetry();
    // Never hang on a server that does not answer: the agent wants out (or the app is quitting).
    if (this.inFlight)
      await within(
        this.inFlight.catch(() => undefined),
        3000,
      );
    if (this.registerer.state === RegistererState.Registered && this.ua.isConnected()) {
      const outcome = await within(this.sendRegister('unregister'), 3000);
      if (!outcome?.ok) this.deps.log.warn(`un-REGISTER answered ${outcome?.code ?? outcome?.reason ?? 'nothing in 3 s'}`);
    }
    if (this.machine.state !== 'unregistered') this.machine.transition('unregistered', { error: null, retryAt: null, attempt: 0 });
  }

  /**
   * The computer woke up or its network changed: the socket may be dead without anybody knowing.
   * Ping it; if no pong comes back at once, open a new one. Either way register again, since the
   * server may have let the registration lapse meanwhile. Incoming calls reach us again as soon
   * as this resolves, not after a 32 s REGISTER timeout on a dead socket.
   */
  async checkLink(): Promise<void> {
    if (this.stopped || !this.wanted) return;
    this.failures = 0;
    if (this.ua.isConnected() && !(await this.link.probe(WAKE_PROBE_MS)) && this.ua.isConnected()) {
      // The dead socket is torn down: wait for the transport to say so, then connect afresh.
      await within(new Promise<void>((resolve) => this.onceDisconnected.push(resolve)), 2000);
    }
    if (this.stopped || !this.wanted) return;
    await this.register();
  }

  async stop(): Promise<void> {
    await this.unregister().catch(() => undefined);
    this.stopped = true;
    this.link.stop();
    this.clearRetry();
    await within(
      this.ua.stop().catch(() => undefined),
      3000,
    );
  }

  private async attempt(): Promise<void> {
    this.machine.transition('registering', { error: null, retryAt: null });
    try {
      if (!this.ua.isConnected()) {
        if (this.ua.state === 'Started') await this.ua.reconnect();
        else await this.ua.start();
      }
      this.machine.patch({ connected: true });
    } catch (error) {
      this.fail(`Cannot reach the SIP server at ${this.deps.account.server}: ${error instanceof Error ? error.message : String(error)}`, true, 'link');
      return;
    }
    if (!this.wanted) return;
    const outcome = await this.sendRegister('register');
    if (outcome.ok) {
      this.failures = 0;
      if (this.wanted) this.machine.transition('registered', { error: null, retryAt: null, attempt: 0, connected: true });
      return;
    }
    // No status at all: the socket died under the REGISTER, a link problem, not the server's answer.
    this.fail(
      describeRegisterFailure(outcome.code, outcome.reason),
      outcome.code === null || !NOT_RETRYABLE.has(outcome.code),
      outcome.code === null ? 'link' : 'server',
    );
  }

  /**
   * Sends a REGISTER (or an un-REGISTER) and resolves with its final answer. sip.js's promise
   * only says "sent"; timeouts and transport errors come back as synthesized 408/503 rejects.
   * If sip.js drops the response itself (no usable Contact), the registerer falls back to
   * Unregistered, which settles it too.
   */
  private sendRegister(kind: 'register' | 'unregister'): Promise<{ ok: boolean; code: number | null; reason: string | null }> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (ok: boolean, code: number | null, reason: string | null): void => {
        if (done) return;
        done = true;
        if (this.settleRegister === finish) this.settleRegister = null;
        this.registerer.stateChange.removeListener(onState);
        resolve({ ok, code, reason });
      };
      this.settleRegister = finish;
      const onState = (state: RegistererState): void => {
        // sip.js moves to Unregistered before it calls onReject: give the reject (with its
        // status code) the first word.
        if (kind === 'register' && (state === RegistererState.Unregistered || state === RegistererState.Terminated))
          setTimeout(() => finish(false, null, null), 0);
      };
      this.registerer.stateChange.addListener(onState);
      const requestDelegate = {
        onAccept: () => finish(true, null, null),
        onReject: (r: { message: { statusCode?: number; reasonPhrase?: string } }) =>
          finish(false, r.message.statusCode ?? null, r.message.reasonPhrase ?? null),
        onRedirect: (r: { message: { statusCode?: number; reasonPhrase?: string } }) =>
          finish(false, r.message.statusCode ?? null, r.message.reasonPhrase ?? null),
      };
      const sent = kind === 'register' ? this.registerer.register({ requestDelegate }) : this.registerer.unregister({ requestDelegate });
      sent.catch((error: unknown) => finish(false, null, error instanceof Error ? error.message : String(error)));
    });
  }

  /** `link`: the server could not be reached (retried within seconds); `server`: it answered and refused. */
  private fail(message: string, retry: boolean, kind: 'link' | 'server' = 'server'): void {
    this.failures += 1;
    const connected = this.ua.isConnected();
    if (!retry || !this.wanted || this.stopped) {
      this.machine.transition('failed', { error: message, retryAt: null, attempt: this.failures, connected });
      return;
    }
    const { linkCapMs = 2000, ...rest } = this.backoff;
    const delay = backoffDelay(this.failures - 1, kind === 'link' ? { ...rest, capMs: Math.min(rest.capMs, linkCapMs) } : rest);
    this.machine.transition('failed', { error: message, retryAt: this.now() + delay, attempt: this.failures, connected });
    this.deps.log.warn(`${message} Retrying in ${delay} ms.`);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.wanted && !this.stopped) drop(this.register(), undefined, 're-register');
    }, delay);
  }

  private onDisconnect(error?: Error): void {
    this.link.stop();
    const waiting = this.onceDisconnected;
    this.onceDisconnected = [];
    for (const resolve of waiting) resolve();
    this.deps.onConnection?.(false);
    if (this.stopped) return;
    this.machine.patch({ connected: false });
    if (!error || !this.wanted) return;
    // A REGISTER sent just before the socket died would otherwise wait for its 32 s timeout.
    if (this.settleRegister) {
      this.settleRegister(false, null, 'connection lost');
      return; // that attempt now fails and schedules the retry
    }
    // Lost the server: whatever we had, we are not registered any more.
    if (this.inFlight) return; // the attempt in progress will fail and schedule the retry
    this.fail(`Lost the connection to the SIP server (${error.message}).`, true, 'link');
  }

  private onRegistererState(state: RegistererState): void {
    // A refresh that failed, or the server dropped us: register again.
    if (state === RegistererState.Unregistered && this.wanted && !this.inFlight && this.machine.state === 'registered') {
      this.fail('The SIP server ended the registration.', true);
    }
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}
