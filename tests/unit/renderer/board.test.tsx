// @vitest-environment jsdom
/**
 * The supervisor's live board in the renderer: the tab for supervisor roles, rows with state as
 * colour and text, alerts as text, stale rows, sorting and filtering, live updates, the monitor
 * buttons, hostile text from other agents' apps shown as text; and the supervision settings.
 */
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { AccountInput, AccountView } from '../../../shared/account';
import type { Snapshot } from '../../../shared/contract';
import type { AgentPresence, BoardAgent, BoardView } from '../../../shared/supervision';
import { filterAgents, sortAgents, timeInState } from '../../../renderer/src/features/supervision/board-format';
import { resetStore, store } from '../../../renderer/src/store/store';
import { account, fakeRingside, snapshotOf } from './fake-ringside';
import { appHarness } from './app-harness';

const EVIL = '<img src=x onerror=alert(1)>';
const now = Date.now();
const { mount, settle } = appHarness();

function presence(over: Partial<AgentPresence> = {}): AgentPresence {
  return {
    v: 1,
    seq: 1,
    sentAt: now,
    name: 'Agent',
    state: 'available',
    pauseReason: null,
    since: now - 60_000,
    registered: true,
    call: null,
    campaign: 'Solar Q4',
    today: { calls: 0, connected: 0, talkSec: 0, successes: 0 },
    ...over,
  };
}

function agent(user: string, p: Partial<AgentPresence> | null, over: Partial<BoardAgent> = {}): BoardAgent {
  const pr = p ? presence({ name: user, ...p }) : null;
  return {
    aor: `sip:${user.toLowerCase().replace(/[^a-z0-9]/g, '')}@example.com`,
    name: pr?.name ?? user.toLowerCase(),
    presence: pr,
    lastHeardAt: pr ? now : null,
    stale: false,
    state: pr?.state ?? 'offline',
    alerts: [],
    monitoring: null,
    ...over,
  };
}

const onCallCall = { direction: 'outbound' as const, temperature: 'cold' as const, campaign: 'Solar Q4', answeredAt: now - 125_000, startedAt: now - 140_000 };

function team(): BoardView {
  const agents = [
    agent(
      'Zoe',
      { state: 'on-call', call: onCallCall, today: { calls: 12, connected: 7, talkSec: 1500, successes: 2 } },
      { alerts: [{ kind: 'long-call', text: 'Call over 10 min' }] },
    ),
    agent(
      'Adam',
      { state: 'paused', pauseReason: 'Lunch', since: now - 20 * 60_000, today: { calls: 3, connected: 1, talkSec: 200, successes: 0 } },
      { alerts: [{ kind: 'long-pause', text: 'Paused over 15 min' }] },
    ),
    agent('Maya', { state: 'available', campaign: 'Inbound care', today: { calls: 20, connected: 11, talkSec: 2400, successes: 5 } }),
    agent(
      'Ivan',
      { state: 'on-call', call: { ...onCallCall, direction: 'inbound', temperature: 'warm' } },
      { stale: true, state: 'offline', lastHeardAt: now - 40_000, alerts: [{ kind: 'stale', text: 'No word for over 15 s' }] },
    ),
    agent('Evil', { name: EVIL, state: 'paused', pauseReason: '<script>alert(1)</script>', campaign: '<b>bold</b>' }),
    agent('Nora', null),
  ];
  return {
    agents,
    totals: { agents: agents.length, onCall: 1, available: 1, calls: 35, connected: 19, talkSec: 4100, successes: 7, conversion: 7 / 19 },
    history: [
      { at: now - 120_000, calls: 30, successes: 5, onCall: 2 },
      { at: now - 60_000, calls: 33, successes: 6, onCall: 1 },
      { at: now, calls: 35, successes: 7, onCall: 1 },
    ],
    rejected: 2,
    unverified: 0,
  };
}

function supervisorAccount(role: 'supervisor' | 'both' | 'agent' = 'supervisor'): AccountView {
  return { ...account, supervision: { ...account.supervision, role, team: ['sip:zoe@example.com'] } };
}

function setup(overrides: Partial<Snapshot> = {}) {
  const snapshot = snapshotOf({ account: supervisorAccount(), board: team(), ...overrides });
  return mount(snapshot);
}

