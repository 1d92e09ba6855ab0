// An inbound call from an unknown number creates a lead; it is evidence of an inquiry (a warm
// lead later) only when the server vouched for the caller ID — anyone can write any number in
// a From header.
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../../electron/core/data/repositories';
import { UNVERIFIED_CALLER_SOURCE, WorkspaceService } from '../../../electron/core/workspace/workspace-service';
import { tempStore } from '../../support/temp-store';
import { campaignInput } from '../data/store-fixtures';

const open: Store[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

async function workspace() {
  const { store } = tempStore();
  open.push(store);
  const campaign = await store.campaigns.save(campaignInput('Inbound PL', { kind: 'inbound', defaultCountry: 'PL', dialMode: 'manual' }));
  const ws = new WorkspaceService({
    store,
    dial: () => Promise.reject(new Error('this test places no calls')),
    liveCalls: () => [],
    emit: () => undefined,
    registered: () => false,
    agentName: () => 'Agent',
    log: { info: () => undefined, warn: () => undefined },
  });
  await ws.selectCampaign(campaign.id);
  return { store, ws };
}

describe('inbound callers become leads, warm only with a vouched-for caller ID', () => {
  it('an unverified caller ID makes a cold lead marked as such', async () => {
    const { store, ws } = await workspace();
    const ctx = await ws.identify('sip:+48225550177@pbx.example.com', 'Jan Kowalski', false);
    const lead = await store.leads.get(ctx?.leadId ?? -1);
    expect(lead).toMatchObject({ firstName: 'Jan', lastName: 'Kowalski', source: UNVERIFIED_CALLER_SOURCE, inquiryAt: null });
    await ws.openLead(lead!.id);
    expect((await ws.view()).current?.temperature).toMatchObject({ kind: 'cold' });
  });

  it('a caller ID the server vouched for counts as an inquiry today', async () => {
    const { store, ws } = await workspace();
    const ctx = await ws.identify('sip:+48225550178@pbx.example.com', 'Ewa Nowak', true);
    const lead = await store.leads.get(ctx?.leadId ?? -1);
    expect(lead).toMatchObject({ source: 'Inbound call', inquiryAt: new Date().toISOString().slice(0, 10) });
    await ws.openLead(lead!.id);
    expect((await ws.view()).current?.temperature).toMatchObject({ kind: 'warm', reason: expect.stringMatching(/^inquiry /) });
  });
});
