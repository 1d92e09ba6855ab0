/**
 * Screenshots of the compliance UI (`npx tsx tests/e2e/screens/compliance-screens.ts`): builds
 * the renderer into test-results/compliance-screens/renderer (not dist/, which the e2e tests
 * use), serves it on 127.0.0.1 and opens it in Debian's Chromium with a fake `window.ringside`
 * installed before the page's scripts (Playwright init scripts are not subject to the page's
 * CSP). No core, no SIP: only the renderer, fed canned contract values. PNGs go to
 * test-results/compliance-*.png.
 */
import { defaultDialPlan, type DialPlan } from '../../../shared/dial-plan.js';
import type { CallSessionView } from '../../../shared/call-session.js';
import type { AuditEntry, ComplianceDecision, ComplianceStatus } from '../../../shared/compliance.js';
import type { Snapshot } from '../../../shared/contract.js';
import type { Lead } from '../../../shared/lead.js';
import type { Page } from 'playwright-core';
import { ok, runScreens, screenCampaign, type Scene } from './fake-page.js';

const DAY = 86_400_000;
/** The page's clock is fixed here (10:42 in New York) so local times match the canned decisions. */
const now = Date.UTC(2026, 10, 26, 15, 42);

// ---- canned contract values ----

const snapshotAt = now - 3 * DAY;
const freshStatus: ComplianceStatus = {
  registries: [
    { name: 'US', loaded: true, snapshotAt, count: 245_318_002, ageDays: 3, stale: false },
    { name: 'CA', loaded: true, snapshotAt: now - 12 * DAY, count: 14_200_455, ageDays: 12, stale: false },
  ],
  maxSnapshotAgeDays: 31,
  banner: null,
  inboxDir: '/home/agent/.config/Ringside/registry-inbox',
  inboxFiles: [
    { name: 'DNC_full_2026-11-26_area-codes-201-989.txt', size: 3_412_004_112, modifiedAt: now - 2 * 3_600_000 },
    { name: 'DNC_changes_deletions_2026-11-26.txt', size: 1_204_331, modifiedAt: now - 2 * 3_600_000 },
    { name: 'DNC_changes_additions_2026-11-26.txt', size: 4_872_115, modifiedAt: now - 2 * 3_600_000 },
    { name: 'DNCL_subscriber_full_2026-11-20.csv', size: 218_554_908, modifiedAt: now - 6 * DAY },
  ],
  import: null,
  auditEntries: 1342,
  auditVerification: null,
};

const staleStatus: ComplianceStatus = {
  ...freshStatus,
  registries: [
    { name: 'US', loaded: true, snapshotAt: now - 40 * DAY, count: 245_318_002, ageDays: 40, stale: true },
    { name: 'CA', loaded: false, snapshotAt: null, count: 0, ageDays: null, stale: true },
  ],
  banner:
    "US National DNC Registry snapshot is 40 days old (limit 31): outbound telemarketing calls to US numbers are blocked until it is refreshed. Canada's National DNCL has not been imported: calls to Canadian numbers are blocked.",
};

const importing: ComplianceStatus = {
  ...freshStatus,
  import: {
    registry: 'US',
    mode: 'full',
    phase: 'reading',
    bytesDone: 2_203_418_112,
    bytesTotal: 3_412_004_112,
    numbers: 158_402_117,
    badLines: 47,
    badExamples: [
      { file: 'DNC_full_2026-11-26_area-codes-201-989.txt', line: 1_048_221, text: '212,555O1O3' },
      { file: 'DNC_full_2026-11-26_area-codes-201-989.txt', line: 2_310_877, text: '646,55501' },
      { file: 'DNC_full_2026-11-26_area-codes-201-989.txt', line: 9_002_114, text: '<img src=x onerror=alert(1)>' },
      {
        file: 'DNC_full_2026-11-26_area-codes-201-989.txt',
        line: 12_554_090,
        text: '917,5550100,extra,columns,that,should,not,be,here,and,a,very,long,tail,to,see,wrapping',
      },
    ],
    message: null,
    resumed: false,
  },
};

