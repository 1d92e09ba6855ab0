// @vitest-environment jsdom
import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../shared/contract';
import { defaultDialPlan } from '../../../shared/dial-plan';
import { store } from '../../../renderer/src/store/store';
import { call, registered, snapshotOf } from './fake-ringside';
import { appHarness } from './app-harness';

const { mount, settle } = appHarness();

function setup(calls: Snapshot['calls'] = []) {
  const snapshot: Snapshot = snapshotOf({ calls });
  return mount(snapshot);
}

describe('App', () => {
  it('shows an empty state without calls', () => {
    setup();
    expect(screen.getByText('No call selected — dial a number or wait for a call')).toBeTruthy();
    expect(screen.getByText('Registered')).toBeTruthy();
  });

  it('updates from IPC events', async () => {
    const { emit } = setup();
    act(() => emit('call:state-changed', call({ id: 'c9', remoteName: 'Bob', state: 'ringing', direction: 'outbound', answeredAt: null })));
    expect(screen.getByRole('heading', { name: 'Bob' })).toBeTruthy();
    act(() => emit('registration:changed', { ...registered, state: 'registering' }));
    expect(screen.getByText('Registering…')).toBeTruthy();
  });

  it('validates the dial box and sends nothing for "abc"', async () => {
    const { api } = setup();
    const input = screen.getByLabelText('Number or SIP address');
    fireEvent.change(input, { target: { value: 'abc' } });
    fireEvent.click(screen.getByRole('button', { name: 'Call' }));
    expect(api.call.dial).not.toHaveBeenCalled();
    expect(screen.getByText(/"abc" is not a phone number/)).toBeTruthy();
    expect(input.getAttribute('aria-invalid')).toBe('true');

    fireEvent.change(input, { target: { value: ' 555 0100 ' } });
    fireEvent.submit(input.closest('form')!);
    await settle();
    expect(api.call.dial).toHaveBeenCalledWith('555 0100');
  });

  it('keypad types into the dial box without a call, sends DTMF during one', async () => {
    const { api, emit } = setup();
    const pad = screen.getByRole('group', { name: /Keypad: type/ });
    fireEvent.click(within(pad).getByRole('button', { name: '5' }));
    fireEvent.click(within(pad).getByRole('button', { name: 'pound' }));
    expect((screen.getByLabelText('Number or SIP address') as HTMLInputElement).value).toBe('5#');
    act(() => emit('call:state-changed', call({ id: 'c1' })));
    fireEvent.click(within(screen.getByRole('group', { name: /send tones to the active call/ })).getByRole('button', { name: '7' }));
    await settle();
    expect(api.call.dtmf).toHaveBeenCalledWith('c1', '7');
    // Digits typed while focus is on the call panel are tones too.
    fireEvent.keyDown(screen.getByRole('button', { name: 'Hang up' }), { key: '3' });
    await settle();
    expect(api.call.dtmf).toHaveBeenCalledWith('c1', '3');
  });

  it('Accept calls api.call.accept, and the ringtone stops once the call is answered', async () => {
    const { api, emit } = setup([call({ id: 'in1', state: 'incoming', answeredAt: null })]);
    expect(screen.getByTestId('ringtone').getAttribute('loop')).not.toBeNull();
    const panelAccept = within(screen.getByRole('group', { name: 'Call controls' })).getByRole('button', { name: 'Accept' });
    fireEvent.click(panelAccept);
    await settle();
    expect(api.call.accept).toHaveBeenCalledWith('in1');
    fireEvent.click(screen.getByRole('button', { name: 'Accept call from Alice' }));
    await settle();
    expect(api.call.accept).toHaveBeenCalledTimes(2);
    act(() => emit('call:state-changed', call({ id: 'in1', state: 'answering', answeredAt: null })));
    expect(screen.queryByTestId('ringtone')).toBeNull();
    expect(screen.queryByRole('region', { name: 'Incoming calls' })).toBeNull();
  });

  it('shows "Muted" only after main reports muted:true', async () => {
    const { api, emit } = setup([call({ id: 'c1' })]);
    fireEvent.click(screen.getByRole('button', { name: 'Mute' }));
    await settle();
    expect(api.call.mute).toHaveBeenCalledWith('c1', true);
    expect(screen.queryByText('Muted')).toBeNull();
    act(() => emit('call:state-changed', call({ id: 'c1', muted: true })));
    expect(screen.getByText('Muted')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Unmute' }).getAttribute('aria-pressed')).toBe('true');
  });

  it('disables Hold while a hold is pending', () => {
    const { emit } = setup([call({ id: 'c1' })]);
    expect((screen.getByRole('button', { name: 'Hold' }) as HTMLButtonElement).disabled).toBe(false);
    act(() => emit('call:state-changed', call({ id: 'c1', pending: 'hold' })));
    expect((screen.getByRole('button', { name: 'Holding…' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('makes the temperature reason reachable on keyboard focus', () => {
    setup([call({ id: 'c1', direction: 'inbound' })]);
    const chip = screen.getByText('Warm', { selector: '.temp-chip:not(.temp-compact)' });
    expect(chip.tabIndex).toBe(0);
    const tip = document.getElementById(chip.getAttribute('aria-describedby')!)!;
    expect(tip.textContent).toBe('Inbound call: the caller contacted us');
    expect(tip.getAttribute('role')).toBe('tooltip');
    expect(tip.classList.contains('is-open')).toBe(false);
    act(() => chip.focus());
    expect(tip.classList.contains('is-open')).toBe(true);
    fireEvent.keyDown(chip, { key: 'Escape' });
    expect(tip.classList.contains('is-open')).toBe(false);
  });

  it('renders a hostile remote name as literal text', () => {
    const evil = '<img src=x onerror=alert(1)>';
    setup([call({ id: 'c1', remoteName: evil, remoteUri: 'sip:<b>x</b>@example.com', state: 'incoming', answeredAt: null })]);
    expect(document.querySelector('img')).toBeNull();
    expect(document.querySelector('b')).toBeNull();
    expect(screen.getAllByText(evil).length).toBeGreaterThan(0);
  });

  it('shows a failed request in the alert region', async () => {
    const { api } = setup([call({ id: 'c1' })]);
    api.call.hangup.mockResolvedValueOnce({ ok: false, code: 'illegal-state', message: 'The call cannot hang up now' });
    fireEvent.click(screen.getByRole('button', { name: 'Hang up' }));
    await settle();
    expect(within(screen.getByRole('alert')).getByText('The call cannot hang up now')).toBeTruthy();
  });

  it('shows the outcome of an ended call and dismisses it', async () => {
    const { api } = setup([call({ id: 'c1', state: 'ended', outcome: 'busy', statusCode: 486, detail: 'Busy Here', endedAt: Date.now() })]);
    expect(screen.getAllByText('Busy (486) — Busy Here').length).toBe(2);
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    await settle();
    expect(api.call.dismiss).toHaveBeenCalledWith('c1');
  });

  it('validates the account form with the shared schema', async () => {
    const snapshot: Snapshot = snapshotOf({ registration: { ...registered, state: 'unregistered' }, account: null });
    const fake = mount(snapshot);
    fireEvent.change(screen.getByLabelText('Server (ws:// or wss://)'), { target: { value: 'http://pbx' } });
    fireEvent.change(screen.getByLabelText('SIP address'), { target: { value: 'agent1' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save account' }));
    expect(fake.api.account.save).not.toHaveBeenCalled();
    expect(screen.getByText(/Server must be a ws:\/\/ or wss:\/\//)).toBeTruthy();
    expect(screen.getByText('Address must look like sip:agent@example.com')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Server (ws:// or wss://)'), { target: { value: 'wss://pbx.example.com/ws' } });
    fireEvent.change(screen.getByLabelText('SIP address'), { target: { value: 'sip:agent1@example.com' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'secret' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save account' }));
    await settle();
    expect(fake.api.account.save).toHaveBeenCalledWith({
      server: 'wss://pbx.example.com/ws',
      aor: 'sip:agent1@example.com',
      password: 'secret',
      // The supervision section's defaults (an agent reporting to nobody); no team secret.
      supervision: expect.objectContaining({ role: 'agent', supervisors: [], team: [], heartbeatSec: 5 }),
      // A new account starts from the US plan the schema defaults to.
      dialPlan: defaultDialPlan('US'),
      trustCallerId: false,
      // No STUN/TURN server until one is added; any route.
      iceServers: [],
      iceTransportPolicy: 'all',
    });
    expect((fake.api.account.save.mock.calls as unknown as Array<[{ supervision?: object }]>)[0]![0].supervision).not.toHaveProperty('teamSecret');
  });

  it('shows a provisioned account read-only', () => {
    setup();
    act(() => store.getState().setAccount({ ...store.getState().account!, source: 'provisioned' }));
    fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
    expect(screen.getByText(/provisioned by your administrator/)).toBeTruthy();
    expect((screen.getByLabelText('SIP address') as HTMLInputElement).readOnly).toBe(true);
    expect(screen.queryByRole('button', { name: 'Save account' })).toBeNull();
  });
});
