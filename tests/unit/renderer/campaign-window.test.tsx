// @vitest-environment jsdom
import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { campaign, idleWorkspace, snapshotOf } from './fake-ringside';
import { appHarness } from './app-harness';

const { mount, settle } = appHarness();

async function openEditor(c = campaign()) {
  const fake = mount(snapshotOf({ workspace: { ...idleWorkspace, campaignId: 1 } }));
  fake.api.campaign.get.mockImplementation(() => Promise.resolve({ ok: true as const, value: c }));
  await settle();
  fireEvent.click(screen.getByRole('button', { name: 'Edit campaign' }));
  await settle();
  return { fake, dialog: screen.getByRole('dialog', { name: /Campaign:/ }) };
}

describe('campaign editor: calling window', () => {
  it('gives a campaign saved before windows existed the defaults, and saves an edited window', async () => {
    const { fake, dialog } = await openEditor();
    const from = within(dialog).getByLabelText('Monday–Friday: from') as HTMLInputElement;
    expect(from.value).toBe('08:00');
    expect((within(dialog).getByLabelText('Saturday: until') as HTMLInputElement).value).toBe('18:00');
    expect(within(dialog).getByText('No calls')).toBeTruthy();
    fireEvent.change(from, { target: { value: '09:30' } });
    fireEvent.click(within(dialog).getByLabelText('Saturday'));
    fireEvent.click(within(dialog).getByLabelText('No calls on the called party’s public holidays'));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save campaign' }));
    await settle();
    expect(fake.api.campaign.save).toHaveBeenCalledWith(
      expect.objectContaining({ callingWindow: { weekday: { start: '09:30', end: '21:00' }, saturday: null, sunday: null }, skipPublicHolidays: false }),
    );
  });

  it('refuses a window that ends before it starts, by its field', async () => {
    const { fake, dialog } = await openEditor(
      campaign({
        callingWindow: { weekday: { start: '08:00', end: '21:00' }, saturday: null, sunday: { start: '10:00', end: '14:00' } },
        skipPublicHolidays: true,
      }),
    );
    const until = within(dialog).getByLabelText('Sunday: until');
    fireEvent.change(until, { target: { value: '09:00' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Save campaign' }));
    await settle();
    expect(fake.api.campaign.save).not.toHaveBeenCalled();
    expect(until.getAttribute('aria-invalid')).toBe('true');
    expect(within(dialog).getAllByText(/must end after it starts/).length).toBeGreaterThan(0);
  });
});
