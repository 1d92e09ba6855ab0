/**
 * The main-process core: SIP account, registration, calls and the media bridge, behind the one
 * IPC contract. Plain Node (no `electron` import): the Electron shell and the browser-mode
 * server both hand it renderer connections, and tests drive it directly.
 */
import { randomUUID } from 'node:crypto';
import type { Account, AccountView } from '../../shared/account.js';
import type { CallSessionView } from '../../shared/call-session.js';
import { isRequestChannel, requestSchemas, type RequestChannel, type RequestResults, type Snapshot } from '../../shared/contract.js';
import type { RegistrationView } from '../../shared/registration-state.js';
import { fail, ok, RingsideError, type Result } from '../../shared/result.js';
import type { AccountStore, StoredAccount } from './account-store.js';
import type { BackoffOptions } from './backoff.js';
import { CallManager } from './call-manager.js';
import { drop } from './drop.js';
import { EventHub, type PeerSink } from './event-hub.js';
import { MediaBridge } from './media-bridge.js';
import { ProxySessionDescriptionHandler } from './proxy-sdh.js';
import { SipClient, type Logger } from './sip-client.js';

export interface CoreDeps {
  accounts: AccountStore;
  log?: Logger;
  backoff?: BackoffOptions;
  mediaTimeoutMs?: number;
  /** Register as soon as an account is known (default true). */
  autoRegister?: boolean;
}

/** One renderer's connection to the core. */
export interface CoreConnection {
  /** Validates and runs one request; never throws. */
  handle(channel: unknown, payload: unknown): Promise<Result<unknown>>;
  close(): void;
}

export interface Core {
  start(): Promise<void>;
  stop(): Promise<void>;
  connect(sink: PeerSink): CoreConnection;
  snapshot(): Snapshot;
  /** Reconnect and re-register now (e.g. after the computer wakes up), if registration is wanted. */
  reconnect(): Promise<void>;
  /** For tests and benchmarks in the same process. */
  readonly calls: CallManager;
  readonly registration: RegistrationView;
}

const consoleLog: Logger = {
  info: (m) => console.log(`[ringside] ${m}`),
  warn: (m, e) => console.warn(`[ringside] ${m}`, e instanceof Error ? e.message : (e ?? '')),
};

