// The workspace on a store whose answers arrive late and out of order (as a team database's do):
// what nothing could come between while the store answered at once must still hold — one dial of
// the lead on screen, one disposition per call, one lead per unknown caller, no script answer lost.
import { afterEach, describe, expect, it } from 'vitest';
import type { CallSessionView } from '../../../shared/call-session';
import type { Store } from '../../../electron/core/data/repositories';
import { WorkspaceService } from '../../../electron/core/workspace/workspace-service';
import { slowStore } from '../../support/slow-store';
import { tempStore } from '../../support/temp-store';
import { campaignInput, newLead, phone } from '../data/store-fixtures';

const NOW = Date.parse('2026-11-25T16:00:00Z');

const open: Store[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

function callView(id: string, over: Partial<CallSessionView> = {}): CallSessionView {
  return {
    id,
    direction: 'outbound',
    state: 'dialing',
    temperature: { kind: 'cold', reason: 'outbound' },
    remoteUri: 'sip:+48225550100@pbx.example.com',
    remoteName: '',
    muted: false,
    pending: null,
    createdAt: NOW,
    answeredAt: null,
    endedAt: null,
    outcome: null,
    statusCode: null,
    detail: null,
    dtmfInBand: false,
    leadId: null,
    compliance: null,
    monitor: null,
    ...over,
  };
}

async function rig(seed: number) {
  const { store: real } = tempStore();
  open.push(real);
  const store = slowStore(real, { seed });
  const campaign = await real.campaigns.save(campaignInput('Preview PL', { kind: 'survey', defaultCountry: 'PL', dialMode: 'preview' }));
  const lead = await real.leads.create(campaign.id, newLead({ phones: [phone('+48225550100')] }), NOW);
  const dialled: string[] = [];
  let calls = 0;
  const ws = new WorkspaceService({
    store,
    dial: async (target, context) => {
      dialled.push(target);
      await new Promise((resolve) => setTimeout(resolve, 2));
      return callView(`call-${++calls}`, { leadId: context.leadId });
    },
    liveCalls: () => [],
    emit: () => undefined,
    registered: () => false,
    agentName: () => 'Agent',
    log: { info: () => undefined, warn: () => undefined },
    now: () => NOW,
  });
  await ws.selectCampaign(campaign.id);
  return { real, ws, campaign, lead, dialled };
}

const SEEDS = [1, 2, 3, 4, 5];

describe('the workspace keeps its rules while store answers come in between', () => {
  it.each(SEEDS)('two dials of the lead on screen at once place one call and count one attempt (seed %i)', async (seed) => {
    const { real, ws, lead, dialled } = await rig(seed);
    await ws.openLead(lead.id);
    const [a, b] = await Promise.allSettled([ws.dial(0), ws.dial(0)]);
    expect([a.status, b.status].sort()).toEqual(['fulfilled', 'rejected']);
    const refused = [a, b].find((r) => r.status === 'rejected');
    expect(String(refused?.reason)).toMatch(/being called already/);
    expect(dialled).toEqual(['+48225550100']);
    expect(await real.leads.get(lead.id)).toMatchObject({ attempts: 1 });
  });

  it.each(SEEDS)('two clicks on a disposition write it once, with the attempt already counted (seed %i)', async (seed) => {
    const { real, ws, lead } = await rig(seed);
    await ws.openLead(lead.id);
    const call = await ws.dial(0);
    ws.onCall({ ...call, state: 'ended', outcome: 'no-answer', endedAt: NOW + 1000 });
    expect(ws.awaitingDisposition).toBe(true);
    const [a, b] = await Promise.allSettled([ws.dispose({ code: 'no-answer', note: '' }), ws.dispose({ code: 'no-answer', note: '' })]);
    expect([a.status, b.status].sort()).toEqual(['fulfilled', 'rejected']);
    expect(String([a, b].find((r) => r.status === 'rejected')?.reason)).toMatch(/being saved/);
    expect(ws.awaitingDisposition).toBe(false);
    const history = await real.leads.history(lead.id);
    expect(history.filter((h) => h.kind === 'disposition')).toHaveLength(1);
    expect(await real.leads.get(lead.id)).toMatchObject({ attempts: 1, status: 'active' });
    expect((await real.activity.stats(NOW - 86_400_000, NOW + 86_400_000, '2026-11-25')).dispositions).toEqual({ 'no-answer': 1 });
  });

  it.each(SEEDS)('an ended call that changes again (its hang-up refused later) is in the history once (seed %i)', async (seed) => {
    const { real, ws, lead } = await rig(seed);
    await ws.openLead(lead.id);
    const call = await ws.dial(0);
    ws.onCall({ ...call, state: 'active', answeredAt: NOW + 500 });
    const ended = { ...call, state: 'ended' as const, answeredAt: NOW + 500, outcome: 'completed' as const, endedAt: NOW + 9000, detail: 'You hung up.' };
    ws.onCall(ended);
    ws.onCall({ ...ended, detail: 'You hung up, but the SIP server could not pass it on (500 Server Error): …' });
    await ws.dispose({ code: 'no-answer', note: '' });
    const calls = (await real.leads.history(lead.id)).filter((h) => h.kind === 'call');
    expect(calls).toHaveLength(1);
    expect((await real.activity.stats(NOW - 86_400_000, NOW + 86_400_000, '2026-11-25')).calls).toBe(1);
  });

  it.each(SEEDS)('no dial, other lead or campaign switch while the disposition of a previewed lead is being written (seed %i)', async (seed) => {
    const { real, ws, lead, campaign, dialled } = await rig(seed);
    await ws.openLead(lead.id);
    const saving = ws.dispose({ code: 'wrong-number', note: '' });
    const refusals = await Promise.allSettled([ws.dial(0), ws.next(), ws.selectCampaign(campaign.id), ws.openLead(lead.id), ws.skip()]);
    await saving;
    expect(refusals.map((r) => (r.status === 'rejected' ? String(r.reason) : 'done'))).toEqual(
      Array(5).fill(expect.stringMatching(/disposition is being saved/)),
    );
    expect(dialled).toEqual([]);
    expect(await real.leads.get(lead.id)).toMatchObject({ status: 'bad-number', attempts: 0 });
  });

  it.each(SEEDS)('the same unknown caller twice at once becomes one lead (seed %i)', async (seed) => {
    const { real, ws } = await rig(seed);
    const [a, b] = await Promise.all([
      ws.identify('sip:+48225550177@pbx.example.com', 'Jan Kowalski', false),
      ws.identify('sip:+48225550177@pbx.example.com', 'Jan Kowalski', false),
    ]);
    expect(a?.leadId).not.toBeNull();
    expect(b?.leadId).toBe(a?.leadId);
    expect((await real.leads.findByPhone('+48225550177'))?.id).toBe(a?.leadId);
  });

  it.each(SEEDS)('two script answers into the custom fields at once are both kept (seed %i)', async (seed) => {
    const { real, ws, lead } = await rig(seed);
    await Promise.all([ws.capture(lead.id, 'custom.budget', '10k'), ws.capture(lead.id, 'custom.decider', 'CFO'), ws.capture(lead.id, 'city', 'Łódź')]);
    expect(await real.leads.get(lead.id)).toMatchObject({ city: 'Łódź', customFields: { budget: '10k', decider: 'CFO' } });
  });
});
