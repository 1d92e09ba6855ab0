/**
 * Faults in the middle of a call, with real audio: the agent app (browser-mode core + the e2e
 * renderer build in Chromium) on a call with a customer phone (its own Chromium) through a real
 * Kamailio, while the SIP server is SIGKILLed and restarted, the agent's link is black-holed,
 * the loopback link goes down and up, or the window is reloaded. Each scenario measures what an
 * agent would notice: how long after the fault the line is registered again, whether audio kept
 * flowing both ways (RTP counted at both ends by getStats, in short windows, the whole time) or
 * how long it took to come back, and what the ICE-restart re-INVITE did. Used by the short test
 * (tests/e2e/call-faults.test.ts, in `npm test`) and the long run (`npm run test:faults`).
 *
 * Browser mode has no wake event (the Electron shell's powerMonitor `resume` is what calls
 * `core.reconnect()`, and the page has no hook for it), so after a black hole the short
 * keep-alive ping is what notices the dead link.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import type { CallSessionView } from '../../shared/call-session.js';
import type { RegistrationView } from '../../shared/registration-state.js';
import { startAgentApp, type AgentApp } from './agent-app.js';
import { CAMPAIGN_JSON, ONE_LEAD_CSV, agentSessions, customerState, flow, openAgent, ringing, until } from './agent-ui.js';
import type { BlackholeProxy } from './blackhole-proxy.js';
import { launchChromium } from './chromium.js';
import { openCustomer, type CustomerHandle } from './customer-page.js';
import type { CustomerPhone } from './customer-phone/phone.js';
import type { KamailioServer } from './kamailio.js';

const run = promisify(execFile);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** RTP packets a side must receive in one measuring window for its direction to count as audio (Opus sends 50 a second). */
export const WINDOW_MS = 250;
export const MIN_PACKETS = 5;

export interface CallFaultFigure {
  scenario: string;
  /** The line went down (the window was told it had no socket or was not registered). */
  lineLost: boolean;
  /** From the fault's start to the window being told the line dropped, ms (a black hole is only noticed by a ping); null when it stayed up. */
  lostAtMs: number | null;
  /**
   * To registered on a working socket from the fault's end or from the line being seen down,
   * whichever came later (the earliest the product could come back), ms; 0 when the line stayed
   * up; null when it never came back.
   */
  registeredMs: number | null;
  /** Audio both ways in every measuring window from the fault's start to the end of the measurement. */
  audioHeld: boolean;
  /** Windows without audio both ways during and after the fault. */
  silentWindows: number;
  /** From the fault's end to audio both ways for good, ms (0 when it held); null when it did not come back. */
  audioBackMs: number | null;
  /** RTP packets a second each side received over the last seconds measured, once the line and the ICE restart had settled: [agent, customer]. */
  afterPps: [number, number];
  /** What the ICE-restart re-INVITE did. */
  iceRestart: 'succeeded' | 'failed' | 'not sent';
  /** Why it failed, in the words the window was told. */
  iceRestartWhy: string | null;
  /** The call as the window shows it after the fault (its state pill). */
  callShown: string;
  /** The live call's warning seen while the line was down (null: the line never went down). */
  warnedWhileDown: string | null;
  /** The live call's warning once the fault has settled ('' when none is shown). */
  warningAfter: string;
  /** The call as the window shows it once the agent hung up (its outcome line). */
  hungUp: string;
  /** The customer's phone got the agent's BYE. */
  customerBye: boolean;
}

