/**
 * What a failure of the team's database means, in words an agent or their IT can act on. The
 * driver's own messages ("connect ECONNREFUSED", "password authentication failed", SQLSTATE codes)
 * name no host, no user and no remedy; the original stays attached as `cause` for a support ticket.
 */

/** Why the team database could not do what was asked. */
export type TeamDatabaseProblem =
  'unreachable' | 'password' | 'refused' | 'no-database' | 'tls-unsupported' | 'tls-unverified' | 'ca-file' | 'timeout' | 'permission' | 'busy';

export class TeamDatabaseError extends Error {
  constructor(
    readonly problem: TeamDatabaseProblem,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TeamDatabaseError';
  }
}

/** What the words name: where the database is and who connects. */
export interface Endpoint {
  host: string;
  port: number;
  user: string;
  database: string;
  statementTimeoutMs: number;
}

export function endpointText(e: Pick<Endpoint, 'host' | 'port'>): string {
  return `${e.host.includes(':') ? `[${e.host}]` : e.host}:${e.port}`;
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'EPIPE',
  'EADDRNOTAVAIL',
]);
const TLS_VERIFY_CODES: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'was signed by a CA this computer does not trust',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'was signed by a CA this computer does not trust',
  UNABLE_TO_GET_ISSUER_CERT: 'was signed by a CA this computer does not trust',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'was signed by a CA this computer does not trust',
  CERT_HAS_EXPIRED: 'has expired',
  CERT_NOT_YET_VALID: 'is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'is for another name',
  CERT_REVOKED: 'was revoked',
};

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The error in words when it is about the connection, the password, TLS, a timeout or a
 * permission; any other error (a constraint, not-found, a bug) is returned as it is.
 */
export function explain(error: unknown, at: Endpoint): unknown {
  if (error instanceof TeamDatabaseError) return error;
  const code = codeOf(error);
  const message = messageOf(error);
  const where = endpointText(at);
  const make = (problem: TeamDatabaseProblem, words: string) => new TeamDatabaseError(problem, words, { cause: error });

  switch (code) {
    case '28P01':
      return make('password', `The team database refused the password for user ${at.user}.`);
    case '28000':
      return make('refused', `The team database at ${where} does not let user ${at.user} connect to ${at.database} (${message}).`);
    case '3D000':
      return make('no-database', `The team database ${at.database} does not exist on ${where}.`);
    case '57014':
      if (!/statement timeout/i.test(message))
        return make('timeout', `The team database cancelled the statement (${message}); nothing of that step was saved. Try again.`);
      return make(
        'timeout',
        `The team database took longer than ${at.statementTimeoutMs} ms to answer, so Ringside stopped waiting; nothing of that step was saved. Try again, or ask IT to look at the database's load.`,
      );
    case '25P03':
      return make('timeout', `The team database ended a transaction that waited too long; nothing of it was saved. Try again.`);
    case '53300':
      return make('busy', `The team database at ${where} has no free connections right now; try again shortly.`);
    case '57P01':
    case '57P02':
    case '57P03':
      return make('unreachable', `The team database at ${where} is shutting down or starting up (${message}); try again shortly.`);
    case '42501':
      if (/row-level security/i.test(message))
        return make(
          'permission',
          `The team database keeps each agent to its own work and refused this to user ${at.user}: it would write in another agent's name, or change a lead another agent holds (${message}). Check that your name in the team is your database user.`,
        );
      if (/permission denied for database/i.test(message))
        return make('permission', `User ${at.user} may not connect to the team database ${at.database}: ask IT to add them to this team.`);
      return make('permission', `The team database does not allow user ${at.user} to do this (${message}).`);
  }
  if (code.startsWith('08') || UNREACHABLE_CODES.has(code))
    return make(
      'unreachable',
      `The team database at ${where} cannot be reached (${message}). Check the address, that the server is running, and that this computer may connect to it.`,
    );
  if (code in TLS_VERIFY_CODES)
    return make(
      'tls-unverified',
      `The team database at ${where} did not prove who it is: its certificate ${TLS_VERIFY_CODES[code]} (${message}). Nothing was sent to it.`,
    );
  if (/does not support SSL/i.test(message))
    return make('tls-unsupported', `The team database at ${where} does not accept encrypted connections, and this connection requires them.`);
  if (/Connection terminated unexpectedly|Query read timeout/i.test(message))
    return make('unreachable', `The connection to the team database at ${where} was lost (${message}); what was being saved may not have been. Try again.`);
  if (/timeout expired|connection timeout|Connection terminated|timeout exceeded when trying to connect/i.test(message))
    return make(
      'unreachable',
      `The team database at ${where} cannot be reached (${message}). Check the address, that the server is running, and that this computer may connect to it.`,
    );
  return error;
}
