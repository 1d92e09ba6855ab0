/**
 * The Electron account store: settings in electron-store (schema-validated), the SIP password
 * encrypted with safeStorage (OS keychain / DPAPI / libsecret) and never written in clear.
 */
import { safeStorage } from 'electron';
import Store from 'electron-store';
import { accountSchema, type Account } from '../../shared/account';
import { RingsideError } from '../../shared/result';
import type { AccountStore, StoredAccount } from '../core/account-store';

interface Persisted {
  account?: Omit<Account, 'password'> & { passwordEncrypted: string };
}

export class SecureAccountStore implements AccountStore {
  private readonly store = new Store<Persisted>({
    name: 'settings',
    clearInvalidConfig: false,
    schema: {
      account: {
        type: 'object',
        properties: {
          server: { type: 'string' },
          aor: { type: 'string' },
          passwordEncrypted: { type: 'string' },
        },
        required: ['server', 'aor', 'passwordEncrypted'],
      },
    },
  });

  async load(): Promise<StoredAccount | null> {
    const saved = this.store.get('account');
    if (!saved) return null;
    const { passwordEncrypted, ...rest } = saved;
    const password = passwordEncrypted && safeStorage.isEncryptionAvailable() ? safeStorage.decryptString(Buffer.from(passwordEncrypted, 'base64')) : '';
    const parsed = accountSchema.safeParse({ ...rest, password });
    return parsed.success ? { account: parsed.data, source: 'settings' } : null;
  }

  async save(account: Account): Promise<void> {
    if (!safeStorage.isEncryptionAvailable()) {
      throw new RingsideError('invalid-account', 'This desktop has no secure storage for the password (no keychain): ask your administrator for a provisioning file.');
    }
    const { password, ...rest } = account;
    this.store.set('account', { ...rest, passwordEncrypted: safeStorage.encryptString(password).toString('base64') });
  }
}