const hours = 'Inside calling hours: 10:42 in America/New_York (window 08:00–21:00).';
const blockedDecision: ComplianceDecision = {
  allowed: false,
  summary: 'Blocked: +12125550143 is on the US National DNC Registry (snapshot 2026-11-23) and no exemption applies.',
  checks: [
    { rule: 'internal-dnc', outcome: 'pass', detail: 'Not on the internal Do-Not-Call list.' },
    { rule: 'registry', outcome: 'block', detail: '+12125550143 is on the US National DNC Registry (snapshot 2026-11-23) and no exemption applies.' },
    { rule: 'calling-hours', outcome: 'pass', detail: hours },
  ],
  exemption: null,
  registry: 'US',
  localTimes: [{ zone: 'America/New_York', local: '10:42', window: '08:00–21:00', inside: true }],
};

const evidence = 'last purchase on 2026-03-14 (existing business relationship, 18 months)';
const exemptDecision: ComplianceDecision = {
  allowed: true,
  summary: `Allowed (exempt): ${evidence}.`,
  checks: [
    { rule: 'internal-dnc', outcome: 'pass', detail: 'Not on the internal Do-Not-Call list.' },
    { rule: 'registry', outcome: 'exempt', detail: `Exempt from the US National DNC Registry: ${evidence}, valid until 2027-09-13.` },
    {
      rule: 'calling-hours',
      outcome: 'pass',
      detail: 'Inside calling hours in every zone the number could be in: 09:42 in America/Chicago, 10:42 in America/New_York.',
    },
  ],
  exemption: { basis: 'ebr-purchase', evidence, validUntil: '2027-09-13' },
  registry: 'US',
  localTimes: [
    { zone: 'America/Chicago', local: '09:42', window: '08:00–21:00', inside: true },
    { zone: 'America/New_York', local: '10:42', window: '08:00–21:00', inside: true },
  ],
};

const hoursBlocked: ComplianceDecision = {
  allowed: false,
  summary: 'Blocked: outside calling hours: 07:42 in America/Los_Angeles (window 08:00–21:00).',
  checks: [
    { rule: 'internal-dnc', outcome: 'pass', detail: 'Not on the internal Do-Not-Call list.' },
    { rule: 'registry', outcome: 'pass', detail: 'Not on the US National DNC Registry (snapshot 2026-11-23, 3 days old).' },
    { rule: 'calling-hours', outcome: 'block', detail: 'Outside calling hours: 07:42 in America/Los_Angeles (window 08:00–21:00).' },
  ],
  exemption: null,
  registry: 'US',
  localTimes: [{ zone: 'America/Los_Angeles', local: '07:42', window: '08:00–21:00', inside: false }],
};

const usPack = {
  id: 'US',
  name: 'United States: Telemarketing Sales Rule and TCPA',
  source: '16 CFR 310.4(b)(1)(iii)(B), (b)(1)(v), (b)(3)(iv), (c); 16 CFR 310.2(q); 47 CFR 64.1200(a)(1)–(3), (c)(1)–(2), (f)(5)',
};

/** "9 *67 1 212 555 0143": the outside line, a caller-ID code, then a listed number in national form. */
const viaPrefix = '9 *67 1 212 555 0143';
const prefixDetail = '+12125550143 is on the US National DNC Registry (snapshot 2026-11-23) and no exemption applies.';
const prefixBlocked: ComplianceDecision = {
  ...blockedDecision,
  checks: [
    { rule: 'target', outcome: 'pass', detail: 'Reaches +1 212 555 0143 (outside-line prefix 9, feature code *67, national form in US).' },
    ...blockedDecision.checks,
  ],
  pack: usPack,
  target: {
    input: viaPrefix,
    uri: 'sip:9*6712125550143@pbx.example.com',
    readings: [
      {
        kind: 'number',
        e164: '+12125550143',
        label: '+1 212 555 0143',
        via: ['outside-line prefix 9', 'feature code *67', 'national form in US'],
        allowed: false,
        summary: `Blocked: ${prefixDetail}`,
      },
    ],
  },
};
/** The same number dialled plainly in international form: one reading, no route. */
const leadPrefixBlocked: ComplianceDecision = {
  ...prefixBlocked,
  checks: prefixBlocked.checks.map((c) => (c.rule === 'target' ? { ...c, detail: 'Reaches +1 212 555 0143 (international form).' } : c)),
  target: {
    input: '+12125550143',
    uri: 'sip:+12125550143@pbx.example.com',
    readings: [{ ...prefixBlocked.target!.readings[0]!, via: ['international form'] }],
  },
};

