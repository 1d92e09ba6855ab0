/**
 * A hostile SIP peer through the real Kamailio: a raw SIP-over-WebSocket client, authenticated as
 * a team member (so its messages get past the identity check and into the readers), sends a
 * supervisor's and an agent's cores MESSAGEs with malformed headers, bad percent-escapes, a huge
 * body, broken and prototype-keyed JSON, a stale replay; a sip.js phone sends monitoring INVITEs
 * with junk headers. Every one the SIP stack can parse is answered with a refusal; the cores stay
 * up, and a later valid agent state still reaches the board.
 */
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Inviter, UserAgent } from 'sip.js';
import WebSocket from 'ws';
import { createCore, type Core } from '../../electron/core/app/create-core.js';
import { ProvisionedAccountStore } from '../../electron/core/sip/account-store.js';
import { accountSchema } from '../../shared/account.js';
import { PRESENCE_CONTENT_TYPE, type BoardView, type SupervisionInput } from '../../shared/supervision.js';
import type { KamailioServer } from '../support/kamailio.js';
import { kamailioHooks } from '../support/kamailio-hooks.js';
import { startNodePhone } from '../support/node-phone.js';
import { connectSdpPeer, type TestPeer } from '../support/sdp-media-peer.js';
import { tempStore } from '../support/temp-store.js';

let sip: KamailioServer;
const cleanups = kamailioHooks((s) => (sip = s));

const aor = (user: string) => `sip:${user}@${sip.domain}`;
const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const token = () => randomBytes(8).toString('hex');

interface App {
  core: Core;
  peer: TestPeer;
  warnings: string[];
}

async function app(user: string, supervision: SupervisionInput): Promise<App> {
  const account = accountSchema.parse({ server: sip.wsUrl, aor: aor(user), password: sip.users[user], displayName: `Name of ${user}`, supervision });
  const { store } = tempStore();
  const warnings: string[] = [];
  const core = createCore({
    accounts: new ProvisionedAccountStore(account),
    store,
    backoff: { baseMs: 200, capMs: 1000 },
    log: { info: () => {}, warn: (m) => void warnings.push(m) },
  });
  await core.start();
  const peer = connectSdpPeer(core);
  await peer.request('app:ready', { media: true });
  await peer.waitFor('registration:changed', (r) => r.state === 'registered');
  cleanups.push(async () => {
    await core.stop();
    await store.close();
  });
  return { core, peer, warnings };
}

/**
 * SIP over a bare WebSocket, every header as written: sends out-of-dialog requests, answers the
 * server's digest challenge once, and resolves with the final status (0 when none came in time:
 * the far end's SIP stack dropped the request as unparseable).
 */
class RawSipClient {
  private readonly pending = new Map<string, (reply: string) => void>();

  private constructor(
    private readonly ws: WebSocket,
    private readonly user: string,
    private readonly password: string,
    private readonly domain: string,
  ) {
    ws.on('message', (data) => {
      const text = data.toString();
      const callId = /\r\nCall-ID:\s*([^\r\n]+)/i.exec(text)?.[1]?.trim();
      const status = Number(/^SIP\/2\.0 (\d{3})/.exec(text)?.[1] ?? 0);
      if (callId && status >= 200) this.pending.get(callId)?.(text);
    });
  }

  static async connect(server: KamailioServer, user: string): Promise<RawSipClient> {
    const ws = new WebSocket(server.wsUrl, 'sip');
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new RawSipClient(ws, user, server.users[user] as string, server.domain);
  }

  close(): void {
    this.ws.close();
  }

