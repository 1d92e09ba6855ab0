// The shell's account store in Node: `electron` is a stand-in whose safeStorage encrypts with a
// key the test can change (as a reset keychain would), and whose userData is a temp folder.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { accountSchema, type Account } from '../../../shared/account';
import { tempDirPerTest } from '../../support/temp-dir';

const keychain = vi.hoisted(() => ({ userData: '', key: 7, available: true }));

vi.mock('electron', () => {
  const xor = (bytes: Buffer, key: number) => Buffer.from(bytes.map((b) => b ^ key));
  const safeStorage = {
    isEncryptionAvailable: () => keychain.available,
    encryptString: (plain: string) => Buffer.concat([Buffer.from([keychain.key]), xor(Buffer.from(plain, 'utf8'), keychain.key)]),
    decryptString: (sealed: Buffer) => {
      // Like Electron: a ciphertext made under another key is refused, not decrypted to garbage.
      if (sealed[0] !== keychain.key) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return xor(sealed.subarray(1), keychain.key).toString('utf8');
    },
  };
  const app = { getPath: () => keychain.userData, getVersion: () => '0.0.0-test' };
  const ipcMain = { on: () => undefined };
  return { default: { app, ipcMain, safeStorage }, app, ipcMain, safeStorage };
});

// electron-store is loaded by Node itself, outside the stand-in above, and the real `electron`
// package cannot load in plain Node. What electron-store adds to conf is only the Electron
// lookups (folder, version), so the stand-in is conf with the same option names.
vi.mock('electron-store', async () => {
  const { default: Conf } = await import('conf');
  class ElectronStore extends Conf<Record<string, unknown>> {
    constructor({ name, ...options }: { name?: string; cwd?: string } & Record<string, unknown>) {
      super({ ...options, configName: name ?? 'config', cwd: options.cwd ?? keychain.userData });
    }
  }
  return { default: ElectronStore };
});

const { SecureAccountStore } = await import('../../../electron/shell/secure-account-store');

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

beforeEach(() => {
  keychain.userData = tmp.dir();
  keychain.key = 7;
  keychain.available = true;
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
    expect(loaded).toEqual({ account, source: 'settings', problems: [] });
  });

  it('migrates a settings file from the previous version: clear secrets are re-saved encrypted, nothing lost', async () => {
    // The previous version sealed only the password; team secret and TURN credential were in clear.
    const { password, ...rest } = account;
    const sealedPassword = Buffer.concat([Buffer.from([7]), Buffer.from([...Buffer.from(password)].map((b) => b ^ 7))]).toString('base64');
    writeFileSync(settingsFile(), JSON.stringify({ account: { ...rest, passwordEncrypted: sealedPassword } }, null, '\t'));
    expect(readFileSync(settingsFile(), 'utf8')).toContain(TEAM_SECRET);

    const loaded = await new SecureAccountStore().load();
    expect(loaded).toEqual({ account, source: 'settings', problems: [] });

    const text = readFileSync(settingsFile(), 'utf8');
    for (const secret of [PASSWORD, TEAM_SECRET, TURN_CREDENTIAL]) expect(text).not.toContain(secret);
    // The password's ciphertext was already fine and is kept as it was.
    expect(JSON.parse(text).account.passwordEncrypted).toBe(sealedPassword);
    expect(await new SecureAccountStore().load()).toEqual({ account, source: 'settings', problems: [] });
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
    expect(await new SecureAccountStore().load()).toEqual({ account, source: 'settings', problems: [] });
  });

  it('refuses to save without secure storage and writes nothing', async () => {
    keychain.available = false;
    await expect(new SecureAccountStore().save(account)).rejects.toThrow(/no secure storage/);
    expect(existsSync(settingsFile())).toBe(false);
  });
});
