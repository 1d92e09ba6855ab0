/**
 * Screenshots of team mode and CRM sync (`npx tsx tests/e2e/screens/team-screens.ts`): the same
 * harness as the compliance screens (the real renderer in Debian's Chromium, a fake
 * `window.ringside` answering canned contract values). PNGs go to test-results/team-*.png;
 * $SCENES (a regular expression) picks scenes by name.
 */
import type { AccountView } from '../../../shared/account.js';
import type { Lead } from '../../../shared/lead.js';
import type { CrmDeliveryView, CrmStatusView } from '../../../shared/crm.js';
import type { Snapshot } from '../../../shared/contract.js';
import { defaultDialPlan } from '../../../shared/dial-plan.js';
import { workspaceLead } from '../../support/workspace-lead.js';
import type { LocalDataView, TeamResults, TeamResultsRow, TeamStatusView, UploadReport } from '../../../shared/team.js';
import type { Page } from 'playwright-core';
import { ok, runScreens, screenCampaign, type Scene } from './fake-page.js';

const MIN = 60_000;
/** The page's clock: 2 Dec 2026, 14:20 in New York. */
const now = Date.UTC(2026, 11, 2, 19, 20);

// ---- canned contract values ----

const account: AccountView = {
  server: 'wss://pbx.example.com:8089/ws',
  aor: 'sip:anna.nowak@pbx.example.com',
  authUser: null,
  displayName: 'Anna Nowak',
  expires: 300,
  keepAliveSec: 15,
  iceGatheringTimeoutMs: 500,
  iceServers: [],
  iceTransportPolicy: 'all',
  autoDialLinks: false,
  secretsStorage: 'encrypted',
  problems: [],
  hasPassword: true,
  source: 'settings',
  dialPlan: defaultDialPlan('US'),
  trustCallerId: false,
  supervision: {
    role: 'agent',
    supervisors: [],
    team: [],
    showMonitoring: true,
    monitorVia: 'proxy',
    hasTeamSecret: false,
    featureCodes: { listen: '*222{ext}', whisper: '*223{ext}', barge: '*224{ext}' },
    heartbeatSec: 5,
    alerts: { longCallMin: 10, longWrapUpMin: 3, longPauseMin: 15 },
  },
  team: {
    name: 'Warsaw outbound',
    agentId: 'anna.nowak',
    database: {
      url: 'postgres://agent_anna@db.brightside.example:5432/ringside',
      hasPassword: true,
      ssl: 'verify-full',
      caFile: '/etc/ringside/team-ca.pem',
      statementTimeoutMs: 5000,
      poolMax: 4,
    },
  },
  crm: {
    url: 'https://crm.brightside.example/hooks/ringside',
    events: ['disposition.recorded', 'lead.changed', 'callback.scheduled', 'dnc.requested'],
    timeoutMs: 10_000,
    hasSecret: true,
  },
  screenPop: {
    template: 'https://crm.brightside.example/leads/{externalId}?phone={phone}&agent={agent}',
    allowedHosts: ['crm.brightside.example'],
    open: 'inbound-answered',
  },
};

const teamUp: TeamStatusView = {
  mode: 'team',
  team: 'Warsaw outbound',
  agentId: 'anna.nowak',
  where: 'db.brightside.example:5432/ringside',
  state: 'up',
  since: null,
  problem: null,
  waiting: 0,
};
const teamDown: TeamStatusView = {
  ...teamUp,
  state: 'down',
  since: now - 15 * MIN,
  problem: 'connect ETIMEDOUT 10.20.0.14:5432 — <b>no answer</b> from db.brightside.example within 5 s',
  waiting: 3,
};

const crmSending: CrmStatusView = { configured: true, disabled: null, pending: 3, dead: 57, lastDeliveredAt: now - 18 * MIN };
const crmOff: CrmStatusView = {
  configured: true,
  disabled: { at: now - 2 * 24 * 60 * MIN + 45 * MIN, reason: 'The CRM answered 410 Gone: it says this address no longer takes events' },
  pending: 41,
  dead: 2,
  lastDeliveredAt: now - 2 * 24 * 60 * MIN + 40 * MIN,
};

