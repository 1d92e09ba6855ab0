/**
 * End to end, the telemarketer's day through the UI only: the real renderer (vite build) in
 * Debian's Chromium, the real core in browser mode with its SQLite file, real customer phones
 * (own Chromium each) reached through a real Kamailio by the leads' E.164 numbers.
 *
 * Campaign JSON import → campaign picker → CSV import wizard (semicolon, Polish headers) →
 * preview of the higher-priority lead → Call now → media both ways → branching script with a
 * capture → hang up → disposition required → switch to progressive in the campaign editor →
 * hotkey 1 (Sale) → the next lead is dialled by itself → hotkey 5 → graceful restart on the
 * same data dir → lead list and history from disk (and the DB file read directly).
 */
import { mkdir, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../electron/core/data/sqlite/store.js';
import { startAgentApp, type AgentApp } from '../support/agent-app.js';
import { launchChromium } from '../support/chromium.js';
import { openCustomer, type CustomerHandle } from '../support/customer-page.js';
import { startKamailio, type KamailioServer } from '../support/kamailio.js';
import {
  CAMPAIGN_JSON,
  LEADS_CSV,
  agentSessions,
  customerState,
  dbPathOf,
  fact,
  flow,
  historyTexts,
  importCampaignJson,
  importLeadsCsv,
  openAgent,
  pickCampaign,
  pressHotkey,
  ringing,
  until,
} from '../support/agent-ui.js';

const CAMPAIGN = 'E2E Solar';
/** A call in the lead's history. The core stores the call's remote URI (sip:+48…@domain) as its "phone". */
const CALL_ENTRY = /^Outbound call · (sip:)?\+48225550141(@[\w.:]+)? · Call ended · \d+:\d\d$/;

let sip: KamailioServer;
let app: AgentApp;
let dataDir: string;
let agentBrowser: Browser;
let agent: Page;
let anna: CustomerHandle; // +48225550141
let bartek: CustomerHandle; // +48225550142

const button = (name: string) => agent.getByRole('button', { name, exact: true });
const leadHeading = (name: string) => agent.getByRole('tabpanel', { name: 'Lead' }).getByRole('heading', { name, exact: true });
const agentStateText = () => agent.getByRole('group', { name: 'Agent state' }).getByRole('status').innerText();
const callPanelState = () => agent.locator('.call-panel .cp-state').innerText();
const dispositionRequired = () => agent.getByRole('status').filter({ hasText: 'Choose a disposition before the next call' });
const confirmation = (text: string) => agent.locator('.main-tabs').getByRole('status').filter({ hasText: text });

beforeAll(async () => {
  sip = await startKamailio();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'ringside-e2e-workspace-'));
  app = await startAgentApp({ wsUrl: sip.wsUrl, domain: sip.domain, user: 'agent1', password: sip.users.agent1, dataDir });
  agentBrowser = await launchChromium();
  agent = await agentBrowser.newPage({ viewport: { width: 1280, height: 800 } });
  await openAgent(agent, app.url);
  [anna, bartek] = await Promise.all([
    openCustomer(sip, '+48225550141', { autoAnswer: true, answerDelayMs: 300 }),
    openCustomer(sip, '+48225550142', { autoAnswer: true, answerDelayMs: 300 }),
  ]);
  await until(
    'customers registered',
    () => Promise.all([anna, bartek].map((c) => c.eval((p) => p.state().registered))),
    (r) => r.every(Boolean),
  );
  await mkdir('test-results', { recursive: true });
});

afterAll(async () => {
  await Promise.allSettled([anna?.close(), bartek?.close(), agentBrowser?.close()]);
  await app?.stop();
  await sip?.stop();
});

