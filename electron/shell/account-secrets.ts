/**
 * The secret fields of an account and how the settings file keeps them: each one encrypted next
 * to where it lives (`passwordEncrypted`, `supervision.teamSecretEncrypted`,
 * `iceServers[i].credentialEncrypted`, `crm.secretEncrypted`, `team.database.passwordEncrypted`),
 * never in clear; without a safe cipher, not at all. The
 * cipher is a parameter so that this walk over the fields needs no Electron; the shell passes
 * safeStorage.
 */
import type { Account } from '../../shared/account';

/** Encrypts to and from base64 text; `decrypt` throws when the text cannot be decrypted. */
export interface SecretCipher {
  /** Whether what it encrypts is actually protected; when false nothing is sealed with it, nor opened. */
  available(): boolean;
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
}

type IceServer = Account['iceServers'][number];

/** One ICE server as saved. A clear `credential` only comes from an older version's file. */
export type SealedIceServer = Omit<IceServer, 'credential'> & { credential?: string; credentialEncrypted?: string };

/**
 * The account as the settings file holds it. The clear fields are optional because an older
 * version wrote the team secret and the TURN credentials in clear; loading re-saves them sealed.
 */
type Crm = NonNullable<Account['crm']>;
type Team = NonNullable<Account['team']>;
export type SealedCrm = Omit<Crm, 'secret'> & { secret?: string; secretEncrypted?: string };
export type SealedTeam = Omit<Team, 'database'> & { database: Omit<Team['database'], 'password'> & { password?: string; passwordEncrypted?: string } };

export type SealedAccount = Omit<Account, 'password' | 'supervision' | 'iceServers' | 'crm' | 'team'> & {
  password?: string;
  passwordEncrypted?: string;
  supervision?: Omit<Account['supervision'], 'teamSecret'> & { teamSecret?: string; teamSecretEncrypted?: string };
  iceServers?: SealedIceServer[];
  crm?: SealedCrm;
  team?: SealedTeam;
};

export interface OpenedAccount {
  /** The account with its secrets in clear, still to be validated; a secret that could not be read is left out. */
  candidate: Record<string, unknown>;
  /** Why a secret could not be read, in words for the agent. */
  problems: string[];
  /** The record to write back when clear secrets were found, sealed; null when the file is fine as it is. */
  resealed: SealedAccount | null;
}

/** The account as it goes to disk: every secret encrypted, none in clear. */
export function sealAccount(account: Account, cipher: SecretCipher): SealedAccount {
  const { password, supervision, iceServers, crm, team, ...rest } = account;
  const { teamSecret, ...openSupervision } = supervision;
  return {
    ...rest,
    ...(crm ? { crm: sealCrm(crm, cipher) } : {}),
    ...(team ? { team: sealTeam(team, cipher) } : {}),
    passwordEncrypted: cipher.encrypt(password),
    supervision: teamSecret === undefined ? openSupervision : { ...openSupervision, teamSecretEncrypted: cipher.encrypt(teamSecret) },
    iceServers: iceServers.map(({ credential, ...server }) =>
      credential === undefined ? server : { ...server, credentialEncrypted: cipher.encrypt(credential) },
    ),
  };
}

/**
 * The account with no secret at all, for a desktop with no safe place to keep them: the rest is
 * saved so that only the secrets need entering again after a restart.
 */
export function stripSecrets(account: Account): SealedAccount {
  const { password: _password, supervision, iceServers, crm, team, ...rest } = account;
  const { teamSecret: _teamSecret, ...openSupervision } = supervision;
  return {
    ...rest,
    ...(crm ? { crm: withoutKey(crm, 'secret') } : {}),
    ...(team ? { team: { ...team, database: withoutKey(team.database, 'password') } } : {}),
    supervision: openSupervision,
    iceServers: iceServers.map(({ credential: _credential, ...server }) => server),
  };
}

function withoutKey<T extends object, K extends keyof T>(o: T, key: K): Omit<T, K> {
  const { [key]: _dropped, ...rest } = o;
  return rest;
}

function sealCrm(crm: Crm, cipher: SecretCipher): SealedCrm {
  const { secret, ...open } = crm;
  return secret === undefined ? open : { ...open, secretEncrypted: cipher.encrypt(secret) };
}

function sealTeam(team: Team, cipher: SecretCipher): SealedTeam {
  const { password, ...database } = team.database;
  return { ...team, database: password === undefined ? database : { ...database, passwordEncrypted: cipher.encrypt(password) } };
}

interface OpenedSecret {
  value?: string;
  /** What the file should hold for this secret after loading. */
  sealed?: string;
  /** The file held it in clear, so it must be rewritten. */
  wasClear: boolean;
}

function unreadable(what: string): string {
  return (
    `The saved ${what} can no longer be decrypted on this computer (the system keychain was reset, ` +
    `or the settings come from another computer or user account). Enter it again in Settings; the rest of the account is kept.`
  );
}

function noKeychain(what: string): string {
  return (
    `This desktop has no secure storage (no system keychain), so the saved ${what} cannot be read. ` +
    `Enter it again in Settings for this session, or ask your administrator for a provisioning file.`
  );
}

