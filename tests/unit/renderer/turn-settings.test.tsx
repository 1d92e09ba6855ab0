// @vitest-environment jsdom
// Settings' NAT and TURN section: servers as saved (their secrets never shown), write-only
// passwords and shared secrets, time-limited credentials, relay only; checked before saving.
import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { AccountInput, AccountView } from '../../../shared/account';
import { account, snapshotOf } from './fake-ringside';
import { appHarness } from './app-harness';

const { mount, settle } = appHarness();

function openSettings(acc: Partial<AccountView> = {}) {
  const fake = mount(snapshotOf({ account: { ...account, ...acc } }));
  fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
  fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'pw' } });
  return fake;
}

const saved = (fake: ReturnType<typeof openSettings>): AccountInput => (fake.api.account.save.mock.calls as unknown as Array<[AccountInput]>)[0]![0];
const save = async () => {
  fireEvent.click(screen.getByRole('button', { name: 'Save account' }));
  await settle();
};
const server = (n: number) => within(screen.getByRole('group', { name: `ICE server ${n}` }));

describe('NAT and TURN settings', () => {
  it('keeps saved servers as they are: no secret is shown or sent back, only typed ones', async () => {
    const fake = openSettings({
      iceServers: [
        {
          urls: ['turn:turn.example.com:3478', 'turns:turn.example.com:5349'],
          username: 'home1',
          credentialType: 'password',
          hasCredential: true,
          ephemeralTtlSec: null,
        },
        { urls: ['turn:relay.example.com:3478'], username: null, credentialType: 'ephemeral', hasCredential: true, ephemeralTtlSec: 3600 },
      ],
      iceTransportPolicy: 'relay',
    });
    expect(server(1).getByLabelText('STUN/TURN address')).toHaveProperty('value', 'turn:turn.example.com:3478, turns:turn.example.com:5349');
    expect(server(1).getByLabelText('TURN user')).toHaveProperty('value', 'home1');
    expect(server(1).getByLabelText('TURN password')).toHaveProperty('value', '');
    expect(server(1).getByText(/A password is saved for this server; it is never shown/)).toBeTruthy();
    expect(server(2).getByLabelText('Shared secret')).toHaveProperty('value', '');
    expect(server(2).queryByLabelText('TURN user')).toBeNull();
    expect(screen.getByLabelText(/Relay only/)).toHaveProperty('checked', true);

    await save();
    expect(saved(fake)).toMatchObject({
      iceServers: [
        { urls: ['turn:turn.example.com:3478', 'turns:turn.example.com:5349'], username: 'home1' },
        { urls: 'turn:relay.example.com:3478', credentialType: 'ephemeral', ephemeralTtlSec: 3600 },
      ],
      iceTransportPolicy: 'relay',
    });
    for (const s of saved(fake).iceServers ?? []) expect(s).not.toHaveProperty('credential');
  });

  it('adds a TURN server with a shared secret; it needs the secret, and relay only needs a TURN server', async () => {
    const fake = openSettings();
    fireEvent.click(screen.getByLabelText(/Relay only/));
    await save();
    expect(fake.api.account.save).not.toHaveBeenCalled();
    expect(screen.getByText('Relay only needs a TURN server (turn: or turns:) among the ICE servers.')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Add a STUN or TURN server' }));
    fireEvent.change(server(1).getByLabelText('STUN/TURN address'), { target: { value: 'turn:turn.example.com:3478' } });
    fireEvent.click(server(1).getByLabelText(/Time-limited credentials from a shared secret/));
    await save();
    expect(fake.api.account.save).not.toHaveBeenCalled();
    expect(server(1).getByText('Enter the TURN server’s shared secret.')).toBeTruthy();

    fireEvent.change(server(1).getByLabelText('Shared secret'), { target: { value: 'the-secret' } });
    await save();
    expect(saved(fake)).toMatchObject({
      iceServers: [{ urls: 'turn:turn.example.com:3478', credentialType: 'ephemeral', credential: 'the-secret' }],
      iceTransportPolicy: 'relay',
    });
  });

  it('a static TURN server needs a user and a password; a bad address is named; a server can be removed', async () => {
    const fake = openSettings();
    fireEvent.click(screen.getByRole('button', { name: 'Add a STUN or TURN server' }));
    fireEvent.change(server(1).getByLabelText('STUN/TURN address'), { target: { value: 'turn:turn.example.com:3478' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add a STUN or TURN server' }));
    fireEvent.change(server(2).getByLabelText('STUN/TURN address'), { target: { value: 'http://stun.example.com' } });
    await save();
    expect(fake.api.account.save).not.toHaveBeenCalled();
    expect(server(1).getByText('A TURN server needs a user.')).toBeTruthy();
    expect(server(1).getByText('Enter the TURN password.')).toBeTruthy();
    expect(server(2).getByText(/An ICE server address starts with stun:, stuns:, turn: or turns:/)).toBeTruthy();

    fireEvent.click(server(2).getByRole('button', { name: 'Remove this server' }));
    fireEvent.change(server(1).getByLabelText('TURN user'), { target: { value: 'home1' } });
    fireEvent.change(server(1).getByLabelText('TURN password'), { target: { value: 'pass' } });
    await save();
    expect(saved(fake)).toMatchObject({
      iceServers: [{ urls: 'turn:turn.example.com:3478', username: 'home1', credential: 'pass' }],
      iceTransportPolicy: 'all',
    });
  });
});
