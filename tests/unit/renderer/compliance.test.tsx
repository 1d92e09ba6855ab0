// @vitest-environment jsdom
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { ComplianceDecision, ComplianceStatus } from '../../../shared/compliance';
import type { Snapshot } from '../../../shared/contract';
import type { Result } from '../../../shared/result';
import { ApiContext } from '../../../renderer/src/ui/api-context';
import { ComplianceCard } from '../../../renderer/src/features/compliance/ComplianceCard';
import { safeFileName } from '../../../renderer/src/features/compliance/download-file';
import { store } from '../../../renderer/src/store/store';
import { appHarness } from './app-harness';
import {
  allowedDecision,
  call,
  complianceStatus,
  exemptDecision,
  fakeRingside,
  idleWorkspace,
  registryBlocked,
  snapshotOf,
  workspaceLead,
} from './fake-ringside';

const EVIL = '<img src=x onerror=alert(1)>';
const { bind, mount, settle } = appHarness({ restoreMocksAfterEach: true });

const wait = (ms: number) => act(() => new Promise<void>((r) => setTimeout(r, ms)));

function setup(overrides: Partial<Snapshot> = {}, options: { auditTotal?: number } = {}) {
  const snapshot = snapshotOf({ workspace: { ...idleWorkspace, campaignId: 1 }, ...overrides });
  return mount(snapshot, options);
}

