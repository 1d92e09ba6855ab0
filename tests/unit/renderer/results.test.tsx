// @vitest-environment jsdom
/**
 * Team mode in the renderer, beyond Settings' connection fields: the supervisor's Results tab
 * (who sees it, the periods it asks for, sums, rates, sorting, the results from before team
 * mode, hostile names, the minute refresh while visible, a failed load), the upload offer of
 * this computer's own data, and the callback's owner in the disposition's picker.
 */
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { DateTime } from 'luxon';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AccountView } from '../../../shared/account';
import type { Snapshot } from '../../../shared/contract';
import type { Result } from '../../../shared/result';
import type { LocalDataView, TeamResults, TeamResultsRow, TeamStatusView, UploadReport } from '../../../shared/team';
import { groupRows, periodRange, sortLines, totalLine } from '../../../renderer/src/features/team/results-format';
import { resetStore } from '../../../renderer/src/store/store';
import { account, idleWorkspace, snapshotOf, workspaceLead } from './fake-ringside';
import { appHarness } from './app-harness';

const { mount, settle } = appHarness();
const EVIL = '<img src=x onerror=alert(1)>';

const teamUp: TeamStatusView = {
  mode: 'team',
  team: 'Warsaw outbound',
  agentId: 'agent1',
  where: 'db.example.com:5432/ringside',
  state: 'up',
  since: null,
  problem: null,
  waiting: 0,
};
const solo: TeamStatusView = { ...teamUp, mode: 'solo', team: null, agentId: null, where: null };

function role(r: 'agent' | 'supervisor' | 'both'): AccountView {
  return { ...account, supervision: { ...account.supervision, role: r } };
}

function row(agent: string | null, campaignId: number, over: Partial<TeamResultsRow> = {}): TeamResultsRow {
  return {
    agent,
    campaignId,
    campaign: `Campaign ${campaignId}`,
    calls: 10,
    connected: 5,
    talkSec: 600,
    dispositions: 10,
    successes: 1,
    byCode: { sale: 1, 'no-answer': 5 },
    ...over,
  };
}

const rows: TeamResultsRow[] = [
  row('anna', 1, { calls: 20, connected: 8, talkSec: 1200, dispositions: 20, successes: 2, byCode: { sale: 2, 'no-answer': 12, callback: 6 } }),
  row('anna', 2, { calls: 10, connected: 2, talkSec: 300, dispositions: 10, successes: 1, byCode: { sale: 1, 'no-answer': 8, busy: 1 } }),
  row('bob', 1, { calls: 5, connected: 4, talkSec: 900, dispositions: 5, successes: 3, byCode: { sale: 3, callback: 1 } }),
  row(null, 1, { calls: 8, connected: 0, talkSec: 0, dispositions: 8, successes: 0, byCode: { 'no-answer': 8 } }),
  row(EVIL, 2, { calls: 1, connected: 1, talkSec: 42, dispositions: 1, successes: 0, byCode: { 'not-interested': 1 } }),
];

type Fake = ReturnType<typeof mount>;
const answer = <T,>(value: T): Promise<Result<T>> => Promise.resolve({ ok: true, value });

function supervisor(over: Partial<Snapshot> = {}, results: TeamResultsRow[] = rows): Fake {
  const fake = mount(snapshotOf({ account: role('supervisor'), team: teamUp, ...over }));
  fake.api.team.results.mockImplementation((from: number, to: number) => answer<TeamResults>({ from, to, rows: results }));
  return fake;
}

async function openResults(): Promise<void> {
  fireEvent.click(screen.getByRole('tab', { name: 'Results' }));
  await settle();
}

const region = () => within(screen.getByRole('region', { name: 'Results' }));
const bodyRows = () => within(screen.getByRole('table')).getAllByRole('rowgroup')[1]!;
const names = () =>
  within(bodyRows())
    .getAllByRole('rowheader')
    .map((h) => h.querySelector('.results-name')?.textContent);