  /** A MESSAGE to `to` (a user of the domain) with `headers` added as they are, or replacing To/From/Content-Type. */
  async message(
    to: string,
    body: string,
    opts: { headers?: string[]; contentType?: string; toHeader?: string; fromHeader?: string; waitMs?: number } = {},
  ): Promise<number> {
    const ruri = `sip:${to}@${this.domain}`;
    const callId = token();
    const fromTag = token();
    const build = (cseq: number, auth: string | null): string =>
      [
        `MESSAGE ${ruri} SIP/2.0`,
        `Via: SIP/2.0/WS ${token()}.invalid;branch=z9hG4bK${token()}`,
        'Max-Forwards: 70',
        `To: ${opts.toHeader ?? `<${ruri}>`}`,
        `From: ${opts.fromHeader ?? `<sip:${this.user}@${this.domain}>`};tag=${fromTag}`,
        `Call-ID: ${callId}`,
        `CSeq: ${cseq} MESSAGE`,
        ...(auth ? [auth] : []),
        ...(opts.headers ?? []),
        `Content-Type: ${opts.contentType ?? PRESENCE_CONTENT_TYPE}`,
        `Content-Length: ${Buffer.byteLength(body)}`,
        '',
        body,
      ].join('\r\n');
    const first = await this.send(callId, build(1, null), opts.waitMs);
    const status = Number(/^SIP\/2\.0 (\d{3})/.exec(first)?.[1] ?? 0);
    if (status !== 407) return status;
    const challenge = /\r\nProxy-Authenticate:\s*Digest ([^\r\n]+)/i.exec(first)?.[1] ?? '';
    const param = (name: string) => new RegExp(`${name}="?([^",]+)"?`, 'i').exec(challenge)?.[1] ?? '';
    const realm = param('realm');
    const nonce = param('nonce');
    const ha1 = md5(`${this.user}:${realm}:${this.password}`);
    const ha2 = md5(`MESSAGE:${ruri}`);
    const qop = /qop="?auth/i.test(challenge);
    const cnonce = token();
    const response = qop ? md5(`${ha1}:${nonce}:00000001:${cnonce}:auth:${ha2}`) : md5(`${ha1}:${nonce}:${ha2}`);
    const auth =
      `Proxy-Authorization: Digest username="${this.user}", realm="${realm}", nonce="${nonce}", uri="${ruri}", response="${response}", algorithm=MD5` +
      (qop ? `, qop=auth, nc=00000001, cnonce="${cnonce}"` : '');
    const second = await this.send(callId, build(2, auth), opts.waitMs);
    return Number(/^SIP\/2\.0 (\d{3})/.exec(second)?.[1] ?? 0);
  }

  private send(callId: string, text: string, waitMs = 3000): Promise<string> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(callId);
        resolve('');
      }, waitMs);
      this.pending.set(callId, (reply) => {
        clearTimeout(timer);
        this.pending.delete(callId);
        resolve(reply);
      });
      this.ws.send(text);
    });
  }
}

/** An agent-state body as the app would send it now, with `over` on top. */
function presenceBody(over: Record<string, unknown> = {}): string {
  const now = Date.now();
  return JSON.stringify({
    v: 1,
    seq: now,
    sentAt: now,
    name: 'Forged',
    state: 'available',
    pauseReason: null,
    since: now,
    registered: true,
    call: null,
    campaign: null,
    today: { calls: 0, connected: 0, talkSec: 0, successes: 0 },
    ...over,
  });
}

const board = async (a: App) => (await a.core.snapshot()).board as BoardView;
const row = (b: BoardView, user: string) => b.agents.find((x) => x.aor === aor(user));

