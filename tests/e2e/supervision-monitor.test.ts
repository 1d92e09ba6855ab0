/**
 * Listen / whisper / barge end to end, plain-proxy mode through a real Kamailio:
 * three parties, each in its own Chromium with its own fake microphone playing a pure tone
 * from a WAV file this test writes (customer 440 Hz, agent 1000 Hz, supervisor 1800 Hz).
 *
 * Who hears what is decided by frequency analysis (Goertzel) of the audio each party RECEIVES:
 * the agent's and the supervisor's apps through window.ringsideDiagnostics.heardTones (what the
 * window plays), the customer from the remote stream its phone plays.
 *
 *   listen   supervisor hears customer + agent; nobody hears the supervisor
 *   whisper  the agent hears the supervisor, the customer does not
 *   barge    both hear the supervisor
 *
 * The customer's call is never renegotiated (no re-INVITE), and its sender keeps the plain
 * microphone track except in barge.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgentApp, type AgentApp } from '../support/agent-app.js';
import { until } from '../support/agent-ui.js';
import { launchChromium } from '../support/chromium.js';
import { openCustomer, type CustomerHandle } from '../support/customer-page.js';
import { startKamailio, type KamailioServer } from '../support/kamailio.js';

const CUSTOMER_HZ = 440;
const AGENT_HZ = 1000;
const SUPERVISOR_HZ = 1800;
const TONES = [CUSTOMER_HZ, AGENT_HZ, SUPERVISOR_HZ];
/** A tone is "heard" above this amplitude (full scale 1; the files play 0.3) … */
const HEARD = 0.01;
/** … and "not heard" below this one (−60 dBFS). */
const SILENT = 0.001;

let sip: KamailioServer;
let agentApp: AgentApp;
let supervisorApp: AgentApp;
let agentBrowser: Browser;
let supervisorBrowser: Browser;
let agent: Page;
let supervisor: Page;
let customer: CustomerHandle;
const measured: Record<string, Record<string, Record<string, number>>> = {};

/** 16-bit mono 48 kHz WAV with one sine tone. */
function toneWav(hz: number, seconds = 20, amplitude = 0.3): Buffer {
  const rate = 48_000;
  const n = rate * seconds;
  const data = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) data.writeInt16LE(Math.round(amplitude * 32767 * Math.sin((2 * Math.PI * hz * i) / rate)), i * 2);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

type Heard = { rms: number; tones: Record<string, number> };
type Diagnostics = {
  ringsideDiagnostics: {
    sessions(): string[];
    heardTones(freqs: number[], ms?: number): Promise<Heard>;
    monitorMixes(): Array<{ sessionId: string; target: string; mode: string }>;
    senderTrack(id: string): { trackId: string | null; isCallMicrophone: boolean } | null;
  };
};

/** What an app's window plays, by frequency. */
const appHears = (page: Page): Promise<Heard> => page.evaluate((f) => (window as unknown as Diagnostics).ringsideDiagnostics.heardTones(f, 700), TONES);

/** What the customer's phone receives (its remote stream), by frequency: same Goertzel + Hann. */
function customerHears(): Promise<Heard> {
  return customer.page.evaluate(async (freqs) => {
    const stream = (document.getElementById('remote') as HTMLAudioElement).srcObject as MediaStream | null;
    if (!stream || stream.getAudioTracks().length === 0) throw new Error('the customer receives no audio');
    const w = window as unknown as { toneCtx?: AudioContext };
    w.toneCtx ??= new AudioContext({ sampleRate: 48_000 });
    const ctx = w.toneCtx;
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 32768;
    const source = ctx.createMediaStreamSource(stream);
    source.connect(analyser);
    await new Promise((r) => setTimeout(r, (analyser.fftSize / ctx.sampleRate) * 1000 + 100));
    const x = new Float32Array(analyser.fftSize);
    analyser.getFloatTimeDomainData(x);
    source.disconnect();
    const n = x.length;
    let wsum = 0;
    let energy = 0;
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const win = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
      y[i] = x[i] * win;
      wsum += win;
      energy += x[i] * x[i];
    }
    const tones: Record<string, number> = {};
    for (const f of freqs) {
      const k = 2 * Math.cos((2 * Math.PI * f) / ctx.sampleRate);
      let s1 = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        const s0 = y[i] + k * s1 - s2;
        s2 = s1;
        s1 = s0;
      }
      tones[String(f)] = (2 * Math.sqrt(Math.max(0, s1 * s1 + s2 * s2 - k * s1 * s2))) / wsum;
    }
    return { rms: Math.sqrt(energy / n), tones };
  }, TONES);
}