const cells = (name: string) => {
  const r = screen.getAllByRole('row').find((x) => x.querySelector('.results-name')?.textContent === name)!;
  return within(r)
    .getAllByRole('cell')
    .map((c) => c.textContent);
};

afterEach(() => {
  vi.useRealTimers();
  Object.defineProperty(document, 'visibilityState', { configurable: true, value: 'visible' });
});

describe('Results tab', () => {
  it('is there for supervisors and agents who supervise, in team mode only', async () => {
    supervisor();
    expect(screen.getByRole('tab', { name: 'Results' })).toBeTruthy();
    cleanup();
    resetStore();
    supervisor({ account: role('both') });
    expect(screen.getByRole('tab', { name: 'Results' })).toBeTruthy();
    cleanup();
    resetStore();
    supervisor({ account: role('agent') });
    expect(screen.queryByRole('tab', { name: 'Results' })).toBeNull();
    cleanup();
    resetStore();
    const fake = supervisor({ team: solo });
    expect(screen.getByRole('tab', { name: 'Live board' })).toBeTruthy();
    expect(screen.queryByRole('tab', { name: 'Results' })).toBeNull();
    await settle();
    expect(fake.api.team.results).not.toHaveBeenCalled();
  });

  it('leaves the tab for the live board when team mode ends', async () => {
    const fake = supervisor();
    await openResults();
    act(() => fake.emit('team:changed', solo));
    expect(screen.queryByRole('region', { name: 'Results' })).toBeNull();
    expect(screen.getByRole('tab', { name: 'Live board' })).toHaveProperty('ariaSelected', 'true');
  });

  it('asks for the local calendar’s [from, to) of each period', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    // Wednesday 2 Dec 2026, 14:20 on this machine's clock.
    const now = DateTime.local(2026, 12, 2, 14, 20);
    vi.setSystemTime(now.toJSDate());
    const fake = supervisor();
    await openResults();
    const day = now.startOf('day');
    const asked = () => fake.api.team.results.mock.calls.at(-1) as unknown as [number, number];
    expect(asked()).toEqual([day.toMillis(), day.plus({ days: 1 }).toMillis()]);
    const expected: Record<string, [DateTime, DateTime]> = {
      Yesterday: [DateTime.local(2026, 12, 1), DateTime.local(2026, 12, 2)],
      'This week': [DateTime.local(2026, 11, 30), DateTime.local(2026, 12, 7)],
      'Last 7 days': [DateTime.local(2026, 11, 26), DateTime.local(2026, 12, 3)],
      'This month': [DateTime.local(2026, 12, 1), DateTime.local(2027, 1, 1)],
      Today: [DateTime.local(2026, 12, 2), DateTime.local(2026, 12, 3)],
    };
    for (const [label, [from, to]] of Object.entries(expected)) {
      fireEvent.click(region().getByRole('button', { name: label }));
      await settle();
      expect(asked(), label).toEqual([from.toMillis(), to.toMillis()]);
      expect(region().getByRole('button', { name: label }).getAttribute('aria-pressed')).toBe('true');
    }
  });

  it('a period across a clock change is whole local days', () => {
    // Europe/Warsaw-style or US-style: whatever this zone does, the range starts and ends at local midnights.
    const now = DateTime.local(2026, 3, 29, 12).toMillis();
    const { from, to } = periodRange('last-7-days', now);
    expect(DateTime.fromMillis(from).toFormat('HH:mm')).toBe('00:00');
    expect(DateTime.fromMillis(to).toFormat('yyyy-MM-dd HH:mm')).toBe('2026-03-30 00:00');
    expect(DateTime.fromMillis(from).toFormat('yyyy-MM-dd')).toBe('2026-03-23');
  });

  it('sums each agent over campaigns, with rates, top codes, the team total, and the rows from before team mode', async () => {
    supervisor();
    await openResults();
    expect(names()).toEqual(['anna', 'Before team mode / solo', 'bob', EVIL]);
    // calls, connected, contact rate, talk time, dispositions, successes, conversion, top codes
    expect(cells('anna')).toEqual(['30', '10', '33.3%', '25 min', '30', '3', '30.0%', 'no-answer 20callback 6sale 3']);
    expect(cells('bob')).toEqual(['5', '4', '80.0%', '15 min', '5', '3', '75.0%', 'sale 3callback 1']);
    // Nothing connected: no conversion rate, not 0 %.
    expect(cells('Before team mode / solo')).toEqual(['8', '0', '0.0%', '0 s', '8', '0', '—', 'no-answer 8']);
    const foot = within(screen.getByRole('table')).getAllByRole('rowgroup')[2]!;
    expect(within(foot).getByRole('rowheader').textContent).toContain('Team total');
    expect(
      within(foot)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['44', '15', '34.1%', '40 min', '44', '6', '40.0%', 'no-answer 28callback 7sale 6']);
    expect(screen.getByText('2 campaigns')).toBeTruthy();
  });

  it('shows hostile agent names as text', async () => {
    supervisor();
    await openResults();
    expect(screen.getByText(EVIL)).toBeTruthy();
    expect(document.querySelector('.results img')).toBeNull();
  });

  it('groups by campaign instead', async () => {
    supervisor();
    await openResults();
    fireEvent.click(region().getByRole('button', { name: 'By campaign' }));
    expect(names()).toEqual(['Campaign 1', 'Campaign 2']);
    expect(cells('Campaign 1').slice(0, 3)).toEqual(['33', '12', '36.4%']);
    expect(screen.getByRole('columnheader', { name: /Campaign/ })).toBeTruthy();
  });

  it('sorts by a column header, both ways, and says so (aria-sort)', async () => {
    supervisor();
    await openResults();
    const header = (name: string) => screen.getAllByRole('columnheader').find((h) => h.textContent?.startsWith(name))!;
    expect(header('Calls').getAttribute('aria-sort')).toBe('descending');
    fireEvent.click(within(header('Conversion')).getByRole('button'));
    expect(header('Conversion').getAttribute('aria-sort')).toBe('descending');
    expect(header('Calls').getAttribute('aria-sort')).toBeNull();
    // bob 75 %, anna 30 %, the hostile one 0 %, then nothing connected.
    expect(names()).toEqual(['bob', 'anna', EVIL, 'Before team mode / solo']);
    fireEvent.click(within(header('Conversion')).getByRole('button'));
    expect(header('Conversion').getAttribute('aria-sort')).toBe('ascending');
    expect(names()).toEqual(['Before team mode / solo', EVIL, 'anna', 'bob']);
    fireEvent.click(within(header('Agent')).getByRole('button'));
    expect(header('Agent').getAttribute('aria-sort')).toBe('ascending');
    expect(names()).toEqual([EVIL, 'anna', 'Before team mode / solo', 'bob']);
  });

  it('says when the period has nothing yet', async () => {
    supervisor({}, []);
    await openResults();
    expect(screen.getByText('No results in this period yet.')).toBeTruthy();
  });

  it('Refresh asks again; a failed load says why and keeps the last table', async () => {
    const fake = supervisor();
    await openResults();
    expect(fake.api.team.results).toHaveBeenCalledTimes(1);
    fake.api.team.results.mockImplementationOnce(() =>
      Promise.resolve({ ok: false, code: 'internal', message: 'The team database did not answer <b>in time</b>' } as Result<TeamResults>),
    );
    fireEvent.click(region().getByRole('button', { name: 'Refresh' }));
    await settle();
    expect(fake.api.team.results).toHaveBeenCalledTimes(2);
    const alert = region().getByRole('alert');
    expect(alert.textContent).toContain('Could not load the results: The team database did not answer <b>in time</b>');
    expect(alert.textContent).toContain('the last one loaded');
    expect(names()).toContain('anna');
    fireEvent.click(region().getByRole('button', { name: 'Refresh' }));
    await settle();
    expect(region().queryByRole('alert')).toBeNull();
  });

  it('refreshes every 60 s while the window is visible, not while hidden; catches up when shown again', async () => {
    vi.useFakeTimers();
    const fake = supervisor();
    fireEvent.click(screen.getByRole('tab', { name: 'Results' }));
    await act(async () => {
      await vi.advanceTimersByTimeAsync(0);
    });
    expect(fake.api.team.results).toHaveBeenCalledTimes(1);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(59_000);
    });
    expect(fake.api.team.results).toHaveBeenCalledTimes(1);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1_000);
    });
    expect(fake.api.team.results).toHaveBeenCalledTimes(2);

    Object.defineProperty(document, 'visibilityState', { configurable: true, value: 'hidden' });
    act(() => void document.dispatchEvent(new Event('visibilitychange')));
    await act(async () => {
      await vi.advanceTimersByTimeAsync(180_000);
    });
    expect(fake.api.team.results).toHaveBeenCalledTimes(2);

    Object.defineProperty(document, 'visibilityState', { configurable: true, value: 'visible' });
    act(() => void document.dispatchEvent(new Event('visibilitychange')));
    await act(async () => {
      await vi.advanceTimersByTimeAsync(0);
    });
    expect(fake.api.team.results).toHaveBeenCalledTimes(3);

    // Off the tab, nothing is asked for.
    fireEvent.click(screen.getByRole('tab', { name: 'Live board' }));
    await act(async () => {
      await vi.advanceTimersByTimeAsync(120_000);
    });
    expect(fake.api.team.results).toHaveBeenCalledTimes(3);
  });
});

