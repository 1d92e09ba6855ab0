/**
 * Team mode: agents of one team share a PostgreSQL database (the lead pool, the internal DNC
 * list, campaigns, results). A single agent or home worker keeps the embedded SQLite file and has
 * no team settings at all.
 */
import { z } from 'zod';

/** How the connection to the team's database is protected. */
export const teamSslModes = ['disable', 'require', 'verify-full'] as const;
export type TeamSslMode = (typeof teamSslModes)[number];

export const teamDatabaseSchema = z.object({
  /**
   * A libpq-style URL without the password, e.g. postgres://agent_anna@db.example.com:5432/ringside.
   * The password is a secret: it lives in the encrypted secret store, never in this URL or a settings file.
   */
  url: z
    .string()
    .trim()
    .max(1024)
    .refine((s) => {
      try {
        const u = new URL(s);
        return (u.protocol === 'postgres:' || u.protocol === 'postgresql:') && u.hostname.length > 0 && u.pathname.length > 1 && !u.password;
      } catch {
        return false;
      }
    }, 'The team database must be a postgres:// address with a host and a database name, and without a password in it (e.g. postgres://agent@db.example.com:5432/ringside)'),
  password: z.string().max(1024).optional(),
  /** verify-full checks the server's certificate and name; disable is for a database on this machine only. */
  ssl: z.enum(teamSslModes).default('verify-full'),
  /** A PEM file with the CA that signed the server's certificate (else the system's CAs). */
  caFile: z.string().max(4096).optional(),
  /** No statement may hold a connection (and the agent) longer than this. */
  statementTimeoutMs: z.number().int().min(100).max(120_000).default(5000),
  poolMax: z.number().int().min(1).max(32).default(4),
});
export type TeamDatabase = z.infer<typeof teamDatabaseSchema>;

/** Team mode as the account (provisioning file or Settings) gives it. */
export const teamSettingsSchema = z.object({
  /** Shown to agents and supervisors ("Warsaw outbound"). */
  name: z.string().trim().min(1, 'The team needs a name').max(80),
  /**
   * Who this agent is in the shared data (on claims, dispositions, results): the SIP user by
   * default. Letters, digits and . _ - @ only, so it reads the same in every report.
   */
  agentId: z
    .string()
    .trim()
    .max(64)
    .regex(/^[A-Za-z0-9._@-]*$/, 'The agent name in the team may hold letters, digits and . _ - @ only')
    .optional(),
  database: teamDatabaseSchema,
});
export type TeamSettings = z.infer<typeof teamSettingsSchema>;

/** The agent's name in the team when none is set: the user part of its SIP address, in the characters an agent name allows. */
export function defaultAgentId(aor: string): string {
  const user = /^sips?:([^@;]+)@/i.exec(aor.trim())?.[1] ?? aor;
  return user.replace(/[^A-Za-z0-9._@-]/g, '_').slice(0, 64);
}

/** The team database as Settings shows it: never the password, only whether one is saved. */
export interface TeamSettingsView {
  name: string;
  agentId: string;
  database: Omit<TeamDatabase, 'password'> & { hasPassword: boolean };
}

/** What every window shows of the shared store: which one, and whether it answers. */
export interface TeamStatusView {
  mode: 'solo' | 'team';
  /** Team mode only. */
  team: string | null;
  agentId: string | null;
  /** host:port/database, for the status line (no user, no password). */
  where: string | null;
  /** 'up': answering; 'down': unreachable since `since` — no new lead is claimed, dispositions wait locally. */
  state: 'up' | 'down';
  since: number | null;
  /** The last connection problem, in words. */
  problem: string | null;
  /** Results kept on this desktop while the database was unreachable, not written yet. */
  waiting: number;
}

/** The answer to "Test connection" in Settings. */
export interface TeamTestResult {
  /** e.g. "PostgreSQL 15.8". */
  server: string;
  /** The schema version found (0: empty database, Ringside will create its tables). */
  schemaVersion: number;
  /** What the database holds already (a new team database: zeros). */
  campaigns: number;
  leads: number;
  /** The database user this connection is (with row-level security, the agent's name in the team must be it). */
  login: string;
  /** The team's least-privilege setup is in force (row-level security on leads). */
  rowSecurity: boolean;
}

/** One agent's results on one campaign over a period, from the shared data. */
export interface TeamResultsRow {
  /** The agent's name in the team (null: results written before team mode, or by a solo desktop). */
  agent: string | null;
  campaignId: number;
  campaign: string;
  /** Calls placed or taken for the campaign's leads. */
  calls: number;
  /** Of those, answered. */
  connected: number;
  talkSec: number;
  dispositions: number;
  /** Dispositions whose code counts as a success on the campaign. */
  successes: number;
  /** How many of each disposition code. */
  byCode: Record<string, number>;
}

/** The supervisor's results view: every agent and campaign with activity between `from` and `to`. */
export interface TeamResults {
  from: number;
  to: number;
  rows: TeamResultsRow[];
}

/** What this desktop's own file holds, offered for upload when it switches to team mode (null: nothing). */
export interface LocalDataView {
  campaigns: number;
  /** Open leads (new, active, callback): what the upload sends. */
  openLeads: number;
  /** Sold, closed, on the list or out of attempts: they stay on this desktop (uploaded as new they would be called again). */
  finishedLeads: number;
  dnc: number;
}

/** What an upload did. */
export interface UploadReport {
  campaignsCreated: number;
  /** Campaigns the team already had by that name: their leads went into the team's. */
  campaignsJoined: number;
  leadsImported: number;
  /** Numbers the team had already: merged into that lead (empty fields filled, nothing overwritten). */
  leadsMerged: number;
  leadsKeptHere: number;
  dncAdded: number;
}