/** One fault figure in the style of the idle ones (tests/support/server-faults.ts formatFigure). */
export function formatCallFigure(f: CallFaultFigure, goalMs: number): string {
  const line = !f.lineLost
    ? 'line stayed registered'
    : f.registeredMs === null
      ? 'NOT registered again'
      : `line seen down ${f.lostAtMs} ms after the fault began, registered ${f.registeredMs} ms after it was over (goal ≤ ${goalMs} ms)`;
  const audio = f.audioHeld
    ? 'two-way audio held throughout'
    : f.audioBackMs === null
      ? `two-way audio NOT back (${f.silentWindows} silent ${WINDOW_MS} ms windows)`
      : `two-way audio back ${f.audioBackMs} ms after (${f.silentWindows} silent ${WINDOW_MS} ms windows)`;
  const ice = f.iceRestart === 'failed' ? `ICE restart failed (${f.iceRestartWhy})` : `ICE restart ${f.iceRestart}`;
  const after = `then the agent received ${f.afterPps[0]} and the customer ${f.afterPps[1]} RTP packets/s`;
  return `${f.scenario}: ${line}, ${audio}, ${after}, ${ice}, call shown “${f.callShown}”; hung up: “${f.hungUp}”, customer got the BYE ${f.customerBye ? 'yes' : 'no'}`;
}

/** An event the agent's window got from the core, with when the test saw it. */
export interface SeenEvent {
  at: number;
  channel: string;
  payload: unknown;
}

export interface AgentRig {
  app: AgentApp;
  browser: Browser;
  page: Page;
  /** Every event frame the page got, over every socket it opened (a reload opens a new one). */
  events: SeenEvent[];
  /** The page's sockets to the core that closed, and when. */
  socketsClosed: number[];
  close(): Promise<void>;
}

/** The agent app of `user` (agent1) on `server` (Kamailio or a proxy in front of it), its page open, registered and available. */
export async function openAgentRig(sip: KamailioServer, opts: { server?: string; keepAliveSec?: number; user?: string } = {}): Promise<AgentRig> {
  const user = opts.user ?? 'agent1';
  const app = await startAgentApp({
    wsUrl: opts.server ?? sip.wsUrl,
    domain: sip.domain,
    user,
    password: sip.users[user],
    ...(opts.keepAliveSec !== undefined ? { extra: { keepAliveSec: opts.keepAliveSec } } : {}),
  });
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const events: SeenEvent[] = [];
  const socketsClosed: number[] = [];
  page.on('websocket', (ws) => {
    ws.on('framereceived', (f) => {
      try {
        const frame = JSON.parse(String(f.payload)) as { kind?: string; channel?: string; payload?: unknown };
        if (frame.kind === 'event' && frame.channel) events.push({ at: Date.now(), channel: frame.channel, payload: frame.payload });
      } catch {
        /* not one of the contract's frames */
      }
    });
    ws.on('close', () => socketsClosed.push(Date.now()));
  });
  try {
    await openAgent(page, app.url);
  } catch (error) {
    await browser.close();
    await app.stop();
    throw new Error(`${String(error)}\nagent app output:\n${app.output().slice(-3000)}`);
  }
  return {
    app,
    browser,
    page,
    events,
    socketsClosed,
    close: async () => {
      await browser.close().catch(() => undefined);
      await app.stop();
    },
  };
}

const registrations = (rig: AgentRig, since: number): Array<{ at: number; r: RegistrationView }> =>
  rig.events.filter((e) => e.at >= since && e.channel === 'registration:changed').map((e) => ({ at: e.at, r: e.payload as RegistrationView }));

/** The line is down as the window is told: no socket, or not registered on it. */
const isDown = (r: RegistrationView): boolean => !r.connected || r.state !== 'registered';

const callEvents = (rig: AgentRig, since: number): Array<{ at: number; c: CallSessionView }> =>
  rig.events.filter((e) => e.at >= since && e.channel === 'call:state-changed').map((e) => ({ at: e.at, c: e.payload as CallSessionView }));

/** The agent dials the customer from the dial box; the customer answers; returns the call's media session once audio flows both ways. */
export async function callCustomer(rig: AgentRig, customer: CustomerHandle, target: string): Promise<string> {
  const rang = ringing(customer);
  await rig.page.getByLabel('Number or SIP address').fill(target);
  await rig.page.getByRole('button', { name: /^Call$/ }).click();
  await rang;
  await until(
    'customer answers',
    () => customerState(customer),
    (s) => s === 'established',
    10_000,
  );
  const [id] = await until(
    'one media session',
    () => agentSessions(rig.page),
    (s) => s.length === 1,
  );
  await until(
    'audio both ways',
    () => flow(rig.page, id, customer, 500),
    (f) => twoWay(f, 2 * MIN_PACKETS),
    10_000,
  );
  return id;
}

