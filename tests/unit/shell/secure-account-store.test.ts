// The shell's account store in Node: `electron` is the stand-in, whose safeStorage encrypts with
// a key the test can change (as a reset keychain would) and reports the Linux backend the test
// picks, and whose userData is a temp folder.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { accountSchema, type Account } from '../../../shared/account';
import { tempDirPerTest } from '../../support/temp-dir';
import { fake, FakeSafeStorage, type StorageBackend } from './fake-electron';

vi.mock('electron', () => import('./fake-electron').then((m) => m.electronModule()));

// electron-store is loaded by Node itself, outside the stand-in above, and the real `electron`
// package cannot load in plain Node. What electron-store adds to conf is only the Electron
// lookups (folder, version), so the stand-in is conf with the same option names.
vi.mock('electron-store', async () => {
  const { default: Conf } = await import('conf');
  class ElectronStore extends Conf<Record<string, unknown>> {
    constructor({ name, cwd, ...options }: { name?: string; cwd: string } & Record<string, unknown>) {
      super({ ...options, configName: name ?? 'config', cwd });
    }
  }
  return { default: ElectronStore };
});

const { MEMORY_ONLY_NOTICE, SecureAccountStore, secretsStorageOf } = await import('../../../electron/shell/secure-account-store');

const tmp = tempDirPerTest('ringside-settings-');
const settingsFile = () => join(tmp.dir(), 'settings.json');

const PASSWORD = 'sip-pass-Zq81!x';
const TEAM_SECRET = 'team-secret-Hk29_w';
const TURN_CREDENTIAL = 'turn-cred-Pm47#v';

const account: Account = accountSchema.parse({
  server: 'wss://pbx.example.com:8089/ws',
  aor: 'sip:agent7@example.com',
  authUser: 'agent7',
  password: PASSWORD,
  displayName: 'Agent Seven',
  iceServers: [
    { urls: 'stun:stun.example.com:3478' },
    { urls: ['turn:turn.example.com:3478?transport=udp', 'turns:turn.example.com:5349'], username: 'turn-user', credential: TURN_CREDENTIAL },
  ],
  supervision: { role: 'agent', supervisors: ['sip:boss@example.com'], teamSecret: TEAM_SECRET },
});

const keychain = fake.safeStorage;