describe('results-format', () => {
  it('keeps an agent named like another line’s key apart, and sort ties go by name', () => {
    const lines = groupRows([row('none', 1), row(null, 1), row('a:x', 1), row('x', 1)], 'agent');
    expect(lines.map((l) => l.label)).toEqual(['none', 'Before team mode / solo', 'a:x', 'x']);
    expect(sortLines(lines, { key: 'calls', dir: 'desc' }).map((l) => l.label)).toEqual(['a:x', 'Before team mode / solo', 'none', 'x']);
    expect(totalLine([row('a', 1), row('b', 2)]).byCode).toEqual({ sale: 2, 'no-answer': 10 });
  });
});

// ---- the upload offer ----

const localData: LocalDataView = { campaigns: 3, openLeads: 1_480, finishedLeads: 312, dnc: 57 };
const report: UploadReport = { campaignsCreated: 0, campaignsJoined: 1, leadsImported: 3, leadsMerged: 2, leadsKeptHere: 4, dncAdded: 12 };

function openSettings(team: TeamStatusView, data: LocalDataView | null): Fake {
  const fake = mount(snapshotOf({ team }));
  fake.api.team.localData.mockImplementation(() => answer(data));
  fake.api.team.upload.mockImplementation(() => answer(report));
  fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
  return fake;
}