/** What the form sent with its n-th Save. */
const savedInput = (fake: ReturnType<typeof fakeRingside>, n: number) => (fake.api.account.save.mock.calls as unknown as Array<[AccountInput]>)[n]![0];
const rowNames = () =>
  within(screen.getByRole('table'))
    .getAllByRole('rowheader')
    .map((h) => h.querySelector('.board-name')?.textContent);
const rowOf = (name: string) => screen.getAllByRole('row').find((r) => r.querySelector('.board-name')?.textContent === name) as HTMLElement;

describe('live board', () => {
  it('is a tab for supervisors (where a pure supervisor starts), not for agents', async () => {
    setup();
    expect(screen.getByRole('tab', { name: 'Live board' })).toHaveProperty('ariaSelected', 'true');
    expect(screen.getByRole('region', { name: 'Live board' })).toBeTruthy();
    cleanup();
    resetStore();
    setup({ account: supervisorAccount('both') });
    expect(screen.getByRole('tab', { name: 'Lead' })).toHaveProperty('ariaSelected', 'true');
    fireEvent.click(screen.getByRole('tab', { name: 'Live board' }));
    expect(screen.getByRole('region', { name: 'Live board' })).toBeTruthy();
    cleanup();
    resetStore();
    setup({ account: supervisorAccount('agent'), board: null });
    expect(screen.queryByRole('tab', { name: 'Live board' })).toBeNull();
    await settle();
  });

  it('shows state as colour and text, the pause reason, the call, campaign, today’s figures, alerts as text, team totals', () => {
    setup();
    const zoe = rowOf('Zoe');
    expect(within(zoe).getByText('On call').closest('.board-state')?.className).toContain('board-state-on-call');
    expect(within(zoe).getByText('Outbound')).toBeTruthy();
    expect(within(zoe).getByText('Cold')).toBeTruthy();
    expect(zoe.querySelector('.board-call-time')?.textContent).toMatch(/^02:[0-5]\d$/);
    expect(within(zoe).getByText('Call over 10 min')).toBeTruthy();
    expect(within(zoe).getByText('12')).toBeTruthy();
    expect(within(zoe).getByText('7 connected')).toBeTruthy();
    const adam = rowOf('Adam');
    expect(within(adam).getByText('Paused')).toBeTruthy();
    expect(within(adam).getByText('Lunch')).toBeTruthy();
    expect(within(adam).getByText('Paused over 15 min')).toBeTruthy();
    expect(adam.querySelector('.col-time')?.textContent).toMatch(/^20:[0-5]\d$/);
    const totals = screen.getByLabelText('Team totals');
    expect(within(totals).getByText('Conversion').nextSibling?.textContent).toBe('37 %');
    expect(within(totals).getByText('Talk time').nextSibling?.textContent).toBe('1:08:20');
    expect(screen.getByText('2 messages from outside the team ignored')).toBeTruthy();
    expect(screen.getByRole('img', { name: /now 35 calls and 7 successes/ })).toBeTruthy();
  });

  it('a stale agent is greyed, says “No word”, what it was, and when it was last heard; a never-heard agent says so', () => {
    setup();
    const ivan = rowOf('Ivan');
    expect(ivan.className).toContain('is-stale');
    expect(within(ivan).getByText('No word')).toBeTruthy();
    expect(within(ivan).getByText('was on call')).toBeTruthy();
    expect(within(ivan).getByText(/^last heard 4\d s ago$/)).toBeTruthy();
    expect(within(ivan).getByText('No word for over 15 s')).toBeTruthy();
    // Its time does not tick on after the last word.
    const a = store.getState().board!.agents.find((x) => x.name === 'Ivan')!;
    expect(timeInState(a, now + 600_000)).toBe(timeInState(a, now));
    const nora = rowOf('nora');
    expect(within(nora).getByText('Not heard from')).toBeTruthy();
    expect(within(nora).getByText('last heard never')).toBeTruthy();
  });

  it('says when agents’ states rest on the From header alone, and how to fix it; says nothing when none do', () => {
    setup({ board: { ...team(), unverified: 2 } });
    const note = screen.getByText('2 senders not verified: set a team secret');
    expect(note.getAttribute('title')).toMatch(/no P-Asserted-Identity and no team secret/);
    cleanup();
    resetStore();
    setup();
    expect(screen.queryByText(/not verified/)).toBeNull();
  });

  it('renders hostile names, reasons and campaigns as text', () => {
    setup();
    const evil = rowOf(EVIL);
    expect(evil).toBeTruthy();
    expect(within(evil).getByText('<script>alert(1)</script>')).toBeTruthy();
    expect(within(evil).getByText('<b>bold</b>')).toBeTruthy();
    expect(document.querySelector('.board img, .board script, .board b')).toBeNull();
  });

  it('sorts by a column header, both ways, and says so (aria-sort)', () => {
    setup();
    // Default: by state, who needs attention first.
    expect(rowNames()[0]).toBe('Zoe');
    expect(rowNames().slice(-2)).toEqual(['nora', 'Ivan']);
    const header = screen.getByRole('button', { name: /^Agent/ });
    fireEvent.click(header);
    expect(rowNames()).toEqual([EVIL, 'Adam', 'Ivan', 'Maya', 'nora', 'Zoe']);
    expect(header.closest('th')?.getAttribute('aria-sort')).toBe('ascending');
    fireEvent.click(header);
    expect(rowNames()[0]).toBe('Zoe');
    expect(header.closest('th')?.getAttribute('aria-sort')).toBe('descending');
    fireEvent.click(screen.getByRole('button', { name: /^Today: Calls/ }));
    expect(rowNames().slice(0, 3)).toEqual(['Maya', 'Zoe', 'Adam']);
    const successes = screen.getByRole('button', { name: /^Today: Successes/ });
    fireEvent.click(successes);
    expect(rowNames().slice(0, 2)).toEqual(['Maya', 'Zoe']);
    expect(successes.getAttribute('aria-pressed')).toBe('true');
    expect(successes.closest('th')?.getAttribute('aria-sort')).toBe('descending');
  });

  it('filters by state and by text (name, campaign, reason, alert)', () => {
    setup();
    const show = screen.getByLabelText('Show');
    fireEvent.change(show, { target: { value: 'paused' } });
    expect(new Set(rowNames())).toEqual(new Set(['Adam', EVIL]));
    fireEvent.change(show, { target: { value: 'alerts' } });
    expect(new Set(rowNames())).toEqual(new Set(['Zoe', 'Adam', 'Ivan']));
    fireEvent.change(show, { target: { value: 'all' } });
    const text = screen.getByPlaceholderText(/Filter/);
    fireEvent.change(text, { target: { value: 'inbound' } });
    expect(rowNames()).toEqual(['Maya']);
    fireEvent.change(text, { target: { value: 'lunch' } });
    expect(rowNames()).toEqual(['Adam']);
    expect(screen.getByText('1 of 6 agents · 3 alerts')).toBeTruthy();
    fireEvent.change(text, { target: { value: 'nobody-matches' } });
    expect(screen.getByText('No agent matches the filter.')).toBeTruthy();
  });

  it('follows board:changed live', async () => {
    const fake = setup();
    const next = team();
    next.agents[2] = agent('Maya', { state: 'wrap-up', campaign: 'Inbound care' }, { alerts: [{ kind: 'long-wrap-up', text: 'Wrap-up over 3 min' }] });
    act(() => fake.emit('board:changed', next));
    const maya = rowOf('Maya');
    expect(within(maya).getByText('Wrap-up')).toBeTruthy();
    expect(within(maya).getByText('Wrap-up over 3 min')).toBeTruthy();
    await settle();
  });

  it('Listen / Whisper / Barge only for an agent on a call; they start monitoring, or switch the mode of the session on that agent', async () => {
    const fake = setup();
    const adam = within(rowOf('Adam'));
    for (const name of ['Listen', 'Whisper', 'Barge']) expect(adam.getByRole('button', { name })).toHaveProperty('disabled', true);
    expect(within(rowOf('Ivan')).getByRole('button', { name: 'Listen' })).toHaveProperty('disabled', true);
    fireEvent.click(within(rowOf('Zoe')).getByRole('button', { name: 'Listen' }));
    await settle();
    expect(fake.api.monitor.start).toHaveBeenCalledWith('sip:zoe@example.com', 'listen');

    const next = team();
    next.agents[0] = { ...next.agents[0]!, monitoring: 'listen' };
    act(() => fake.emit('board:changed', next));
    const zoe = within(rowOf('Zoe'));
    expect(zoe.getByRole('button', { name: 'Listen' }).getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(zoe.getByRole('button', { name: 'Whisper' }));
    await settle();
    expect(fake.api.monitor.setMode).toHaveBeenCalledWith('whisper');
    expect(fake.api.monitor.start).toHaveBeenCalledTimes(1);
  });
});

describe('board-format', () => {
  it('sort ties keep name order; filter by text is case-insensitive and matches alerts', () => {
    const agents = team().agents;
    const byAlerts = sortAgents(agents, { key: 'alerts', dir: 'desc' }, now).map((a) => a.name);
    expect(byAlerts.slice(0, 3)).toEqual(['Adam', 'Ivan', 'Zoe']);
    expect(filterAgents(agents, 'all', 'CALL OVER').map((a) => a.name)).toEqual(['Zoe']);
    expect(filterAgents(agents, 'offline', '').map((a) => a.name)).toEqual(['Ivan', 'nora']);
  });
});

describe('supervision settings', () => {
  function openSettings(role: 'agent' | 'supervisor' | 'both' = 'agent', hasTeamSecret = false) {
    const acc: AccountView = { ...account, supervision: { ...account.supervision, role, hasTeamSecret, supervisors: ['sip:supervisor1@example.com'] } };
    const fake = setup({ account: acc, board: role === 'agent' ? null : team() });
    fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'pw' } });
    return fake;
  }

  it('shows the fields for the role and saves them validated with the schema; the team secret is write-only', async () => {
    const fake = openSettings('agent', true);
    expect(screen.getByLabelText(/Supervisors who may see and monitor me/)).toHaveProperty('value', 'sip:supervisor1@example.com');
    expect(screen.queryByLabelText(/Agents on my board/)).toBeNull();
    expect(screen.getByText(/A team secret is saved; it is never shown/)).toBeTruthy();
    expect(screen.getByLabelText('Team secret (optional)')).toHaveProperty('value', '');

    fireEvent.change(screen.getByLabelText('This install is used by'), { target: { value: 'both' } });
    fireEvent.change(screen.getByLabelText(/Agents on my board/), { target: { value: 'sip:agent1@example.com\nnot an address\n' } });
    fireEvent.change(screen.getByLabelText(/Alert: call longer than/), { target: { value: '0' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save account' }));
    await settle();
    expect(fake.api.account.save).not.toHaveBeenCalled();
    expect(screen.getByText(/“not an address” \(line 2\): must look like sip:agent@example.com/)).toBeTruthy();
    expect(screen.getByText('Enter a number from 1 to 240.')).toBeTruthy();

    fireEvent.change(screen.getByLabelText(/Agents on my board/), { target: { value: 'sip:agent1@example.com\nsip:agent2@example.com' } });
    fireEvent.change(screen.getByLabelText(/Alert: call longer than/), { target: { value: '12' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save account' }));
    await settle();
    expect(fake.api.account.save).toHaveBeenCalledTimes(1);
    const saved = savedInput(fake, 0);
    expect(saved.supervision).toMatchObject({
      role: 'both',
      supervisors: ['sip:supervisor1@example.com'],
      team: ['sip:agent1@example.com', 'sip:agent2@example.com'],
      alerts: { longCallMin: 12 },
    });
    // Nothing typed: the saved secret is kept (not sent at all).
    expect(saved.supervision).not.toHaveProperty('teamSecret');
  });

  it('a typed team secret is sent; “remove” sends an empty one', async () => {
    const fake = openSettings('supervisor', true);
    fireEvent.click(screen.getByLabelText('Remove the saved team secret'));
    fireEvent.click(screen.getByRole('button', { name: 'Save account' }));
    await settle();
    expect(savedInput(fake, 0).supervision).toMatchObject({ teamSecret: '' });
    fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'pw' } });
    fireEvent.change(screen.getByLabelText('Team secret (optional)'), { target: { value: 'n3w-secret' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save account' }));
    await settle();
    expect(savedInput(fake, 1).supervision).toMatchObject({ teamSecret: 'n3w-secret' });
  });
});
