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
