/**
 * `npm run bench` (inside a loopback-only network namespace, see tests/tools/netns.sh).
 *
 * Real Kamailio, real renderer in Chromium, real customer phones (sip.js + WebRTC in Chromium).
 *   1. Ringside (in-process core + the built renderer as media owner), per call:
 *      a. dial → INVITE on the wire     b. dial → two-way RTP     c. accept → 200 OK on the wire
 *   2. The same for a stock sip.js Web.SimpleUser (default options) in its own page.
 *   3. Core start → registered (fresh in-process cores).
 *   4. RSS of the browser-mode core (child process) before and after 200 calls.
 * Prints a table and writes test-results/bench.json. Bounded in count and time; exits by itself.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import WebSocketImpl from 'ws';

// ---- wire timestamps: the core uses the global WebSocket; install ours before any core exists ----

type WireWatcher = (data: string, t: number) => void;
const wireWatchers = new Set<WireWatcher>();
class TimedWebSocket extends WebSocketImpl {
  override send(data: unknown, ...rest: unknown[]): void {
    if (typeof data === 'string' && wireWatchers.size > 0) {
      const t = performance.now();
      for (const w of [...wireWatchers]) w(data, t);
    }
    (WebSocketImpl.prototype.send as (...a: unknown[]) => void).call(this, data, ...rest);
  }
}
(globalThis as { WebSocket?: unknown }).WebSocket = TimedWebSocket;
/** BENCH_TRACE=1: IPC frames the in-process browser server sends, with epoch-ms timestamps. */
const nodeTrace: Array<[number, string]> = [];
if (process.env.BENCH_TRACE === '1') {
  const base = WebSocketImpl.prototype.send as (...a: unknown[]) => void;
  (WebSocketImpl.prototype as unknown as { send: (...a: unknown[]) => void }).send = function (this: WebSocketImpl, data: unknown, ...rest: unknown[]) {
    if (typeof data === 'string' && data.startsWith('{')) {
      try {
        const f = JSON.parse(data) as { kind: string; channel?: string; payload?: { op?: string; state?: string; requestId?: string } };
        nodeTrace.push([
          performance.timeOrigin + performance.now(),
          `node→page ${f.kind} ${f.channel ?? ''} ${f.payload?.op ?? f.payload?.state ?? ''} ${f.payload?.requestId ?? ''}`,
        ]);
      } catch {
        /* not ours */
      }
    }
    base.call(this, data, ...rest);
  };
}

const { createCore } = await import('../../electron/core/app/create-core.js');
const { tempStore } = await import('../support/temp-store.js');
const { ProvisionedAccountStore } = await import('../../electron/core/sip/account-store.js');
const { startBrowserServer } = await import('../../electron/core/ipc/browser-server.js');
const { accountSchema } = await import('../../shared/account.js');
const { startKamailio } = await import('../support/kamailio.js');
const { launchChromium } = await import('../support/chromium.js');
const { openCustomer } = await import('../support/customer-page.js');
const { startAgentApp } = await import('../support/agent-app.js');
const { serveDir } = await import('../support/static-server.js');
const { buildSimpleUserPage } = await import('./simple-user/build.js');

type Core = ReturnType<typeof createCore>;
type CoreConnection = ReturnType<Core['connect']>;
type CallView = { id: string; state: string; direction: string };
type RegView = { state: string };

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
process.chdir(repo);

// ---- bounds ----
const CALLS = Number(process.env.BENCH_CALLS ?? 30);
const WARMUP = 3;
const STARTUPS = 5;
const RSS_CALLS = Number(process.env.BENCH_RSS_CALLS ?? 200);
const RSS_WARMUP = 5;
const STEP_TIMEOUT_MS = 15_000;
/** Pause between a call's end and the disposition click in the progressive loop. */
const WRAP_UP_MS = 800;
const SECTION_BUDGET_MS = { ringside: 150_000, simpleUser: 200_000, rss: 420_000 };
const TOTAL_BUDGET_MS = 13 * 60_000;

/** BENCH_TRACE=1: print when each IPC frame crossed the agent page's WebSocket, per call. */
const TRACE = process.env.BENCH_TRACE === '1';
const TRACE_SCRIPT = `(() => {
  const trace = (window.__benchTrace = []);
  const now = () => performance.timeOrigin + performance.now();
  const label = (d) => { try { const f = JSON.parse(d); return f.kind + ' ' + (f.channel || '') + ' ' + ((f.payload && (f.payload.op || f.payload.state)) || '') + (f.payload && f.payload.requestId ? ' ' + f.payload.requestId : ''); } catch { return '?'; } };
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (d) { trace.push([now(), 'out ' + label(d)]); return send.call(this, d); };
  const orig = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage');
  const add = WebSocket.prototype.addEventListener;
  WebSocket.prototype.addEventListener = function (type, fn, o) {
    if (type !== 'message') return add.call(this, type, fn, o);
    return add.call(this, type, (e) => { trace.push([now(), 'in  ' + label(e.data)]); fn.call(this, e); }, o);
  };
  Object.defineProperty(WebSocket.prototype, 'onmessage', { set(fn) { orig.set.call(this, (e) => { trace.push([now(), 'in  ' + label(e.data)]); fn.call(this, e); }); }, get() { return orig.get.call(this); } });
})();`;
async function printTrace(page: Page, what: string, t0: number, marks: Record<string, number>): Promise<void> {
  const rows = (await page.evaluate('window.__benchTrace.splice(0)')) as Array<[number, string]>;
  const all = [...rows, ...nodeTrace.splice(0), ...Object.entries(marks).map(([k, v]) => [v, `node ${k}`] as [number, string])].sort((a, b) => a[0] - b[0]);
  console.log(`trace ${what}:\n${all.map(([t, l]) => `  ${(t - t0).toFixed(1).padStart(8)} ${l}`).join('\n')}`);
}

