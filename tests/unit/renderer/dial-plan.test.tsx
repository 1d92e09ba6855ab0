// @vitest-environment jsdom
import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { AccountInput } from '../../../shared/account';
import { defaultDialPlan, type DialPlan } from '../../../shared/dial-plan';
import { store } from '../../../renderer/src/store/store';
import { account, snapshotOf, type fakeRingside } from './fake-ringside';
import { appHarness } from './app-harness';

const { mount, settle } = appHarness();

const savedInput = (fake: ReturnType<typeof fakeRingside>) => (fake.api.account.save.mock.calls as unknown as Array<[AccountInput]>)[0]![0];

function openSettings(plan: DialPlan = defaultDialPlan('US'), overrides: Partial<typeof account> = {}) {
  const fake = mount(snapshotOf({ account: { ...account, dialPlan: plan, ...overrides } }));
  fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
  const section = screen.getByRole('group', { name: 'Dial plan' });
  return { fake, section };
}

const field = (section: HTMLElement, label: string | RegExp) => within(section).getByLabelText(label) as HTMLInputElement;
const errorOf = (input: HTMLElement) =>
  (input.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .map((id) => document.getElementById(id))
    .find((el) => el?.classList.contains('field-error'))?.textContent ?? null;

describe('settings: dial plan', () => {
  it('shows the saved plan, each list as comma-separated text', () => {
    const { section } = openSettings({ ...defaultDialPlan('US'), outsideLinePrefixes: ['9'], internalDomains: ['pbx2.example.com', 'example.net'] });
    expect((within(section).getByLabelText('PBX country') as HTMLSelectElement).value).toBe('US');
    expect(field(section, 'Outside-line prefixes').value).toBe('9');
    expect(field(section, 'International prefixes').value).toBe('011');
    expect(field(section, 'National (trunk) prefix').value).toBe('1');
    expect(field(section, /Feature codes/).value).toBe('*67, *82');
    expect(field(section, 'Internal SIP domains').value).toBe('pbx2.example.com, example.net');
    expect(field(section, 'Shortest extension (digits)').value).toBe('3');
    // Every field says what it is for.
    expect(within(section).getByText(/the 9 in _9NXXNXXXXXX; a plain proxy: none/)).toBeTruthy();
  });

  it('shows an extension pattern that matches real numbers next to the extensions, and does not save', async () => {
    const { fake, section } = openSettings(defaultDialPlan('PL'));
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'secret' } });
    const longest = field(section, 'Longest extension (digits)');
    // Some Polish national numbers have 6 digits: a 6-digit "extension" could be someone's phone.
    fireEvent.change(longest, { target: { value: '6' } });
    fireEvent.change(field(section, 'Outside-line prefixes'), { target: { value: '00' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save account' }));
    await settle();
    expect(fake.api.account.save).not.toHaveBeenCalled();
    expect(longest.getAttribute('aria-invalid')).toBe('true');
    expect(errorOf(longest)).toMatch(/^Extensions of up to 6 digits would match real telephone numbers in PL .*allow at most 5 digits\.$/);
    // The other cross-field problem sits by its own field.
    expect(errorOf(field(section, 'Outside-line prefixes'))).toBe('00 cannot be both the outside-line prefix and an international prefix.');
    expect(screen.getByText('Not saved: fix the fields marked above.').getAttribute('role')).toBe('alert');
  });

  it("shows the cross-field problems together with a field's own, not one after the other", async () => {
    const { fake, section } = openSettings(defaultDialPlan('PL'));
    fireEvent.change(field(section, 'Longest extension (digits)'), { target: { value: '6' } });
    fireEvent.change(field(section, /Feature codes/), { target: { value: '#31#, hide' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save account' }));
    await settle();
    expect(fake.api.account.save).not.toHaveBeenCalled();
    expect(errorOf(field(section, /Feature codes/))).toBe('“hide”: a feature code looks like *67, #31# or 141.');
    expect(errorOf(field(section, 'Longest extension (digits)'))).toMatch(/^Extensions of up to 6 digits would match real telephone numbers in PL/);
  });

  it('names the bad entry of a list in plain words', async () => {
    const { fake, section } = openSettings();
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'secret' } });
    const codes = field(section, /Feature codes/);
    fireEvent.change(codes, { target: { value: '*67, hide' } });
    fireEvent.change(field(section, 'International prefixes'), { target: { value: '' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save account' }));
    await settle();
    expect(fake.api.account.save).not.toHaveBeenCalled();
    expect(errorOf(codes)).toBe('“hide”: a feature code looks like *67, #31# or 141.');
    expect(errorOf(field(section, 'International prefixes'))).toBe('At least one international prefix, e.g. 00');
  });

  it("fills a country's defaults and saves the plan and trusted caller ID", async () => {
    const { fake, section } = openSettings();
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'secret' } });
    fireEvent.change(within(section).getByLabelText('PBX country'), { target: { value: 'GB' } });
    fireEvent.click(within(section).getByRole('button', { name: 'Use defaults for this country' }));
    expect(field(section, 'National (trunk) prefix').value).toBe('0');
    expect(field(section, 'International prefixes').value).toBe('00');
    fireEvent.change(field(section, 'Outside-line prefixes'), { target: { value: '9' } });
    fireEvent.change(field(section, 'Internal SIP domains'), { target: { value: 'PBX2.example.com,  example.net' } });
    fireEvent.click(within(section).getByLabelText('The SIP server vouches for caller IDs (trusted caller ID)'));
    fireEvent.click(screen.getByRole('button', { name: 'Save account' }));
    await settle();
    expect(fake.api.account.save).toHaveBeenCalledTimes(1);
    const input = savedInput(fake);
    expect(input.dialPlan).toEqual({ ...defaultDialPlan('GB'), outsideLinePrefixes: ['9'], internalDomains: ['PBX2.example.com', 'example.net'] });
    expect(input.trustCallerId).toBe(true);
  });

  it('saves "no extensions" as null', async () => {
    const { fake, section } = openSettings();
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'secret' } });
    fireEvent.click(within(section).getByLabelText('No extensions'));
    expect(field(section, 'Shortest extension (digits)').disabled).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Save account' }));
    await settle();
    expect(savedInput(fake).dialPlan).toEqual({ ...defaultDialPlan('US'), extensions: null });
  });

  it('a save keeps what the form does not show (links that dial at once, the ICE wait, keep-alive, expiry)', async () => {
    const { fake } = openSettings(defaultDialPlan('US'), { autoDialLinks: true, iceGatheringTimeoutMs: 1200, keepAliveSec: 30, expires: 600 });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'secret' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save account' }));
    await settle();
    expect(savedInput(fake)).toMatchObject({ autoDialLinks: true, iceGatheringTimeoutMs: 1200, keepAliveSec: 30, expires: 600 });
  });

  it("shows a provisioned account's plan read-only", () => {
    mount(snapshotOf({ account: { ...account, source: 'provisioned', dialPlan: { ...defaultDialPlan('US'), outsideLinePrefixes: ['9'] } } }));
    act(() => store.getState().setSettingsOpen(true));
    const section = screen.getByRole('group', { name: 'Dial plan' }) as HTMLFieldSetElement;
    expect(section.disabled).toBe(true);
    expect(field(section, 'Outside-line prefixes').value).toBe('9');
    expect(within(section).queryByRole('button', { name: 'Use defaults for this country' })).toBeNull();
  });
});

describe('settings: where the password is kept', () => {
  it('says when the password is kept only for this run, and shows what went wrong reading the saved account', () => {
    mount(snapshotOf({ account: { ...account, secretsStorage: 'memory-only', problems: ['The saved team secret cannot be decrypted any more.'] } }));
    fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
    expect(screen.getByText(/kept only until Ringside closes/)).toBeTruthy();
    expect(screen.getByText('The saved team secret cannot be decrypted any more.').closest('[role="alert"]')).toBeTruthy();
  });

  it('says nothing of the kind with an encrypted store', () => {
    mount(snapshotOf({ account }));
    fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
    expect(screen.queryByText(/kept only until Ringside closes/)).toBeNull();
  });
});