/** The call's state pill and, once ended, its outcome line, as the call panel shows them. */
export async function callShown(page: Page): Promise<string> {
  const panel = page.locator('section.call-panel').first();
  if ((await panel.count()) === 0) return 'no call shown';
  const pill = (
    await panel
      .locator('.cp-state')
      .innerText()
      .catch(() => '')
  ).trim();
  const outcome = await panel
    .locator('.cp-outcome')
    .innerText({ timeout: 500 })
    .catch(() => '');
  return outcome ? `${pill}: ${outcome.trim()}` : pill;
}

/** The live call panel's warning line: waits up to 2 s for one matching `want`, else reads what is there ('' for none). */
async function liveWarning(page: Page, want?: RegExp): Promise<string> {
  const warning = page.locator('section.call-panel .cp-warning').first();
  if (want)
    await until(
      'the call panel warning',
      () => warning.innerText({ timeout: 200 }).catch(() => ''),
      (t) => want.test(t),
      2000,
    ).catch(() => '');
  return (await warning.innerText({ timeout: 200 }).catch(() => '')).trim();
}

const twoWay = (f: number[], min = MIN_PACKETS): boolean => f[1] >= min && f[3] >= min;

/** One measuring window: RTP counted at both ends ([agent sent, agent received, customer sent, customer received]). */
interface AudioWindow {
  start: number;
  end: number;
  flow: number[];
}

/**
 * Counts RTP at both ends in back-to-back windows until stopped. A window whose reading fails
 * (a page busy or gone) counts as silent.
 */
export function watchAudio(page: Page, sessionId: string, customer: CustomerHandle): { stop(): Promise<AudioWindow[]> } {
  const windows: AudioWindow[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const start = Date.now();
      const f = await flow(page, sessionId, customer, WINDOW_MS).catch(() => [0, 0, 0, 0]);
      windows.push({ start, end: Date.now(), flow: f });
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return windows;
    },
  };
}

/** Audio figures from the windows after `faultStart`, against the fault's end. */
export function audioFigures(
  windows: AudioWindow[],
  faultStart: number,
  faultEnd: number,
): Pick<CallFaultFigure, 'audioHeld' | 'silentWindows' | 'audioBackMs'> {
  const after = windows.filter((w) => w.end > faultStart);
  const silent = after.filter((w) => !twoWay(w.flow));
  const last = after.at(-1);
  if (silent.length === 0) return { audioHeld: true, silentWindows: 0, audioBackMs: 0 };
  const lastSilent = silent.at(-1) as AudioWindow;
  // Still silent at the end of the measurement: not back.
  if (!last || lastSilent === last) return { audioHeld: false, silentWindows: silent.length, audioBackMs: null };
  return { audioHeld: false, silentWindows: silent.length, audioBackMs: Math.max(0, lastSilent.end - faultEnd) };
}

/** Packets a second the agent and the customer received over these windows. */
function packetsPerSecond(windows: AudioWindow[]): [number, number] {
  const ms = windows.reduce((sum, w) => sum + (w.end - w.start), 0);
  const rate = (i: number): number => (ms > 0 ? Math.round((windows.reduce((sum, w) => sum + w.flow[i], 0) * 1000) / ms) : 0);
  return [rate(1), rate(3)];
}

/** Registration figures: did the line drop after `faultStart`, when, and how soon after it could it was registered on a working socket. */
export function registrationFigures(rig: AgentRig, faultStart: number, faultEnd: number): Pick<CallFaultFigure, 'lineLost' | 'lostAtMs' | 'registeredMs'> {
  const seen = registrations(rig, faultStart);
  const lost = seen.find((e) => isDown(e.r));
  if (!lost) return { lineLost: false, lostAtMs: null, registeredMs: 0 };
  const back = seen.find((e) => e.at >= lost.at && !isDown(e.r));
  return { lineLost: true, lostAtMs: lost.at - faultStart, registeredMs: back ? Math.max(0, back.at - Math.max(faultEnd, lost.at)) : null };
}