describe('telemarketer workspace in Chromium against the real core, SQLite and Kamailio', () => {
  it('imports a campaign JSON in the campaign editor and picks it', async () => {
    await importCampaignJson(agent, CAMPAIGN_JSON, CAMPAIGN);
    await pickCampaign(agent, CAMPAIGN);
    await agent.getByText('No leads are due in this campaign right now.').waitFor();
  });

  it('imports the Polish semicolon CSV through the wizard: preview, mapping, report 2 imported / 0 failed', async () => {
    await importLeadsCsv(agent, LEADS_CSV, [
      ['Bartek', 'Wiśniewski', '22 555 01 42', 'Kraków', '1', '2026-03-02'],
      ['Anna', 'Nowak', '22 555 01 41', 'Warszawa', '5', '2026-03-02'],
    ]);
    await expect.poll(() => agent.getByLabel('Campaign', { exact: true }).locator('option:checked').innerText()).toBe(`${CAMPAIGN} (2 due)`);
  });

  it('previews the higher-priority lead; Call now rings her phone; she answers; audio flows both ways', async () => {
    await leadHeading('Anna Nowak').waitFor({ timeout: 10_000 });
    const preview = agent.getByRole('group', { name: 'Preview' });
    await preview.getByText('22 555 01 41', { exact: true }).waitFor();
    expect(await fact(agent, 'Priority').innerText()).toBe('5');
    expect(await fact(agent, 'City').count()).toBe(0); // city is part of Address
    expect(await fact(agent, 'Address').innerText()).toMatch(/^Warszawa\b/);
    // Preview with countdown 0: nothing is dialled until the agent clicks.
    await new Promise((r) => setTimeout(r, 500));
    expect(await anna.eval((p) => p.state().calls)).toBe(0);

    const rang = ringing(anna);
    await preview.getByRole('button', { name: 'Call now', exact: true }).click();
    await rang;
    expect(await anna.eval((p) => p.state().remoteUser)).toBe('agent1');
    await until(
      'Anna answers (auto, 300 ms)',
      () => customerState(anna),
      (s) => s === 'established',
    );
    const [id] = await until(
      'one media session',
      () => agentSessions(agent),
      (s) => s.length === 1,
    );
    await expect.poll(callPanelState, { timeout: 10_000 }).toBe('On call');
    await expect.poll(agentStateText).toMatch(/^On call/);
    await button('Hang up').waitFor();
    const [aSent, aRecv, cSent, cRecv] = await flow(agent, id, anna);
    expect(aSent).toBeGreaterThan(20);
    expect(aRecv).toBeGreaterThan(20);
    expect(cSent).toBeGreaterThan(20);
    expect(cRecv).toBeGreaterThan(20);
  });

  it('follows the script branch Yes → Qualify → Metal, captured into custom field roof', async () => {
    const script = agent.getByRole('complementary', { name: 'Script' });
    await script.getByRole('heading', { name: 'Introduction', exact: true }).waitFor();
    await script.getByText('Hello Anna, this is Agent agent1 from E2E Solar. Is now a good time?').waitFor();
    await script.getByRole('group', { name: 'Answers' }).getByRole('button', { name: 'Yes', exact: true }).click();
    await script.getByRole('heading', { name: 'Qualify', exact: true }).waitFor();
    await script.getByText('What is your roof made of?').waitFor();
    expect(await script.getByRole('navigation', { name: 'Steps taken' }).getByRole('listitem').allInnerTexts()).toEqual(['Introduction', 'Qualify']);
    await script.getByRole('group', { name: 'Answers' }).getByRole('button', { name: 'Metal', exact: true }).click();
    await script.getByText('End of script.').waitFor();
    await expect.poll(() => fact(agent, 'roof').innerText(), { timeout: 5000 }).toBe('Metal');
    await agent.screenshot({ path: 'test-results/workspace-call.png' });
  });

  it('hangs up: wrap-up, and a disposition is required', async () => {
    await button('Hang up').click();
    await until(
      'Anna sees the BYE',
      () => customerState(anna),
      (s) => s === 'terminated' || s === 'idle',
    );
    await until(
      'agent media closed',
      () => agentSessions(agent),
      (s) => s.length === 0,
    );
    await dispositionRequired().waitFor();
    await expect.poll(agentStateText).toMatch(/^After-call work/);
    await agent.getByRole('timer').filter({ hasText: 'After-call work' }).waitFor();
    const sale = agent.getByRole('group', { name: 'Dispositions' }).getByRole('button', { name: 'Sale', exact: true });
    expect(await sale.getAttribute('aria-keyshortcuts')).toBe('1');
    // The call is in her history already.
    await expect.poll(() => historyTexts(agent), { timeout: 5000 }).toContainEqual(expect.stringMatching(CALL_ENTRY));
    await agent.screenshot({ path: 'test-results/workspace-wrapup.png' });
  });

  it('switches the campaign to progressive in the campaign editor (during wrap-up)', async () => {
    await button('Edit campaign').click();
    const editor = agent.getByRole('dialog', { name: `Campaign: ${CAMPAIGN}` });
    await editor.waitFor();
    await editor.getByLabel('Dial mode').selectOption('progressive');
    await editor.getByRole('button', { name: 'Save campaign', exact: true }).click();
    await editor
      .getByRole('status')
      .filter({ hasText: `Saved “${CAMPAIGN}”.` })
      .waitFor();
    expect(await editor.getByLabel('Dial mode').inputValue()).toBe('progressive');
    await editor.getByRole('button', { name: 'Close', exact: true }).click();
    await editor.waitFor({ state: 'detached' });
    // Still waiting for the disposition: nothing was dialled.
    await dispositionRequired().waitFor();
    expect(await bartek.eval((p) => p.state().calls)).toBe(0);
  });

  it('hotkey 1 saves Sale; progressive dials the next lead by itself; hotkey 5 after that call', async () => {
    const rang = ringing(bartek);
    await pressHotkey(agent, '1');
    await confirmation('Saved: Sale').waitFor({ timeout: 5000 });
    await rang;
    expect(await bartek.eval((p) => p.state().remoteUser)).toBe('agent1');
    await leadHeading('Bartek Wiśniewski').waitFor();
    await until(
      'Bartek answers',
      () => customerState(bartek),
      (s) => s === 'established',
    );
    const [id] = await until(
      'one media session',
      () => agentSessions(agent),
      (s) => s.length === 1,
    );
    await expect.poll(callPanelState, { timeout: 10_000 }).toBe('On call');
    expect(Math.min(...(await flow(agent, id, bartek)))).toBeGreaterThan(20);

    await button('Hang up').click();
    await until(
      'Bartek sees the BYE',
      () => customerState(bartek),
      (s) => s === 'terminated' || s === 'idle',
    );
    await dispositionRequired().waitFor();
    await pressHotkey(agent, '5');
    await confirmation('Saved: Not interested').waitFor({ timeout: 5000 });
    await agent.getByText('No leads are due in this campaign right now.').waitFor();
    await expect.poll(agentStateText).toMatch(/^Available/);
    // Each customer was called exactly once.
    expect(await anna.eval((p) => p.state().calls)).toBe(1);
    expect(await bartek.eval((p) => p.state().calls)).toBe(1);
  });

  it('after a graceful restart on the same data dir: lead list, history and captured field come from disk', async () => {
    await app.stop();
    app = await startAgentApp({ wsUrl: sip.wsUrl, domain: sip.domain, user: 'agent1', password: sip.users.agent1, dataDir });
    await openAgent(agent, app.url);
    await pickCampaign(agent, CAMPAIGN);
    await agent.getByText('No leads are due in this campaign right now.').waitFor();

    await agent.getByRole('tab', { name: 'Lead list', exact: true }).click();
    const table = agent.getByRole('table', { name: 'Leads' });
    const row = (name: string) => table.getByRole('row').filter({ has: agent.getByRole('cell', { name, exact: true }) });
    await row('Anna Nowak').waitFor();
    await row('Bartek Wiśniewski').waitFor();
    expect(await table.getByRole('row').count()).toBe(3); // header + 2
    expect((await row('Anna Nowak').getByRole('cell').allInnerTexts()).slice(0, 5)).toEqual(['Anna Nowak', '', '+48225550141', 'closed', '1']);
    expect((await row('Bartek Wiśniewski').getByRole('cell').allInnerTexts()).slice(0, 5)).toEqual(['Bartek Wiśniewski', '', '+48225550142', 'closed', '1']);

    await row('Anna Nowak').click();
    await leadHeading('Anna Nowak').waitFor();
    await agent.getByRole('tabpanel', { name: 'Lead' }).locator('.lead-status', { hasText: 'Closed' }).waitFor();
    await expect
      .poll(() => historyTexts(agent), { timeout: 5000 })
      .toEqual(expect.arrayContaining([expect.stringMatching(/^Sale$/), expect.stringMatching(CALL_ENTRY)]));
    expect(await fact(agent, 'roof').innerText()).toBe('Metal');
    expect(await fact(agent, 'Attempts').innerText()).toBe('1');

    // Nobody was called again (progressive, but nothing is due).
    await new Promise((r) => setTimeout(r, 500));
    expect(await anna.eval((p) => p.state().calls)).toBe(1);
    expect(await bartek.eval((p) => p.state().calls)).toBe(1);

    // And the DB file itself.
    const db = openSqliteStore(await dbPathOf(app), { readonly: true });
    try {
      const campaign = (await db.campaigns.list(Date.now())).find((c) => c.name === CAMPAIGN);
      expect(campaign).toMatchObject({ dialMode: 'progressive', leads: 2, due: 0 });
      const rows = (await db.leads.list({ campaignId: campaign!.id, offset: 0, limit: 10 })).rows;
      const annaRow = rows.find((r) => r.name === 'Anna Nowak')!;
      const bartekRow = rows.find((r) => r.name === 'Bartek Wiśniewski')!;
      const annaLead = (await db.leads.get(annaRow.id))!;
      expect(annaLead).toMatchObject({ status: 'closed', priority: 5, city: 'Warszawa', attempts: 1, customFields: { roof: 'Metal' } });
      expect(annaLead.phones.map((p) => p.e164)).toEqual(['+48225550141']);
      expect(await db.leads.get(bartekRow.id)).toMatchObject({ status: 'closed', priority: 1, attempts: 1 });
      const annaHistory = await db.leads.history(annaRow.id);
      expect(annaHistory.filter((h) => h.kind === 'disposition').map((h) => [h.outcome, h.disposition])).toEqual([['sale', 'Sale']]);
      const call = annaHistory.find((h) => h.kind === 'call');
      expect(call).toMatchObject({ direction: 'outbound', phone: expect.stringContaining('+48225550141') });
      expect(call!.durationSec).toBeGreaterThan(0);
      expect((await db.leads.history(bartekRow.id)).filter((h) => h.kind === 'disposition').map((h) => h.outcome)).toEqual(['not-interested']);
    } finally {
      await db.close();
    }
  });
});
