// @vitest-environment jsdom
// The CRM screen pop as the agent and IT see it: Settings' CRM record section (the address, the
// allowed hosts, when it opens; what is wrong said in words before anything is sent), the lead
// card's "Open in CRM" (only with an address set, only for the lead on screen, main's refusal
// shown as text), and browser mode's new tab for the record main sent.
import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { AccountInput, AccountView } from '../../../shared/account';
import { openCrmRecords } from '../../../renderer/src/ipc/open-url';
import { store } from '../../../renderer/src/store/store';
import { account, fakeRingside, idleWorkspace, snapshotOf, workspaceLead } from './fake-ringside';
import { appHarness } from './app-harness';

const { mount, settle } = appHarness();

const savedPop: NonNullable<AccountView['screenPop']> = {
  template: 'https://crm.example.com/leads/{externalId}?phone={phone}',
  allowedHosts: ['crm.example.com', 'crm-eu.example.com'],
  open: 'button',
};

type Fake = ReturnType<typeof mount>;

function openSettings(acc: Partial<AccountView> = {}): Fake {
  const fake = mount(snapshotOf({ account: { ...account, ...acc } }));
  fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
  // The SIP password is asked for again on every save (see AccountForm).
  fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'pw' } });
  return fake;
}

const popSection = () => within(screen.getByRole('group', { name: 'CRM record (screen pop)' }));
const saved = (fake: Fake): AccountInput => (fake.api.account.save.mock.calls as unknown as Array<[AccountInput]>).at(-1)![0];
const save = async () => {
  fireEvent.click(screen.getByRole('button', { name: 'Save account' }));
  await settle();
};
const type = (label: string, value: string) => fireEvent.change(popSection().getByLabelText(label), { target: { value } });
/** The message the field's aria-describedby points at. */
const describedError = (label: string): string | null => {
  const el = popSection().getByLabelText(label);
  const ids = (el.getAttribute('aria-describedby') ?? '').split(' ');
  return ids.map((id) => document.getElementById(id)).find((n) => n?.classList.contains('field-error'))?.textContent ?? null;
};

