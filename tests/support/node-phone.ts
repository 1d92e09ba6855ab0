/**
 * A customer phone in Node: a plain sip.js UserAgent (no media, fixed SDP) registered to the
 * test Kamailio. It can answer, reject, hang up, call the agent, and records INFO DTMF.
 */
import { Invitation, Inviter, Registerer, RegistererState, SessionState, UserAgent, type Session } from 'sip.js';
import WebSocket from 'ws';
import { staticSdpHandlerFactory } from './static-sdp-handler.js';

if (typeof (globalThis as { WebSocket?: unknown }).WebSocket === 'undefined') {
  (globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;
}

export interface NodePhone {
  ua: UserAgent;
  aor: string;
  invitations: Invitation[];
  /** DTMF digits received by SIP INFO, in order. */
  infoDigits: string[];
  /** Final status of the last call this phone placed (0 until one arrives). */
  lastFinalStatus: number;
  nextInvitation(timeoutMs?: number): Promise<Invitation>;
  call(target: string): Inviter;
  stop(): Promise<void>;
}

export function waitForState(session: Session, state: SessionState, timeoutMs = 10_000): Promise<void> {
  if (session.state === state) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`session did not reach ${state} (is ${session.state})`)), timeoutMs);
    session.stateChange.addListener((s) => {
      if (s === state) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

export async function startNodePhone(server: { wsUrl: string; domain: string; users: Record<string, string> }, user: string): Promise<NodePhone> {
  const aor = `sip:${user}@${server.domain}`;
  const invitations: Invitation[] = [];
  const infoDigits: string[] = [];
  const waiters: Array<(i: Invitation) => void> = [];
  const ua = new UserAgent({
    uri: UserAgent.makeURI(aor),
    authorizationUsername: user,
    authorizationPassword: server.users[user],
    displayName: user,
    transportOptions: { server: server.wsUrl },
    sessionDescriptionHandlerFactory: staticSdpHandlerFactory(),
    logLevel: 'error',
    logBuiltinEnabled: false,
    delegate: {
      onInvite(invitation) {
        invitation.delegate = {
          onInfo(info) {
            const m = /Signal=\s*([0-9A-D*#])/i.exec(info.request.body ?? '');
            if (m) infoDigits.push(m[1]);
            void info.accept();
          },
        };
        const w = waiters.shift();
        if (w) w(invitation);
        else invitations.push(invitation);
      },
    },
  });
  await ua.start();
  const registerer = new Registerer(ua, { expires: 300 });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${user} did not register`)), 5000);
    registerer.stateChange.addListener((s) => {
      if (s === RegistererState.Registered) {
        clearTimeout(timer);
        resolve();
      }
    });
    void registerer.register();
  });
  const phone: NodePhone = {
    ua,
    aor,
    lastFinalStatus: 0,
    invitations,
    infoDigits,
    nextInvitation: (timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const queued = invitations.shift();
        if (queued) return resolve(queued);
        const timer = setTimeout(() => reject(new Error(`${user}: no INVITE arrived`)), timeoutMs);
        waiters.push((i) => {
          clearTimeout(timer);
          resolve(i);
        });
      }),
    call(target) {
      const uri = UserAgent.makeURI(target);
      if (!uri) throw new Error(`bad target ${target}`);
      const inviter = new Inviter(ua, uri);
      phone.lastFinalStatus = 0;
      void inviter.invite({
        requestDelegate: {
          onAccept: (r) => (phone.lastFinalStatus = r.message.statusCode ?? 0),
          onReject: (r) => (phone.lastFinalStatus = r.message.statusCode ?? 0),
        },
      });
      return inviter;
    },
    stop: () => ua.stop(),
  };
  return phone;
}
