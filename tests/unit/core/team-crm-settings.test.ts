// The account's team database and CRM endpoint: how a save from Settings keeps their secrets
// (only for the same address), what Settings may see of them, and how they go to disk.
import { describe, expect, it } from 'vitest';
import { accountSchema, type AccountInput } from '../../../shared/account';
import { withSavedSecrets } from '../../../electron/core/sip/account-store';
import { teamAgentId, teamSettingsView } from '../../../electron/core/sip/sip-line';
import { openAccount, sealAccount, stripSecrets, type SecretCipher } from '../../../electron/shell/account-secrets';

const WHSEC = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const DB_PASSWORD = 'db-pass-Łódź-42';
const input: AccountInput = {
  server: 'wss://pbx.example.com/ws',
  aor: 'sip:anna.k@pbx.example.com',
  password: 'pw',
  crm: { url: 'https://crm.example.com/hooks/ringside', secret: WHSEC },
  team: { name: 'Warsaw outbound', database: { url: 'postgres://agent_anna@db.example.com:5432/ringside', password: DB_PASSWORD } },
};
const saved = accountSchema.parse(input);

const cipher: SecretCipher = {
  available: () => true,
  encrypt: (plain) => Buffer.from(plain).toString('base64').split('').reverse().join(''),
  decrypt: (sealed) => Buffer.from(sealed.split('').reverse().join(''), 'base64').toString(),
};

describe('team and CRM settings', () => {
  it('refuse a database address with a password in it, and a CRM address that is not https', () => {
    const bad = accountSchema.safeParse({
      ...input,
      crm: { url: 'http://crm.example.com/hook' },
      team: { name: 'T', database: { url: 'postgres://anna:secret@db.example.com/ringside' } },
    });
    expect(bad.success).toBe(false);
    const messages = bad.success ? [] : bad.error.issues.map((i) => i.message);
    expect(messages.join(' | ')).toMatch(/https:\/\/ address/);
    expect(messages.join(' | ')).toMatch(/without a password in it/);
  });

  it('an empty secret and password from Settings keep the saved ones for the same addresses only', () => {
    const form = accountSchema.parse({
      ...input,
      password: '',
      crm: { url: input.crm!.url },
      team: { ...input.team!, database: { url: input.team!.database.url } },
    });
    const kept = withSavedSecrets(form, saved);
    expect(kept.crm?.secret).toBe(WHSEC);
    expect(kept.team?.database.password).toBe(DB_PASSWORD);
    // Another receiver or another database never gets them.
    const moved = accountSchema.parse({
      ...input,
      crm: { url: 'https://other-crm.example.net/hook' },
      team: { ...input.team!, database: { url: 'postgres://agent_anna@evil.example.net/ringside' } },
    });
    const elsewhere = withSavedSecrets(moved, saved);
    expect(elsewhere.crm?.secret).toBeUndefined();
    expect(elsewhere.team?.database.password).toBeUndefined();
  });

  it('Settings sees whether a secret is saved, never the secret; the agent is its SIP user unless named', () => {
    const view = teamSettingsView(saved.team!, saved.aor);
    expect(JSON.stringify(view)).not.toContain(DB_PASSWORD);
    expect(view).toMatchObject({ name: 'Warsaw outbound', agentId: 'anna.k', database: { hasPassword: true, ssl: 'verify-full' } });
    expect(teamAgentId({ agentId: 'AK-07' }, saved.aor)).toBe('AK-07');
  });

  it('on disk both secrets are encrypted, and they come back as they were', () => {
    const sealed = sealAccount(saved, cipher);
    const disk = JSON.stringify(sealed);
    expect(disk).not.toContain(WHSEC);
    expect(disk).not.toContain(DB_PASSWORD);
    expect(sealed.crm).toMatchObject({ url: input.crm!.url, secretEncrypted: expect.any(String) });
    expect(sealed.team?.database).toMatchObject({ url: input.team!.database.url, passwordEncrypted: expect.any(String) });
    const opened = openAccount(sealed, cipher);
    expect(opened.problems).toEqual([]);
    expect(accountSchema.parse(opened.candidate)).toEqual(saved);
  });

  it('a secret that no longer decrypts is named, and the rest of the account loads', () => {
    const sealed = sealAccount(saved, cipher);
    const broken = { ...sealed, team: { ...sealed.team!, database: { ...sealed.team!.database, passwordEncrypted: '!!not-base64!!' } } };
    const opened = openAccount(broken, {
      ...cipher,
      decrypt: (s) =>
        s.startsWith('!!')
          ? (() => {
              throw new Error('bad');
            })()
          : cipher.decrypt(s),
    });
    expect(opened.problems.join(' ')).toMatch(/team database password can no longer be decrypted/);
    const account = accountSchema.parse(opened.candidate);
    expect(account.team?.database.password).toBeUndefined();
    expect(account.crm?.secret).toBe(WHSEC);
  });

  it('without a keychain nothing secret is written at all', () => {
    const disk = JSON.stringify(stripSecrets(saved));
    expect(disk).not.toContain(WHSEC);
    expect(disk).not.toContain(DB_PASSWORD);
    expect(disk).toContain('Warsaw outbound');
  });
});