const unreadableDetail = 'Can’t tell which telephone number this reaches — dial it in international form, +CC…';
const unreadable: ComplianceDecision = {
  allowed: false,
  summary: `Blocked: ${unreadableDetail}`,
  checks: [{ rule: 'target', outcome: 'block', detail: unreadableDetail }],
  exemption: null,
  registry: null,
  localTimes: [],
  pack: null,
  target: { input: '*99#0800 123 4567', uri: null, readings: [] },
};

const campaign = screenCampaign('Home solar — NY/NJ Q4');

function lead(overrides: Partial<Lead> = {}): Lead {
  return {
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
    source: 'purchased list',
    customFields: {},
    consentAt: null,
    inquiryAt: null,
    lastPurchaseAt: null,
    score: 40,
    priority: 2,
    status: 'active',
    attempts: 0,
    lastAttemptAt: null,
    dueAt: null,
    phones: [
      { e164: '+12125550143', raw: '(212) 555-0143', label: 'home', bad: false },
      { e164: '+19175550188', raw: '(917) 555-0188', label: 'mobile', bad: false },
    ],
    createdAt: now - 20 * DAY,
    updatedAt: now - DAY,
    ...overrides,
  };
}

function snapshot(
  compliance: ComplianceStatus,
  decision: ComplianceDecision | null,
  calls: CallSessionView[] = [],
  dialPlan: DialPlan = defaultDialPlan('US'),
): Snapshot {
  return {
    registration: { state: 'registered', aor: 'sip:1001@pbx.example.com', error: null, retryAt: null, attempt: 0, connected: true },
    account: {
      server: 'wss://pbx.example.com:8089/ws',
      aor: 'sip:1001@pbx.example.com',
      authUser: null,
      displayName: 'Sam Agent',
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
      dialPlan,
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
    },
    calls,
    workspace: {
      agent: { state: 'available', pauseReason: null, since: now - 600_000, name: 'Sam Agent' },
      campaignId: 1,
      current: decision
        ? {
            leadId: 7,
            callId: null,
            phoneIndex: 0,
            stage: 'preview',
            countdownEndsAt: null,
            wrapUpStartedAt: null,
            temperature: decision.exemption
              ? { kind: 'warm', reason: 'purchase 2026-03-14' }
              : { kind: 'cold', reason: 'Outbound call with no recorded interest' },
            scriptStart: 'intro',
            compliance: decision,
          }
        : null,
      dispositionRequired: false,
      notice: null,
    },
    stats: { day: '2026-11-26', calls: 14, connected: 6, talkSec: 1310, dispositions: {}, successes: 1 },
    compliance,
    board: null,
    monitor: null,
    monitored: null,
    team: { mode: 'solo', team: null, agentId: null, where: null, state: 'up', since: null, problem: null, waiting: 0 },
    crm: { configured: false, disabled: null, pending: 0, dead: 0, lastDeliveredAt: null },
  };
}

const activeCall: CallSessionView = {
  id: 'c1',
  direction: 'outbound',
  state: 'active',
  temperature: { kind: 'warm', reason: 'purchase 2026-03-14' },
  remoteUri: 'sip:+12125550143@pbx.example.com',
  remoteName: '+12125550143',
  muted: false,
  pending: null,
  createdAt: now - 95_000,
  answeredAt: now - 80_000,
  endedAt: null,
  outcome: null,
  statusCode: null,
  detail: null,
  dtmfInBand: true,
  leadId: 7,
  compliance: exemptDecision,
  monitor: null,
};