describe('Upload offer', () => {
  it('in team mode, says what this computer holds, confirms, uploads once and says what it did', async () => {
    const fake = openSettings(teamUp, localData);
    await settle();
    expect(fake.api.team.localData).toHaveBeenCalledTimes(1);
    const offer = within(screen.getByRole('group', { name: 'Data from before team mode' }));
    expect(
      offer.getByText(
        'This computer has 3 campaigns, 1,480 open leads and 57 numbers on its Do-Not-Call list from before team mode. Finished leads (312) stay on this computer.',
      ),
    ).toBeTruthy();
    expect(offer.getByText(/Uploading again is harmless/)).toBeTruthy();
    fireEvent.click(offer.getByRole('button', { name: 'Upload to the team database' }));
    expect(fake.api.team.upload).not.toHaveBeenCalled();
    fireEvent.click(offer.getByRole('button', { name: 'Cancel' }));
    fireEvent.click(offer.getByRole('button', { name: 'Upload to the team database' }));
    fireEvent.click(offer.getByRole('button', { name: 'Upload now' }));
    expect(offer.getByRole('button', { name: 'Uploading…' })).toHaveProperty('disabled', true);
    await settle();
    expect(fake.api.team.upload).toHaveBeenCalledTimes(1);
    expect(
      offer.getByText(
        'Uploaded: 3 leads added, 2 merged into leads the team had, 1 campaign joined, 12 numbers added to the Do-Not-Call list; 4 finished leads kept here.',
      ),
    ).toBeTruthy();
    expect(offer.getByRole('button', { name: 'Upload again' })).toHaveProperty('disabled', false);
  });

  it('a refused upload is said as text', async () => {
    const fake = openSettings(teamUp, localData);
    await settle();
    fake.api.team.upload.mockImplementationOnce(() =>
      Promise.resolve({ ok: false, code: 'internal', message: '<b>connection lost</b>' } as Result<UploadReport>),
    );
    const offer = within(screen.getByRole('group', { name: 'Data from before team mode' }));
    fireEvent.click(offer.getByRole('button', { name: 'Upload to the team database' }));
    fireEvent.click(offer.getByRole('button', { name: 'Upload now' }));
    await settle();
    expect(offer.getByRole('alert').textContent).toContain('The upload failed: <b>connection lost</b>');
  });

  it('is absent when there is nothing from before, and in solo mode', async () => {
    const fake = openSettings(teamUp, null);
    await settle();
    expect(fake.api.team.localData).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole('group', { name: 'Data from before team mode' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Upload to the team database' })).toBeNull();
    cleanup();
    resetStore();
    const soloFake = openSettings(solo, localData);
    await settle();
    expect(soloFake.api.team.localData).not.toHaveBeenCalled();
    expect(screen.queryByRole('button', { name: 'Upload to the team database' })).toBeNull();
  });
});

// ---- the callback's owner ----

describe('Callback owner', () => {
  async function pickCallback(team: TeamStatusView): Promise<Fake> {
    const fake = mount(snapshotOf({ team, workspace: { ...idleWorkspace, campaignId: 1, current: workspaceLead() } }));
    await settle();
    fireEvent.click(screen.getByRole('button', { name: /Callback/, pressed: undefined }));
    fireEvent.click(screen.getByRole('button', { name: 'Tomorrow 10:00' }));
    return fake;
  }
  const at = () => DateTime.now().setZone('America/Chicago').plus({ days: 1 }).toFormat('yyyy-MM-dd') + 'T10:00';

  it('in team mode, the callback is the agent’s own unless opened to the campaign', async () => {
    const fake = await pickCallback(teamUp);
    const box = screen.getByLabelText('Anyone on the campaign may call back') as HTMLInputElement;
    expect(box.checked).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Save callback' }));
    await settle();
    expect(fake.api.workspace.dispose).toHaveBeenLastCalledWith({ code: 'callback', note: '', callback: { at: at(), timeZone: 'America/Chicago' } });

    fireEvent.click(screen.getByRole('button', { name: /Callback/, pressed: undefined }));
    fireEvent.click(screen.getByRole('button', { name: 'Tomorrow 10:00' }));
    fireEvent.click(screen.getByLabelText('Anyone on the campaign may call back'));
    fireEvent.click(screen.getByRole('button', { name: 'Save callback' }));
    await settle();
    expect(fake.api.workspace.dispose).toHaveBeenLastCalledWith({
      code: 'callback',
      note: '',
      callback: { at: at(), timeZone: 'America/Chicago', forAnyone: true },
    });
    expect(screen.getByText(/anyone on the campaign may make it/)).toBeTruthy();
  });

  it('solo, there is no such choice and nothing extra is sent', async () => {
    const fake = await pickCallback(solo);
    expect(screen.queryByLabelText('Anyone on the campaign may call back')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Save callback' }));
    await settle();
    expect(fake.api.workspace.dispose).toHaveBeenLastCalledWith({ code: 'callback', note: '', callback: { at: at(), timeZone: 'America/Chicago' } });
  });
});
