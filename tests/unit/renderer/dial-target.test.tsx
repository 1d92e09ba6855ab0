// @vitest-environment jsdom
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ComplianceDecision } from '../../../shared/compliance';
import { ApiContext } from '../../../renderer/src/ui/api-context';
import { ComplianceCard } from '../../../renderer/src/features/compliance/ComplianceCard';
import { appHarness } from './app-harness';
import { extensionAllowed, fakeRingside, prefixBlocked, registryBlocked, snapshotOf, unreadableBlocked, usPack } from './fake-ringside';

const EVIL = '<img src=x onerror=alert(1)>';
const { mount } = appHarness({ restoreMocksAfterEach: true });
const wait = (ms: number) => act(() => new Promise<void>((r) => setTimeout(r, ms)));

function card(decision: ComplianceDecision, expanded = false) {
  render(
    <ApiContext.Provider value={fakeRingside().api}>
      <ComplianceCard decision={decision} context="Number typed" defaultExpanded={expanded} />
    </ApiContext.Provider>,
  );
  return screen.getByRole('region', { name: /Number typed: why this call is/ });
}

describe('the "why" card: what the target reached and whose rules decided', () => {
  it('shows the number reached through the prefixes, and the rule pack, when compact', () => {
    const c = card(prefixBlocked());
    const reach = c.querySelector('.cc-reach') as HTMLElement;
    expect(reach.textContent).toBe('Reaches +1 212 555 0199 via outside-line prefix 9 → national form in US');
    expect(within(c).getByText(usPack.name, { selector: '.cc-pack-line' }).getAttribute('title')).toBe(usPack.source);
    expect(within(c).getByRole('list', { name: 'Checks' }).textContent).toContain('Number: Pass');
  });

  it('shows each reading, the one that decided, and the pack with its legal source, when expanded', () => {
    const two = prefixBlocked();
    two.target!.readings.push({
      kind: 'extension',
      e164: null,
      label: 'extension 91212',
      via: ['extension pattern 3–5 digits'],
      allowed: true,
      summary: 'Allowed: extension 91212 — internal.',
    });
    const c = card(two, true);
    expect(within(c).getByRole('heading', { name: 'Reaches one of 2 — the strictest decides' })).toBeTruthy();
    const list = c.querySelector('.cc-readings') as HTMLElement;
    const [number, ext] = within(list).getAllByRole('listitem');
    expect(number!.textContent).toContain('+1 212 555 0199');
    expect(number!.textContent).toContain('✕ Decided the call');
    expect(number!.textContent).toContain('via outside-line prefix 9 → national form in US');
    expect(number!.textContent).toContain('is on the US National DNC Registry');
    expect(ext!.textContent).toContain('Allowed');
    expect(ext!.textContent).not.toContain('decided');
    expect(within(c).getByText('sip:912125550199@example.com')).toBeTruthy();
    expect(within(c).getByRole('heading', { name: 'Rules applied' })).toBeTruthy();
    expect(within(c).getByText(usPack.name, { selector: '.cc-pack-name' })).toBeTruthy();
    expect(within(c).getByText(usPack.source)).toBeTruthy();
    // The checks are still there, target first.
    const checks = within(c).getByRole('heading', { name: 'Checks' }).nextElementSibling as HTMLElement;
    expect(within(checks).getAllByRole('listitem')[0]!.querySelector('.cc-rule')?.textContent).toBe('Number reached');
  });

  it('leaves out what an older decision does not carry', () => {
    const c = card(registryBlocked(), true);
    expect(c.querySelector('.cc-reach, .cc-readings, .cc-pack-name')).toBeNull();
    expect(within(c).queryByRole('heading', { name: /Reaches|Rules applied/ })).toBeNull();
    expect(within(c).getByRole('heading', { name: 'Checks' })).toBeTruthy();
  });

  it('shows an internal extension as allowed — internal', () => {
    const c = card(extensionAllowed());
    expect(within(c).getByRole('heading', { name: 'Allowed — internal' })).toBeTruthy();
    expect(c.className).toContain('verdict-internal');
    expect(c.querySelector('.cc-reach')?.textContent).toContain('extension 1001');
  });

  it('renders hostile labels, routes and sources as text', () => {
    const hostile = prefixBlocked({ pack: { id: 'X', name: EVIL, source: EVIL } });
    hostile.target = { input: EVIL, uri: EVIL, readings: [{ kind: 'number', e164: null, label: EVIL, via: [EVIL], allowed: false, summary: EVIL }] };
    const c = card(hostile, true);
    expect(within(c).getByText(EVIL, { selector: '.cc-reading-label' })).toBeTruthy();
    expect(within(c).getByText(EVIL, { selector: '.cc-pack-source' })).toBeTruthy();
    expect(document.querySelector('img')).toBeNull();
  });
});

describe('the dial box: a target the gate cannot read', () => {
  it('explains the refusal before the call and disables Call, pointing at the reason', async () => {
    const fake = mount(snapshotOf());
    fake.api.compliance.check.mockImplementation(() => Promise.resolve({ ok: true as const, value: unreadableBlocked() }));
    const input = screen.getByLabelText('Number or SIP address');
    fireEvent.change(input, { target: { value: '*99#1234' } });
    await wait(300);
    expect(fake.api.compliance.check).toHaveBeenCalledWith({ target: '*99#1234' });
    const c = screen.getByRole('region', { name: 'Number typed: why this call is blocked' });
    expect(within(c).getByRole('list', { name: 'Checks' }).textContent).toContain('Number: Blocks the call');
    const dial = screen.getByRole('button', { name: 'Call' }) as HTMLButtonElement;
    expect(dial.disabled).toBe(true);
    const reason = document.getElementById(dial.getAttribute('aria-describedby')!)!;
    expect(reason.textContent).toBe('Blocked: Can’t tell which telephone number this reaches — dial it in international form, +CC…');
    expect(c.contains(reason)).toBe(true);
    // The box itself points at the reason too, so it is heard while typing.
    expect(input.getAttribute('aria-describedby')).toContain(reason.id);
    fireEvent.submit(input.closest('form')!);
    fireEvent.click(dial);
    expect(fake.api.call.dial).not.toHaveBeenCalled();
    // Expanded: nothing was read, nothing would be dialled.
    fireEvent.click(within(c).getByRole('button', { name: 'Why?' }));
    expect(within(c).getByText('No telephone number or colleague could be read from what was typed.')).toBeTruthy();
    expect(within(c).getByText('Nothing: not dialled')).toBeTruthy();
  });

  it('shows an internal extension as allowed — internal, and lets it be called', async () => {
    const fake = mount(snapshotOf());
    fake.api.compliance.check.mockImplementation(() => Promise.resolve({ ok: true as const, value: extensionAllowed() }));
    fireEvent.change(screen.getByLabelText('Number or SIP address'), { target: { value: '1001' } });
    await wait(300);
    const c = screen.getByRole('region', { name: 'Number typed: why this call is allowed' });
    expect(within(c).getByRole('heading', { name: 'Allowed — internal' })).toBeTruthy();
    expect(within(c).getByText('Allowed: extension 1001 — internal, no telemarketing rules apply.')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Call' }) as HTMLButtonElement).disabled).toBe(false);
  });
});
