/**
 * Proves tests/kamailio/kamailio.cfg against real sip.js user agents (Node, no media):
 * registration + digest auth, call routing, answer/hang-up both ways, re-INVITE (hold), INFO,
 * MESSAGE, 404 / 480 / 487.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Invitation, Inviter, Messager, Registerer, RegistererState, SessionState, UserAgent, type Info, type Message, type Session } from 'sip.js';
import WebSocket from 'ws';
import { startKamailio, KAMAILIO_USERS, type KamailioServer } from '../support/kamailio.js';
import { staticSdpHandlerFactory, type StaticSdpHandler } from '../support/static-sdp-handler.js';

if (typeof (globalThis as { WebSocket?: unknown }).WebSocket === 'undefined') {
  (globalThis as { WebSocket?: unknown }).WebSocket = WebSocket;
}

let sip: KamailioServer;
const agents: UserAgent[] = [];

beforeAll(async () => {
  sip = await startKamailio();
}, 20_000);

afterAll(async () => {
  await sip?.stop();
  expect(sip?.pid()).toBeNull();
});

afterEach(async () => {
  const all = agents.splice(0);
  await Promise.allSettled(all.map((ua) => withTimeout(ua.stop(), 5_000, 'ua.stop')));
});

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timeout (${ms} ms): ${what}\n${sip?.logTail(30)}`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}

function uri(user: string) {
  const u = UserAgent.makeURI(`sip:${user}@${sip.domain}`);
  if (!u) throw new Error(`bad uri for ${user}`);
  return u;
}

interface Phone {
  ua: UserAgent;
  invitations: Invitation[];
  nextInvitation(): Promise<Invitation>;
  messages: Message[];
}

async function phone(user: string, password = KAMAILIO_USERS[user], authUser = user): Promise<Phone> {
  const invitations: Invitation[] = [];
  const messages: Message[] = [];
  const waiters: Array<(i: Invitation) => void> = [];
  const ua = new UserAgent({
    uri: uri(user),
    authorizationUsername: authUser,
    authorizationPassword: password,
    displayName: user,
    transportOptions: { server: sip.wsUrl },
    sessionDescriptionHandlerFactory: staticSdpHandlerFactory(),
    logLevel: process.env.SIP_TRACE ? 'debug' : 'error',
    logBuiltinEnabled: Boolean(process.env.SIP_TRACE),
    delegate: {
      onInvite(invitation) {
        invitations.push(invitation);
        waiters.shift()?.(invitation);
      },
      onMessage(message) {
        messages.push(message);
        void message.accept();
      },
    },
  });
  agents.push(ua);
  await withTimeout(ua.start(), 5_000, `${user} connect`);
  return {
    ua,
    invitations,
    messages,
    nextInvitation: () =>
      withTimeout(
        new Promise<Invitation>((resolve) => {
          const pending = invitations.find((i) => i.state === SessionState.Initial && !claimed.has(i));
          if (pending) {
            claimed.add(pending);
            resolve(pending);
          } else {
            waiters.push((i) => {
              claimed.add(i);
              resolve(i);
            });
          }
        }),
        5_000,
        `${user} incoming INVITE`,
      ),
  };
}
const claimed = new WeakSet<Invitation>();

/** REGISTER; resolves with the final status code (200 when registered). */
async function register(p: Phone): Promise<number> {
  const registerer = new Registerer(p.ua, { expires: 300 });
  return withTimeout(
    new Promise<number>((resolve, reject) => {
      registerer
        .register({
          requestDelegate: {
            onAccept: (r) => resolve(r.message.statusCode ?? 0),
            onReject: (r) => resolve(r.message.statusCode ?? 0),
          },
        })
        .catch(reject);
    }),
    5_000,
    'REGISTER',
  ).then((code) => {
    if (code === 200) expect(registerer.state).toBe(RegistererState.Registered);
    return code;
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function waitState(session: Session, state: SessionState, ms = 5_000): Promise<void> {
  if (session.state === state) return Promise.resolve();
  return withTimeout(
    new Promise<void>((resolve) => {
      const listener = (s: SessionState) => {
        if (s === state) {
          session.stateChange.removeListener(listener);
          resolve();
        }
      };
      session.stateChange.addListener(listener);
    }),
    ms,
    `session state ${state} (now ${session.state})`,
  );
}

/** Sends an INVITE; resolves with the final status code, or 200 when accepted. */
function invite(inviter: Inviter): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    inviter
      .invite({
        requestDelegate: {
          onAccept: (r) => resolve(r.message.statusCode ?? 0),
          onReject: (r) => resolve(r.message.statusCode ?? 0),
        },
      })
      .catch(reject);
  });
}