function auditRows(): { total: number; rows: AuditEntry[] } {
  const paths = ['preview', 'manual', 'progressive', 'callback', 'transfer', 'redial'];
  const rows: AuditEntry[] = [];
  for (let i = 0; i < 50; i++) {
    const allowed = i % 4 !== 1;
    const n = `+1212555${String(1000 + i * 7).slice(-4)}`;
    rows.push({
      id: 1342 - i,
      at: now - i * 173_000,
      path: paths[i % paths.length],
      target: i % 9 === 4 ? `sip:${n}@pbx.example.com` : n,
      e164: n,
      leadId: 100 + i,
      campaignId: 1,
      allowed,
      summary: allowed
        ? i % 3 === 0
          ? `Allowed (exempt): inquiry on 2026-11-${String(1 + (i % 20)).padStart(2, '0')} (existing business relationship, 3 months).`
          : 'Allowed: every check passed.'
        : i % 8 === 1
          ? `Blocked: ${n} is on the US National DNC Registry (snapshot 2026-11-23) and no exemption applies.`
          : 'Blocked: outside calling hours: 07:12 in America/Los_Angeles (window 08:00–21:00).',
      checks: '[]',
    });
  }
  return { total: 1342, rows };
}

// ---- the fake, installed in the page before its scripts ----

function responses(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    'campaign.list': ok([{ id: 1, name: campaign.name, kind: 'outbound', dialMode: 'preview', leads: 1200, due: 86 }]),
    'campaign.get': ok(campaign),
    'lead.get': ok({ lead: lead(), history: [], callbacks: [] }),
    'agent.stats': ok({ day: '2026-11-26', calls: 14, connected: 6, talkSec: 1310, dispositions: {}, successes: 1 }),
    'compliance.audit': ok(auditRows()),
    'compliance.check': ok(hoursBlocked),
    ...extra,
  };
}

/** Nothing in the left column may stick out past its right edge (a long number, a legal citation). */
async function leftColumnFits(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const bar = document.querySelector('.sidebar');
    if (!bar) return null;
    const right = bar.getBoundingClientRect().right;
    for (const el of Array.from(bar.querySelectorAll('*'))) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > right + 1)
        return `${el.tagName.toLowerCase()}.${(el as HTMLElement).className} sticks out of the left column by ${Math.round(r.right - right)}px`;
    }
    if (bar.scrollWidth > bar.clientWidth + 1) return `the left column scrolls sideways (${bar.scrollWidth}px of ${bar.clientWidth}px)`;
    return null;
  });
}

const SIZES = { small: { width: 1366, height: 768 }, large: { width: 1920, height: 1080 } } as const;

/** Runs only the scenes whose name matches $SCENES (a regular expression), all when unset. */
const only = process.env.SCENES ? new RegExp(process.env.SCENES) : null;
const filtered =
  (scene: Scene): Scene =>
  (name, ...rest) =>
    only && !only.test(name) ? Promise.resolve() : scene(name, ...rest);

