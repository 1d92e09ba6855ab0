/**
 * The Electron account store: settings in electron-store (schema-validated), every secret of the
 * account (SIP password, supervision team secret, TURN credentials) encrypted with safeStorage
 * (OS keychain / DPAPI / libsecret) and never written in clear. Which fields are secrets and how
 * they are sealed is in account-secrets.ts; this file only wires it to Electron.
 *
 * A desktop with no keychain gets no disk copy of the secrets at all: they are kept in memory
 * for this run only, and every load says so (`secretsStorage: 'memory-only'` and a problem).
 */
import { app, safeStorage, type SafeStorage } from 'electron';
import Store from 'electron-store';
import { accountSchema, type Account } from '../../shared/account';
import { fileKeyStore, type AuditKeyStore } from '../core/compliance/audit-chain';
import type { AccountStore, StoredAccount } from '../core/sip/account-store';
import { openAccount, sealAccount, stripSecrets, type SealedAccount, type SecretCipher } from './account-secrets';

interface Persisted {
  account?: SealedAccount;
  /** The audit log's key, sealed by the OS key store like the password. */
  auditKeyEncrypted?: string;
}

/**
 * Where this run keeps the account's secrets: sealed by the OS keychain in the settings file, or
 * only in memory (gone at the next start) because this desktop has nothing safe to seal them with.
 */
export type SecretsStorage = 'encrypted' | 'memory-only';

/** A loaded account, with the reasons (in words) why some of its secrets could not be read. */
export type SecureStoredAccount = StoredAccount & { problems: readonly string[]; secretsStorage: SecretsStorage };

/** Said with every account loaded while the secrets are kept in memory only. */
export const MEMORY_ONLY_NOTICE =
  'This desktop has no secure storage for passwords (no system keychain such as GNOME Keyring or KWallet), so the SIP password ' +
  'and the other secrets of the account are kept in memory for this session only and are not saved: enter them again after ' +
  'restarting Ringside, or ask your administrator for a provisioning file.';

/**
 * Whether safeStorage can protect a secret here. On Linux with no keyring Electron falls back to
 * `basic_text`, whose key is fixed in Chromium's source: what it "encrypts" anyone can read, so
 * it counts as no storage at all. `unknown` (only before the app is ready) counts the same, as
 * does any backend not yet known to be a keyring.
 */
export function secretsStorageOf(
  storage: Pick<SafeStorage, 'isEncryptionAvailable' | 'getSelectedStorageBackend'>,
  platform: NodeJS.Platform = process.platform,
): SecretsStorage {
  if (!storage.isEncryptionAvailable()) return 'memory-only';
  if (platform !== 'linux') return 'encrypted';
  return KEYRINGS.has(storage.getSelectedStorageBackend()) ? 'encrypted' : 'memory-only';
}

const KEYRINGS: ReadonlySet<string> = new Set(['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6']);

export interface SecureAccountStoreOptions {
  /** The platform whose rules apply to safeStorage (tests pin it). */
  platform?: NodeJS.Platform;
}

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

  private readonly platform: NodeJS.Platform;
  private readonly cipher: SecretCipher;
  /** The account saved this run while secrets are memory-only, secrets included. */
  private remembered: Account | null = null;

  constructor({ platform = process.platform }: SecureAccountStoreOptions = {}) {
    this.platform = platform;
    this.cipher = {
      available: () => this.secretsStorage() === 'encrypted',
      encrypt: (plain) => safeStorage.encryptString(plain).toString('base64'),
      decrypt: (sealed) => safeStorage.decryptString(Buffer.from(sealed, 'base64')),
    };
  }

  /** Where secrets go if saved now; what Settings should tell the agent about the password. */
  secretsStorage(): SecretsStorage {
    return secretsStorageOf(safeStorage, this.platform);
  }

  /**
   * Where the audit log's key is kept: sealed in the settings file by the OS key store, or, with
   * none worth the name, in a file only this user can read (`fallbackPath`) — a key for this run
   * only would leave every earlier record unverifiable.
   */
  auditKeyStore(fallbackPath: string): AuditKeyStore {
    if (this.secretsStorage() !== 'encrypted') return fileKeyStore(fallbackPath);
    return {
      load: () => {
        const sealed = this.store.get('auditKeyEncrypted');
        if (typeof sealed !== 'string') return null;
        try {
          const key = Buffer.from(this.cipher.decrypt(sealed), 'base64');
          return key.length >= 32 ? key : null;
        } catch {
          return null;
        }
      },
      save: (key) => this.store.set('auditKeyEncrypted', this.cipher.encrypt(key.toString('base64'))),
    };
  }

  async load(): Promise<SecureStoredAccount | null> {
    const secretsStorage = this.secretsStorage();
    if (secretsStorage === 'memory-only' && this.remembered) {
      return { account: this.remembered, source: 'settings', problems: [MEMORY_ONLY_NOTICE], secretsStorage };
    }
    const saved = this.store.get('account');
    if (!saved) return null;
    const opened = openAccount(saved, this.cipher);
    const { candidate, resealed } = opened;
    const problems = secretsStorage === 'memory-only' ? [MEMORY_ONLY_NOTICE, ...opened.problems] : opened.problems;
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
    return { account: parsed.data, source: 'settings', problems, secretsStorage };
  }

  async save(account: Account): Promise<void> {
    if (this.secretsStorage() === 'encrypted') {
      this.store.set('account', sealAccount(account, this.cipher));
      this.remembered = null;
      return;
    }
    // The rest of the account is saved; the secrets live in this process until it ends.
    this.store.set('account', stripSecrets(account));
    this.remembered = account;
    console.warn(`[ringside] ${MEMORY_ONLY_NOTICE}`);
  }
}