/** Everyone's ears at once (after the audio has settled), recorded for the report. */
async function ears(label: string): Promise<{ agent: Heard; supervisor: Heard; customer: Heard }> {
  await new Promise((r) => setTimeout(r, 1200));
  const [a, s, c] = await Promise.all([appHears(agent), appHears(supervisor), customerHears()]);
  measured[label] = { agent: a.tones, supervisor: s.tones, customer: c.tones };
  console.log(`[monitor e2e] ${label}: agent ${fmt(a)} | supervisor ${fmt(s)} | customer ${fmt(c)}`);
  return { agent: a, supervisor: s, customer: c };
}
const fmt = (h: Heard) => TONES.map((f) => `${f}Hz=${h.tones[String(f)].toExponential(2)}`).join(' ');
const hz = (h: Heard, f: number) => h.tones[String(f)];

/** A contract request from the supervisor's page, over its own authenticated connection. */
function supervisorRequest(channel: string, payload: unknown): Promise<{ ok: boolean; value?: unknown; message?: string }> {
  return supervisor.evaluate(
    ([ch, p]) =>
      new Promise((resolve, reject) => {
        const token = new URLSearchParams(location.hash.slice(1)).get('token') ?? '';
        const ws = new WebSocket(`ws://${location.host}/ipc?token=${encodeURIComponent(token)}`);
        ws.onopen = () => ws.send(JSON.stringify({ kind: 'request', id: 1, channel: ch, payload: p }));
        ws.onmessage = (e) => {
          const frame = JSON.parse(String(e.data));
          if (frame.kind === 'response' && frame.id === 1) {
            ws.close();
            resolve(frame.result);
          }
        };
        ws.onerror = () => reject(new Error('no connection to the supervisor core'));
      }),
    [channel, payload] as const,
  );
}

const sessionsOf = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as Diagnostics).ringsideDiagnostics.sessions());
const mixesOf = (page: Page) => page.evaluate(() => (window as unknown as Diagnostics).ringsideDiagnostics.monitorMixes());
const senderOf = (page: Page, id: string) => page.evaluate((sid) => (window as unknown as Diagnostics).ringsideDiagnostics.senderTrack(sid), id);
const reinvites = (): Promise<number> => customer.eval((p) => p.events().filter((e) => e.type === 'reinvite-received').length);
const bar = () => supervisor.getByRole('region', { name: 'Monitoring' });

beforeAll(async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ringside-tones-'));
  const wav = async (name: string, f: number) => {
    const file = path.join(dir, `${name}-${f}.wav`);
    await writeFile(file, toneWav(f));
    return file;
  };
  const [customerWav, agentWav, supervisorWav] = await Promise.all([wav('customer', CUSTOMER_HZ), wav('agent', AGENT_HZ), wav('supervisor', SUPERVISOR_HZ)]);
  sip = await startKamailio();
  [agentApp, supervisorApp] = await Promise.all([
    startAgentApp({
      wsUrl: sip.wsUrl,
      domain: sip.domain,
      user: 'agent1',
      password: sip.users.agent1,
      extra: { supervision: { role: 'agent', supervisors: [`sip:supervisor1@${sip.domain}`], showMonitoring: true } },
    }),
    startAgentApp({
      wsUrl: sip.wsUrl,
      domain: sip.domain,
      user: 'supervisor1',
      password: sip.users.supervisor1,
      extra: { supervision: { role: 'supervisor', team: [`sip:agent1@${sip.domain}`] } },
    }),
  ]);
  [agentBrowser, supervisorBrowser] = await Promise.all([launchChromium({ fakeAudioFile: agentWav }), launchChromium({ fakeAudioFile: supervisorWav })]);
  agent = await agentBrowser.newPage({ viewport: { width: 1280, height: 800 } });
  supervisor = await supervisorBrowser.newPage({ viewport: { width: 1280, height: 800 } });
  await Promise.all([agent.goto(agentApp.url), supervisor.goto(supervisorApp.url)]);
  await Promise.all([
    agent
      .getByText(/^Registered$/)
      .first()
      .waitFor({ timeout: 15_000 }),
    supervisor
      .getByText(/^Registered$/)
      .first()
      .waitFor({ timeout: 15_000 }),
  ]);
  customer = await openCustomer(sip, 'customer1', {}, { fakeAudioFile: customerWav });
  await mkdir('test-results', { recursive: true });
});