describe('a hostile SIP peer through Kamailio', () => {
  it('malformed MESSAGEs to a supervisor and to an agent are refused; both cores stay up, and a later valid agent state is shown', async () => {
    const sup = await app('supervisor1', { role: 'supervisor', team: [aor('agent1'), aor('agent2')], heartbeatSec: 2 });
    const agent2 = await app('agent2', { role: 'agent', supervisors: [aor('supervisor1')], heartbeatSec: 2 });
    await sup.peer.waitFor('board:changed', (b) => row(b, 'agent2')?.presence?.registered === true, 10_000);

    // The hostile peer holds agent1's credentials: the server asserts agent1, a team member.
    const evil = await RawSipClient.connect(sip, 'agent1');
    cleanups.push(() => evil.close());
    const rejectedBefore = (await board(sup)).rejected;

    const toSupervisor: Array<[string, Parameters<RawSipClient['message']>[2], string, number]> = [
      ['broken JSON', {}, '{"v":1,"seq":', 400],
      ['a prototype key', {}, presenceBody().replace('"v":1', '"__proto__":{"polluted":true},"v":1'), 400],
      ['deep nesting', {}, '['.repeat(20_000) + ']'.repeat(20_000), 413],
      ['a huge body', {}, JSON.stringify({ pad: 'x'.repeat(50_000) }), 413],
      ['a stale replay', {}, presenceBody({ sentAt: Date.now() - 3_600_000, seq: Date.now() + 10 }), 400],
      ['a wrong version and a unicode name', {}, presenceBody({ v: 2, name: '\u202e☎ %E0 \ud800' }), 400],
      ['a bad escape in its own P-Asserted-Identity (the server replaces it)', { headers: ['P-Asserted-Identity: <sip:%E0@pbx>'] }, '{', 400],
      ['a junk team signature', { headers: ['X-Ringside-Auth: ts=%E0; sig=<script>; sig=1'] }, '[]', 400],
      ['a long header', { headers: [`X-Pad: ${'a'.repeat(20_000)}`] }, 'null', 400],
      ['a bad escape and unicode in the display name', { fromHeader: '"%E0 \\"x\\" \u202e☎" <sip:agent1@127.0.0.1>' }, '1', 400],
      ['a Content-Type with junk parameters', { contentType: `${PRESENCE_CONTENT_TYPE}; charset=%E0; x=%zz` }, 'not json', 400],
      ['a Content-Type that is no media type', { contentType: '%E0/%E0' }, presenceBody(), 415],
      ['another content type', { contentType: 'text/plain' }, 'hello', 415],
    ];
    for (const [what, opts, body, expected] of toSupervisor) expect(await evil.message('supervisor1', body, opts), what).toBe(expected);
    expect((await board(sup)).rejected - rejectedBefore).toBe(toSupervisor.filter(([, , , s]) => s !== 415).length);
    // Nothing any of them said reached the board.
    expect(row(await board(sup), 'agent1')?.presence).toBeNull();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    // Headers the server or the SIP stack itself cannot parse: dropped there (no answer) or refused, the core unharmed.
    // On a connection of their own: the server may close it on such a request.
    const worse = await RawSipClient.connect(sip, 'agent1');
    cleanups.push(() => worse.close());
    for (const toHeader of ['<sip:%E0@127.0.0.1>', '<<sip:supervisor1@127.0.0.1>>', '"unterminated <sip:supervisor1@127.0.0.1>'])
      expect([0, 400, 408]).toContain(await worse.message('supervisor1', presenceBody(), { toHeader, waitMs: 1500 }));
    expect([0, 400, 408]).toContain(await worse.message('supervisor1', presenceBody(), { fromHeader: '"a \u0007 b" <sip:agent1@127.0.0.1>', waitMs: 1500 }));
    expect([0, 400, 408]).toContain(await worse.message('supervisor1', presenceBody(), { headers: ['X-Nul: a\u0000b'], waitMs: 1500 }));
    expect([0, 400, 408, 415]).toContain(await worse.message('supervisor1', presenceBody(), { contentType: `${PRESENCE_CONTENT_TYPE};;x="`, waitMs: 1500 }));

    // An agent's app is no board: agent state is refused (403), anything else 415, whatever the headers.
    expect(await evil.message('agent2', '{"v":1,', { headers: ['P-Asserted-Identity: <sip:%E0@pbx>'] })).toBe(403);
    expect(await evil.message('agent2', JSON.stringify({ pad: 'x'.repeat(50_000) }))).toBe(403);
    expect(await evil.message('agent2', 'x', { contentType: '%E0/%E0' })).toBe(415);

    // Monitoring INVITEs with junk headers, from a user who is no supervisor: refused before anything rings.
    const phone = await startNodePhone(sip, 'customer2');
    cleanups.push(() => phone.stop());
    const target = UserAgent.makeURI(aor('agent2'));
    if (!target) throw new Error('bad uri');
    for (const extraHeaders of [
      ['X-Ringside-Monitor: listen', 'X-Ringside-Auth: ts=%E0; sig=%00'],
      [`X-Ringside-Monitor: ${'listen;'.repeat(500)}`],
      ['X-Ringside-Monitor: \u202ebarge'],
    ]) {
      const status = await new Promise<number>((resolve) => {
        void new Inviter(phone.ua, target, { extraHeaders }).invite({ requestDelegate: { onReject: (r) => resolve(r.message.statusCode ?? 0) } });
      });
      expect(status, extraHeaders[0]?.slice(0, 30)).toBe(403);
    }
    expect(agent2.core.calls.list()).toEqual([]);
    expect(agent2.warnings.join('\n')).toMatch(/monitoring request from <sip:customer2@127\.0\.0\.1> refused \(403\)/);

    // Both cores still work: the agent's state still reaches the board, and so does a real agent1 started now.
    const mark = sup.peer.events.length;
    expect((await agent2.peer.request('agent:set-state', { state: 'paused', reason: 'After the storm' })).ok).toBe(true);
    await sup.peer.waitFor('board:changed', (b) => row(b, 'agent2')?.presence?.pauseReason === 'After the storm', 5000, mark);
    const agent1 = await app('agent1', { role: 'agent', supervisors: [aor('supervisor1')], heartbeatSec: 2 });
    expect((await agent1.peer.request('agent:set-state', { state: 'paused', reason: 'Valid at last' })).ok).toBe(true);
    const shown = await sup.peer.waitFor('board:changed', (b) => row(b, 'agent1')?.presence?.pauseReason === 'Valid at last', 10_000, mark);
    expect(row(shown, 'agent1')).toMatchObject({ name: 'Name of agent1', stale: false, state: 'paused' });
    expect(sup.warnings.some((w) => /body is not JSON|body has a prototype key|too old/.test(w))).toBe(true);
  });
});
