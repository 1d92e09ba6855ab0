/**
 * The Electron account store: settings in electron-store (schema-validated), every secret of the
 * account (SIP password, supervision team secret, TURN credentials) encrypted with safeStorage
 * (OS keychain / DPAPI / libsecret) and never written in clear. Which fields are secrets and how
 * they are sealed is in account-secrets.ts; this file only wires it to Electron.
 */
import { app, safeStorage } from 'electron';
import Store from 'electron-store';
import { accountSchema, type Account } from '../../shared/account';
import { RingsideError } from '../../shared/result';
import type { AccountStore, StoredAccount } from '../core/sip/account-store';
import { openAccount, sealAccount, type SealedAccount, type SecretCipher } from './account-secrets';

interface Persisted {
  account?: SealedAccount;
}

/** A loaded account, with the reasons (in words) why some of its secrets could not be read. */
export type SecureStoredAccount = StoredAccount & { problems: readonly string[] };

const safeStorageCipher: SecretCipher = {
  available: () => safeStorage.isEncryptionAvailable(),
  encrypt: (plain) => safeStorage.encryptString(plain).toString('base64'),
  decrypt: (sealed) => safeStorage.decryptString(Buffer.from(sealed, 'base64')),
};

export class SecureAccountStore implements AccountStore {
  private readonly store = new Store<Persisted>({
    name: 'settings',
    // The same folder electron-store picks by itself, named here so that it does not depend on
    // electron-store finding Electron's `app` on its own.
    cwd: app.getPath('userData'),
    clearInvalidConfig: false,
    schema: {
      account: {
        type: 'object',
        properties: {
          server: { type: 'string' },
          aor: { type: 'string' },
          passwordEncrypted: { type: 'string' },
        },
        // No passwordEncrypted required: a file with a clear password is loaded and re-sealed.
        required: ['server', 'aor'],
      },
    },
  });

  async load(): Promise<SecureStoredAccount | null> {
    const saved = this.store.get('account');
    if (!saved) return null;
    const { candidate, problems, resealed } = openAccount(saved, safeStorageCipher);
    if (resealed) {
      try {
        this.store.set('account', resealed);
      } catch (error) {
        // The account still loads; the clear secrets stay until the next save succeeds.
        console.warn('[ringside] could not re-save the account with its secrets encrypted', error);
      }
    }
    for (const problem of problems) console.warn(`[ringside] ${problem}`);
    const parsed = accountSchema.safeParse(candidate);
    if (!parsed.success) {
      console.warn(`[ringside] the saved account is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return null;
    }
    return { account: parsed.data, source: 'settings', problems };
  }

  async save(account: Account): Promise<void> {
    if (!safeStorageCipher.available()) {
      throw new RingsideError(
        'invalid-account',
        'This desktop has no secure storage for the password (no keychain): ask your administrator for a provisioning file.',
      );
    }
    this.store.set('account', sealAccount(account, safeStorageCipher));
  }
}