afterAll(async () => {
  if (Object.keys(measured).length) await writeFile('test-results/supervision-monitor-tones.json', JSON.stringify(measured, null, 2)).catch(() => undefined);
  await Promise.allSettled([customer?.close(), agentBrowser?.close(), supervisorBrowser?.close()]);
  await Promise.allSettled([agentApp?.stop(), supervisorApp?.stop()]);
  await sip?.stop();
});

describe('listen / whisper / barge with real audio', () => {
  let customerCall = '';

  it('the agent talks to the customer: each hears the other, nobody hears the supervisor', async () => {
    await agent.getByLabel('Number or SIP address').fill(`sip:customer1@${sip.domain}`);
    await agent.getByRole('button', { name: /^Call$/ }).click();
    await until(
      'customer rings',
      () => customer.eval((p) => p.state().callState),
      (s) => s === 'ringing-in',
    );
    await customer.eval((p) => p.answer());
    [customerCall] = await until(
      'agent media',
      () => sessionsOf(agent),
      (s) => s.length === 1,
    );
    await agent.getByRole('button', { name: /^Hang up$/ }).waitFor();
    const e = await ears('before monitoring');
    expect(hz(e.agent, CUSTOMER_HZ)).toBeGreaterThan(HEARD);
    expect(hz(e.customer, AGENT_HZ)).toBeGreaterThan(HEARD);
    expect(hz(e.agent, SUPERVISOR_HZ)).toBeLessThan(SILENT);
    expect(hz(e.customer, SUPERVISOR_HZ)).toBeLessThan(SILENT);
  });

  it('listen: the supervisor hears the customer and the agent; neither hears the supervisor', async () => {
    const started = await supervisorRequest('monitor:start', { agent: `sip:agent1@${sip.domain}`, mode: 'listen' });
    expect(started.ok).toBe(true);
    await bar().getByText('Live').waitFor({ timeout: 15_000 });
    const mixes = await until(
      'agent mixes',
      () => mixesOf(agent),
      (m) => m.length === 1 && m[0].mode === 'listen',
    );
    expect(mixes[0].target).toBe(customerCall);
    await agent.getByText(/Being monitored by/).waitFor();
    expect(await agent.getByRole('status').filter({ hasText: 'Being monitored' }).innerText()).toMatch(/Being monitored by supervisor1 \(listen\)/);
    // The agent's own call list still shows just the customer.
    expect(await agent.locator('.call-list').innerText()).not.toMatch(/supervisor1/);
    const e = await ears('listen');
    expect(hz(e.supervisor, CUSTOMER_HZ)).toBeGreaterThan(HEARD);
    expect(hz(e.supervisor, AGENT_HZ)).toBeGreaterThan(HEARD);
    expect(hz(e.agent, SUPERVISOR_HZ)).toBeLessThan(SILENT);
    expect(hz(e.customer, SUPERVISOR_HZ)).toBeLessThan(SILENT);
    // The customer still hears the agent, and the agent the customer.
    expect(hz(e.customer, AGENT_HZ)).toBeGreaterThan(HEARD);
    expect(hz(e.agent, CUSTOMER_HZ)).toBeGreaterThan(HEARD);
    expect(await senderOf(agent, customerCall)).toMatchObject({ isCallMicrophone: true });
    expect(await reinvites()).toBe(0);
    await supervisor.screenshot({ path: 'test-results/monitor-supervisor-listen.png' });
    await agent.screenshot({ path: 'test-results/monitor-agent-listen.png' });
  });

  it("listen holds on the agent's side even if the supervisor unmutes their microphone", async () => {
    await supervisor.locator('.call-list .monitor-pill').filter({ hasText: 'Listen' }).click();
    await supervisor.getByRole('button', { name: /^Unmute$/ }).click();
    await supervisor.getByRole('button', { name: /^Mute$/ }).waitFor();
    const e = await ears('listen, supervisor unmuted');
    expect(hz(e.agent, SUPERVISOR_HZ)).toBeLessThan(SILENT);
    expect(hz(e.customer, SUPERVISOR_HZ)).toBeLessThan(SILENT);
  });

  it('whisper (same session): the agent hears the supervisor, the customer does not', async () => {
    await bar()
      .getByRole('radio', { name: /Whisper/ })
      .click();
    await until(
      'agent mix whisper',
      () => mixesOf(agent),
      (m) => m[0]?.mode === 'whisper',
    );
    await agent.getByText(/Being monitored by supervisor1 \(whisper\)/).waitFor();
    const e = await ears('whisper');
    expect(hz(e.agent, SUPERVISOR_HZ)).toBeGreaterThan(HEARD);
    expect(hz(e.customer, SUPERVISOR_HZ)).toBeLessThan(SILENT);
    expect(hz(e.supervisor, CUSTOMER_HZ)).toBeGreaterThan(HEARD);
    expect(hz(e.supervisor, AGENT_HZ)).toBeGreaterThan(HEARD);
    expect(hz(e.agent, CUSTOMER_HZ)).toBeGreaterThan(HEARD);
    expect(await senderOf(agent, customerCall)).toMatchObject({ isCallMicrophone: true });
    expect(await reinvites()).toBe(0);
    await supervisor.screenshot({ path: 'test-results/monitor-supervisor-whisper.png' });
    await agent.screenshot({ path: 'test-results/monitor-agent-whisper.png' });
  });

  it('barge (same session): the agent and the customer both hear the supervisor', async () => {
    await bar().getByRole('radio', { name: /Barge/ }).click();
    await until(
      'agent mix barge',
      () => mixesOf(agent),
      (m) => m[0]?.mode === 'barge',
    );
    const e = await ears('barge');
    expect(hz(e.agent, SUPERVISOR_HZ)).toBeGreaterThan(HEARD);
    expect(hz(e.customer, SUPERVISOR_HZ)).toBeGreaterThan(HEARD);
    expect(hz(e.customer, AGENT_HZ)).toBeGreaterThan(HEARD);
    expect(hz(e.supervisor, CUSTOMER_HZ)).toBeGreaterThan(HEARD);
    // Barge swaps the customer call's sender to a mix, by replaceTrack: still no re-INVITE.
    expect(await senderOf(agent, customerCall)).toMatchObject({ isCallMicrophone: false });
    expect(await reinvites()).toBe(0);
  });

  it('back to listen: the supervisor is gone for both, the customer call has its plain microphone again', async () => {
    await bar()
      .getByRole('radio', { name: /Listen/ })
      .click();
    await until(
      'agent mix listen',
      () => mixesOf(agent),
      (m) => m[0]?.mode === 'listen',
    );
    const e = await ears('listen again');
    expect(hz(e.agent, SUPERVISOR_HZ)).toBeLessThan(SILENT);
    expect(hz(e.customer, SUPERVISOR_HZ)).toBeLessThan(SILENT);
    expect(hz(e.customer, AGENT_HZ)).toBeGreaterThan(HEARD);
    expect(await senderOf(agent, customerCall)).toMatchObject({ isCallMicrophone: true });
  });

  it('Stop ends monitoring; the agent and the customer talk on', async () => {
    await bar().getByRole('button', { name: 'Stop monitoring' }).click();
    await bar().waitFor({ state: 'detached' });
    await agent.getByText(/Being monitored by/).waitFor({ state: 'detached' });
    await until(
      'agent mix undone',
      () => mixesOf(agent),
      (m) => m.length === 0,
    );
    await until(
      'monitoring media closed',
      () => sessionsOf(agent),
      (s) => s.length === 1 && s[0] === customerCall,
    );
    const e = await ears('after stop');
    expect(hz(e.agent, CUSTOMER_HZ)).toBeGreaterThan(HEARD);
    expect(hz(e.customer, AGENT_HZ)).toBeGreaterThan(HEARD);
    expect(hz(e.supervisor, CUSTOMER_HZ)).toBeLessThan(SILENT);
    expect(await reinvites()).toBe(0);
    expect(await customer.eval((p) => p.state().calls)).toBe(1);
  });

  it('monitoring ends cleanly when the customer hangs up', async () => {
    await supervisorRequest('monitor:start', { agent: `sip:agent1@${sip.domain}`, mode: 'whisper' });
    await bar().getByText('Live').waitFor({ timeout: 15_000 });
    await until(
      'agent mixes',
      () => mixesOf(agent),
      (m) => m.length === 1,
    );
    await customer.eval((p) => p.hangup());
    await bar().getByText("The agent's call ended.").waitFor({ timeout: 10_000 });
    await agent.getByText(/Being monitored by/).waitFor({ state: 'detached' });
    await until(
      'agent media closed',
      () => sessionsOf(agent),
      (s) => s.length === 0,
    );
    expect(await mixesOf(agent)).toEqual([]);
    await supervisor.screenshot({ path: 'test-results/monitor-supervisor-ended.png' });
    expect(await reinvites()).toBe(0);
  });
});