beforeEach(() => {
  fake.app.userData = tmp.dir();
  keychain.key = 7;
  keychain.available = true;
  keychain.backend = 'gnome_libsecret';
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('SecureAccountStore', () => {
  it('writes no secret in clear and loads the account back equal', async () => {
    await new SecureAccountStore().save(account);

    const text = readFileSync(settingsFile(), 'utf8');
    for (const secret of [PASSWORD, TEAM_SECRET, TURN_CREDENTIAL]) expect(text).not.toContain(secret);
    // The rest of the account is readable settings, as before.
    expect(text).toContain('sip:agent7@example.com');
    expect(text).toContain('turn-user');

    const loaded = await new SecureAccountStore().load();
    expect(loaded).toEqual({ account, source: 'settings', problems: [], secretsStorage: 'encrypted' });
  });

  it('migrates a settings file from the previous version: clear secrets are re-saved encrypted, nothing lost', async () => {
    // The previous version sealed only the password; team secret and TURN credential were in clear.
    const { password, ...rest } = account;
    const sealedPassword = Buffer.concat([Buffer.from([7]), Buffer.from([...Buffer.from(password)].map((b) => b ^ 7))]).toString('base64');
    writeFileSync(settingsFile(), JSON.stringify({ account: { ...rest, passwordEncrypted: sealedPassword } }, null, '\t'));
    expect(readFileSync(settingsFile(), 'utf8')).toContain(TEAM_SECRET);

    const loaded = await new SecureAccountStore().load();
    expect(loaded).toEqual({ account, source: 'settings', problems: [], secretsStorage: 'encrypted' });

    const text = readFileSync(settingsFile(), 'utf8');
    for (const secret of [PASSWORD, TEAM_SECRET, TURN_CREDENTIAL]) expect(text).not.toContain(secret);
    // The password's ciphertext was already fine and is kept as it was.
    expect(JSON.parse(text).account.passwordEncrypted).toBe(sealedPassword);
    expect(await new SecureAccountStore().load()).toEqual({ account, source: 'settings', problems: [], secretsStorage: 'encrypted' });
  });

  it('a secret that no longer decrypts is reported in words, and the rest of the account still loads', async () => {
    await new SecureAccountStore().save(account);
    // Only the team secret was sealed under a keychain that is gone.
    const saved = JSON.parse(readFileSync(settingsFile(), 'utf8'));
    saved.account.supervision.teamSecretEncrypted = Buffer.from([99, 1, 2, 3]).toString('base64');
    writeFileSync(settingsFile(), JSON.stringify(saved));
    const before = readFileSync(settingsFile(), 'utf8');

    const loaded = await new SecureAccountStore().load();
    expect(loaded).not.toBeNull();
    const { teamSecret, ...supervision } = account.supervision;
    expect(teamSecret).toBe(TEAM_SECRET);
    expect(loaded!.account).toEqual({ ...account, supervision });
    expect(loaded!.problems).toEqual([expect.stringMatching(/saved supervision team secret can no longer be decrypted.*Enter it again in Settings/)]);
    // Loading leaves the file alone: the unreadable ciphertext is not thrown away.
    expect(readFileSync(settingsFile(), 'utf8')).toBe(before);
  });

  it('after a keychain reset every secret is reported by name and the other fields are kept', async () => {
    await new SecureAccountStore().save(account);
    keychain.key = 42;

    const loaded = await new SecureAccountStore().load();
    expect(loaded!.account).toEqual({
      ...account,
      password: '',
      supervision: { ...account.supervision, teamSecret: undefined },
      iceServers: [account.iceServers[0], { urls: account.iceServers[1].urls, username: 'turn-user' }],
    });
    expect(loaded!.account.supervision).not.toHaveProperty('teamSecret');
    expect(loaded!.problems).toHaveLength(3);
    expect(loaded!.problems[0]).toMatch(/^The saved SIP password can no longer be decrypted/);
    expect(loaded!.problems[1]).toMatch(/^The saved supervision team secret can no longer be decrypted/);
    expect(loaded!.problems[2]).toMatch(
      /^The saved credential of ICE server 2 \(turn:turn\.example\.com:3478\?transport=udp, turns:turn\.example\.com:5349\) can no longer be decrypted/,
    );
    expect(vi.mocked(console.warn).mock.calls).toEqual(loaded!.problems.map((p) => [`[ringside] ${p}`]));

    // Entering the secrets again saves them under the new key.
    await new SecureAccountStore().save(account);
    expect(await new SecureAccountStore().load()).toEqual({ account, source: 'settings', problems: [], secretsStorage: 'encrypted' });
  });

  it('without any secure storage keeps the secrets in memory only, and says so', async () => {
    keychain.available = false;
    const store = new SecureAccountStore({ platform: 'darwin' });
    expect(store.secretsStorage()).toBe('memory-only');
    await store.save(account);

    const text = readFileSync(settingsFile(), 'utf8');
    for (const secret of [PASSWORD, TEAM_SECRET, TURN_CREDENTIAL]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/Encrypted/);
    expect(await store.load()).toEqual({ account, source: 'settings', problems: [MEMORY_ONLY_NOTICE], secretsStorage: 'memory-only' });
  });
});

describe('SecureAccountStore on Linux with basic_text (Electron found no keyring)', () => {
  beforeEach(() => {
    keychain.backend = 'basic_text';
  });

  it('writes no secret to the settings file, not even encrypted, and reports it', async () => {
    const store = new SecureAccountStore({ platform: 'linux' });
    expect(store.secretsStorage()).toBe('memory-only');
    await store.save(account);

    const text = readFileSync(settingsFile(), 'utf8');
    for (const secret of [PASSWORD, TEAM_SECRET, TURN_CREDENTIAL]) expect(text).not.toContain(secret);
    // Not sealed with basic_text either: its key is public, so a "ciphertext" would be a clear copy.
    const saved = JSON.parse(text).account;
    expect(saved).not.toHaveProperty('password');
    expect(saved).not.toHaveProperty('passwordEncrypted');
    expect(saved.supervision).not.toHaveProperty('teamSecret');
    expect(saved.supervision).not.toHaveProperty('teamSecretEncrypted');
    expect(saved.iceServers[1]).toEqual({ urls: account.iceServers[1].urls, username: 'turn-user' });
    // The rest of the account is kept, so only the secrets need entering again after a restart.
    expect(saved.aor).toBe('sip:agent7@example.com');
    expect(saved.supervision.supervisors).toEqual(['sip:boss@example.com']);

    // A warning is reported at once, in the log...
    expect(vi.mocked(console.warn).mock.calls).toEqual([[`[ringside] ${MEMORY_ONLY_NOTICE}`]]);
    expect(MEMORY_ONLY_NOTICE).toMatch(/no secure storage.*in memory for this session only/);
    // ...and with the account for the rest of this run, which keeps every secret in memory.
    expect(await store.load()).toEqual({ account, source: 'settings', problems: [MEMORY_ONLY_NOTICE], secretsStorage: 'memory-only' });
  });

  it('after a restart the account comes back without its secrets, with the notice', async () => {
    await new SecureAccountStore({ platform: 'linux' }).save(account);

    const loaded = await new SecureAccountStore({ platform: 'linux' }).load();
    const { teamSecret: _teamSecret, ...supervision } = account.supervision;
    expect(loaded).toEqual({
      account: {
        ...account,
        password: '',
        supervision,
        iceServers: [account.iceServers[0], { urls: account.iceServers[1].urls, username: 'turn-user' }],
      },
      source: 'settings',
      problems: [MEMORY_ONLY_NOTICE],
      secretsStorage: 'memory-only',
    });
  });

  it('does not open secrets sealed earlier with a real keyring, and leaves them on disk until a save', async () => {
    keychain.backend = 'gnome_libsecret';
    await new SecureAccountStore({ platform: 'linux' }).save(account);
    const before = readFileSync(settingsFile(), 'utf8');
    keychain.backend = 'basic_text';

    const loaded = await new SecureAccountStore({ platform: 'linux' }).load();
    expect(loaded!.secretsStorage).toBe('memory-only');
    expect(loaded!.account.password).toBe('');
    expect(loaded!.problems[0]).toBe(MEMORY_ONLY_NOTICE);
    expect(loaded!.problems.slice(1)).toEqual([
      expect.stringMatching(/no secure storage .* saved SIP password cannot be read\. Enter it again in Settings for this session/),
      expect.stringMatching(/saved supervision team secret cannot be read/),
      expect.stringMatching(/saved credential of ICE server 2 .* cannot be read/),
    ]);
    expect(readFileSync(settingsFile(), 'utf8')).toBe(before);
  });

  it('saves sealed again once a keyring is back', async () => {
    const store = new SecureAccountStore({ platform: 'linux' });
    await store.save(account);
    keychain.backend = 'kwallet6';
    expect(store.secretsStorage()).toBe('encrypted');
    await store.save(account);
    const text = readFileSync(settingsFile(), 'utf8');
    for (const secret of [PASSWORD, TEAM_SECRET, TURN_CREDENTIAL]) expect(text).not.toContain(secret);
    expect(JSON.parse(text).account.passwordEncrypted).toEqual(expect.any(String));
    expect(await new SecureAccountStore({ platform: 'linux' }).load()).toEqual({ account, source: 'settings', problems: [], secretsStorage: 'encrypted' });
  });
});

describe('secretsStorageOf', () => {
  const storage = (available: boolean, backend: StorageBackend) => Object.assign(new FakeSafeStorage(), { available, backend });

  it('trusts a real keyring on Linux', () => {
    for (const backend of ['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6'] as const)
      expect(secretsStorageOf(storage(true, backend), 'linux')).toBe('encrypted');
  });

  it('treats basic_text, and a backend not known yet, as no storage on Linux', () => {
    expect(secretsStorageOf(storage(true, 'basic_text'), 'linux')).toBe('memory-only');
    expect(secretsStorageOf(storage(true, 'unknown'), 'linux')).toBe('memory-only');
  });

  it('asks for the backend only on Linux, where Electron has it', () => {
    for (const platform of ['darwin', 'win32'] as const) {
      const s = storage(true, 'basic_text');
      expect(secretsStorageOf(s, platform)).toBe('encrypted');
      expect(s.backendAsked).toBe(0);
    }
  });

  it('is memory-only wherever encryption is unavailable', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) expect(secretsStorageOf(storage(false, 'gnome_libsecret'), platform)).toBe('memory-only');
  });
});