const types = ['disposition.recorded', 'lead.changed', 'callback.scheduled', 'dnc.requested'] as const;
const errorsSeen = [
  'The CRM answered 500 Internal Server Error',
  'The CRM at crm.brightside.example did not answer within 10 s',
  'The CRM answered 422 Unprocessable Entity',
  '<img src=x onerror=alert(1)> The CRM answered 400 Bad Request: {"error":"lead_id 20417 is not known to this account, create the contact first"}',
];
function deadLetters(total: number): { total: number; rows: CrmDeliveryView[] } {
  const rows: CrmDeliveryView[] = [];
  for (let i = 0; i < Math.min(total, 50); i++)
    rows.push({
      id: `evt_${String(9000 - i)}`,
      type: types[i % types.length]!,
      leadId: i % 7 === 6 ? null : 20417 + i * 13,
      createdAt: now - (i + 1) * 37 * MIN,
      attempts: 8,
      lastError: errorsSeen[i % errorsSeen.length]!,
      state: 'dead',
    });
  return { total, rows };
}

function snapshot(team: TeamStatusView, crm: CrmStatusView, acc: AccountView = account): Snapshot {
  return {
    registration: { state: 'registered', aor: acc.aor, error: null, retryAt: null, attempt: 0, connected: true },
    account: acc,
    calls: [],
    workspace: {
      agent: { state: 'available', pauseReason: null, since: now - 40 * MIN, name: 'Anna Nowak' },
      campaignId: 1,
      current: null,
      dispositionRequired: false,
      notice: null,
    },
    stats: { day: '2026-12-02', calls: 31, connected: 12, talkSec: 2710, dispositions: {}, successes: 3 },
    compliance: {
      registries: [
        { name: 'US', loaded: true, snapshotAt: now - 3 * 24 * 60 * MIN, count: 245_318_002, ageDays: 3, stale: false },
        { name: 'CA', loaded: true, snapshotAt: now - 3 * 24 * 60 * MIN, count: 14_200_455, ageDays: 3, stale: false },
      ],
      maxSnapshotAgeDays: 31,
      banner: null,
      inboxDir: '/home/anna/.config/Ringside/registry-inbox',
      inboxFiles: [],
      import: null,
      auditEntries: 0,
      auditVerification: null,
    },
    board: null,
    monitor: null,
    monitored: null,
    team,
    crm,
  };
}

function responses(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    // The longest campaign name the picker shows, to see the top bar at its fullest.
    'campaign.list': ok([{ id: 1, name: 'Home solar — Mazovia Q4 callbacks', kind: 'outbound', dialMode: 'progressive', leads: 12_400, due: 311 }]),
    'agent.stats': ok({ day: '2026-12-02', calls: 31, connected: 12, talkSec: 2710, dispositions: {}, successes: 3 }),
    'team.test': ok({ server: 'PostgreSQL 15.8', schemaVersion: 6, campaigns: 3, leads: 12_400, login: 'agent_anna', rowSecurity: true }),
    'crm.deadLetters': ok(deadLetters(57)),
    ...extra,
  };
}

// ---- results, the upload offer, the callback picker ----

const EVIL = '<img src=x onerror=alert(1)>';
const supervisor: AccountView = { ...account, supervision: { ...account.supervision, role: 'supervisor' } };
const both: AccountView = { ...account, supervision: { ...account.supervision, role: 'both' } };