async function waitRegistered(rig: AgentRig, since: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const seen = registrations(rig, since);
    const lost = seen.findIndex((e) => isDown(e.r));
    if (lost >= 0 && seen.slice(lost).some((e) => !isDown(e.r))) return true;
    await sleep(50);
  }
  return false;
}

/** When the customer's phone got re-INVITEs (its page's clock: the same machine's). */
const reinvitesAt = (customer: CustomerHandle): Promise<number[]> =>
  customer.eval((p) =>
    p
      .events()
      .filter((e) => e.type === 'reinvite-received')
      .map((e) => e.t),
  );

/** The customer's phone gathered candidates after `since`: it restarted ICE. */
const regathered = (customer: CustomerHandle, since: number): Promise<boolean> =>
  customer.page.evaluate((t) => (window as unknown as { phone: CustomerPhone }).phone.events().some((e) => e.type === 'local-candidate' && e.t >= t), since);

/**
 * What the ICE-restart re-INVITE did after `since`: failed (the window was told the call could
 * not renegotiate its audio), succeeded (the customer got it, gathered new candidates, and the
 * agent's core then reported the call renegotiated: a change with no detail left) or not sent.
 */
async function iceRestartOutcome(
  rig: AgentRig,
  customer: CustomerHandle,
  since: number,
  timeoutMs: number,
): Promise<Pick<CallFaultFigure, 'iceRestart' | 'iceRestartWhy'>> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const failed = callEvents(rig, since).find((e) => /could not renegotiate/.test(e.c.detail ?? ''));
    if (failed) return { iceRestart: 'failed', iceRestartWhy: /its audio \((.*)\): /.exec(failed.c.detail ?? '')?.[1] ?? failed.c.detail };
    const got = (await reinvitesAt(customer).catch(() => [])).find((t) => t >= since);
    if (got !== undefined && callEvents(rig, got).some((e) => e.c.detail === null) && (await regathered(customer, got))) {
      return { iceRestart: 'succeeded', iceRestartWhy: null };
    }
    await sleep(100);
  }
  return { iceRestart: 'not sent', iceRestartWhy: null };
}

/** A call the agent placed to the customer, with audio both ways. */
export interface LiveCall {
  rig: AgentRig;
  customer: CustomerHandle;
  sessionId: string;
}

/** The agent (on an open rig) dials `user` (a customer phone answering at once); resolves once audio flows both ways. */
export async function liveCall(sip: KamailioServer, rig: AgentRig, customer: CustomerHandle, user = 'customer1'): Promise<LiveCall> {
  return { rig, customer, sessionId: await callCustomer(rig, customer, `sip:${user}@${sip.domain}`) };
}

/**
 * Runs one network fault on a live call and measures it: `fault` returns when the fault is over
 * (the time its end is measured from). Then looks `dropWaitMs` for the line to drop (a ping may
 * notice a dead link only later), waits for it to be registered again and for the ICE restart,
 * and measures audio for `settleMs` more. Ends with the agent hanging up.
 */
