/**
 * Where the SIP account comes from. The core sees only this interface: the Electron shell keeps
 * it in electron-store with the password encrypted by safeStorage; headless and browser mode
 * read a provisioning file (RINGSIDE_CONFIG) that a call center hands out.
 */
import { readFile } from 'node:fs/promises';
import { accountSchema, iceServerUrls, type Account, type IceServer } from '../../../shared/account.js';
import { RingsideError } from '../../../shared/result.js';

export interface StoredAccount {
  account: Account;
  source: 'settings' | 'provisioned';
  /** Where the secrets are kept (default: encrypted, or a provisioning file the call center protects). */
  secretsStorage?: 'encrypted' | 'memory-only';
  /** What went wrong reading it, for the agent to see. */
  problems?: readonly string[];
}

export interface AccountStore {
  load(): Promise<StoredAccount | null>;
  /** Persists the account; throws RingsideError('invalid-account') if it cannot be changed. */
  save(account: Account): Promise<void>;
  /** Where a saved secret would go now, when the store can tell. */
  secretsStorage?(): 'encrypted' | 'memory-only';
}

/** Reads and validates a provisioning file: `{ "account": { server, aor, password, ... } }`. */
export async function readProvisioningFile(path: string): Promise<Account> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new RingsideError('invalid-account', `Cannot read the provisioning file ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RingsideError('invalid-account', `The provisioning file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  const candidate = json && typeof json === 'object' && 'account' in json ? (json as { account: unknown }).account : json;
  const parsed = accountSchema.safeParse(candidate);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'account'}: ${i.message}`).join('; ');
    throw new RingsideError('invalid-account', `The provisioning file ${path} has an invalid account: ${issues}`);
  }
  return parsed.data;
}

/** A provisioned account is fixed: the agent cannot edit it from the UI. */
export class ProvisionedAccountStore implements AccountStore {
  constructor(private readonly account: Account) {}
  async load(): Promise<StoredAccount> {
    return { account: this.account, source: 'provisioned' };
  }
  async save(): Promise<void> {
    throw new RingsideError('invalid-account', 'This account is provisioned by your call center and cannot be changed here.');
  }
}

/** Browser mode without a provisioning file: kept in memory only (no safeStorage to encrypt with). */
export class MemoryAccountStore implements AccountStore {
  private account: Account | null = null;
  async load(): Promise<StoredAccount | null> {
    return this.account ? { account: this.account, source: 'settings' } : null;
  }
  async save(account: Account): Promise<void> {
    this.account = account;
  }
}

/**
 * An account saved from Settings keeps the secrets the form never sees: an empty password keeps
 * the saved one; the team secret is write-only too — absent keeps it, '' removes it; so is an ICE
 * server's password or shared secret, kept only for the same addresses and the same kind of
 * credential, so that a secret never goes to another server.
 */
export function withSavedSecrets(account: Account, saved: Account | null): Account {
  const withPassword = account.password === '' && saved ? { ...account, password: saved.password } : account;
  const { teamSecret, ...supervision } = withPassword.supervision;
  const secret = teamSecret === undefined ? saved?.supervision.teamSecret : teamSecret;
  const iceServers = withPassword.iceServers.map((server) => {
    const { credential, ...open } = server;
    if (credential !== undefined) return credential === '' ? open : server;
    const kept = saved?.iceServers.find((s) => sameIceServer(s, server))?.credential;
    return kept ? { ...open, credential: kept } : open;
  });
  return {
    ...withPassword,
    supervision: secret ? { ...supervision, teamSecret: secret } : supervision,
    iceServers,
    ...keptCrmSecret(withPassword.crm, saved?.crm),
    ...keptDatabasePassword(withPassword.team, saved?.team),
  };
}

/** The CRM signing secret, kept only for the same address: a secret never signs for another receiver. */
function keptCrmSecret(crm: Account['crm'], saved: Account['crm']): Pick<Account, 'crm'> {
  if (!crm) return {};
  if (crm.secret !== undefined) return { crm: crm.secret === '' ? { ...crm, secret: undefined } : crm };
  return { crm: saved?.secret && saved.url === crm.url ? { ...crm, secret: saved.secret } : crm };
}

/** The team database password, kept only for the same address and user. */
function keptDatabasePassword(team: Account['team'], saved: Account['team']): Pick<Account, 'team'> {
  if (!team) return {};
  const { password } = team.database;
  if (password !== undefined && password !== '') return { team };
  const kept = password === undefined && saved?.database.password && saved.database.url === team.database.url ? saved.database.password : undefined;
  return { team: { ...team, database: { ...team.database, password: kept } } };
}

function sameIceServer(a: IceServer, b: IceServer): boolean {
  const urls = (s: IceServer) => iceServerUrls(s).join(' ').toLowerCase();
  return urls(a) === urls(b) && (a.credentialType ?? 'password') === (b.credentialType ?? 'password');
}