/** Eight agents (one with a hostile name) on three campaigns, and the results from before team mode. */
function teamResults(): TeamResults {
  const campaigns = [
    { campaignId: 1, campaign: 'Home solar — Mazovia Q4 callbacks' },
    { campaignId: 2, campaign: 'Heat pumps — Silesia inbound' },
    { campaignId: 3, campaign: 'Insulation survey 2026' },
  ];
  const agents = ['anna.nowak', 'piotr.zielinski', 'kasia.wojcik', 'marek.lewandowski', 'ola.kaminska', 'tomek.dabrowski', 'ewa.szymanska', EVIL];
  const rows: TeamResultsRow[] = [];
  agents.forEach((agent, i) => {
    campaigns.forEach((c, j) => {
      // Not everyone works every campaign.
      if ((i + j) % 4 === 3) return;
      const calls = 18 + ((i * 7 + j * 11) % 37);
      const connected = Math.round(calls * (0.28 + ((i + j) % 5) * 0.06));
      const successes = Math.round(connected * (0.08 + (i % 4) * 0.05));
      const callbacks = Math.round(connected * 0.2);
      const notInterested = Math.max(0, connected - successes - callbacks);
      const noAnswer = calls - connected;
      rows.push({
        agent,
        ...c,
        calls,
        connected,
        talkSec: connected * (140 + ((i * 13) % 90)),
        dispositions: calls,
        successes,
        byCode: { sale: successes, callback: callbacks, 'not-interested': notInterested, 'no-answer': noAnswer },
      });
    });
  });
  rows.push({
    agent: null,
    campaignId: 1,
    campaign: campaigns[0]!.campaign,
    calls: 42,
    connected: 15,
    talkSec: 2980,
    dispositions: 42,
    successes: 3,
    byCode: { sale: 3, 'no-answer': 27, callback: 5, 'wrong-number': 7 },
  });
  return { from: Date.UTC(2026, 11, 2, 5), to: Date.UTC(2026, 11, 3, 5), rows };
}

const localData: LocalDataView = { campaigns: 2, openLeads: 1_480, finishedLeads: 312, dnc: 57 };
const uploadReport: UploadReport = { campaignsCreated: 1, campaignsJoined: 1, leadsImported: 1_203, leadsMerged: 277, leadsKeptHere: 312, dncAdded: 12 };

const campaign = screenCampaign('Home solar — Mazovia Q4 callbacks');

const lead: Lead = {
  id: 7,
  campaignId: 1,
  firstName: 'Dana',
  lastName: 'Whitfield',
  company: '',
  email: 'dana.whitfield@example.com',
  street: '41 Orchard St',
  city: 'New York',
  region: 'NY',
  postalCode: '10002',
  country: 'US',
  timeZone: 'America/New_York',
  source: 'web form',
  customFields: {},
  consentAt: null,
  inquiryAt: '2026-11-20',
  lastPurchaseAt: null,
  score: 62,
  priority: 2,
  status: 'active',
  attempts: 1,
  lastAttemptAt: now - 24 * 60 * MIN,
  dueAt: null,
  phones: [{ e164: '+12125550143', raw: '(212) 555-0143', label: 'home', bad: false }],
  createdAt: now - 20 * 24 * 60 * MIN,
  updatedAt: now - 24 * 60 * MIN,
};

/** The lead after its call, in wrap-up: the disposition bar is on screen. */
function wrapUp(): Snapshot {
  const s = snapshot(teamUp, crmSending);
  s.workspace = {
    ...s.workspace,
    agent: { ...s.workspace.agent, state: 'wrap-up' },
    current: {
      leadId: 7,
      callId: null,
      phoneIndex: 0,
      stage: 'wrap-up',
      countdownEndsAt: null,
      wrapUpStartedAt: now - 20_000,
      temperature: { kind: 'warm', reason: 'inquiry 2026-11-20' },
      scriptStart: 'intro',
      compliance: null,
    },
    dispositionRequired: true,
  };
  return s;
}

/** The lead on screen before its call (the preview card), the CRM record address set: Open in CRM on the card. */
function preview(): Snapshot {
  const s = snapshot(teamUp, crmSending);
  s.workspace = {
    ...s.workspace,
    current: workspaceLead(),
  };
  return s;
}

/** The results table scrolls inside its tab: the page itself never scrolls, nothing sticks out of the tab. */
async function resultsFit(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const results = document.querySelector('.results');
    if (!results) return null;
    if (document.documentElement.scrollHeight > window.innerHeight + 1) return `the page scrolls (${document.documentElement.scrollHeight}px high)`;
    const box = results.getBoundingClientRect();
    if (box.bottom > window.innerHeight + 1) return `the results tab ends ${Math.round(box.bottom - window.innerHeight)}px below the window`;
    if (results.querySelector('.results-table img')) return 'a hostile agent name became an element';
    return null;
  });
}