describe('the audit log key', () => {
  it('is sealed in the settings file by the key store, and the same key comes back after a restart', async () => {
    const { statSync } = await import('node:fs');
    const { auditKey } = await import('../../../electron/core/compliance/audit-chain');
    const fallback = join(tmp.dir(), 'audit-key');
    const key = auditKey(new SecureAccountStore().auditKeyStore(fallback));
    const text = readFileSync(settingsFile(), 'utf8');
    expect(text).toContain('auditKeyEncrypted');
    expect(text).not.toContain(key.toString('base64'));
    expect(() => statSync(fallback)).toThrow();
    expect(auditKey(new SecureAccountStore().auditKeyStore(fallback)).equals(key)).toBe(true);
  });

  it('with basic_text it goes to a file only this user can read, never into the settings file', async () => {
    const { statSync } = await import('node:fs');
    const { auditKey } = await import('../../../electron/core/compliance/audit-chain');
    keychain.backend = 'basic_text';
    const fallback = join(tmp.dir(), 'audit-key');
    const key = auditKey(new SecureAccountStore().auditKeyStore(fallback));
    expect(statSync(fallback).mode & 0o777).toBe(0o600);
    let settings = '';
    try {
      settings = readFileSync(settingsFile(), 'utf8');
    } catch {
      // No settings file at all is fine too.
    }
    expect(settings).not.toContain('auditKey');
    expect(auditKey(new SecureAccountStore().auditKeyStore(fallback)).equals(key)).toBe(true);
  });
});