describe('Kamailio test server (tests/kamailio/kamailio.cfg)', () => {
  it('serves SIP over WebSocket on loopback', () => {
    expect(sip.wsUrl).toBe(`ws://127.0.0.1:${sip.port}`);
    expect(sip.domain).toBe('127.0.0.1');
    expect(sip.users.agent1).toBe('secret-agent1');
    expect(Object.keys(sip.users).sort()).toEqual(
      [
        'agent1',
        'agent2',
        'agent3',
        'customer1',
        'customer2',
        'customer3',
        'supervisor1',
        '+48225550141',
        '+48225550142',
        '+48225550143',
        '+12125550141',
        '+12125550142',
        ...Array.from({ length: 50 }, (_, i) => `bench${String(i + 1).padStart(2, '0')}`),
      ].sort(),
    );
    expect(sip.pid()).toBeGreaterThan(0);
  });

  it('registers agent1 with the right password', async () => {
    const agent = await phone('agent1');
    expect(await register(agent)).toBe(200);
  });

  it('knows the benchmark agents bench01 … bench50 and no others of that pattern', async () => {
    expect(await register(await phone('bench01'))).toBe(200);
    expect(await register(await phone('bench50'))).toBe(200);
    expect(await register(await phone('bench51', 'secret-bench51'))).toBe(403);
    expect(await register(await phone('bench00', 'secret-bench00'))).toBe(403);
  });

  it('rejects a registration with a wrong password (403)', async () => {
    const agent = await phone('agent2', 'not-the-password');
    expect(await register(agent)).toBe(403);
  });

  it('rejects registering someone else’s address (403)', async () => {
    // authenticates as customer2 but asks to register agent2's AOR
    const ua = await phone('agent2', KAMAILIO_USERS.customer2, 'customer2');
    expect(await register(ua)).toBe(403);
  });

  it('routes a call customer1 -> agent1; callee answers, caller hangs up; re-INVITE hold, INFO', async () => {
    const agent = await phone('agent1');
    const customer = await phone('customer1');
    expect(await register(agent)).toBe(200);
    expect(await register(customer)).toBe(200);

    const inviter = new Inviter(customer.ua, uri('agent1'));
    const answered = invite(inviter);
    const invitation = await agent.nextInvitation();
    expect(invitation.remoteIdentity.uri.user).toBe('customer1');
    expect(invitation.body).toMatch(/m=audio/);
    await invitation.accept();
    expect(await withTimeout(answered, 5_000, 'INVITE answered')).toBe(200);
    await waitState(inviter, SessionState.Established);
    await waitState(invitation, SessionState.Established);

    // sip.js answers 500 to a re-INVITE that races the initial ACK (RFC 5407): let it settle
    await sleep(300);
    // re-INVITE from the caller putting the agent on hold
    const calleeSdh = invitation.sessionDescriptionHandler as StaticSdpHandler;
    const reinvite = await new Promise<number>((resolve, reject) => {
      inviter
        .invite({
          sessionDescriptionHandlerOptions: { hold: true } as object,
          requestDelegate: {
            onAccept: (r) => resolve(r.message.statusCode ?? 0),
            onReject: (r) => resolve(r.message.statusCode ?? 0),
          },
        })
        .catch(reject);
    });
    expect(reinvite).toBe(200);
    expect(calleeSdh.remoteDescriptions.at(-1)).toMatch(/a=sendonly/);

    // re-INVITE from the callee (the other direction through Record-Route), once the ACK of
    // the previous re-INVITE has reached it
    await sleep(300);
    const back = await new Promise<number>((resolve, reject) => {
      invitation
        .invite({
          requestDelegate: {
            onAccept: (r) => resolve(r.message.statusCode ?? 0),
            onReject: (r) => resolve(r.message.statusCode ?? 0),
          },
        })
        .catch(reject);
    });
    expect(back).toBe(200);

    // INFO (DTMF fallback) caller -> callee
    const infos: Info[] = [];
    invitation.delegate = {
      onInfo(info) {
        infos.push(info);
        void info.accept();
      },
    };
    const infoCode = await new Promise<number>((resolve, reject) => {
      inviter
        .info({
          requestOptions: {
            body: {
              contentDisposition: 'render',
              contentType: 'application/dtmf-relay',
              content: 'Signal=5\r\nDuration=160',
            },
          },
          requestDelegate: {
            onAccept: (r) => resolve(r.message.statusCode ?? 0),
            onReject: (r) => resolve(r.message.statusCode ?? 0),
          },
        })
        .catch(reject);
    });
    expect(infoCode).toBe(200);
    expect(infos).toHaveLength(1);
    expect(infos[0].request.body).toContain('Signal=5');

    // caller hangs up
    await inviter.bye();
    await waitState(invitation, SessionState.Terminated);
    await waitState(inviter, SessionState.Terminated);
  });

  it('callee can hang up (BYE towards the caller through the proxy)', async () => {
    const agent = await phone('agent1');
    const customer = await phone('customer2');
    expect(await register(agent)).toBe(200);
    // caller deliberately not registered: in-dialog requests reach it via the contact alias

    const inviter = new Inviter(customer.ua, uri('agent1'));
    const answered = invite(inviter);
    const invitation = await agent.nextInvitation();
    await invitation.accept();
    expect(await withTimeout(answered, 5_000, 'INVITE answered')).toBe(200);
    await waitState(inviter, SessionState.Established);

    await invitation.bye();
    await waitState(inviter, SessionState.Terminated);
    await waitState(invitation, SessionState.Terminated);
  });

  it('relays MESSAGE to a registered user', async () => {
    const supervisor = await phone('supervisor1');
    const agent = await phone('agent3');
    expect(await register(agent)).toBe(200);
    const code = await new Promise<number>((resolve, reject) => {
      new Messager(supervisor.ua, uri('agent3'), 'whisper: offer the discount')
        .message({
          requestDelegate: {
            onAccept: (r) => resolve(r.message.statusCode ?? 0),
            onReject: (r) => resolve(r.message.statusCode ?? 0),
          },
        })
        .catch(reject);
    });
    expect(code).toBe(200);
    expect(agent.messages.map((m) => m.request.body)).toEqual(['whisper: offer the discount']);
  });

  it('answers 404 for an unknown user', async () => {
    const customer = await phone('customer3');
    const inviter = new Inviter(customer.ua, uri('nobody'));
    expect(await withTimeout(invite(inviter), 5_000, 'INVITE nobody')).toBe(404);
    await waitState(inviter, SessionState.Terminated);
  });

  it('answers 480 for a known user who is not registered', async () => {
    const customer = await phone('customer3');
    const inviter = new Inviter(customer.ua, uri('agent2'));
    expect(await withTimeout(invite(inviter), 5_000, 'INVITE agent2')).toBe(480);
    await waitState(inviter, SessionState.Terminated);
  });

  it('CANCEL before answer: caller gets 487, callee invitation ends', async () => {
    const agent = await phone('agent1');
    const customer = await phone('customer1');
    expect(await register(agent)).toBe(200);

    const inviter = new Inviter(customer.ua, uri('agent1'));
    const final = invite(inviter);
    const invitation = await agent.nextInvitation();
    await invitation.progress(); // 180 Ringing
    await inviter.cancel();
    expect(await withTimeout(final, 5_000, 'final response after CANCEL')).toBe(487);
    await waitState(invitation, SessionState.Terminated);
    await waitState(inviter, SessionState.Terminated);
  });

  it('can be stopped and started again on the same port', async () => {
    const port = sip.port;
    await sip.stop();
    expect(sip.pid()).toBeNull();
    await sip.start();
    expect(sip.port).toBe(port);
    expect(sip.pid()).toBeGreaterThan(0);
    const agent = await phone('agent1');
    expect(await register(agent)).toBe(200);
  });
});