async function measure(
  scenario: string,
  call: LiveCall,
  fault: () => Promise<void>,
  opts: { dropWaitMs?: number; settleMs?: number } = {},
): Promise<CallFaultFigure> {
  const { rig, customer } = call;
  const audio = watchAudio(rig.page, call.sessionId, customer);
  await sleep(4 * WINDOW_MS);
  const faultStart = Date.now();
  let figure: CallFaultFigure;
  try {
    await fault();
    const faultEnd = Date.now();
    const dropDeadline = Date.now() + (opts.dropWaitMs ?? 1000);
    const lost = (): boolean => registrations(rig, faultStart).some((e) => isDown(e.r));
    while (Date.now() < dropDeadline && !lost()) await sleep(50);
    // While the line is down the live call says so (not only once it has ended).
    const warnedWhileDown = lost() ? await liveWarning(rig.page, /SIP server lost/) : null;
    if (lost()) await waitRegistered(rig, faultStart, 20_000);
    const ice: Pick<CallFaultFigure, 'iceRestart' | 'iceRestartWhy'> = lost()
      ? await iceRestartOutcome(rig, customer, faultStart, 15_000)
      : { iceRestart: 'not sent', iceRestartWhy: null };
    const settledFrom = Date.now();
    await sleep(opts.settleMs ?? 3000);
    const windows = await audio.stop();
    figure = {
      scenario,
      ...registrationFigures(rig, faultStart, faultEnd),
      ...audioFigures(windows, faultStart, faultEnd),
      afterPps: packetsPerSecond(windows.filter((w) => w.start >= settledFrom)),
      ...ice,
      callShown: await callShown(rig.page),
      warnedWhileDown,
      warningAfter: await liveWarning(rig.page),
      hungUp: '',
      customerBye: false,
    };
  } finally {
    await audio.stop();
  }
  return { ...figure, ...(await hangUp(call)) };
}

/** The agent hangs up: what the ended call reads as, and whether the customer's phone got the BYE. */
export async function hangUp(call: LiveCall): Promise<{ hungUp: string; customerBye: boolean }> {
  const { page } = call.rig;
  await page.getByRole('button', { name: /^Hang up$/ }).click();
  await page.locator('section.call-panel.state-ended').waitFor({ timeout: 10_000 });
  const bye = await until('customer hung up on', () => call.customer.eval((p) => p.state().byeReceived), Boolean, 3000).catch(() => false);
  // A BYE the server cannot pass on is refused at once or times out (RFC 3261 timer F, 32 s):
  // then the ended call says so instead of "You hung up".
  if (!bye)
    await until(
      'the refused hang-up shown',
      () => callShown(page),
      (t) => /could not pass it on/.test(t),
      40_000,
    ).catch(() => undefined);
  await until(
    'no media session left',
    () => agentSessions(page),
    (s) => s.length === 0,
  );
  return { hungUp: await callShown(page), customerBye: bye };
}

/** Kamailio SIGKILLed mid-call (every process of it), down `outageMs`, started again on the same port. */
export function kamailioKilledMidCall(sip: KamailioServer, call: LiveCall, outageMs: number): Promise<CallFaultFigure> {
  return measure(`Kamailio SIGKILLed mid-call, down ${outageMs / 1000} s, restarted`, call, async () => {
    const pid = sip.pid();
    if (pid) process.kill(-pid, 'SIGKILL');
    await sip.stop();
    await sleep(outageMs);
    await sip.start();
  });
}

/**
 * The agent's link black-holed mid-call (as after a sleep): the sockets stay open and nothing
 * passes. The call's agent app must run through `proxy` with a short keep-alive.
 */
export function blackholedMidCall(call: LiveCall, proxy: BlackholeProxy, keepAliveSec: number): Promise<CallFaultFigure> {
  // No wake to wait for: the fault "ends" at once and the keep-alive has to notice.
  return measure(`agent's link black-holed mid-call (sleep), noticed by the ${keepAliveSec} s keep-alive`, call, async () => proxy.blackhole(), {
    dropWaitMs: 2 * keepAliveSec * 1000 + 3000,
  });
}

/** `ip link set lo down`, `downMs`, `ip link set lo up` inside the network namespace, mid-call. */
export function loopbackDownMidCall(call: LiveCall, downMs: number): Promise<CallFaultFigure> {
  if (process.env.RINGSIDE_NETNS !== '1') throw new Error('the loopback fault needs the private network namespace (tests/tools/netns.sh)');
  return measure(
    `loopback link down ${downMs / 1000} s mid-call`,
    call,
    async () => {
      await run('ip', ['link', 'set', 'lo', 'down']);
      try {
        await sleep(downMs);
      } finally {
        await run('ip', ['link', 'set', 'lo', 'up']);
      }
    },
    // A keep-alive ping caught in the outage is answered once TCP retransmits it, or times out after 5 s.
    { dropWaitMs: 5000 },
  );
}