function previewing(decision: ComplianceDecision | null): Partial<Snapshot> {
  return { workspace: { ...idleWorkspace, campaignId: 1, current: workspaceLead({ compliance: decision }) } };
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const inbox: ComplianceStatus['inboxFiles'] = [
  { name: 'us-dnc-full-2026-11-26.txt', size: 3_400_000_000, modifiedAt: Date.UTC(2026, 10, 26, 8, 0) },
  { name: 'us-dnc-deletions-2026-11-26.txt', size: 120_000, modifiedAt: Date.UTC(2026, 10, 26, 8, 5) },
  { name: 'ca-dncl.csv', size: 900_000, modifiedAt: Date.UTC(2026, 10, 20, 9, 0) },
];

describe('compliance: the "why" card', () => {
  it('shows why the lead on screen is blocked, check by check', async () => {
    setup(previewing(registryBlocked()));
    await settle();
    const card = screen.getByRole('region', { name: 'Before the call: why this call is blocked' });
    expect(within(card).getByRole('heading', { name: 'Blocked' })).toBeTruthy();
    expect(
      within(card).getByText(/is on the US National DNC Registry \(snapshot 2026-11-24\) and no exemption applies/, { selector: '.cc-summary' }),
    ).toBeTruthy();
    // Compact: one chip per check, outcome in words for assistive tech.
    const chips = within(card).getByRole('list', { name: 'Checks' });
    expect(chips.textContent).toContain('Registry US: Blocks the call');
    expect(chips.textContent).toContain('Internal DNC: Pass');
    // Expanded: every check's detail and the local time.
    fireEvent.click(within(card).getByRole('button', { name: 'Why?' }));
    expect(within(card).getByRole('button', { name: 'Hide details' }).getAttribute('aria-expanded')).toBe('true');
    const checks = within(card).getByRole('heading', { name: 'Checks' }).nextElementSibling as HTMLElement;
    const rows = within(checks).getAllByRole('listitem');
    expect(rows.map((r) => r.querySelector('.cc-rule')?.textContent)).toEqual(['Internal Do-Not-Call list', 'US National DNC Registry', 'Calling hours']);
    expect(rows[1].textContent).toContain('Blocks the call');
    expect(rows[2].textContent).toContain('Pass');
    expect(within(card).getByText('America/Chicago')).toBeTruthy();
    expect(within(card).getByText('window 08:00–21:00')).toBeTruthy();
  });

  it('shows an exemption with its basis, evidence and end date', () => {
    const fake = fakeRingside();
    render(
      <ApiContext.Provider value={fake.api}>
        <ComplianceCard decision={exemptDecision()} context="This call" defaultExpanded />
      </ApiContext.Provider>,
    );
    const card = screen.getByRole('region', { name: 'This call: why this call is allowed' });
    expect(within(card).getByRole('heading', { name: 'Allowed — exempt' })).toBeTruthy();
    expect(within(card).getByText('Existing business relationship (inquiry)')).toBeTruthy();
    expect(within(card).getByText('inquiry on 2026-11-20 (existing business relationship, 3 months)')).toBeTruthy();
    expect(within(card).getByText('2027-02-19')).toBeTruthy();
    expect(within(card).getByText(/Exempt from the US National DNC Registry/)).toBeTruthy();
  });

  it("shows a manual call's decision in the call panel", async () => {
    const { emit } = setup();
    act(() => emit('call:state-changed', call({ id: 'o1', direction: 'outbound', state: 'active', compliance: exemptDecision() })));
    const card = screen.getByRole('region', { name: 'This call: why this call is allowed' });
    expect(within(card).getByRole('heading', { name: 'Allowed — exempt' })).toBeTruthy();
    expect(card.closest('.call-panel')).toBeTruthy();
  });

  it("shows the lead's call decision once, on the lead card", async () => {
    const live = call({ id: 'o1', direction: 'outbound', state: 'active', leadId: 7, compliance: exemptDecision() });
    setup({
      calls: [live],
      workspace: { ...idleWorkspace, campaignId: 1, current: workspaceLead({ stage: 'call', callId: 'o1', compliance: allowedDecision() }) },
    });
    await settle();
    const cards = screen.getAllByRole('region', { name: /why this call is/ });
    expect(cards).toHaveLength(1);
    expect(cards[0].getAttribute('aria-label')).toBe('This call: why this call is allowed');
    expect(cards[0].closest('.lead-card')).toBeTruthy();
    expect(within(cards[0]).getByRole('heading', { name: 'Allowed — exempt' })).toBeTruthy();
  });
});

describe('compliance: dial buttons', () => {
  it("disables Call now and the phone's Call button, with the reason visible", async () => {
    const { api } = setup(previewing(registryBlocked()));
    await settle();
    const callNow = screen.getByRole('button', { name: 'Call now' }) as HTMLButtonElement;
    expect(callNow.disabled).toBe(true);
    const reason = document.getElementById(callNow.getAttribute('aria-describedby')!)!;
    expect(reason.textContent).toBe(registryBlocked().summary);
    // The reason is on screen, not only in the accessibility tree.
    expect(reason.closest('[hidden]')).toBeNull();
    const phoneCall = screen.getByRole('button', { name: 'Call 512 555 0101 (blocked)' }) as HTMLButtonElement;
    expect(phoneCall.disabled).toBe(true);
    expect(phoneCall.getAttribute('aria-describedby')).toBe(callNow.getAttribute('aria-describedby'));
    expect(screen.getByText('Blocked', { selector: '.phone-blocked' })).toBeTruthy();
    fireEvent.click(callNow);
    expect(api.workspace.dial).not.toHaveBeenCalled();
  });

  it("shows the gate's refusal when main blocks a dial the card allowed", async () => {
    const { api } = setup(previewing(allowedDecision()));
    const refusal = 'Blocked: outside calling hours: 21:02 in America/Chicago (window 08:00–21:00).';
    api.workspace.dial.mockImplementation(() => Promise.resolve<Result<never>>({ ok: false, code: 'blocked', message: refusal }));
    await settle();
    const callNow = screen.getByRole('button', { name: 'Call now' }) as HTMLButtonElement;
    expect(callNow.disabled).toBe(false);
    fireEvent.click(callNow);
    await settle();
    expect(api.workspace.dial).toHaveBeenCalledWith(0);
    expect(screen.getByText(`Call refused: ${refusal}`).getAttribute('role')).toBe('alert');
    // Not also in the app's error list.
    expect(store.getState().notices).toEqual([]);
  });

  it('checks a typed number (debounced) and disables Call when the gate would block it', async () => {
    const { api } = setup();
    api.compliance.check.mockImplementation(() => Promise.resolve({ ok: true as const, value: registryBlocked() }));
    const input = screen.getByLabelText('Number or SIP address');
    fireEvent.change(input, { target: { value: '5' } });
    fireEvent.change(input, { target: { value: '51' } });
    fireEvent.change(input, { target: { value: '+1 512 555 0101' } });
    await wait(100);
    expect(api.compliance.check).not.toHaveBeenCalled();
    await wait(250);
    expect(api.compliance.check).toHaveBeenCalledTimes(1);
    expect(api.compliance.check).toHaveBeenCalledWith({ target: '+1 512 555 0101' });
    const card = screen.getByRole('region', { name: 'Number typed: why this call is blocked' });
    const dial = screen.getByRole('button', { name: 'Call' }) as HTMLButtonElement;
    expect(dial.disabled).toBe(true);
    expect(card.contains(document.getElementById(dial.getAttribute('aria-describedby')!))).toBe(true);
    // Typing something else: the old answer no longer applies.
    fireEvent.change(input, { target: { value: '+1 512 555 0199' } });
    expect(dial.disabled).toBe(false);
    expect(screen.queryByRole('region', { name: /Number typed/ })).toBeNull();
  });

  it('ignores a slow answer for a number the agent has already changed', async () => {
    const { api } = setup();
    const slow = deferred<Result<ComplianceDecision>>();
    api.compliance.check
      .mockImplementationOnce(() => slow.promise)
      .mockImplementationOnce(() => Promise.resolve({ ok: true as const, value: allowedDecision() }));
    const input = screen.getByLabelText('Number or SIP address');
    fireEvent.change(input, { target: { value: '+15125550101' } });
    await wait(300);
    fireEvent.change(input, { target: { value: '+15125550102' } });
    await wait(300);
    expect(api.compliance.check).toHaveBeenLastCalledWith({ target: '+15125550102' });
    expect(screen.getByRole('region', { name: 'Number typed: why this call is allowed' })).toBeTruthy();
    await act(async () => slow.resolve({ ok: true, value: registryBlocked() }));
    expect(screen.getByRole('region', { name: 'Number typed: why this call is allowed' })).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Call' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('a link from another app opens in the dial box with its card, and only Call dials it (as the link)', async () => {
    const { api, emit } = setup();
    api.compliance.check.mockImplementation(() => Promise.resolve({ ok: true as const, value: allowedDecision() }));
    await act(async () => emit('call:link-offered', { url: 'tel:+15125550101;ext=1', target: '+15125550101' }));
    const input = screen.getByLabelText('Number or SIP address') as HTMLInputElement;
    expect(input.value).toBe('+15125550101');
    expect(screen.getByText(/From a link in another app: check the card, then press Call/)).toBeTruthy();
    await wait(300);
    expect(screen.getByRole('region', { name: 'Number from a link: why this call is allowed' })).toBeTruthy();
    expect(api.call.dialLink).not.toHaveBeenCalled();
    expect(api.call.dial).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Call' }));
    await settle();
    expect(api.call.dialLink).toHaveBeenCalledWith('tel:+15125550101;ext=1');
    expect(api.call.dial).not.toHaveBeenCalled();
  });

  it('an offered link the agent edits or dismisses is no longer the link', async () => {
    const { api, emit } = setup();
    await act(async () => emit('call:link-offered', { url: 'tel:+15125550101', target: '+15125550101' }));
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    const input = screen.getByLabelText('Number or SIP address') as HTMLInputElement;
    expect(input.value).toBe('');
    await act(async () => emit('call:link-offered', { url: 'tel:+15125550101', target: '+15125550101' }));
    fireEvent.change(input, { target: { value: '+15125550102' } });
    expect(screen.queryByText(/From a link in another app/)).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Call' }));
    await settle();
    expect(api.call.dial).toHaveBeenCalledWith('+15125550102');
    expect(api.call.dialLink).not.toHaveBeenCalled();
  });

  it('shows a blocked manual dial under the dial box', async () => {
    const { api } = setup();
    api.call.dial.mockImplementation(() =>
      Promise.resolve<Result<never>>({ ok: false, code: 'blocked', message: "Blocked: +15125550101 is on the company's internal Do-Not-Call list." }),
    );
    const input = screen.getByLabelText('Number or SIP address');
    fireEvent.change(input, { target: { value: '+15125550101' } });
    fireEvent.submit(input.closest('form')!);
    await settle();
    expect(api.call.dial).toHaveBeenCalledWith('+15125550101');
    expect(screen.getByText(/internal Do-Not-Call list/, { selector: '.field-error' })).toBeTruthy();
    expect(input.getAttribute('aria-invalid')).toBe('true');
  });

  it('shows a blocked transfer under the transfer box', async () => {
    const { api, emit } = setup();
    api.call.transfer.mockImplementation(() => Promise.resolve<Result<never>>({ ok: false, code: 'blocked', message: 'Blocked: outside calling hours.' }));
    act(() => emit('call:state-changed', call({ id: 'c1' })));
    fireEvent.click(screen.getByRole('button', { name: 'Transfer…' }));
    fireEvent.change(screen.getByLabelText('Transfer to (number or SIP address)'), { target: { value: '+15125550101' } });
    fireEvent.click(screen.getByRole('button', { name: 'Transfer' }));
    await settle();
    expect(screen.getByText('Transfer refused: Blocked: outside calling hours.')).toBeTruthy();
  });
});

describe('compliance: banner and status', () => {
  it('the store follows the snapshot and compliance:changed', () => {
    const { api, emit } = fakeRingside();
    bind(api);
    store.getState().loadSnapshot(snapshotOf({ compliance: complianceStatus({ auditEntries: 5 }) }));
    expect(store.getState().compliance.auditEntries).toBe(5);
    emit('compliance:changed', complianceStatus({ auditEntries: 6 }));
    expect(store.getState().compliance.auditEntries).toBe(6);
  });

  it('shows the banner while main reports one, and it opens the panel', async () => {
    const { emit } = setup();
    expect(document.querySelector('.compliance-banner')).toBeNull();
    const text = 'US National DNC Registry snapshot is 40 days old (limit 31): outbound telemarketing calls to US numbers are blocked until it is refreshed';
    act(() => emit('compliance:changed', complianceStatus({ banner: text })));
    const banner = screen.getByText(text).closest('[role="alert"]') as HTMLElement;
    expect(banner).toBeTruthy();
    fireEvent.click(within(banner).getByRole('button', { name: 'Open compliance' }));
    const dialog = screen.getByRole('dialog', { name: 'Compliance' });
    expect(within(dialog).getByRole('tab', { name: 'Registries', selected: true })).toBeTruthy();
    act(() => emit('compliance:changed', complianceStatus({ banner: null })));
    expect(screen.queryByText(text)).toBeNull();
  });
});

describe('compliance: panel', () => {
  function openPanel() {
    fireEvent.click(screen.getByRole('button', { name: 'Compliance' }));
    return screen.getByRole('dialog', { name: 'Compliance' });
  }

  it('lists the registries with their age and staleness (fetched again on open)', async () => {
    const { api } = setup({
      compliance: complianceStatus({
        registries: [
          { name: 'US', loaded: true, snapshotAt: Date.UTC(2026, 9, 17), count: 245_123_456, ageDays: 40, stale: true },
          { name: 'CA', loaded: false, snapshotAt: null, count: 0, ageDays: null, stale: true },
        ],
      }),
    });
    const dialog = openPanel();
    await settle();
    expect(api.compliance.status).toHaveBeenCalled();
    const table = within(dialog).getByRole('table', { name: 'National registries' });
    const us = within(table).getByRole('row', { name: /US National DNC Registry/ });
    expect(us.textContent).toContain('245,123,456');
    expect(us.textContent).toContain('2026-10-17');
    expect(us.textContent).toContain('40 d');
    expect(us.textContent).toContain('Older than 31 days: calls blocked');
    const ca = within(table).getByRole('row', { name: /Canada/ });
    expect(ca.textContent).toContain('Not imported: calls blocked');
  });

  it('imports registry files: sends the picked files and kinds, shows progress and bad lines, cancels', async () => {
    const { api, emit } = setup({ compliance: complianceStatus({ inboxFiles: inbox }) });
    const dialog = openPanel();
    expect(within(dialog).getByText('/home/agent/.config/Ringside/registry-inbox')).toBeTruthy();
    const files = within(dialog).getByRole('table', { name: 'Files in the inbox' });
    expect(within(files).getByText('3.2 GB')).toBeTruthy();
    const start = within(dialog).getByRole('button', { name: /Start import/ }) as HTMLButtonElement;
    expect(start.disabled).toBe(true);
    fireEvent.click(within(files).getByLabelText('Import us-dnc-full-2026-11-26.txt'));
    fireEvent.click(within(files).getByLabelText('Import us-dnc-deletions-2026-11-26.txt'));
    expect((within(files).getByLabelText('Kind of us-dnc-deletions-2026-11-26.txt') as HTMLSelectElement).value).toBe('deletions');
    fireEvent.change(within(files).getByLabelText('Kind of us-dnc-full-2026-11-26.txt'), { target: { value: 'full' } });
    fireEvent.change(within(dialog).getByLabelText('Registry'), { target: { value: 'US' } });
    fireEvent.click(within(dialog).getByLabelText(/Changes \(applied/));
    fireEvent.change(within(dialog).getByLabelText('Snapshot date (day downloaded)'), { target: { value: '2026-11-26' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Start import (2 files)' }));
    await settle();
    expect(api.compliance.importRegistry).toHaveBeenCalledWith({
      registry: 'US',
      mode: 'changes',
      files: [
        { name: 'us-dnc-full-2026-11-26.txt', kind: 'full' },
        { name: 'us-dnc-deletions-2026-11-26.txt', kind: 'deletions' },
      ],
      snapshotDate: '2026-11-26',
    });
    // The answer's status is in the store at once.
    expect(within(dialog).getByText(/Reading the files/)).toBeTruthy();

    const running: ComplianceStatus['import'] = {
      registry: 'US',
      mode: 'changes',
      phase: 'reading',
      bytesDone: 1_700_000_000,
      bytesTotal: 3_400_120_000,
      numbers: 120_000_000,
      badLines: 31,
      badExamples: [
        { file: 'us-dnc-full-2026-11-26.txt', line: 1042, text: '512-555-01O1' },
        { file: 'us-dnc-full-2026-11-26.txt', line: 2001, text: EVIL },
      ],
      message: null,
      resumed: false,
    };
    act(() => emit('compliance:changed', complianceStatus({ inboxFiles: inbox, import: running })));
    expect((within(dialog).getByLabelText('Registry import progress') as HTMLProgressElement).value).toBe(1_700_000_000);
    expect(within(dialog).getByText(/— 50%/)).toBeTruthy();
    expect(within(dialog).getByText('120,000,000')).toBeTruthy();
    const bad = within(dialog).getByRole('table', { name: 'Bad lines' });
    expect(within(bad).getByText('1,042')).toBeTruthy();
    expect(within(bad).getByText(EVIL)).toBeTruthy();
    expect(within(dialog).getByText('Showing the first 2 of 31 bad lines.')).toBeTruthy();
    expect((within(dialog).getByRole('button', { name: /Start import/ }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel import' }));
    await settle();
    expect(api.compliance.cancelImport).toHaveBeenCalled();

    act(() =>
      emit(
        'compliance:changed',
        complianceStatus({
          inboxFiles: inbox,
          import: { ...running, phase: 'done', bytesDone: running.bytesTotal, message: 'Imported 245,000,000 numbers (31 bad lines skipped).' },
        }),
      ),
    );
    expect(within(dialog).getByText('Imported 245,000,000 numbers (31 bad lines skipped).')).toBeTruthy();
    expect(within(dialog).queryByRole('button', { name: 'Cancel import' })).toBeNull();
  });

  it('shows an import request that fails inside the dialog', async () => {
    const { api } = setup({ compliance: complianceStatus({ inboxFiles: inbox }) });
    api.compliance.importRegistry.mockImplementation(() =>
      Promise.resolve<Result<never>>({ ok: false, code: 'invalid-data', message: 'ca-dncl.csv is not in the inbox any more' }),
    );
    const dialog = openPanel();
    fireEvent.click(within(dialog).getByLabelText('Import ca-dncl.csv'));
    fireEvent.click(within(dialog).getByRole('button', { name: /Start import/ }));
    await settle();
    expect(within(dialog).getByRole('alert').textContent).toBe('ca-dncl.csv is not in the inbox any more');
  });

  it('scrubs the selected campaign and shows the report', async () => {
    const { api } = setup();
    await settle();
    const dialog = openPanel();
    fireEvent.click(within(dialog).getByRole('tab', { name: 'List scrub' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Scrub list' }));
    await settle();
    expect(api.compliance.scrub).toHaveBeenCalledWith(1);
    const report = within(dialog).getByRole('status');
    expect(report.textContent).toContain('Scrubbed Solar leads Q4');
    const figure = (label: string) => within(report).getByText(label).nextElementSibling?.textContent;
    expect(figure('Leads')).toBe('1,200');
    expect(figure('Exempt')).toBe('250');
    expect(figure('Blocked: internal DNC')).toBe('12');
    expect(figure('Blocked: on a registry')).toBe('130');
    expect(figure('Blocked: registry missing or stale')).toBe('8');
    expect(figure('Blocked in total')).toBe('150');
  });

  it('adds pasted numbers to the internal DNC list and leaves the invalid ones in the box', async () => {
    const { api } = setup();
    api.compliance.addToDnc.mockImplementationOnce(() =>
      Promise.resolve({ ok: true as const, value: { added: 2, already: 0, invalid: ['12ab: not a phone number'] } }),
    );
    await settle();
    const dialog = openPanel();
    fireEvent.click(within(dialog).getByRole('tab', { name: 'Internal DNC' }));
    fireEvent.change(within(dialog).getByLabelText(/Numbers/), { target: { value: '+1 212 555 0100\n(416) 555-0199; 12ab' } });
    fireEvent.click(within(dialog).getByRole('button', { name: /Add 3 to the list/ }));
    await settle();
    expect(api.compliance.addToDnc).toHaveBeenCalledWith(['+1 212 555 0100', '(416) 555-0199', '12ab'], 'import');
    expect(within(dialog).getByRole('status').textContent).toContain('2 added, 0 already on the list; 1 not a valid number');
    expect((within(dialog).getByLabelText(/Numbers/) as HTMLTextAreaElement).value).toBe('12ab');
  });

  it('redials an ended call through main (the gate decides)', async () => {
    const { api, emit } = setup();
    await settle();
    act(() => emit('call:state-changed', call({ id: 'e1', direction: 'outbound', state: 'ended', endedAt: Date.now() })));
    fireEvent.click(screen.getByRole('button', { name: 'Redial' }));
    await settle();
    expect(api.call.redial).toHaveBeenCalledWith('e1');
  });

  it('pages the audit log, newest first, 50 a page', async () => {
    const { api, emit } = setup({}, { auditTotal: 120 });
    const dialog = openPanel();
    fireEvent.click(within(dialog).getByRole('tab', { name: 'Audit log' }));
    await settle();
    expect(api.compliance.audit).toHaveBeenLastCalledWith(0, 50);
    const table = within(dialog).getByRole('table', { name: 'Audit log' });
    expect(within(table).getAllByRole('row')).toHaveLength(51);
    expect(within(dialog).getByText('1–50 of 120')).toBeTruthy();
    expect(within(table).getAllByText('Blocked').length).toBeGreaterThan(0);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Older' }));
    await settle();
    expect(api.compliance.audit).toHaveBeenLastCalledWith(50, 50);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Older' }));
    await settle();
    expect(within(dialog).getByText('101–120 of 120')).toBeTruthy();
    expect((within(dialog).getByRole('button', { name: 'Older' }) as HTMLButtonElement).disabled).toBe(true);
    // A new decision logged: the page is fetched again.
    const calls = api.compliance.audit.mock.calls.length;
    act(() => emit('compliance:changed', complianceStatus({ auditEntries: 121 })));
    await settle();
    expect(api.compliance.audit.mock.calls.length).toBe(calls + 1);
  });

  it('Verify re-checks the audit log; a log that does not verify is an alarm in the panel and on the Compliance button', async () => {
    const { api, emit } = setup();
    const dialog = openPanel();
    fireEvent.click(within(dialog).getByRole('tab', { name: 'Audit log' }));
    await settle();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Verify' }));
    await settle();
    expect(api.compliance.verifyAudit).toHaveBeenCalledTimes(1);
    const broken = {
      ok: false,
      rows: 3,
      keyed: 3,
      checkedAt: Date.now(),
      message: 'The audit log does not verify: record 2 was changed after it was written.',
      firstBadId: 2,
    };
    await act(async () => emit('compliance:changed', complianceStatus({ auditVerification: broken })));
    expect(within(dialog).getByRole('alert').textContent).toContain('record 2 was changed after it was written');
    expect(screen.getByRole('button', { name: 'Compliance (the audit log does not verify)' })).toBeTruthy();
  });

  it('exports the audit CSV as a download (Blob + <a download>), never opening a URL from it', async () => {
    const { api } = setup();
    let blob: Blob | null = null;
    const createObjectURL = vi.fn((b: Blob) => {
      blob = b;
      return 'blob:ringside/1';
    });
    Object.defineProperty(URL, 'createObjectURL', { configurable: true, value: createObjectURL });
    Object.defineProperty(URL, 'revokeObjectURL', { configurable: true, value: vi.fn() });
    const clicked: HTMLAnchorElement[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this);
    });
    const open = vi.spyOn(window, 'open').mockImplementation(() => null);
    const dialog = openPanel();
    fireEvent.click(within(dialog).getByRole('tab', { name: 'Audit log' }));
    fireEvent.change(within(dialog).getByLabelText('From'), { target: { value: '2026-11-01' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Export CSV' }));
    await settle();
    expect(api.compliance.exportAudit).toHaveBeenCalledWith({ from: new Date(2026, 10, 1).getTime() });
    expect(clicked).toHaveLength(1);
    expect(clicked[0].download).toBe('ringside-audit.csv');
    expect(clicked[0].getAttribute('href')).toBe('blob:ringside/1');
    expect(await blob!.text()).toBe('at,path,target,allowed,summary\n1,manual,+15125550100,true,Allowed\n');
    expect(open).not.toHaveBeenCalled();
    expect(within(dialog).getByText('Exported 1 entry.')).toBeTruthy();
  });

  it('keeps a suggested file name to a plain .csv name', () => {
    expect(safeFileName('../../etc/passwd')).toBe('passwd.csv');
    expect(safeFileName('audit 2026-11.csv')).toBe('audit 2026-11.csv');
    expect(safeFileName('..')).toBe('ringside-audit.csv');
    expect(safeFileName('a<b>.csv')).toBe('a_b_.csv');
  });
});

describe('compliance: untrusted text', () => {
  it('renders hostile summaries, details, banners and audit rows as text', async () => {
    const hostile = registryBlocked({
      summary: `Blocked: ${EVIL}`,
      checks: [{ rule: 'registry', outcome: 'block', detail: EVIL }],
      localTimes: [{ zone: EVIL, local: '10:00', window: EVIL, inside: false }],
    });
    const { api } = setup({ ...previewing(hostile), compliance: complianceStatus({ banner: EVIL, inboxFiles: [{ name: EVIL, size: 10, modifiedAt: 0 }] }) });
    api.compliance.audit.mockImplementation(() =>
      Promise.resolve({
        ok: true as const,
        value: {
          total: 1,
          rows: [{ id: 1, at: Date.now(), path: EVIL, target: EVIL, e164: null, leadId: null, campaignId: null, allowed: false, summary: EVIL, checks: '[]' }],
        },
      }),
    );
    await settle();
    const card = screen.getByRole('region', { name: /why this call is blocked/ });
    fireEvent.click(within(card).getByRole('button', { name: 'Why?' }));
    expect(within(card).getByText(`Blocked: ${EVIL}`)).toBeTruthy();
    expect(within(card).getByText(EVIL, { selector: '.cc-detail' })).toBeTruthy();
    expect(screen.getByText(EVIL, { selector: '.cb-text' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Open compliance' }));
    const dialog = screen.getByRole('dialog', { name: 'Compliance' });
    expect(within(dialog).getByText(EVIL, { selector: '.cx-file' })).toBeTruthy();
    fireEvent.click(within(dialog).getByRole('tab', { name: 'Audit log' }));
    await settle();
    expect(within(dialog).getByText(EVIL, { selector: '.cx-summary' })).toBeTruthy();
    expect(document.querySelector('img')).toBeNull();
  });
});