/** No dialog ran hostile text and nothing in the settings form sticks out past its right edge. */
async function formFits(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const form = document.querySelector('.account-form');
    if (!form) return null;
    const right = form.getBoundingClientRect().right;
    for (const el of Array.from(form.querySelectorAll('*'))) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > right + 1 && !el.closest('.modal-backdrop'))
        return `${el.tagName.toLowerCase()}.${(el as HTMLElement).className} sticks out of the settings form by ${Math.round(r.right - right)}px`;
    }
    return null;
  });
}

const SIZES = { small: { width: 1366, height: 768 }, large: { width: 1920, height: 1080 } } as const;

const only = process.env.SCENES ? new RegExp(process.env.SCENES) : null;
const filtered =
  (scene: Scene): Scene =>
  (name, ...rest) =>
    only && !only.test(name) ? Promise.resolve() : scene(name, ...rest);

/** Puts a settings section's legend at the top of the view (a click may have scrolled it away). */
async function scrollTo(page: Page, legend: string): Promise<void> {
  await page.getByText(legend, { exact: true }).evaluate((el) => (el.closest('fieldset') ?? el).scrollIntoView({ block: 'start' }));
}

/** The section from its legend down, or, where the window is too short for all of it, down to `last`. */
async function showSection(page: Page, legend: string, last: string): Promise<void> {
  await scrollTo(page, legend);
  await page.locator(last).evaluate((el) => {
    if (el.getBoundingClientRect().bottom <= window.innerHeight) return;
    el.scrollIntoView({ block: 'end' });
    el.closest('.main-scroll')?.scrollBy(0, 16);
  });
}

async function openSettingsAt(page: Page, legend: string): Promise<void> {
  await page.getByRole('button', { name: 'Settings' }).click();
  await scrollTo(page, legend);
}