/** What the agent sees after the window holding the call's audio was reloaded mid-call. */
export interface ReloadFigure {
  scenario: string;
  /** From the reload to the call shown as ended (in the reloaded window), ms. */
  endedShownMs: number;
  /** What the ended call reads as. */
  callShown: string;
  /** The customer's phone got a BYE, and how long after the reload. */
  customerBye: boolean;
  customerByeMs: number | null;
  /** The disposition prompt is up (the lead's outcome is not lost)... */
  dispositionPrompt: boolean;
  /** ...and the disposition chosen there is saved. */
  dispositionSaved: boolean;
  /** From the reload to registered and shown as such in the reloaded window, ms. */
  registeredMs: number;
}

export function formatReloadFigure(f: ReloadFigure): string {
  return (
    `${f.scenario}: shown ended ${f.endedShownMs} ms after (“${f.callShown}”), ` +
    `customer got the BYE ${f.customerBye ? `${f.customerByeMs} ms after` : 'NEVER'}, ` +
    `disposition prompt ${f.dispositionPrompt ? 'yes' : 'NO'}, saved ${f.dispositionSaved ? 'yes' : 'NO'}, registered in the reloaded window ${f.registeredMs} ms after`
  );
}

/**
 * The e2e campaign imported and picked, and its one lead (Celina Zielińska, +48225550143)
 * imported from CSV, through the UI with the columns it suggests. The same steps as
 * agent-ui.ts's importCampaignJson / pickCampaign / importLeadsCsv without their asserts, which
 * need vitest and the long run (plain tsx) has none.
 */
async function campaignWithOneLead(page: Page, campaign: string): Promise<void> {
  await page.getByRole('button', { name: 'New campaign', exact: true }).click();
  await page.getByRole('dialog', { name: 'New campaign' }).getByLabel('Import JSON').setInputFiles(CAMPAIGN_JSON);
  const imported = page.getByRole('dialog', { name: `Campaign: ${campaign}` });
  await imported
    .getByRole('status')
    .filter({ hasText: `Imported “${campaign}”.` })
    .waitFor();
  await imported.getByRole('button', { name: 'Close', exact: true }).click();
  await imported.waitFor({ state: 'detached' });
  const picker = page.getByLabel('Campaign', { exact: true });
  const option = picker.locator('option', { hasText: campaign });
  await option.waitFor({ state: 'attached' });
  await picker.selectOption((await option.getAttribute('value')) as string);
  await page.getByRole('button', { name: 'Import CSV', exact: true }).click();
  const wizard = page.getByRole('dialog', { name: 'Import leads from CSV' });
  await wizard.getByLabel('CSV file').setInputFiles(ONE_LEAD_CSV);
  await wizard.getByText(/delimiter\s+semicolon/).waitFor();
  await wizard.getByRole('button', { name: 'Import', exact: true }).click();
  await wizard
    .getByRole('status')
    .filter({ hasText: /^Import finished in/ })
    .waitFor({ timeout: 20_000 });
  await wizard.getByRole('button', { name: 'Done', exact: true }).click();
  await wizard.waitFor({ state: 'detached' });
}

/**
 * A lead call (campaign and one lead imported through the UI, "Call now" from the preview) to
 * the customer phone of that lead, with audio both ways; then the page is reloaded. On `on` (an
 * agent whose app has not imported the campaign yet), or on a fresh agent app.
 */