async function main(): Promise<void> {
  await runScreens({ prefix: 'compliance', now, check: leftColumnFits }, async (all) => {
    const scene = filtered(all);
    // The dial plan and the target-reading card, at the two common laptop and desktop sizes.
    for (const [size, viewport] of Object.entries(SIZES)) {
      // 7. Settings → Dial plan: a Polish PBX whose extensions would reach real numbers, and a bad feature code.
      await scene(
        `dial-plan-${size}`,
        {
          snapshot: snapshot(freshStatus, null, [], { ...defaultDialPlan('PL'), outsideLinePrefixes: ['0'], internalDomains: ['pbx2.example.com'] }),
          responses: responses(),
        },
        async (page) => {
          await page.getByRole('button', { name: 'Settings' }).click();
          await page.getByLabel('Password', { exact: true }).fill('secret');
          await page.getByLabel('Longest extension (digits)').fill('7');
          await page.getByLabel(/Feature codes/).fill('#31#, *31#, hide');
          await page.getByRole('button', { name: 'Save account' }).click();
          await page.getByText('Not saved: fix the fields marked above.').waitFor();
          // Both problems in view: the feature code above, the extension pattern below.
          await page.getByLabel(/Feature codes/).evaluate((el) => el.scrollIntoView({ block: 'center' }));
        },
        viewport,
      );

      // 8. A listed number dialled through the outside line and a caller-ID code (typed), and the lead's own decision: the route, the pack.
      await scene(
        `prefix-blocked-${size}`,
        { snapshot: snapshot(freshStatus, leadPrefixBlocked), responses: responses({ 'compliance.check': ok(prefixBlocked) }) },
        async (page) => {
          await page.getByLabel('Number or SIP address').fill(viaPrefix);
          const typed = page.getByRole('region', { name: 'Number typed: why this call is blocked' });
          // The typed one open, the lead's compact: both forms of the card in one picture.
          await typed.getByRole('button', { name: 'Why?' }).click();
        },
        viewport,
      );

      // 10. The campaign's calling window (countries without statutory hours), Sunday's ending before it starts.
      await scene(
        `campaign-window-${size}`,
        { snapshot: snapshot(freshStatus, null), responses: responses() },
        async (page) => {
          await page.getByRole('button', { name: 'Edit campaign' }).click();
          const dialog = page.getByRole('dialog', { name: /Campaign:/ });
          await dialog.getByLabel('Sunday', { exact: true }).check();
          await dialog.getByLabel('Sunday: until').fill('09:00');
          await dialog.getByRole('button', { name: 'Save campaign' }).click();
          await dialog.getByLabel('Monday–Friday: from').scrollIntoViewIfNeeded();
        },
        viewport,
      );

      // 9. The dial box with a target the gate cannot read: refused before the call, Call disabled.
      await scene(
        `unreadable-${size}`,
        { snapshot: snapshot(freshStatus, null), responses: responses({ 'compliance.check': ok(unreadable) }) },
        async (page) => {
          await page.getByLabel('Number or SIP address').fill(unreadable.target!.input);
          await page.getByRole('region', { name: 'Number typed: why this call is blocked' }).waitFor();
        },
        viewport,
      );
    }

    // 1. Stale registry: the banner; the lead on screen blocked by the registry (details open);
    //    a number typed in the dial box that calling hours would block.
    await scene('blocked', { snapshot: snapshot(staleStatus, blockedDecision), responses: responses() }, async (page) => {
      await page.getByRole('region', { name: 'Before the call: why this call is blocked' }).getByRole('button', { name: 'Why?' }).click();
      await page.getByLabel('Number or SIP address').fill('+1 310 555 0122');
      await page.getByRole('region', { name: 'Number typed: why this call is blocked' }).waitFor();
    });

    // 2. Exempt: the lead on screen allowed by an existing business relationship (details open).
    await scene('exempt', { snapshot: snapshot(freshStatus, exemptDecision), responses: responses() }, async (page) => {
      await page.getByRole('region', { name: 'Before the call: why this call is allowed' }).getByRole('button', { name: 'Why?' }).click();
    });

    // 2b. During that lead's call: the call's own decision, on the lead card.
    const inCall = snapshot(freshStatus, exemptDecision, [activeCall]);
    inCall.workspace = {
      ...inCall.workspace,
      agent: { ...inCall.workspace.agent, state: 'on-call' },
      current: { ...inCall.workspace.current!, stage: 'call', callId: activeCall.id },
    };
    await scene('in-call', { snapshot: inCall, responses: responses() }, async (page) => {
      await page.getByRole('region', { name: 'This call: why this call is allowed' }).waitFor();
    });

    // 2b'. The same call while the line to the SIP server is down: the warning is on the live call.
    const lineLost = {
      ...inCall,
      calls: [{ ...activeCall, detail: 'Connection to the SIP server lost: reconnecting. Audio continues while the other party stays.' }],
    };
    for (const [size, viewport] of Object.entries(SIZES)) {
      await scene(
        `in-call-line-lost-${size}`,
        { snapshot: lineLost, responses: responses() },
        async (page) => {
          await page.getByRole('alert').filter({ hasText: 'Connection to the SIP server lost' }).waitFor();
        },
        viewport,
      );
    }

    // 2c. A manual call (no lead): the card sits in the call panel.
    const manual = snapshot(freshStatus, null, [
      {
        ...activeCall,
        leadId: null,
        temperature: { kind: 'cold', reason: 'Outbound call with no recorded interest' },
        compliance: {
          ...exemptDecision,
          allowed: true,
          exemption: null,
          summary: 'Allowed: every check passed.',
          checks: exemptDecision.checks.map((c) =>
            c.rule === 'registry' ? { ...c, outcome: 'pass' as const, detail: 'Not on the US National DNC Registry (snapshot 2026-11-23, 3 days old).' } : c,
          ),
        },
      },
    ]);
    manual.workspace = { ...manual.workspace, agent: { ...manual.workspace.agent, state: 'on-call' } };
    await scene('manual-call', { snapshot: manual, responses: responses() }, async (page) => {
      const card = page.getByRole('region', { name: 'This call: why this call is allowed' });
      await card.getByRole('button', { name: 'Why?' }).click();
      await card.evaluate((el) => el.scrollIntoView({ block: 'end' }));
    });

    // 3. The compliance panel: registries and an import in progress with bad lines.
    await scene('panel-import', { snapshot: snapshot(importing, null), responses: responses() }, async (page) => {
      await page.getByRole('button', { name: 'Compliance' }).click();
      await page.getByRole('table', { name: 'Bad lines' }).scrollIntoViewIfNeeded();
    });

    // 3b. The same, scrolled to the top: inbox files picked.
    await scene('panel-registries', { snapshot: snapshot({ ...staleStatus }, null), responses: responses() }, async (page) => {
      await page.getByRole('button', { name: 'Open compliance' }).click();
      await page.getByLabel('Import DNC_full_2026-11-26_area-codes-201-989.txt').check();
      await page.getByLabel('Import DNC_changes_deletions_2026-11-26.txt').check();
    });

    // 3c. In a team: a supervisor's desktop has imported a newer US snapshot than this one.
    const behind = {
      ...freshStatus,
      registries: freshStatus.registries.map((r) => (r.name === 'US' ? { ...r, teamNewest: { snapshotAt: now - DAY, importedBy: 'sue.m' } } : r)),
    };
    for (const [size, viewport] of Object.entries(SIZES)) {
      await scene(
        `panel-team-newer-${size}`,
        { snapshot: snapshot(behind, null), responses: responses() },
        async (page) => {
          await page.getByRole('button', { name: 'Compliance' }).click();
          await page.getByText(/Your team has the snapshot of/).waitFor();
        },
        viewport,
      );
    }

    // 4. The audit log, first page.
    await scene('panel-audit', { snapshot: snapshot(freshStatus, null), responses: responses() }, async (page) => {
      await page.getByRole('button', { name: 'Compliance' }).click();
      await page.getByRole('tab', { name: 'Audit log' }).click();
      await page.getByText('1–50 of 1,342').waitFor();
    });

    // 4b. The audit log does not verify: the panel's alarm, and the Compliance button's.
    for (const [size, viewport] of Object.entries(SIZES)) {
      const broken = {
        ok: false,
        rows: 1342,
        keyed: 1342,
        checkedAt: now - 60_000,
        message: 'The audit log does not verify: record 532 was changed after it was written (or one before it was removed).',
        firstBadId: 532,
      };
      await scene(
        `audit-broken-${size}`,
        { snapshot: snapshot({ ...freshStatus, auditVerification: broken }, null), responses: responses({ 'compliance.verifyAudit': ok(broken) }) },
        async (page) => {
          await page.getByRole('button', { name: 'Compliance (the audit log does not verify)' }).click();
          await page.getByRole('tab', { name: 'Audit log' }).click();
          await page.getByText('1–50 of 1,342').waitFor();
        },
        viewport,
      );
      // 4c. A tel: link from a CRM, opened in the dial box with its card, waiting for Call.
      await scene(
        `link-offered-${size}`,
        { snapshot: snapshot(freshStatus, null), responses: responses() },
        async (page) => {
          await page.evaluate(() =>
            (window as unknown as { __emit(k: string, p: unknown): void }).__emit('call.onLinkOffered', {
              url: 'tel:+1-212-555-0198',
              target: '+1-212-555-0198',
            }),
          );
          await page.getByText(/From a link in another app/).waitFor();
          await page.getByRole('region', { name: /Number from a link/ }).waitFor();
        },
        viewport,
      );
      // 4e. Settings → NAT and TURN: a fixed-credential TURN server and a time-limited one, relay only.
      const natBase = snapshot(freshStatus, null);
      await scene(
        `settings-turn-${size}`,
        {
          snapshot: {
            ...natBase,
            account: {
              ...natBase.account!,
              iceTransportPolicy: 'relay',
              iceServers: [
                {
                  urls: ['turn:turn.example.com:3478', 'turns:turn.example.com:5349'],
                  username: 'home1',
                  credentialType: 'password',
                  hasCredential: true,
                  ephemeralTtlSec: null,
                },
                { urls: ['turn:turn2.example.com:3478'], username: null, credentialType: 'ephemeral', hasCredential: true, ephemeralTtlSec: 86400 },
              ],
            },
          },
          responses: responses(),
        },
        async (page) => {
          await page.getByRole('button', { name: 'Settings' }).click();
          await page.getByText('NAT and TURN').evaluate((el) => el.scrollIntoView({ block: 'start' }));
        },
        viewport,
      );
      // 4d. Settings on a desktop whose key store is basic_text, with a secret that no longer decrypts.
      const base = snapshot(freshStatus, null);
      await scene(
        `settings-memory-only-${size}`,
        {
          snapshot: {
            ...base,
            account: { ...base.account!, secretsStorage: 'memory-only', problems: ['The saved team secret cannot be decrypted any more: enter it again.'] },
          },
          responses: responses(),
        },
        async (page) => {
          await page.getByRole('button', { name: 'Settings' }).click();
          await page.getByText(/kept only until Ringside closes/).waitFor();
        },
        viewport,
      );
    }

    // 5. List scrub report.
    await scene(
      'panel-scrub',
      {
        snapshot: snapshot(freshStatus, null),
        responses: responses({
          'compliance.scrub': ok({
            campaignId: 1,
            leads: 1200,
            phones: 1531,
            allowed: 1318,
            exempt: 204,
            blocked: { internalDnc: 17, registry: 181, noRegistry: 15, total: 213 },
            durationMs: 1840,
          }),
        }),
      },
      async (page) => {
        await page.getByRole('button', { name: 'Compliance' }).click();
        await page.getByRole('tab', { name: 'List scrub' }).click();
        await page.getByRole('button', { name: 'Scrub list' }).click();
        await page.getByText(/Scrubbed/).waitFor();
      },
    );

    // 6. Internal DNC: a pasted list, one of them not a number.
    await scene(
      'panel-dnc',
      {
        snapshot: snapshot(freshStatus, null),
        responses: responses({ 'compliance.addToDnc': ok({ added: 2, already: 1, invalid: ['12ab: not a phone number'] }) }),
      },
      async (page) => {
        await page.getByRole('button', { name: 'Compliance' }).click();
        await page.getByRole('tab', { name: 'Internal DNC' }).click();
        await page.getByLabel(/Numbers/).fill('+1 212 555 0100\n(416) 555-0199\n+1 212 555 0101\n12ab');
        await page.getByRole('button', { name: /Add 4 to the list/ }).click();
        await page.getByText(/2 added/).waitFor();
      },
    );
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
