// @vitest-environment jsdom
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../shared/contract';
import { App } from '../../../renderer/src/app/App';
import { store } from '../../../renderer/src/store/store';
import { campaign, fakeMedia, fakeRingside, idleWorkspace, lead, snapshotOf, workspaceLead } from './fake-ringside';
import { appHarness } from './app-harness';

const { bind, mount, settle } = appHarness({
  // jsdom lays nothing out: give the lead list's scroller a viewport.
  beforeAll: () => {
    Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 600 });
    Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 900 });
  },
});

function setup(overrides: Partial<Snapshot> = {}, options: { leadTotal?: number } = {}) {
  const snapshot = snapshotOf({ workspace: { ...idleWorkspace, campaignId: 1, current: workspaceLead() }, ...overrides });
  return mount(snapshot, options);
}

describe('workspace', () => {
  it('shows the lead, the warm chip with its reason on focus, and the history', async () => {
    setup();
    await settle();
    expect(screen.getByRole('heading', { name: 'Maria Kowalska' })).toBeTruthy();
    const chip = screen.getByText('Warm', { selector: '.lead-title .temp-chip' });
    const tip = document.getElementById(chip.getAttribute('aria-describedby')!)!;
    expect(tip.textContent).toBe('inquiry 2026-11-20');
    act(() => chip.focus());
    expect(tip.classList.contains('is-open')).toBe(true);
    expect(screen.getByText('Bad number')).toBeTruthy();
    expect(screen.getByText('try mornings')).toBeTruthy();
    expect(screen.getByText(/America\/Chicago/, { selector: '.lead-clock' })).toBeTruthy();
  });

  it('runs the script: merge fields, answer → next step, capture, Back and breadcrumb', async () => {
    const { api } = setup();
    await settle();
    const script = screen.getByRole('complementary', { name: 'Script' });
    expect(
      within(script).getByText((_, el) => el?.className === 'script-text' && el.textContent === 'Hello Maria, this is Agent One from Solar leads Q4.'),
    ).toBeTruthy();
    fireEvent.click(within(script).getByRole('button', { name: 'Interested' }));
    await settle();
    expect(api.workspace.capture).toHaveBeenCalledWith(7, 'custom.interest', 'yes');
    expect(within(script).getByRole('heading', { name: 'Roof' })).toBeTruthy();
    expect(within(script).getByRole('navigation', { name: 'Steps taken' }).textContent).toContain('Introduction');
    // Free-text capture on a step without answers.
    fireEvent.change(within(script).getByLabelText(/Answer \(saved to roofType\)/), { target: { value: 'metal' } });
    fireEvent.click(within(script).getByRole('button', { name: 'Save & next' }));
    await settle();
    expect(api.workspace.capture).toHaveBeenCalledWith(7, 'custom.roofType', 'metal');
    expect(within(script).getByRole('heading', { name: 'Close' })).toBeTruthy();
    fireEvent.click(within(script).getByRole('button', { name: 'Back' }));
    expect(within(script).getByRole('heading', { name: 'Roof' })).toBeTruthy();
  });

  it('hotkey "2" disposes with the right code, but not while typing in an input', async () => {
    const { api } = setup({
      workspace: {
        ...idleWorkspace,
        campaignId: 1,
        current: workspaceLead({ stage: 'wrap-up', wrapUpStartedAt: Date.now() - 5000 }),
        dispositionRequired: true,
      },
    });
    await settle();
    const note = screen.getByLabelText('Note');
    fireEvent.keyDown(note, { key: '2' });
    await settle();
    expect(api.workspace.dispose).not.toHaveBeenCalled();
    const button = screen.getByRole('button', { name: /Appointment set/ });
    expect(button.getAttribute('aria-keyshortcuts')).toBe('2');
    fireEvent.keyDown(document.body, { key: '2' });
    await settle();
    expect(api.workspace.dispose).toHaveBeenCalledWith({ code: 'appointment', note: '' });
    expect(screen.getByText('Saved: Appointment set')).toBeTruthy();
  });

  it('says a disposition is required and shows the wrap-up timer over the limit', async () => {
    setup({
      workspace: {
        ...idleWorkspace,
        campaignId: 1,
        current: workspaceLead({ stage: 'wrap-up', wrapUpStartedAt: Date.now() - 90_000 }),
        dispositionRequired: true,
      },
    });
    await settle();
    expect(screen.getByText('Choose a disposition before the next call')).toBeTruthy();
    expect(screen.getByRole('timer').className).toContain('is-over');
  });

  it('DNC is instant and says what happened once saved', async () => {
    const { api } = setup();
    await settle();
    fireEvent.click(screen.getByRole('button', { name: 'Do not call' }));
    await settle();
    expect(api.workspace.dispose).toHaveBeenCalledWith({ code: 'do-not-call', note: '' });
    expect(screen.getByText(/Number added to the Do-Not-Call list/)).toBeTruthy();
  });

  it('the callback picker sends the lead-local time and zone', async () => {
    const { api } = setup();
    await settle();
    fireEvent.click(screen.getByRole('button', { name: /Callback/, pressed: undefined }));
    expect(screen.getByText('America/Chicago', { selector: '.callback-zone strong' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Tomorrow 10:00' }));
    fireEvent.change(screen.getByLabelText('Callback note'), { target: { value: 'after school run' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save callback' }));
    await settle();
    const at = DateTime.now().setZone('America/Chicago').plus({ days: 1 }).toFormat('yyyy-MM-dd') + 'T10:00';
    expect(api.workspace.dispose).toHaveBeenCalledWith({ code: 'callback', note: 'after school run', callback: { at, timeZone: 'America/Chicago' } });
  });

  it('renders hostile lead and script text as text', async () => {
    const evil = '<img src=x onerror=alert(1)>';
    const fake = fakeRingside(snapshotOf({ workspace: { ...idleWorkspace, campaignId: 1, current: workspaceLead() } }));
    fake.api.lead.get.mockImplementation((id: number) =>
      Promise.resolve({ ok: true as const, value: { lead: lead({ id, firstName: evil, lastName: '' }), history: [], callbacks: [] } }),
    );
    const c = campaign();
    c.script.steps[0].text = `Say ${evil} to {{lead.firstName}}`;
    fake.api.campaign.get.mockImplementation(() => Promise.resolve({ ok: true as const, value: c }));
    bind(fake.api);
    store.getState().loadSnapshot(await fake.api.app.ready().then((r) => (r.ok ? r.value : snapshotOf())));
    render(<App api={fake.api} media={fakeMedia()} />);
    await settle();
    expect(document.querySelector('img')).toBeNull();
    expect(screen.getByRole('heading', { name: evil })).toBeTruthy();
    expect(screen.getByText((_, el) => el?.className === 'script-text' && el.textContent === `Say ${evil} to ${evil}`)).toBeTruthy();
  });

  it('the lead list renders only a window of rows for 100 000 leads and opens a lead', async () => {
    const { api } = setup({}, { leadTotal: 100_000 });
    fireEvent.click(screen.getByRole('tab', { name: 'Lead list' }));
    await settle();
    await settle();
    expect(api.lead.list).toHaveBeenCalledWith({ campaignId: 1, offset: 0, limit: 200 });
    const table = screen.getByRole('table', { name: 'Leads' });
    const rows = within(table).getAllByRole('row');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(80);
    expect(screen.getByText('100000')).toBeTruthy();
    fireEvent.click(within(table).getByText('Lead 3'));
    await settle();
    expect(api.workspace.openLead).toHaveBeenCalledWith(3);
  });

  it('the import wizard uploads, maps, runs and shows the error table', async () => {
    const { api, emit } = setup();
    fireEvent.click(screen.getByRole('button', { name: 'Import CSV' }));
    const dialog = screen.getByRole('dialog', { name: 'Import leads from CSV' });
    const file = new File(['Name;Phone;Roof\nMaria;512 555 0101;tile\n'], 'leads.csv', { type: 'text/csv' });
    fireEvent.change(within(dialog).getByLabelText('CSV file'), { target: { files: [file] } });
    await settle();
    await settle();
    expect(api.importer.begin).toHaveBeenCalledWith('leads.csv', file.size);
    expect(api.importer.chunk).toHaveBeenCalledWith('imp1', 0, btoa('Name;Phone;Roof\nMaria;512 555 0101;tile\n'));
    expect(within(dialog).getByText('semicolon')).toBeTruthy();
    expect(within(dialog).getByText('<b>Bob</b>')).toBeTruthy();
    fireEvent.change(within(dialog).getByLabelText('Map column Roof'), { target: { value: 'custom:Roof' } });
    fireEvent.click(within(dialog).getByLabelText('Skip'));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Import' }));
    await settle();
    expect(api.importer.run).toHaveBeenCalledWith({ importId: 'imp1', campaignId: 1, mapping: ['fullName', 'phone', 'custom:Roof'], duplicates: 'skip' });
    act(() => emit('import:progress', { importId: 'imp1', rowsDone: 1, bytesDone: 60, bytesTotal: 120, imported: 1, merged: 0, skipped: 0, failed: 0 }));
    expect((within(dialog).getByLabelText('Import progress') as HTMLProgressElement).value).toBe(60);
    act(() =>
      emit('import:finished', {
        importId: 'imp1',
        rowsDone: 2,
        bytesDone: 120,
        bytesTotal: 120,
        imported: 1,
        merged: 0,
        skipped: 0,
        failed: 1,
        done: true,
        cancelled: false,
        errors: [{ row: 2, reason: 'no valid phone number' }],
        ms: 40,
      }),
    );
    const errors = within(dialog).getByRole('table', { name: 'Rows not imported' });
    expect(within(errors).getByText('no valid phone number')).toBeTruthy();
    expect(within(errors).getByText('2')).toBeTruthy();
  });

  it('the incoming banner names the lead before answering', async () => {
    setup({ calls: [], workspace: { ...idleWorkspace, campaignId: 1 } });
    await settle();
    const { call } = await import('./fake-ringside');
    act(() => store.getState().upsertCall(call({ id: 'in1', state: 'incoming', answeredAt: null, leadId: 7, remoteName: '+15125550101' })));
    await settle();
    const banner = screen.getByRole('region', { name: 'Incoming calls' });
    expect(within(banner).getByText('Maria Kowalska')).toBeTruthy();
    expect(within(banner).getByText('Sunny Roofs')).toBeTruthy();
  });

  it('the campaign editor validates with the shared schema before saving', async () => {
    const { api } = setup();
    fireEvent.click(screen.getByRole('button', { name: 'New campaign' }));
    const dialog = screen.getByRole('dialog', { name: 'New campaign' });
    fireEvent.change(within(dialog).getByLabelText('Name'), { target: { value: '' } });
    fireEvent.change(within(dialog).getByLabelText('Disposition 2 hotkey'), { target: { value: '1' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save campaign' }));
    expect(api.campaign.save).not.toHaveBeenCalled();
    expect(within(dialog).getAllByText(/hotkey 1 used twice/).length).toBeGreaterThan(0);
    fireEvent.change(within(dialog).getByLabelText('Name'), { target: { value: 'Windows Q1' } });
    fireEvent.change(within(dialog).getByLabelText('Disposition 2 hotkey'), { target: { value: '2' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save campaign' }));
    await settle();
    expect(api.campaign.save).toHaveBeenCalledWith(expect.objectContaining({ name: 'Windows Q1', kind: 'outbound' }));
  });
});
