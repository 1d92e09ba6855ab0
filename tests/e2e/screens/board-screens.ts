/**
 * Screenshots of the supervisor's live board (`npx tsx tests/e2e/screens/board-screens.ts`): builds
 * the renderer into test-results/board-screens/renderer, serves it on 127.0.0.1 and opens it in
 * Debian's Chromium with a fake `window.ringside` installed before the page's scripts (as in
 * compliance-screens.ts). No core, no SIP: canned contract values and a fixed clock. PNGs go to
 * test-results/board-*.png.
 */
import { defaultDialPlan } from '../../../shared/dial-plan.js';
import type { AccountView } from '../../../shared/account.js';
import type { Snapshot } from '../../../shared/contract.js';
import type { AgentPresence, BoardAgent, BoardView } from '../../../shared/supervision.js';
import { ok, runScreens } from './fake-page.js';

const MIN = 60_000;
/** 14:42 in New York. */
const now = Date.UTC(2026, 10, 26, 19, 42);

function presence(over: Partial<AgentPresence>): AgentPresence {
  return {
    v: 1,
    seq: 1,
    sentAt: now - 800,
    name: 'Agent',
    state: 'available',
    pauseReason: null,
    since: now - 4 * MIN,
    registered: true,
    call: null,
    campaign: 'Home solar — NY/NJ Q4',
    today: { calls: 0, connected: 0, talkSec: 0, successes: 0 },
    ...over,
  };
}

function agent(user: string, p: Partial<AgentPresence> | null, over: Partial<BoardAgent> = {}): BoardAgent {
  const pr = p ? presence(p) : null;
  return {
    aor: `sip:${user}@pbx.example.com`,
    name: pr?.name ?? user,
    presence: pr,
    lastHeardAt: pr ? now - 700 : null,
    stale: false,
    state: pr?.state ?? 'offline',
    alerts: [],
    monitoring: null,
    ...over,
  };
}

const call = (direction: 'inbound' | 'outbound', answeredMinAgo: number | null, campaign = 'Home solar — NY/NJ Q4') => ({
  direction,
  temperature: direction === 'inbound' ? ('warm' as const) : ('cold' as const),
  campaign,
  answeredAt: answeredMinAgo === null ? null : now - answeredMinAgo * MIN,
  startedAt: now - ((answeredMinAgo ?? 0) + 0.4) * MIN,
});

const agents: BoardAgent[] = [
  agent(
    '1001',
    {
      name: 'Dana Whitfield',
      state: 'on-call',
      since: now - 13.2 * MIN,
      call: call('outbound', 13.1),
      today: { calls: 31, connected: 14, talkSec: 3920, successes: 3 },
    },
    { alerts: [{ kind: 'long-call', text: 'Call over 10 min' }], monitoring: 'listen' },
  ),
  agent('1002', {
    name: 'Marcus Oyelaran',
    state: 'on-call',
    since: now - 2.4 * MIN,
    call: call('inbound', 2.3, 'Inbound — solar inquiries'),
    today: { calls: 18, connected: 12, talkSec: 3310, successes: 4 },
  }),
  agent('1003', {
    name: 'Priya Raman',
    state: 'on-call',
    since: now - 0.3 * MIN,
    call: call('outbound', null),
    today: { calls: 44, connected: 15, talkSec: 2875, successes: 2 },
  }),
  agent(
    '1004',
    {
      name: 'Tomasz Kowalczyk-Brzęczyszczykiewicz',
      state: 'wrap-up',
      since: now - 4.5 * MIN,
      today: { calls: 27, connected: 11, talkSec: 2540, successes: 1 },
    },
    { alerts: [{ kind: 'long-wrap-up', text: 'Wrap-up over 3 min' }] },
  ),
  agent(
    '1005',
    { name: 'Lucía Fernández', state: 'paused', pauseReason: 'Lunch', since: now - 22 * MIN, today: { calls: 15, connected: 8, talkSec: 1980, successes: 2 } },
    { alerts: [{ kind: 'long-pause', text: 'Paused over 15 min' }] },
  ),
  agent('1006', { name: 'Sam Agent', state: 'available', since: now - 0.8 * MIN, today: { calls: 22, connected: 9, talkSec: 2210, successes: 1 } }),
  agent(
    '1007',
    {
      name: 'Grace Lin',
      state: 'paused',
      pauseReason: 'Not registered',
      since: now - 1.5 * MIN,
      registered: false,
      today: { calls: 9, connected: 4, talkSec: 760, successes: 0 },
    },
    { alerts: [{ kind: 'unregistered', text: 'Not registered' }] },
  ),
  agent(
    '1008',
    {
      name: 'Oleksandr Hnatiuk',
      state: 'on-call',
      since: now - 6 * MIN,
      call: call('outbound', 5.8),
      today: { calls: 25, connected: 13, talkSec: 3005, successes: 3 },
    },
    {
      stale: true,
      state: 'offline',
      lastHeardAt: now - 47_000,
      alerts: [{ kind: 'stale', text: 'No word for over 15 s' }],
    },
  ),
  agent('1009', {
    name: '<img src=x onerror=alert(1)>',
    state: 'paused',
    pauseReason: '<script>alert("x")</script>',
    campaign: '<b>Free cruise</b>',
    today: { calls: 2, connected: 1, talkSec: 95, successes: 0 },
  }),
  agent('1010', { name: 'Jordan Ellis', state: 'available', since: now - 3 * MIN, today: { calls: 19, connected: 10, talkSec: 2120, successes: 2 } }),
  agent('1011', null),
];