function openSecret(what: string, clear: unknown, sealed: unknown, cipher: SecretCipher, problems: string[]): OpenedSecret {
  const wasClear = typeof clear === 'string';
  if (typeof sealed === 'string') {
    if (!cipher.available()) {
      problems.push(noKeychain(what));
      return { sealed, wasClear };
    }
    try {
      return { value: cipher.decrypt(sealed), sealed, wasClear };
    } catch {
      // A clear copy beside it (a hand-edited file) is still the agent's secret: use and seal it.
      if (wasClear) return { value: clear as string, sealed: cipher.encrypt(clear as string), wasClear };
      problems.push(unreadable(what));
      // The ciphertext stays on disk untouched: the keychain may come back.
      return { sealed, wasClear };
    }
  }
  if (!wasClear) return { wasClear };
  return { value: clear as string, sealed: cipher.available() ? cipher.encrypt(clear as string) : undefined, wasClear };
}

function urlsOf(server: { urls?: unknown }): string {
  return Array.isArray(server.urls) ? server.urls.join(', ') : String(server.urls ?? '');
}

/**
 * Decrypts what it can of a saved account. A secret that does not decrypt is reported in
 * `problems` and left out, so the rest of the account still loads; clear secrets from an older
 * version's file are sealed in `resealed`, with every ciphertext already there kept as it was.
 */
export function openAccount(saved: SealedAccount, cipher: SecretCipher): OpenedAccount {
  const problems: string[] = [];
  const { password, passwordEncrypted, supervision, iceServers, crm, team, ...rest } = saved;
  let wasClear = false;

  const pw = openSecret('SIP password', password, passwordEncrypted, cipher, problems);
  wasClear ||= pw.wasClear;
  const candidate: Record<string, unknown> = { ...rest, password: pw.value ?? '' };
  const resealed: SealedAccount = { ...rest };
  if (pw.sealed !== undefined) resealed.passwordEncrypted = pw.sealed;
  else if (pw.value !== undefined) resealed.password = pw.value;

  if (supervision && typeof supervision === 'object') {
    const { teamSecret, teamSecretEncrypted, ...openSupervision } = supervision;
    const ts = openSecret('supervision team secret', teamSecret, teamSecretEncrypted, cipher, problems);
    wasClear ||= ts.wasClear;
    candidate.supervision = ts.value === undefined ? openSupervision : { ...openSupervision, teamSecret: ts.value };
    resealed.supervision =
      ts.sealed !== undefined
        ? { ...openSupervision, teamSecretEncrypted: ts.sealed }
        : ts.value !== undefined
          ? { ...openSupervision, teamSecret: ts.value }
          : openSupervision;
  } else if (supervision !== undefined) {
    candidate.supervision = supervision;
    resealed.supervision = supervision;
  }

  if (Array.isArray(iceServers)) {
    const opened = iceServers.map((server, i) => {
      const { credential, credentialEncrypted, ...openServer } = server;
      const c = openSecret(`credential of ICE server ${i + 1} (${urlsOf(openServer)})`, credential, credentialEncrypted, cipher, problems);
      wasClear ||= c.wasClear;
      return {
        open: c.value === undefined ? openServer : { ...openServer, credential: c.value },
        sealed:
          c.sealed !== undefined
            ? { ...openServer, credentialEncrypted: c.sealed }
            : c.value !== undefined
              ? { ...openServer, credential: c.value }
              : openServer,
      };
    });
    candidate.iceServers = opened.map((o) => o.open);
    resealed.iceServers = opened.map((o) => o.sealed);
  } else if (iceServers !== undefined) {
    candidate.iceServers = iceServers;
    resealed.iceServers = iceServers;
  }

  if (crm && typeof crm === 'object') {
    const { secret, secretEncrypted, ...openCrm } = crm;
    const c = openSecret('CRM signing secret', secret, secretEncrypted, cipher, problems);
    wasClear ||= c.wasClear;
    candidate.crm = c.value === undefined ? openCrm : { ...openCrm, secret: c.value };
    resealed.crm = c.sealed !== undefined ? { ...openCrm, secretEncrypted: c.sealed } : c.value !== undefined ? { ...openCrm, secret: c.value } : openCrm;
  }

  if (team && typeof team === 'object' && team.database && typeof team.database === 'object') {
    const { password: dbPassword, passwordEncrypted: dbSealed, ...database } = team.database;
    const d = openSecret('team database password', dbPassword, dbSealed, cipher, problems);
    wasClear ||= d.wasClear;
    candidate.team = { ...team, database: d.value === undefined ? database : { ...database, password: d.value } };
    resealed.team = {
      ...team,
      database: d.sealed !== undefined ? { ...database, passwordEncrypted: d.sealed } : d.value !== undefined ? { ...database, password: d.value } : database,
    };
  } else if (team !== undefined) {
    candidate.team = team;
    resealed.team = team;
  }

  // Without a keychain the clear secrets cannot be sealed: the file stays as it is until they can.
  return { candidate, problems, resealed: wasClear && cipher.available() ? resealed : null };
}