async function main(): Promise<void> {
  await runScreens({ prefix: 'team', now, check: formFits }, async (all) => {
    const scene = filtered(all);
    for (const [size, viewport] of Object.entries(SIZES)) {
      // 1. Settings → Team database: the saved settings (password saved, never shown), Test connection answered.
      await scene(
        `settings-team-${size}`,
        { snapshot: snapshot(teamUp, crmSending), responses: responses() },
        async (page) => {
          await openSettingsAt(page, 'Team database');
          await page.getByRole('button', { name: 'Test connection' }).click();
          await page.getByText(/holds 3 campaigns and 12,400 leads/).waitFor();
          await showSection(page, 'Team database', '.team-test');
        },
        viewport,
      );

      // 1b. A new database typed in, the test refused by the server: the error in words.
      await scene(
        `settings-team-error-${size}`,
        {
          snapshot: snapshot({ ...teamUp, mode: 'solo', team: null, agentId: null, where: null }, crmSending, { ...account, team: null }),
          responses: responses({
            'team.test': { ok: false, code: 'invalid-account', message: 'password authentication failed for user "agent_anna"' },
          }),
        },
        async (page) => {
          await openSettingsAt(page, 'Team database');
          await page.getByLabel('Work in a team (shared database)').check();
          await page.getByLabel('Team name').fill('Warsaw outbound');
          await page.getByLabel('PostgreSQL address').fill('postgres://agent_anna@db.brightside.example:5432/ringside');
          await page.getByLabel('Database password').fill('not-the-password');
          await page.getByRole('button', { name: 'Test connection' }).click();
          await page.getByText(/password authentication failed/).waitFor();
          await showSection(page, 'Team database', '.team-test');
        },
        viewport,
      );

      // 2. Settings → CRM sync: sending, 57 not delivered; the dead-letter list open over it.
      await scene(
        `settings-crm-${size}`,
        { snapshot: snapshot(teamUp, crmSending), responses: responses() },
        async (page) => {
          await openSettingsAt(page, 'CRM sync');
          await page.getByText('Sending: 3 waiting · last delivered 14:02').waitFor();
        },
        viewport,
      );
      await scene(
        `dead-letters-${size}`,
        { snapshot: snapshot(teamUp, crmSending), responses: responses() },
        async (page) => {
          await openSettingsAt(page, 'CRM sync');
          await page.getByRole('button', { name: '57 not delivered' }).click();
          await page.getByText('1–50 of 57').waitFor();
        },
        viewport,
      );

      // 2b. The CRM answered 410 Gone two days ago: off, with Turn back on.
      await scene(
        `settings-crm-off-${size}`,
        { snapshot: snapshot(teamUp, crmOff), responses: responses({ 'crm.deadLetters': ok(deadLetters(2)) }) },
        async (page) => {
          await openSettingsAt(page, 'CRM sync');
          await page.getByRole('button', { name: 'Turn back on' }).waitFor();
        },
        viewport,
      );

      // 3. The top bar in team mode, the database up; then down (main's problem text shown as text).
      await scene(
        `topbar-up-${size}`,
        { snapshot: snapshot(teamUp, crmSending), responses: responses() },
        async (page) => {
          await page.getByText('Team: Warsaw outbound').waitFor();
        },
        viewport,
      );
      await scene(
        `topbar-down-${size}`,
        { snapshot: snapshot(teamUp, crmSending), responses: responses() },
        async (page) => {
          await page.getByText('Team: Warsaw outbound').waitFor();
          await page.evaluate((down) => (window as unknown as { __emit(k: string, p: unknown): void }).__emit('team.onChanged', down), teamDown);
          await page.getByText(/Team database unreachable since 14:05/).waitFor();
        },
        viewport,
      );
    }

    for (const [size, viewport] of Object.entries(SIZES)) {
      // 4. The supervisor's results: eight agents on three campaigns, the results from before team mode, a hostile name as text.
      await scene(
        `results-${size}`,
        { snapshot: { ...snapshot(teamUp, crmSending, supervisor), board: null }, responses: responses({ 'team.results': ok(teamResults()) }) },
        async (page) => {
          await page.getByRole('tab', { name: 'Results' }).click();
          await page.getByText('Before team mode / solo').waitFor();
          const problem = await resultsFit(page);
          if (problem) throw new Error(problem);
        },
        viewport,
      );

      // 4b. By campaign, for an agent who also supervises (the dial sidebar stays): the table scrolls sideways, not the page.
      await scene(
        `results-campaigns-both-${size}`,
        { snapshot: { ...snapshot(teamUp, crmSending, both), board: null }, responses: responses({ 'team.results': ok(teamResults()) }) },
        async (page) => {
          await page.getByRole('tab', { name: 'Results' }).click();
          await page.getByRole('button', { name: 'By campaign' }).click();
          await page.getByRole('button', { name: 'This week' }).click();
          await page.getByText('Heat pumps — Silesia inbound').waitFor();
          const problem = await resultsFit(page);
          if (problem) throw new Error(problem);
        },
        viewport,
      );

      // 4c. The team database refused the results: the error in words (a later refresh keeps the last table: see the unit tests).
      await scene(
        `results-error-${size}`,
        {
          snapshot: { ...snapshot(teamUp, crmSending, supervisor), board: null },
          responses: responses({ 'team.results': { ok: false, code: 'internal', message: 'The team database did not answer within 5 s' } }),
        },
        async (page) => {
          await page.getByRole('tab', { name: 'Results' }).click();
          await page.getByText(/did not answer within 5 s/).waitFor();
        },
        viewport,
      );

      // 5. Settings → Team database in team mode: this computer's own data offered, the confirm step, then the report.
      await scene(
        `upload-offer-${size}`,
        { snapshot: snapshot(teamUp, crmSending), responses: responses({ 'team.localData': ok(localData), 'team.upload': ok(uploadReport) }) },
        async (page) => {
          await openSettingsAt(page, 'Team database');
          await page.getByRole('button', { name: 'Upload to the team database' }).click();
          await page.getByRole('button', { name: 'Upload now' }).waitFor();
          await showSection(page, 'Team database', '.team-upload');
        },
        viewport,
      );
      await scene(
        `upload-report-${size}`,
        { snapshot: snapshot(teamUp, crmSending), responses: responses({ 'team.localData': ok(localData), 'team.upload': ok(uploadReport) }) },
        async (page) => {
          await openSettingsAt(page, 'Team database');
          await page.getByRole('button', { name: 'Upload to the team database' }).click();
          await page.getByRole('button', { name: 'Upload now' }).click();
          await page.getByText(/1,203 leads added/).waitFor();
          await showSection(page, 'Team database', '.team-upload');
        },
        viewport,
      );

      // 6. The callback picker in team mode: open to anyone on the campaign.
      await scene(
        `callback-owner-${size}`,
        {
          snapshot: wrapUp(),
          responses: responses({ 'campaign.get': ok(campaign), 'lead.get': ok({ lead, history: [], callbacks: [] }) }),
        },
        async (page) => {
          await page.getByRole('button', { name: /Callback/ }).click();
          await page.getByLabel('Anyone on the campaign may call back').check();
          await page.locator('.callback-picker').scrollIntoViewIfNeeded();
        },
        viewport,
      );
    }

    for (const [size, viewport] of Object.entries(SIZES)) {
      // 7. Settings → CRM record (screen pop): the saved address, its allowed host, when it opens.
      await scene(
        `settings-screen-pop-${size}`,
        { snapshot: snapshot(teamUp, crmSending), responses: responses() },
        async (page) => {
          await openSettingsAt(page, 'CRM record (screen pop)');
          await showSection(page, 'CRM record (screen pop)', '.screen-pop-open');
        },
        viewport,
      );

      // 7b. A host that is not allowed and a hostile one in the list: said under the field, nothing saved.
      await scene(
        `settings-screen-pop-error-${size}`,
        { snapshot: snapshot(teamUp, crmSending), responses: responses() },
        async (page) => {
          await openSettingsAt(page, 'CRM record (screen pop)');
          await page.getByLabel('CRM record address').fill('https://crm.brightside.example/leads/{externalId}?phone={phone}&ref={source}');
          await page.getByRole('button', { name: 'Save account' }).click();
          await page.getByText(/has \{source\}, which Ringside does not know/).waitFor();
          await page.getByLabel('CRM record address').fill('https://records.brightside-crm.example/leads/{externalId}?phone={phone}');
          await page.getByLabel('Allowed hosts (one per line)').fill(`crm.brightside.example\n${EVIL}`);
          await page.getByRole('button', { name: 'Save account' }).click();
          await page.getByText(/Line 2: An allowed host is a host name/).waitFor();
          await page.getByLabel('Allowed hosts (one per line)').fill('crm.brightside.example');
          await page.getByRole('button', { name: 'Save account' }).click();
          await page.getByText(/goes to records.brightside-crm.example, which is not in the allowed hosts/).waitFor();
          await showSection(page, 'CRM record (screen pop)', '.screen-pop-open');
        },
        viewport,
      );

      // 8. The lead card with Open in CRM; then main's refusal on the card (hostile text as text).
      const leadResponses = { 'campaign.get': ok(campaign), 'lead.get': ok({ lead, history: [], callbacks: [] }) };
      await scene(
        `lead-crm-${size}`,
        { snapshot: preview(), responses: responses({ ...leadResponses, 'crm.screenPop': ok({ url: 'https://crm.brightside.example/leads/L-20417' }) }) },
        async (page) => {
          await page.getByRole('button', { name: 'Open in CRM' }).waitFor();
        },
        viewport,
      );
      await scene(
        `lead-crm-refused-${size}`,
        {
          snapshot: preview(),
          responses: responses({
            ...leadResponses,
            'crm.screenPop': {
              ok: false,
              code: 'invalid-data',
              message: `${EVIL} This lead has no CRM id (its crm_id field is empty), and the CRM record address needs it.`,
            },
          }),
        },
        async (page) => {
          await page.getByRole('button', { name: 'Open in CRM' }).click();
          await page.getByText(/This lead has no CRM id/).waitFor();
          if (await page.locator('.lead-crm-error img').count()) throw new Error('a hostile message became an element');
        },
        viewport,
      );
    }

    // 3b. The narrowest window the top bar is kept on one row for: the chip shortens, the bar does not wrap.
    await scene(
      'topbar-down-1280',
      { snapshot: snapshot(teamDown, crmSending), responses: responses() },
      async (page) => {
        await page.getByText(/Team database unreachable since 14:05/).waitFor();
      },
      { width: 1280, height: 800 },
    );
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