describe('Settings: CRM record (screen pop)', () => {
  it('is off without an address; turned on, it sends the address, the hosts (lines or commas) and when to open', async () => {
    const fake = openSettings();
    expect(popSection().getByText('Off: no Open in CRM button.')).toBeTruthy();
    fireEvent.click(popSection().getByLabelText('Open leads in the CRM'));
    type('CRM record address', 'https://crm.example.com/leads/{externalId}?agent={agent}');
    type('Allowed hosts (one per line)', 'crm.example.com,\n CRM-EU.example.com ');
    expect((popSection().getByRole('radio', { name: /By itself when I answer an inbound call/ }) as HTMLInputElement).checked).toBe(true);
    fireEvent.click(popSection().getByRole('radio', { name: /Only at the Open in CRM button/ }));
    await save();
    expect(saved(fake).screenPop).toEqual({
      template: 'https://crm.example.com/leads/{externalId}?agent={agent}',
      allowedHosts: ['crm.example.com', 'CRM-EU.example.com'],
      open: 'button',
    });
  });

  it('shows the saved settings, and turning it off sends none', async () => {
    const fake = openSettings({ screenPop: savedPop });
    expect((popSection().getByLabelText('CRM record address') as HTMLInputElement).value).toBe(savedPop.template);
    expect((popSection().getByLabelText('Allowed hosts (one per line)') as HTMLTextAreaElement).value).toBe('crm.example.com\ncrm-eu.example.com');
    expect((popSection().getByRole('radio', { name: /Only at the Open in CRM button/ }) as HTMLInputElement).checked).toBe(true);
    fireEvent.click(popSection().getByLabelText('Open leads in the CRM'));
    await save();
    expect(saved(fake)).not.toHaveProperty('screenPop');
  });

  it('says in words what is wrong, under the field, and sends nothing', async () => {
    const fake = openSettings();
    fireEvent.click(popSection().getByLabelText('Open leads in the CRM'));
    type('CRM record address', 'https://crm.example.com/leads/{id}');
    type('Allowed hosts (one per line)', 'crm.example.com');
    await save();
    expect(describedError('CRM record address')).toBe(
      'The CRM record address has {id}, which Ringside does not know: the placeholders are {leadId}, {externalId}, {phone}, {campaignId}, {campaign}, {agent}.',
    );
    expect(screen.getByText('Not saved: fix the fields marked above.')).toBeTruthy();

    type('CRM record address', 'https://crm.example.com/leads/{leadId}');
    type('Allowed hosts (one per line)', 'crm.example.org');
    await save();
    expect(describedError('CRM record address')).toBeNull();
    expect(describedError('Allowed hosts (one per line)')).toBe('The CRM record address goes to crm.example.com, which is not in the allowed hosts.');

    type('Allowed hosts (one per line)', 'crm.example.com\nhttps://crm-eu.example.com/');
    await save();
    expect(describedError('Allowed hosts (one per line)')).toMatch(/^Line 2: An allowed host is a host name such as crm.example.com, without https:\/\//);

    type('CRM record address', 'http://crm.example.com/leads/{leadId}');
    type('Allowed hosts (one per line)', 'crm.example.com');
    await save();
    expect(describedError('CRM record address')).toMatch(/must be an https:\/\/ address \(http:\/\/ only to this computer\)/);
    expect(fake.api.account.save).not.toHaveBeenCalled();
  });

  it('a provisioned account shows the settings read-only', () => {
    openSettings({ screenPop: savedPop, source: 'provisioned' });
    expect((popSection().getByLabelText('CRM record address') as HTMLInputElement).readOnly).toBe(true);
    expect((popSection().getByLabelText('Open leads in the CRM') as HTMLInputElement).disabled).toBe(true);
  });
});

describe('the lead card: Open in CRM', () => {
  const onScreen = (acc: Partial<AccountView> = {}) =>
    mount(snapshotOf({ account: { ...account, ...acc }, workspace: { ...idleWorkspace, campaignId: 1, current: workspaceLead() } }));

  it('is there for the lead on screen when an address is set, and asks main for that lead', async () => {
    const fake = onScreen({ screenPop: savedPop });
    await settle();
    fireEvent.click(await screen.findByRole('button', { name: 'Open in CRM' }));
    await settle();
    expect(fake.api.crm.screenPop).toHaveBeenCalledWith(7);
    expect(document.querySelector('.lead-crm-error')).toBeNull();
  });

  it('is not there without an address', async () => {
    onScreen();
    await screen.findByRole('heading', { name: 'Maria Kowalska' });
    expect(screen.queryByRole('button', { name: 'Open in CRM' })).toBeNull();
  });

  it('is not there for a lead opened from the list (main opens only the lead on screen)', async () => {
    mount(snapshotOf({ account: { ...account, screenPop: savedPop } }));
    act(() => store.getState().viewLead(9));
    await screen.findByRole('heading', { name: 'Maria Kowalska' });
    expect(screen.queryByRole('button', { name: 'Open in CRM' })).toBeNull();
  });

  it("shows main's refusal on the card, as text", async () => {
    const fake = onScreen({ screenPop: savedPop });
    const message = '<img src=x onerror=alert(1)> This lead has no CRM id (its crm_id field is empty), and the CRM record address needs it.';
    fake.api.crm.screenPop.mockImplementationOnce(() => Promise.resolve({ ok: false, code: 'invalid-data', message }));
    fireEvent.click(await screen.findByRole('button', { name: 'Open in CRM' }));
    await settle();
    const alert = document.querySelector('.lead-crm-error')!;
    expect(alert.getAttribute('role')).toBe('alert');
    expect(alert.textContent).toBe(`✕ Not opened in the CRM: ${message}`);
    expect(alert.querySelector('img')).toBeNull();
  });
});

describe('browser mode: the record main sent opens in a new tab', () => {
  it('opens a web address cut off from the page, and nothing else', () => {
    const fake = fakeRingside();
    const win = { open: vi.fn(() => null) };
    const stop = openCrmRecords(fake.api, win);
    fake.emit('crm:open-url', { url: 'https://crm.example.com/leads/L-77?phone=%2B48225550141' });
    fake.emit('crm:open-url', { url: 'javascript:alert(1)' });
    fake.emit('crm:open-url', { url: 'data:text/html,<script>alert(1)</script>' });
    fake.emit('crm:open-url', { url: 'not a url' });
    expect(win.open.mock.calls).toEqual([['https://crm.example.com/leads/L-77?phone=%2B48225550141', '_blank', 'noopener,noreferrer']]);
    stop();
    fake.emit('crm:open-url', { url: 'https://crm.example.com/leads/2' });
    expect(win.open).toHaveBeenCalledTimes(1);
  });
});