export async function reloadMidCall(sip: KamailioServer, on?: AgentRig): Promise<ReloadFigure> {
  const rig = on ?? (await openAgentRig(sip));
  let celina: CustomerHandle | undefined;
  try {
    celina = await openCustomer(sip, '+48225550143', { autoAnswer: true, answerDelayMs: 300 });
    const customer = celina;
    const page = rig.page;
    const campaign = (JSON.parse(readFileSync(CAMPAIGN_JSON, 'utf8')) as { campaign: { name: string } }).campaign.name;
    await campaignWithOneLead(page, campaign);
    await page.getByRole('tab', { name: 'Lead list', exact: true }).click();
    await page
      .getByRole('table', { name: 'Leads' })
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: 'Celina Zielińska', exact: true }) })
      .click();
    const rang = ringing(customer);
    await page.getByRole('group', { name: 'Preview' }).getByRole('button', { name: 'Call now', exact: true }).click();
    await rang;
    await until(
      'customer answers',
      () => customerState(customer),
      (s) => s === 'established',
    );
    const [id] = await until(
      'one media session',
      () => agentSessions(page),
      (s) => s.length === 1,
    );
    await until(
      'audio both ways',
      () => flow(page, id, customer, 500),
      (f) => twoWay(f, 2 * MIN_PACKETS),
      10_000,
    );

    const reloadAt = Date.now();
    await page.reload();
    const ended = page.locator('section.call-panel.state-ended').filter({ hasText: 'reloaded or closed' });
    await ended.waitFor({ timeout: 15_000 });
    const endedShownMs = Date.now() - reloadAt;
    const bye = await until(
      'customer hung up on',
      () => customer.eval((p) => p.state()),
      (s) => s.callState === 'terminated',
      10_000,
    ).catch(() => null);
    // When the customer's page logged the BYE (same clock: one machine).
    const byeAt = (await customer.eval((p) => p.events().find((e) => e.type === 'bye-received')?.t ?? null)) ?? null;
    const prompt = await page
      .getByRole('status')
      .filter({ hasText: 'Choose a disposition before the next call' })
      .waitFor({ timeout: 10_000 })
      .then(() => true)
      .catch(() => false);
    await page
      .getByText(/^Registered$/)
      .first()
      .waitFor({ timeout: 15_000 });
    const registeredMs = Date.now() - reloadAt;
    const shown = await callShown(page);
    // The lead's outcome is not lost: the disposition the prompt asks for is saved.
    let saved = false;
    if (prompt) {
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur?.());
      await page.keyboard.press('2');
      saved = await page
        .locator('.main-tabs')
        .getByRole('status')
        .filter({ hasText: 'Saved: Appointment set' })
        .waitFor({ timeout: 5000 })
        .then(() => true)
        .catch(() => false);
    }
    return {
      scenario: 'agent window reloaded mid-call',
      endedShownMs,
      callShown: shown,
      customerBye: bye?.byeReceived === true,
      customerByeMs: byeAt !== null ? byeAt - reloadAt : null,
      dispositionPrompt: prompt,
      dispositionSaved: saved,
      registeredMs,
    };
  } finally {
    await Promise.allSettled([celina?.close(), on ? undefined : rig.close()]);
  }
}

/** What an OS network event in the page did to a link nobody pings. */
export interface PageEventFigure {
  /** Down events in the `quietMs` before the page's event: none, as nothing else looks. */
  noticedBefore: boolean;
  /** From the event to registered again on a new socket, ms (null: not within 15 s). */
  registeredMs: number | null;
}

/**
 * The agent's link black-holed with the keep-alive off (every ping slept through), then the
 * page's own `online` event, as the OS fires it when a network comes back: the page is all a
 * browser-mode agent has to notice with.
 */
export async function onlineEventAfterBlackhole(rig: AgentRig, proxy: BlackholeProxy, quietMs = 3000): Promise<PageEventFigure> {
  const from = Date.now();
  proxy.blackhole();
  await sleep(quietMs);
  const noticedBefore = registrations(rig, from).some((e) => isDown(e.r));
  const since = Date.now();
  await rig.page.evaluate(() => window.dispatchEvent(new Event('online')));
  if (!(await waitRegistered(rig, since, 15_000))) return { noticedBefore, registeredMs: null };
  const seen = registrations(rig, since);
  const up = seen.slice(seen.findIndex((e) => isDown(e.r))).find((e) => !isDown(e.r));
  return { noticedBefore, registeredMs: up ? up.at - since : null };
}
