// The account's STUN/TURN servers and relay-only policy: what the schema accepts, what Settings
// may see of them, how a save from Settings keeps their secrets, and how they go to disk.
import { describe, expect, it } from 'vitest';
import { accountSchema, iceServerView, type AccountInput } from '../../../shared/account';
import { withSavedSecrets } from '../../../electron/core/sip/account-store';
import { openAccount, sealAccount, type SecretCipher } from '../../../electron/shell/account-secrets';

const base: AccountInput = { server: 'wss://pbx.example.com/ws', aor: 'sip:1001@pbx.example.com', password: 'pw' };
const SECRET = 'coturn-static-auth-secret-9Qz';
const turnEphemeral = { urls: 'turn:turn.example.com:3478', credential: SECRET, credentialType: 'ephemeral' as const };
const turnStatic = { urls: ['turn:turn.example.com:3478', 'turns:turn.example.com:5349'], username: 'home1', credential: 'static-pass' };

const issues = (input: AccountInput) => {
  const r = accountSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('account ICE settings', () => {
  it('defaults to any route and no servers; an older account without the new fields still loads', () => {
    const a = accountSchema.parse({ ...base, iceServers: [{ urls: 'stun:stun.example.com', username: 'u', credential: 'c' }] });
    expect(a.iceTransportPolicy).toBe('all');
    expect(a.iceServers).toEqual([{ urls: 'stun:stun.example.com', username: 'u', credential: 'c' }]);
    expect(accountSchema.parse(base).iceServers).toEqual([]);
  });

  it('takes relay only with a TURN server, static or time-limited', () => {
    expect(issues({ ...base, iceTransportPolicy: 'relay', iceServers: [turnStatic] })).toEqual([]);
    const a = accountSchema.parse({ ...base, iceTransportPolicy: 'relay', iceServers: [{ ...turnEphemeral, ephemeralTtlSec: 3600 }] });
    expect(a.iceServers[0]).toMatchObject({ credentialType: 'ephemeral', ephemeralTtlSec: 3600 });
  });

  it('refuses relay only without a TURN server, in words', () => {
    expect(issues({ ...base, iceTransportPolicy: 'relay' })).toEqual([
      'iceTransportPolicy: Relay only needs a TURN server (turn: or turns:) among the ICE servers.',
    ]);
    expect(issues({ ...base, iceTransportPolicy: 'relay', iceServers: [{ urls: 'stun:stun.example.com' }] })).toHaveLength(1);
    expect(issues({ ...base, iceTransportPolicy: 'direct' as 'relay' })[0]).toMatch(/^iceTransportPolicy: /);
  });

  it('refuses time-limited credentials with a user name of their own, or for a STUN server', () => {
    expect(issues({ ...base, iceServers: [{ ...turnEphemeral, username: 'someone' }] })).toEqual([
      'iceServers.0.username: Time-limited TURN credentials take no user name: Ringside makes one for each call from the SIP user.',
    ]);
    expect(issues({ ...base, iceServers: [{ urls: 'stun:stun.example.com', credential: SECRET, credentialType: 'ephemeral' }] })).toEqual([
      'iceServers.0.credentialType: Time-limited credentials are for a TURN server (turn: or turns:).',
    ]);
  });

  it('refuses addresses that are not STUN or TURN, and lifetimes out of range', () => {
    expect(issues({ ...base, iceServers: [{ urls: 'https://turn.example.com' }] })[0]).toMatch(/^iceServers\.0\.urls: An ICE server address starts with stun:/);
    expect(issues({ ...base, iceServers: [{ urls: ['turn:a.example.com', 'ftp://b'] }] })[0]).toMatch(/^iceServers\.0\.urls\.1: /);
    expect(issues({ ...base, iceServers: [{ ...turnEphemeral, ephemeralTtlSec: 10 }] })[0]).toMatch(/^iceServers\.0\.ephemeralTtlSec: /);
    expect(issues({ ...base, iceServers: [{ ...turnEphemeral, credentialType: 'oauth' as 'ephemeral' }] })[0]).toMatch(/^iceServers\.0\.credentialType: /);
  });

  it('shows Settings no password and no shared secret, only that one is saved', () => {
    const a = accountSchema.parse({ ...base, iceServers: [turnStatic, turnEphemeral, { urls: 'stun:stun.example.com' }] });
    const views = a.iceServers.map(iceServerView);
    expect(views).toEqual([
      { urls: turnStatic.urls, username: 'home1', credentialType: 'password', hasCredential: true, ephemeralTtlSec: null },
      { urls: ['turn:turn.example.com:3478'], username: null, credentialType: 'ephemeral', hasCredential: true, ephemeralTtlSec: null },
      { urls: ['stun:stun.example.com'], username: null, credentialType: 'password', hasCredential: false, ephemeralTtlSec: null },
    ]);
    expect(JSON.stringify(views)).not.toContain(SECRET);
    expect(JSON.stringify(views)).not.toContain('static-pass');
  });
});

describe('saving ICE servers from Settings', () => {
  const saved = accountSchema.parse({ ...base, iceServers: [turnStatic, turnEphemeral] });

  it('keeps a saved secret the form left out, for the same addresses and kind', () => {
    const form = accountSchema.parse({
      ...base,
      iceTransportPolicy: 'relay',
      iceServers: [
        { urls: turnStatic.urls, username: 'home1' },
        { urls: 'TURN:turn.example.com:3478', credentialType: 'ephemeral' },
      ],
    });
    expect(withSavedSecrets(form, saved).iceServers).toEqual([
      { urls: turnStatic.urls, username: 'home1', credential: 'static-pass' },
      { urls: 'TURN:turn.example.com:3478', credentialType: 'ephemeral', credential: SECRET },
    ]);
  });

  it('never hands a saved secret to another server or another kind of credential', () => {
    const form = accountSchema.parse({
      ...base,
      iceServers: [
        { urls: 'turn:elsewhere.example.net:3478', username: 'home1' },
        { urls: 'turn:turn.example.com:3478', username: 'home1' },
      ],
    });
    expect(withSavedSecrets(form, saved).iceServers).toEqual(form.iceServers);
  });

  it('takes a new secret as typed, and an empty one as none', () => {
    const form = accountSchema.parse({
      ...base,
      iceServers: [
        { ...turnEphemeral, credential: 'new-secret' },
        { ...turnStatic, credential: '' },
      ],
    });
    expect(withSavedSecrets(form, saved).iceServers).toEqual([
      { ...turnEphemeral, credential: 'new-secret' },
      { urls: turnStatic.urls, username: 'home1' },
    ]);
  });

  it('keeps the shared secret encrypted on disk like any TURN password', () => {
    const cipher: SecretCipher = {
      available: () => true,
      encrypt: (plain) => Buffer.from(plain).toString('base64').split('').reverse().join(''),
      decrypt: (sealed) => Buffer.from(sealed.split('').reverse().join(''), 'base64').toString(),
    };
    const sealed = sealAccount(saved, cipher);
    expect(JSON.stringify(sealed)).not.toContain(SECRET);
    expect(sealed.iceServers?.[1]).toMatchObject({ urls: turnEphemeral.urls, credentialType: 'ephemeral', credentialEncrypted: expect.any(String) });
    const opened = openAccount(sealed, cipher);
    expect(opened.problems).toEqual([]);
    expect(accountSchema.parse(opened.candidate)).toEqual(saved);
  });
});