export function createCore(deps: CoreDeps): Core {
  const log = deps.log ?? consoleLog;
  const hub = new EventHub();
  const bridge = new MediaBridge({ send: (request) => hub.emit('media:request', request) }, deps.mediaTimeoutMs);
  let stored: StoredAccount | null = null;
  let sip: SipClient | null = null;
  let started = false;
  let registration: RegistrationView = { state: 'unregistered', aor: null, error: null, retryAt: null, attempt: 0, connected: false };

  const calls = new CallManager({
    line: () => (sip && stored ? { ua: sip.ua, isRegistered: sip.isRegistered, aor: stored.account.aor } : null),
    onChange: (view) => hub.emit('call:state-changed', view),
    onRemoved: (id) => hub.emit('call:removed', { id }),
    log,
    newId: () => randomUUID(),
  });

  function accountView(): AccountView | null {
    if (!stored) return null;
    const a = stored.account;
    return {
      server: a.server,
      aor: a.aor,
      authUser: a.authUser ?? null,
      displayName: a.displayName ?? null,
      expires: a.expires,
      hasPassword: a.password.length > 0,
      source: stored.source,
    };
  }

  function buildSip(account: Account): SipClient {
    return new SipClient({
      account,
      log,
      backoff: deps.backoff,
      onInvite: (invitation) => calls.onInvite(invitation),
      onRegistration: (view) => {
        registration = view;
        hub.emit('registration:changed', view);
      },
      onConnection: (connected) => calls.onConnection(connected),
      sdhFactory: (session) => {
        const id = calls.idFor(session);
        const sdh = new ProxySessionDescriptionHandler(id, bridge, {
          iceServers: account.iceServers,
          iceTimeoutMs: account.iceGatheringTimeoutMs,
          onNegotiated: (info) => calls.noteNegotiated(id, info),
          onError: (m, e) => log.warn(m, e),
        });
        calls.attachSdh(id, sdh);
        return sdh;
      },
    });
  }

  async function useAccount(next: StoredAccount | null): Promise<void> {
    const old = sip;
    sip = null;
    if (old) {
      await calls.hangupAll();
      await old.stop();
    }
    stored = next;
    hub.emit('account:changed', accountView());
    if (!next) return;
    sip = buildSip(next.account);
    registration = sip.registration;
    hub.emit('registration:changed', registration);
    if (deps.autoRegister !== false) drop(sip.register(), log.warn, 'register');
  }

  function requireSip(): SipClient {
    if (!sip) throw new RingsideError('not-configured', 'No SIP account yet: open Settings and enter your server and password.');
    return sip;
  }

  const snapshot = (): Snapshot => ({ registration, account: accountView(), calls: calls.list() });

  type Handler<C extends RequestChannel> = (payload: unknown, peer: number) => Promise<RequestResults[C]> | RequestResults[C];
  const handlers: { [C in RequestChannel]: Handler<C> } = {
    'app:ready': (p, peer) => {
      hub.ready(peer, (p as { media: boolean }).media);
      return snapshot();
    },
    'account:get': () => accountView(),
    'account:save': async (p) => {
      const account = p as Account;
      if (stored?.source === 'provisioned') throw new RingsideError('invalid-account', 'This account is provisioned by your call center and cannot be changed here.');
      // Keep the saved password when the form leaves it empty (the UI never sees it).
      const merged = account.password === '' && stored ? { ...account, password: stored.account.password } : account;
      await deps.accounts.save(merged);
      await useAccount({ account: merged, source: 'settings' });
      return accountView() as AccountView;
    },
    'sip:register': async () => {
      const client = requireSip();
      await client.register();
      return client.registration;
    },
    'sip:unregister': async () => {
      const client = requireSip();
      await client.unregister();
      return client.registration;
    },
    'call:dial': (p) => calls.dial((p as { target: string }).target),
    'call:accept': (p) => calls.accept((p as { id: string }).id),
    'call:reject': (p) => calls.reject((p as { id: string }).id),
    'call:hangup': (p) => calls.hangup((p as { id: string }).id),
    'call:hold': (p) => calls.hold((p as { id: string }).id, (p as { hold: boolean }).hold),
    'call:mute': (p) => calls.mute((p as { id: string }).id, (p as { muted: boolean }).muted),
    'call:dtmf': (p) => calls.dtmf((p as { id: string }).id, (p as { tones: string }).tones),
    'call:transfer': (p) => calls.transfer((p as { id: string }).id, (p as { target: string }).target),
    'call:switch': (p) => calls.switchTo((p as { id: string }).id),
    'call:dismiss': (p) => {
      calls.dismiss((p as { id: string }).id);
      return null;
    },
    'media:respond': (p) => {
      const reply = p as Parameters<MediaBridge['respond']>[0];
      if (!bridge.respond(reply)) log.warn(`media reply for unknown request ${reply.requestId} ignored`);
      return null;
    },
  };

  return {
    calls,
    get registration() {
      return registration;
    },
    snapshot,
    async reconnect() {
      if (sip && registration.state !== 'unregistered') await sip.register();
    },
    async start() {
      if (started) throw new Error('core already started');
      started = true;
      await useAccount(await deps.accounts.load());
    },
    async stop() {
      await useAccount(null).catch((e: unknown) => log.warn('stop failed', e));
      bridge.failAll('core stopped');
    },
    connect(sink) {
      const peer = hub.add(sink);
      return {
        async handle(channel, payload) {
          if (!isRequestChannel(channel)) return fail('unknown-channel', `Unknown request ${String(channel).slice(0, 64)}`);
          const parsed = requestSchemas[channel].safeParse(payload);
          if (!parsed.success) {
            const why = parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ');
            return fail('bad-request', `Invalid ${channel} request: ${why}`);
          }
          try {
            return ok(await (handlers[channel] as Handler<typeof channel>)(parsed.data, peer));
          } catch (error) {
            if (error instanceof RingsideError) return fail(error.code, error.message);
            log.warn(`${channel} failed`, error);
            return fail('internal', error instanceof Error ? error.message : String(error));
          }
        },
        close() {
          hub.remove(peer);
        },
      };
    },
  };
}

export type { CallSessionView };