const quiet = { info: () => undefined, warn: (m: string, e?: unknown) => console.warn(`[core] ${m}`, e instanceof Error ? e.message : (e ?? '')) };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

async function until<T>(what: string, fn: () => Promise<T> | T, ok: (v: T) => boolean, timeoutMs = STEP_TIMEOUT_MS, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await fn();
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}; last ${JSON.stringify(last)}`);
    await sleep(everyMs);
    last = await fn();
  }
  return last;
}

/** Resolves with performance.now() of the next message the in-process core sends that matches. */
function nextOnWire(match: (data: string) => boolean, timeoutMs = STEP_TIMEOUT_MS): { at: Promise<number>; cancel(): void } {
  let watcher: WireWatcher | null = null;
  let timer: NodeJS.Timeout | null = null;
  const at = new Promise<number>((resolve, reject) => {
    watcher = (data, t) => {
      if (!match(data)) return;
      cancel();
      resolve(t);
    };
    wireWatchers.add(watcher);
    timer = setTimeout(() => {
      cancel();
      reject(new Error('timed out waiting for a SIP message from the core'));
    }, timeoutMs);
  });
  function cancel(): void {
    if (watcher) wireWatchers.delete(watcher);
    if (timer) clearTimeout(timer);
  }
  at.catch(() => undefined);
  return { at, cancel };
}
const isInvite = (d: string): boolean => d.startsWith('INVITE ');
const isInviteOk = (d: string): boolean => d.startsWith('SIP/2.0 200') && /\r\nCSeq:\s*\d+\s+INVITE\r\n/i.test(d);

// ---- statistics ----
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}
interface Summary {
  n: number;
  p50: number;
  p95: number;
  min: number;
  max: number;
  samples: number[];
}
function summarize(samples: number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  const r = (x: number): number => Math.round(x * 10) / 10;
  return { n: s.length, p50: r(percentile(s, 50)), p95: r(percentile(s, 95)), min: r(s[0] ?? NaN), max: r(s[s.length - 1] ?? NaN), samples: samples.map(r) };
}

// ---- cleanup: whatever happens, close what we opened ----
const cleanups: Array<() => Promise<unknown>> = [];
let cleaning: Promise<void> | null = null;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const c of cleanups.reverse()) await withTimeout(c(), 8000, 'cleanup').catch((e: unknown) => console.warn(`cleanup: ${String(e)}`));
  })();
  return cleaning;
}
async function fail(error: unknown): Promise<never> {
  console.error(`\nBENCH FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  await cleanup();
  process.exit(1);
}
const overall = setTimeout(() => void fail(new Error(`bench exceeded ${TOTAL_BUDGET_MS / 60000} minutes`)), TOTAL_BUDGET_MS);
overall.unref();
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void fail(new Error(`got ${sig}`)));
process.on('unhandledRejection', (e) => void fail(e));

function checkBudget(started: number, budgetMs: number, what: string): void {
  if (Date.now() - started > budgetMs) throw new Error(`${what} took longer than ${budgetMs / 1000} s`);
}

// ---- in-process core with a sink that tracks calls ----
interface Tracked {
  core: Core;
  conn: CoreConnection;
  calls: Map<string, CallView>;
  reg: () => RegView;
  onEvent: Set<(channel: string, payload: unknown) => void>;
}

function trackedConnection(core: Core): Tracked {
  const calls = new Map<string, CallView>();
  const onEvent = new Set<(channel: string, payload: unknown) => void>();
  let reg: RegView = core.registration;
  const conn = core.connect({
    send: (channel, payload) => {
      if (channel === 'call:state-changed') calls.set((payload as CallView).id, payload as CallView);
      if (channel === 'call:removed') calls.delete((payload as { id: string }).id);
      if (channel === 'registration:changed') reg = payload as RegView;
      for (const l of [...onEvent]) l(channel, payload);
    },
  });
  return { core, conn, calls, reg: () => reg, onEvent };
}

function accountFor(server: string, domain: string, user: string, password: string) {
  return accountSchema.parse({ server, aor: `sip:${user}@${domain}`, password, displayName: `Agent ${user}` });
}