function board(): BoardView {
  const history: BoardView['history'] = [];
  for (let i = 90; i >= 0; i--) {
    const t = 90 - i;
    const calls = Math.round(t * 2.35 + Math.sin(t / 7) * 3);
    history.push({ at: now - i * MIN, calls: Math.max(0, calls), successes: Math.round(t * 0.2), onCall: 3 + (t % 4) });
  }
  const live = agents.filter((a) => a.presence);
  const sum = (k: keyof AgentPresence['today']) => live.reduce((n, a) => n + (a.presence?.today[k] ?? 0), 0);
  const connected = sum('connected');
  return {
    agents,
    totals: {
      agents: agents.length,
      onCall: agents.filter((a) => a.state === 'on-call').length,
      available: agents.filter((a) => a.state === 'available').length,
      calls: sum('calls'),
      connected,
      talkSec: sum('talkSec'),
      successes: sum('successes'),
      conversion: sum('successes') / connected,
    },
    history: history.map((h, i) => (i === history.length - 1 ? { ...h, calls: sum('calls'), successes: sum('successes') } : h)),
    rejected: 3,
    unverified: 0,
  };
}

const account: AccountView = {
  server: 'wss://pbx.example.com:8089/ws',
  aor: 'sip:2001@pbx.example.com',
  authUser: null,
  displayName: 'Rita Supervisor',
  expires: 300,
  keepAliveSec: 15,
  iceGatheringTimeoutMs: 500,
  iceServers: [],
  iceTransportPolicy: 'all',
  autoDialLinks: false,
  secretsStorage: 'encrypted',
  problems: [],
  crm: null,
  screenPop: null,
  team: null,
  hasPassword: true,
  source: 'settings',
  dialPlan: defaultDialPlan('US'),
  trustCallerId: false,
  supervision: {
    role: 'supervisor',
    supervisors: [],
    team: agents.map((a) => a.aor),
    showMonitoring: true,
    monitorVia: 'proxy',
    hasTeamSecret: true,
    featureCodes: { listen: '*222{ext}', whisper: '*223{ext}', barge: '*224{ext}' },
    heartbeatSec: 5,
    alerts: { longCallMin: 10, longWrapUpMin: 3, longPauseMin: 15 },
  },
};

function snapshot(over: Partial<Snapshot> = {}): Snapshot {
  return {
    registration: { state: 'registered', aor: account.aor, error: null, retryAt: null, attempt: 0, connected: true },
    account,
    calls: [],
    workspace: {
      agent: { state: 'available', pauseReason: null, since: now - 30 * MIN, name: 'Rita Supervisor' },
      campaignId: null,
      current: null,
      dispositionRequired: false,
      notice: null,
    },
    stats: { day: '2026-11-26', calls: 0, connected: 0, talkSec: 0, dispositions: {}, successes: 0 },
    compliance: { registries: [], maxSnapshotAgeDays: 31, banner: null, inboxDir: '', inboxFiles: [], import: null, auditEntries: 0, auditVerification: null },
    board: board(),
    monitor: null,
    monitored: null,
    team: { mode: 'solo', team: null, agentId: null, where: null, state: 'up', since: null, problem: null, waiting: 0 },
    crm: { configured: false, disabled: null, pending: 0, dead: 0, lastDeliveredAt: null },
    ...over,
  };
}

const responses = { 'campaign.list': ok([]), 'agent.stats': ok({ day: '2026-11-26', calls: 0, connected: 0, talkSec: 0, dispositions: {}, successes: 0 }) };

async function main(): Promise<void> {
  await runScreens(
    {
      prefix: 'board',
      now,
      check: async (page) => ((await page.locator('.board img, .board script, .board b').count()) > 0 ? 'hostile markup became elements' : null),
    },
    async (scene) => {
      // 1. The board at 1280 × 800: a supervisor starts on it.
      await scene('team', { snapshot: snapshot(), responses }, async (page) => {
        await page.getByRole('region', { name: 'Live board' }).waitFor();
      });

      // 1b. On a PBX that asserts no identity and with no team secret: the board says it cannot vouch for senders.
      for (const [size, viewport] of Object.entries({ small: { width: 1366, height: 768 }, large: { width: 1920, height: 1080 } })) {
        await scene(
          `unverified-${size}`,
          { snapshot: snapshot({ board: { ...board(), unverified: 9 } }), responses },
          async (page) => {
            await page.getByText(/senders not verified/).waitFor();
          },
          viewport,
        );
      }

      // 2. Wider screen, sorted by calls today, filtered to agents with alerts.
      await scene(
        'alerts-wide',
        { snapshot: snapshot(), responses },
        async (page) => {
          await page.getByLabel('Show').selectOption('alerts');
          await page.getByRole('button', { name: /^Today: Calls/ }).click();
        },
        { width: 1920, height: 1000 },
      );

      // 2b. Agent and supervisor in one ("both"): the board next to the dial sidebar.
      await scene(
        'both',
        { snapshot: { ...snapshot(), account: { ...snapshot().account!, supervision: { ...snapshot().account!.supervision, role: 'both' } } }, responses },
        async (page) => {
          await page.getByRole('tab', { name: 'Live board' }).click();
          await page.getByRole('region', { name: 'Live board' }).waitFor();
        },
      );

      // 3. Settings: the supervision section with a bad team line.
      await scene(
        'settings',
        { snapshot: snapshot(), responses },
        async (page) => {
          await page.getByRole('button', { name: 'Settings' }).click();
          await page.getByLabel('This install is used by').selectOption('both');
          await page.getByLabel(/Agents on my board/).fill('sip:1001@pbx.example.com\n1002\nsip:1003@pbx.example.com');
          await page.getByLabel('Password').fill('secret');
          await page.getByRole('button', { name: 'Save account' }).click();
          await page.getByText(/line 2/).waitFor();
          await page.getByRole('group', { name: 'Team and supervision' }).scrollIntoViewIfNeeded();
        },
        { width: 1280, height: 1000 },
      );
    },
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
