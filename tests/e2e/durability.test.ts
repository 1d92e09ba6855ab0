/**
 * End to end: a disposition the UI has confirmed ("Saved: …") survives the core being killed
 * with SIGKILL the very next moment: it is in the SQLite file, and in the UI after a restart.
 *
 * Note: `tsx` (app.proc) runs the core in a child node process, so killing app.proc alone
 * would leave the core alive; killHard() SIGKILLs the core and its wrapper together.
 */
import { mkdtemp } from 'node:fs/promises';
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
  ONE_LEAD_CSV,
  agentSessions,
  coreProcesses,
  customerState,
  dbPathOf,
  flow,
  historyTexts,
  importCampaignJson,
  importLeadsCsv,
  killHard,
  openAgent,
  pickCampaign,
  pressHotkey,
  ringing,
  until,
} from '../support/agent-ui.js';

const CAMPAIGN = 'E2E Solar';
const LEAD = 'Celina Zielińska';

let sip: KamailioServer;
let app: AgentApp;
let dataDir: string;
let agentBrowser: Browser;
let agent: Page;
let celina: CustomerHandle; // +48225550143

const button = (name: string) => agent.getByRole('button', { name, exact: true });
const leadHeading = () => agent.getByRole('tabpanel', { name: 'Lead' }).getByRole('heading', { name: LEAD, exact: true });

beforeAll(async () => {
  sip = await startKamailio();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'ringside-e2e-durability-'));
  app = await startAgentApp({ wsUrl: sip.wsUrl, domain: sip.domain, user: 'agent1', password: sip.users.agent1, dataDir });
  agentBrowser = await launchChromium();
  agent = await agentBrowser.newPage({ viewport: { width: 1280, height: 800 } });
  await openAgent(agent, app.url);
  celina = await openCustomer(sip, '+48225550143', { autoAnswer: true, answerDelayMs: 300 });
  await until('customer registered', () => celina.eval((p) => p.state().registered), Boolean);
});

afterAll(async () => {
  await Promise.allSettled([celina?.close(), agentBrowser?.close()]);
  await app?.stop();
  await sip?.stop();
});

describe('a confirmed disposition survives SIGKILL of the core', () => {
  it('is in the database file and in the UI after a restart', async () => {
    await importCampaignJson(agent, CAMPAIGN_JSON, CAMPAIGN);
    await pickCampaign(agent, CAMPAIGN);
    await importLeadsCsv(agent, ONE_LEAD_CSV, [['Celina', 'Zielińska', '22 555 01 43', 'Gdańsk', '3', '2026-03-02']]);

    // Open the lead from the list, call it.
    await agent.getByRole('tab', { name: 'Lead list', exact: true }).click();
    await agent
      .getByRole('table', { name: 'Leads' })
      .getByRole('row')
      .filter({ has: agent.getByRole('cell', { name: LEAD, exact: true }) })
      .click();
    await leadHeading().waitFor();
    const rang = ringing(celina);
    await agent.getByRole('group', { name: 'Preview' }).getByRole('button', { name: 'Call now', exact: true }).click();
    await rang;
    await until(
      'customer answers',
      () => customerState(celina),
      (s) => s === 'established',
    );
    const [id] = await until(
      'one media session',
      () => agentSessions(agent),
      (s) => s.length === 1,
    );
    expect(Math.min(...(await flow(agent, id, celina)))).toBeGreaterThan(20);
    await button('Hang up').click();
    await until(
      'customer sees the BYE',
      () => customerState(celina),
      (s) => s === 'terminated' || s === 'idle',
    );
    await agent.getByRole('status').filter({ hasText: 'Choose a disposition before the next call' }).waitFor();

    // Hotkey 2 = Appointment set; the moment the UI says "Saved", kill the core.
    const pids = coreProcesses(app);
    expect(pids.length).toBeGreaterThan(1); // tsx wrapper + the core itself
    await pressHotkey(agent, '2');
    await agent.locator('.main-tabs').getByRole('status').filter({ hasText: 'Saved: Appointment set' }).waitFor({ timeout: 5000 });
    await killHard(app, pids);
    expect(app.proc.signalCode ?? 'SIGKILL').toBe('SIGKILL');

    // The file, as the crash left it (WAL not checkpointed).
    const dbPath = await dbPathOf(app);
    const db = openSqliteStore(dbPath, { readonly: true });
    try {
      const campaign = (await db.campaigns.list(Date.now())).find((c) => c.name === CAMPAIGN);
      const [row] = (await db.leads.list({ campaignId: campaign!.id, offset: 0, limit: 10 })).rows;
      expect(row).toMatchObject({ name: LEAD, status: 'closed', attempts: 1 });
      const dispositions = (await db.leads.history(row.id)).filter((h) => h.kind === 'disposition');
      expect(dispositions.map((h) => [h.outcome, h.disposition])).toEqual([['appointment', 'Appointment set']]);
      expect(await db.leads.get(row.id)).toMatchObject({ status: 'closed' });
    } finally {
      await db.close();
    }

    // Restart on the same data dir: the UI shows it too.
    app = await startAgentApp({ wsUrl: sip.wsUrl, domain: sip.domain, user: 'agent1', password: sip.users.agent1, dataDir });
    expect(await dbPathOf(app)).toBe(dbPath);
    await openAgent(agent, app.url);
    await pickCampaign(agent, CAMPAIGN);
    await agent.getByText('No leads are due in this campaign right now.').waitFor();
    await agent.getByRole('tab', { name: 'Lead list', exact: true }).click();
    const listRow = agent
      .getByRole('table', { name: 'Leads' })
      .getByRole('row')
      .filter({ has: agent.getByRole('cell', { name: LEAD, exact: true }) });
    await listRow.getByRole('cell', { name: 'closed', exact: true }).waitFor();
    await listRow.click();
    await leadHeading().waitFor();
    await agent.getByRole('tabpanel', { name: 'Lead' }).locator('.lead-status', { hasText: 'Closed' }).waitFor();
    await expect
      .poll(() => historyTexts(agent), { timeout: 5000 })
      .toEqual(expect.arrayContaining(['Appointment set', expect.stringMatching(/^Outbound call · .*\+48225550143.* · Call ended · /)]));
    expect(await celina.eval((p) => p.state().calls)).toBe(1);
  });
});