// ---- main ----
async function main(): Promise<void> {
  const t0 = Date.now();
  // Our own copy of the built renderer: other runs (vitest's global setup) rebuild dist/renderer
  // and empty it meanwhile.
  console.log('bench: building the renderer (vite build)…');
  const rendererDir = path.join(repo, '.tmp/bench-renderer');
  const vite = spawnSync('npx', ['vite', 'build', '--mode', 'e2e', '--logLevel', 'warn', '--outDir', rendererDir, '--emptyOutDir'], {
    stdio: 'inherit',
    cwd: repo,
  });
  if (vite.status !== 0 || !existsSync(path.join(rendererDir, 'index.html'))) throw new Error('vite build failed');

  const sip = await startKamailio();
  cleanups.push(() => sip.stop());
  const domain = sip.domain;
  console.log(`bench: Kamailio at ${sip.wsUrl}`);

  const customerAuto = await openCustomer(sip, 'customer1', { autoAnswer: true, answerDelayMs: 0 });
  cleanups.push(() => customerAuto.close());
  const customerCaller = await openCustomer(sip, 'customer2');
  cleanups.push(() => customerCaller.close());
  const customerIdle = (c: typeof customerAuto): Promise<unknown> =>
    until(
      'customer idle',
      () => c.eval((p) => p.state().callState),
      (s) => s === 'idle' || s === 'terminated',
    );

  // ---- 3. core start → registered ----
  console.log('bench: core start → registered…');
  const startups: number[] = [];
  for (let i = 0; i < STARTUPS; i++) {
    const begin = performance.now();
    const core = createCore({ ...tempStore(), accounts: new ProvisionedAccountStore(accountFor(sip.wsUrl, domain, 'agent3', sip.users.agent3)), log: quiet });
    const tracked = trackedConnection(core);
    await withTimeout(tracked.conn.handle('app:ready', { media: false }), STEP_TIMEOUT_MS, 'app:ready');
    await core.start();
    await until(
      'fresh core registered',
      () => core.registration.state,
      (s) => s === 'registered',
      STEP_TIMEOUT_MS,
      1,
    );
    startups.push(performance.now() - begin);
    tracked.conn.close();
    await withTimeout(core.stop(), STEP_TIMEOUT_MS, 'core stop');
  }
  const startup = summarize(startups);

  // ---- 1. Ringside in-process core + the real renderer ----
  console.log('bench: Ringside (in-process core, real renderer)…');
  const benchStore = tempStore();
  const core = createCore({ ...benchStore, accounts: new ProvisionedAccountStore(accountFor(sip.wsUrl, domain, 'agent1', sip.users.agent1)), log: quiet });
  await core.start();
  cleanups.push(() => core.stop());
  const server = await startBrowserServer(core, { rendererDir });
  cleanups.push(() => server.close());
  const agentBrowser = await launchChromium();
  cleanups.push(() => agentBrowser.close());
  const agentPage = await agentBrowser.newPage();
  if (TRACE) await agentPage.addInitScript(TRACE_SCRIPT);
  await agentPage.goto(server.url);
  await agentPage
    .getByText(/^Registered$/)
    .first()
    .waitFor({ timeout: 20_000 });
  const bench = trackedConnection(core);
  cleanups.push(async () => bench.conn.close());
  const ready = await bench.conn.handle('app:ready', { media: false });
  if (!ready.ok) throw new Error(`app:ready failed: ${JSON.stringify(ready)}`);

  const agentSessions = (): Promise<string[]> =>
    agentPage.evaluate(() => (window as unknown as { ringsideDiagnostics: { sessions(): string[] } }).ringsideDiagnostics.sessions());
  const viewState = (id: string): string => bench.calls.get(id)?.state ?? 'gone';

  async function ringsideEnd(id: string, hangup: boolean): Promise<void> {
    if (hangup && viewState(id) !== 'ended') {
      const r = await bench.conn.handle('call:hangup', { id });
      if (!r.ok) throw new Error(`hangup failed: ${JSON.stringify(r)}`);
    }
    await until(
      'agent call ended',
      () => viewState(id),
      (s) => s === 'ended' || s === 'gone',
    );
    await bench.conn.handle('call:dismiss', { id });
    await until('agent media closed', agentSessions, (s) => s.length === 0);
  }

  async function ringsideDial(): Promise<{ inviteMs: number; rtpMs: number }> {
    const wire = nextOnWire(isInvite);
    const dialDate = Date.now();
    const dialAt = performance.now();
    const r = await bench.conn.handle('call:dial', { target: `sip:customer1@${domain}` });
    if (!r.ok) {
      wire.cancel();
      throw new Error(`dial failed: ${JSON.stringify(r)}`);
    }
    const id = (r.value as CallView).id;
    // Poll the media owner's counters inside the page, ~5 ms apart, same machine clock.
    const rtpDate = await agentPage.evaluate(
      async ({ sid, timeoutMs }) => {
        const diag = (window as unknown as { ringsideDiagnostics: { rtpStats(id: string): Promise<{ packetsSent: number; packetsReceived: number } | null> } })
          .ringsideDiagnostics;
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const s = await diag.rtpStats(sid);
          if (s && s.packetsSent > 0 && s.packetsReceived > 0) return Date.now();
          if (Date.now() > deadline) return -1;
          await new Promise((res) => setTimeout(res, 5));
        }
      },
      { sid: id, timeoutMs: STEP_TIMEOUT_MS },
    );
    const inviteAt = await wire.at;
    if (rtpDate < 0) throw new Error('Ringside: no two-way RTP');
    if (TRACE)
      await printTrace(agentPage, 'dial', performance.timeOrigin + dialAt, {
        dial: performance.timeOrigin + dialAt,
        'INVITE sent': performance.timeOrigin + inviteAt,
        'two-way RTP (page)': rtpDate,
      });
    await until(
      'agent call active',
      () => viewState(id),
      (s) => s === 'active',
    );
    await ringsideEnd(id, true);
    await customerIdle(customerAuto);
    return { inviteMs: inviteAt - dialAt, rtpMs: rtpDate - dialDate };
  }

  async function ringsideAccept(): Promise<number> {
    let acceptAt = 0;
    let wire: ReturnType<typeof nextOnWire> | null = null;
    let accepted: Promise<unknown> | null = null;
    let callId = '';
    const gotIncoming = new Promise<void>((resolve) => {
      const listener = (channel: string, payload: unknown): void => {
        const v = payload as CallView;
        if (channel !== 'call:state-changed' || v.state !== 'incoming' || accepted) return;
        bench.onEvent.delete(listener);
        callId = v.id;
        wire = nextOnWire(isInviteOk);
        // Like a renderer, answer on a later turn (never inside the core's own emit).
        setImmediate(() => {
          acceptAt = performance.now();
          accepted = bench.conn.handle('call:accept', { id: v.id });
          resolve();
        });
      };
      bench.onEvent.add(listener);
    });
    await customerCaller.eval((p) => p.call('sip:agent1@127.0.0.1'));
    await withTimeout(gotIncoming, STEP_TIMEOUT_MS, 'incoming call at the agent');
    const okAt = await (wire as unknown as ReturnType<typeof nextOnWire>).at;
    const r = await (accepted as unknown as Promise<{ ok: boolean }>);
    if (!r.ok) throw new Error(`accept failed: ${JSON.stringify(r)}`);
    if (TRACE)
      await printTrace(agentPage, 'accept', performance.timeOrigin + acceptAt, {
        accept: performance.timeOrigin + acceptAt,
        '200 OK sent': performance.timeOrigin + okAt,
      });
    await until(
      'customer established',
      () => customerCaller.eval((p) => p.state().callState),
      (s) => s === 'established',
    );
    await ringsideEnd(callId, true);
    await customerIdle(customerCaller);
    return okAt - acceptAt;
  }

  const rs = { invite: [] as number[], rtp: [] as number[], accept: [] as number[] };
  let started = Date.now();
  for (let i = 0; i < WARMUP + CALLS; i++) {
    checkBudget(started, SECTION_BUDGET_MS.ringside, 'Ringside dial loop');
    const m = await ringsideDial();
    if (i >= WARMUP) {
      rs.invite.push(m.inviteMs);
      rs.rtp.push(m.rtpMs);
    }
  }
  for (let i = 0; i < WARMUP + CALLS; i++) {
    checkBudget(started, SECTION_BUDGET_MS.ringside, 'Ringside accept loop');
    const ms = await ringsideAccept();
    if (i >= WARMUP) rs.accept.push(ms);
  }
  // ---- 1b. workspace: disposition click → next lead's INVITE (progressive, durable write included) ----
  console.log('bench: disposition → next INVITE (progressive)…');
  const { campaignSchema, defaultDispositions } = await import('../../shared/campaign.js');
  const progressive = await benchStore.store.campaigns.save(
    campaignSchema.parse({
      name: 'Bench progressive',
      kind: 'outbound',
      dialMode: 'progressive',
      defaultCountry: 'PL',
      // The bench runs at any hour: a window around the clock, and leads with consent (Polish law).
      callingWindow: { weekday: { start: '00:00', end: '24:00' }, saturday: { start: '00:00', end: '24:00' }, sunday: { start: '00:00', end: '24:00' } },
      skipPublicHolidays: false,
      dispositions: defaultDispositions,
      script: { coldStart: 'a', warmStart: 'a', steps: [{ id: 'a', title: 'Hello', text: 'Hello' }] },
    }),
  );
  const blank = {
    lastName: '',
    company: '',
    email: '',
    street: '',
    city: '',
    region: '',
    postalCode: '',
    country: 'PL',
    timeZone: 'Europe/Warsaw',
    source: 'bench',
    customFields: {},
    consentAt: '2026-01-15',
    inquiryAt: null,
    lastPurchaseAt: null,
    score: 0,
  };
  // Numbers nobody registered: Kamailio answers 404 at once, the call ends, wrap-up starts.
  for (let i = 0; i < WARMUP + CALLS + 2; i++) {
    const e164 = `+4822555${String(2000 + i).padStart(4, '0')}`;
    await benchStore.store.leads.create(
      progressive.id,
      { ...blank, firstName: `Lead ${i}`, priority: 9, phones: [{ e164, raw: e164, label: null }] },
      Date.now() - i,
    );
  }
  const wrapUps: Array<() => void> = [];
  bench.onEvent.add((channel, payload) => {
    if (channel === 'workspace:changed' && (payload as { dispositionRequired: boolean }).dispositionRequired) wrapUps.splice(0).forEach((f) => f());
  });
  const nextWrapUp = (): Promise<void> => new Promise((r) => wrapUps.push(r));
  let waiting = nextWrapUp();
  const selected = await bench.conn.handle('workspace:select-campaign', { id: progressive.id });
  if (!selected.ok) throw new Error(`select campaign failed: ${JSON.stringify(selected)}`);
  const dispositionMs: number[] = [];
  for (let i = 0; i < WARMUP + CALLS; i++) {
    checkBudget(started, SECTION_BUDGET_MS.ringside + 60_000, 'disposition loop');
    await withTimeout(waiting, STEP_TIMEOUT_MS, 'wrap-up');
    waiting = nextWrapUp();
    // An agent's wrap-up takes at least this long (the numbers here fail at once with 404).
    await sleep(WRAP_UP_MS);
    const wire = nextOnWire(isInvite);
    const t = performance.now();
    const r = await bench.conn.handle('workspace:dispose', { code: 'no-answer', note: '' });
    if (!r.ok) throw new Error(`dispose failed: ${JSON.stringify(r)}`);
    const at = await wire.at;
    if (i >= WARMUP) dispositionMs.push(at - t);
  }
  // Stop the dialler: pause (takes effect after this call), then close the last wrap-up.
  await bench.conn.handle('agent:set-state', { state: 'paused', reason: 'Break' });
  await withTimeout(waiting, STEP_TIMEOUT_MS, 'last wrap-up');
  await bench.conn.handle('workspace:dispose', { code: 'no-answer', note: '' });

  // ---- 1c. lead list with 100 k leads: click the tab → first rows drawn; jump to the end → last rows drawn ----
  console.log('bench: lead list with 100 k leads…');
  const big = await benchStore.store.campaigns.save({
    ...campaignSchema.parse({
      name: 'Bench 100k',
      kind: 'outbound',
      dialMode: 'manual',
      defaultCountry: 'PL',
      dispositions: defaultDispositions,
      script: { coldStart: 'a', warmStart: 'a', steps: [{ id: 'a', title: 'Hello', text: 'Hello' }] },
    }),
  });
  for (let b = 0; b < 100; b++) {
    const batch = Array.from({ length: 1000 }, (_, k) => {
      const n = b * 1000 + k;
      const e164 = `+48600${String(n).padStart(6, '0')}`;
      return {
        ...blank,
        firstName: `Name${n}`,
        lastName: `Surname${n}`,
        company: `Company ${n % 997}`,
        priority: n % 10,
        phones: [{ e164, raw: e164, label: null }],
      };
    });
    await benchStore.store.leads.importBatch(big.id, batch, 'skip', Date.now());
  }
  const pick = await bench.conn.handle('workspace:select-campaign', { id: big.id });
  if (!pick.ok) throw new Error(`select 100k campaign failed: ${JSON.stringify(pick)}`);
  await agentPage
    .getByRole('tab', { name: /Lead list/ })
    .or(agentPage.getByRole('button', { name: /Lead list/ }))
    .first()
    .waitFor();
  const listStart = performance.now();
  await agentPage
    .getByRole('tab', { name: /Lead list/ })
    .or(agentPage.getByRole('button', { name: /Lead list/ }))
    .first()
    .click();
  const loadedRow = (index: number): string => `[data-testid=lead-scroller] .lead-row[aria-rowindex="${index}"]:not(.is-loading)`;
  await agentPage.locator(loadedRow(2)).waitFor({ timeout: STEP_TIMEOUT_MS });
  const listFirstMs = performance.now() - listStart;
  const rowsInDom = await agentPage.locator('[data-testid=lead-scroller] [role=row]').count();
  const scrollStart = performance.now();
  await agentPage.locator('[data-testid=lead-scroller]').evaluate((el) => {
    el.scrollTop = el.scrollHeight;
  });
  await agentPage.locator(loadedRow(100_001)).waitFor({ timeout: STEP_TIMEOUT_MS });
  const listEndMs = performance.now() - scrollStart;
  console.log(`bench: lead list first rows ${listFirstMs.toFixed(0)} ms, end ${listEndMs.toFixed(0)} ms, ${rowsInDom} rows in the DOM`);

  console.log(`bench: Ringside done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  // Free agent1 and this browser before the next sections.
  bench.conn.close();
  await agentBrowser.close();
  await server.close();
  await core.stop();

  // ---- 2. stock sip.js SimpleUser ----
  console.log('bench: stock sip.js SimpleUser…');
  const suServer = await serveDir(await buildSimpleUserPage());
  cleanups.push(() => suServer.close());
  const suBrowser = await launchChromium();
  cleanups.push(() => suBrowser.close());
  const suPage: Page = await suBrowser.newPage();
  await suPage.goto(suServer.url);
  await suPage.waitForFunction(() => (window as unknown as { bench?: { ready: boolean } }).bench?.ready === true);
  type SuBench = {
    start(o: object): Promise<void>;
    dial(t: string): Promise<{ inviteMs: number; rtpMs: number }>;
    armAnswer(): void;
    answered(): Promise<number>;
    waitActive(): Promise<void>;
    hangup(): Promise<void>;
    stop(): Promise<void>;
    state(): string;
  };
  const su = <T>(fn: (b: SuBench, arg: unknown) => T | Promise<T>, arg?: unknown): Promise<T> =>
    suPage.evaluate(({ src, a }) => new Function('b', 'a', `return (${src})(b, a)`)((window as unknown as { bench: unknown }).bench, a) as T, {
      src: fn.toString(),
      a: arg,
    });
  await su((b, o) => b.start(o as object), { server: sip.wsUrl, aor: `sip:agent2@${domain}`, user: 'agent2', password: sip.users.agent2 });
  cleanups.push(async () => (suBrowser.isConnected() ? su((b) => b.stop()) : undefined));

  const base = { invite: [] as number[], rtp: [] as number[], accept: [] as number[] };
  started = Date.now();
  for (let i = 0; i < WARMUP + CALLS; i++) {
    checkBudget(started, SECTION_BUDGET_MS.simpleUser, 'SimpleUser dial loop');
    const m = await withTimeout(
      su((b, t) => b.dial(t as string), `sip:customer1@${domain}`),
      30_000,
      'SimpleUser dial',
    );
    await su((b) => b.waitActive());
    await su((b) => b.hangup());
    await customerIdle(customerAuto);
    if (i >= WARMUP) {
      base.invite.push(m.inviteMs);
      base.rtp.push(m.rtpMs);
    }
  }
  for (let i = 0; i < WARMUP + CALLS; i++) {
    checkBudget(started, SECTION_BUDGET_MS.simpleUser, 'SimpleUser accept loop');
    await su((b) => b.armAnswer());
    await customerCaller.eval((p) => p.call('sip:agent2@127.0.0.1'));
    const ms = await withTimeout(
      su((b) => b.answered()),
      30_000,
      'SimpleUser answer',
    );
    await su((b) => b.waitActive());
    await until(
      'customer established',
      () => customerCaller.eval((p) => p.state().callState),
      (s) => s === 'established',
    );
    await su((b) => b.hangup());
    await customerIdle(customerCaller);
    if (i >= WARMUP) base.accept.push(ms);
  }
  console.log(`bench: SimpleUser done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await su((b) => b.stop());
  await suBrowser.close();

  // ---- 4. RSS of the browser-mode core over many calls ----
  console.log(`bench: RSS of the browser-mode core over ${RSS_CALLS} calls…`);
  const savedNodeOptions = process.env.NODE_OPTIONS;
  process.env.NODE_OPTIONS = [savedNodeOptions, '--expose-gc'].filter(Boolean).join(' ');
  const app = await startAgentApp({ wsUrl: sip.wsUrl, domain, user: 'agent3', password: sip.users.agent3, rendererDir });
  if (savedNodeOptions === undefined) delete process.env.NODE_OPTIONS;
  else process.env.NODE_OPTIONS = savedNodeOptions;
  cleanups.push(() => app.stop());
  const corePid = findCorePid(app.proc.pid as number);
  const appBrowser: Browser = await launchChromium();
  cleanups.push(() => appBrowser.close());
  const appPage = await appBrowser.newPage();
  await appPage.goto(app.url);
  await appPage
    .getByText(/^Registered$/)
    .first()
    .waitFor({ timeout: 20_000 });
  const ipc = await IpcClient.open(app.url);
  cleanups.push(async () => ipc.close());
  await ipc.request('app:ready', { media: false });

  async function rssCall(): Promise<void> {
    const r = await ipc.request('call:dial', { target: `sip:customer1@${domain}` });
    if (!r.ok) throw new Error(`dial failed: ${JSON.stringify(r)}`);
    const id = (r.value as CallView).id;
    await until(
      'call active',
      () => ipc.calls.get(id)?.state,
      (s) => s === 'active',
      STEP_TIMEOUT_MS,
      5,
    );
    await sleep(100);
    const h = await ipc.request('call:hangup', { id });
    if (!h.ok) throw new Error(`hangup failed: ${JSON.stringify(h)}`);
    await until(
      'call ended',
      () => ipc.calls.get(id)?.state ?? 'gone',
      (s) => s === 'ended' || s === 'gone',
      STEP_TIMEOUT_MS,
      5,
    );
    await customerIdle(customerAuto);
  }

  for (let i = 0; i < RSS_WARMUP; i++) await rssCall();
  await settle(corePid);
  const rssBefore = vmRssKb(corePid);
  started = Date.now();
  for (let i = 0; i < RSS_CALLS; i++) {
    checkBudget(started, SECTION_BUDGET_MS.rss, 'RSS loop');
    await rssCall();
    if ((i + 1) % 50 === 0) console.log(`bench: ${i + 1}/${RSS_CALLS} calls, ${((Date.now() - started) / (i + 1)).toFixed(0)} ms per call`);
  }
  const rssSeconds = (Date.now() - started) / 1000;
  await settle(corePid);
  const rssAfter = vmRssKb(corePid);
  const growthPct = Math.round(((rssAfter - rssBefore) / rssBefore) * 1000) / 10;
  ipc.close();

  // ---- report ----
  const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;
  const rows = [
    { figure: 'dial → INVITE on the wire', key: 'dialToInvite', r: summarize(rs.invite), b: summarize(base.invite) },
    { figure: 'dial → two-way RTP', key: 'dialToTwoWayRtp', r: summarize(rs.rtp), b: summarize(base.rtp) },
    { figure: 'accept → 200 OK on the wire', key: 'acceptTo200Ok', r: summarize(rs.accept), b: summarize(base.accept) },
  ];
  const goals = {
    dialToInvite: { text: 'Ringside p95 ≤ 50 ms', met: rows[0].r.p95 <= 50 },
    dialToTwoWayRtp: { text: 'Ringside p95 ≤ ½ SimpleUser p95', met: rows[1].r.p95 <= rows[1].b.p95 / 2 },
    rssGrowth: { text: 'growth ≤ 10 %', met: growthPct <= 10 },
  };
  const pad = (s: string | number, n: number): string => String(s).padStart(n);
  const padEnd = (s: string, n: number): string => s.padEnd(n);
  const lines: string[] = [];
  lines.push('');
  lines.push(`Ringside bench — ${CALLS} calls per figure (after ${WARMUP} warm-up), ms`);
  lines.push(
    `${padEnd('figure', 30)}${pad('Ringside p50', 13)}${pad('p95', 9)}${pad('SimpleUser p50', 16)}${pad('p95', 9)}${pad('ratio p50', 11)}${pad('ratio p95', 11)}  goal`,
  );
  for (const row of rows) {
    const g = (goals as Record<string, { text: string; met: boolean }>)[row.key];
    lines.push(
      `${padEnd(row.figure, 30)}${pad(row.r.p50, 13)}${pad(row.r.p95, 9)}${pad(row.b.p50, 16)}${pad(row.b.p95, 9)}${pad(ratio(row.r.p50, row.b.p50), 11)}${pad(ratio(row.r.p95, row.b.p95), 11)}  ${g ? `${g.text}: ${g.met ? 'MET' : 'NOT MET'}` : ''}`,
    );
  }
  lines.push(
    `${padEnd('core start → registered', 30)}${pad(Math.round(startup.p50 * 10) / 10, 13)} (median of ${STARTUPS}; min ${startup.min}, max ${startup.max})`,
  );
  lines.push(
    `${padEnd('main-core RSS (VmRSS)', 30)} before ${(rssBefore / 1024).toFixed(1)} MiB, after ${RSS_CALLS} calls ${(rssAfter / 1024).toFixed(1)} MiB, growth ${growthPct} %  (${goals.rssGrowth.text}: ${goals.rssGrowth.met ? 'MET' : 'NOT MET'}; ${rssSeconds.toFixed(0)} s)`,
  );
  const disp = summarize(dispositionMs);
  lines.push(
    `${padEnd('disposition → next INVITE', 30)}${pad(disp.p50, 13)}${pad(disp.p95, 9)}   (progressive, durable write included, ${WRAP_UP_MS} ms wrap-up; goal p95 ≤ 100 ms: ${disp.p95 <= 100 ? 'MET' : 'NOT MET'})`,
  );
  lines.push(
    `${padEnd('lead list, 100 k leads', 30)} first rows ${listFirstMs.toFixed(0)} ms after the click, last rows ${listEndMs.toFixed(0)} ms after jumping to the end, ${rowsInDom} rows in the DOM`,
  );
  lines.push(`total ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  console.log(lines.join('\n'));

  const result = {
    date: new Date().toISOString(),
    node: process.version,
    callsPerFigure: CALLS,
    warmup: WARMUP,
    unit: 'ms',
    ringside: { dialToInvite: rows[0].r, dialToTwoWayRtp: rows[1].r, acceptTo200Ok: rows[2].r },
    simpleUser: { dialToInvite: rows[0].b, dialToTwoWayRtp: rows[1].b, acceptTo200Ok: rows[2].b },
    ratio: Object.fromEntries(rows.map((row) => [row.key, { p50: ratio(row.r.p50, row.b.p50), p95: ratio(row.r.p95, row.b.p95) }])),
    coreStartToRegistered: { median: startup.p50, samples: startup.samples },
    rss: { beforeKb: rssBefore, afterKb: rssAfter, calls: RSS_CALLS, growthPct, seconds: Math.round(rssSeconds) },
    dispositionToNextInvite: disp,
    leadList100k: { firstRowsMs: Math.round(listFirstMs), lastRowsMs: Math.round(listEndMs), rowsInDom },
    goals,
  };
  await mkdir(path.join(repo, 'test-results'), { recursive: true });
  await writeFile(path.join(repo, 'test-results/bench.json'), JSON.stringify(result, null, 2) + '\n');
  console.log('written test-results/bench.json');
}

// ---- child-process helpers (section 4) ----

/** tsx relaunches node as a child: the core is the descendant running node-main.ts. */
function findCorePid(rootPid: number): number {
  const children = (pid: number): number[] => {
    const out: number[] = [];
    for (const e of readdirSync('/proc')) {
      if (!/^\d+$/.test(e)) continue;
      try {
        const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === pid) out.push(Number(e));
      } catch {
        /* gone */
      }
    }
    return out;
  };
  const queue = [rootPid];
  let found = rootPid;
  while (queue.length) {
    const pid = queue.shift() as number;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (cmd.some((a) => a.endsWith('node-main.ts'))) found = pid;
    } catch {
      /* gone */
    }
    queue.push(...children(pid));
  }
  return found;
}

function vmRssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]);
}

/**
 * Forced settle: full GC in the child (it runs with --expose-gc; we reach it through Node's
 * inspector, opened by SIGUSR1 the same way before and after), then 2 s of quiet.
 */
async function settle(pid: number): Promise<void> {
  process.kill(pid, 'SIGUSR1');
  const list = await until(
    'inspector up',
    () =>
      new Promise<Array<{ webSocketDebuggerUrl: string }> | null>((resolve) => {
        get('http://127.0.0.1:9229/json/list', (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => {
            try {
              resolve(JSON.parse(body));
            } catch {
              resolve(null);
            }
          });
        }).on('error', () => resolve(null));
      }),
    (l) => Array.isArray(l) && l.length > 0,
    5000,
    50,
  );
  const ws = new WebSocketImpl((list as Array<{ webSocketDebuggerUrl: string }>)[0].webSocketDebuggerUrl);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const call = (id: number, method: string, params: object = {}): Promise<unknown> =>
    new Promise((resolve) => {
      const onMsg = (d: Buffer): void => {
        const m = JSON.parse(d.toString()) as { id?: number; result?: unknown };
        if (m.id === id) {
          ws.off('message', onMsg);
          resolve(m.result);
        }
      };
      ws.on('message', onMsg);
      ws.send(JSON.stringify({ id, method, params }));
    });
  for (let i = 0; i < 2; i++) {
    await withTimeout(call(1 + i, 'Runtime.evaluate', { expression: 'typeof gc === "function" ? (gc(), "gc") : "no gc"' }), 5000, 'gc');
    await sleep(200);
  }
  ws.close();
  await sleep(2000);
}

/** A renderer-like client of the browser-mode IPC (shared/contract.ts WireFrame). */
class IpcClient {
  readonly calls = new Map<string, CallView>();
  private seq = 0;
  private readonly pending = new Map<number, (r: { ok: boolean; value?: unknown }) => void>();
  private constructor(private readonly ws: WebSocketImpl) {
    ws.on('message', (data: Buffer) => {
      const f = JSON.parse(data.toString()) as { kind: string; id?: number; result?: { ok: boolean }; channel?: string; payload?: unknown };
      if (f.kind === 'response' && f.id !== undefined) {
        this.pending.get(f.id)?.(f.result as { ok: boolean });
        this.pending.delete(f.id);
      } else if (f.kind === 'event' && f.channel === 'call:state-changed') {
        const v = f.payload as CallView;
        this.calls.set(v.id, v);
      } else if (f.kind === 'event' && f.channel === 'call:removed') {
        this.calls.delete((f.payload as { id: string }).id);
      }
    });
  }
  static async open(appUrl: string): Promise<IpcClient> {
    const u = new URL(appUrl);
    const token = new URLSearchParams(u.hash.slice(1)).get('token') ?? '';
    const ws = new WebSocketImpl(`ws://${u.host}/ipc?token=${encodeURIComponent(token)}`, { headers: { Origin: `http://${u.host}` } });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`IPC upgrade refused: ${res.statusCode}`)));
    });
    return new IpcClient(ws);
  }
  request(channel: string, payload: unknown): Promise<{ ok: boolean; value?: unknown }> {
    const id = ++this.seq;
    return withTimeout(
      new Promise((resolve) => {
        this.pending.set(id, resolve);
        this.ws.send(JSON.stringify({ kind: 'request', id, channel, payload }));
      }),
      STEP_TIMEOUT_MS,
      `IPC ${channel}`,
    );
  }
  close(): void {
    this.ws.close();
  }
}

try {
  await main();
  await cleanup();
  process.exit(0);
} catch (error) {
  await fail(error);
}
