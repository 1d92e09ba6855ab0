/**
 * `npm run team:roles -- --owner ringside_owner`: prints the least-privilege setup SQL for a team
 * database, for IT to read and run with psql as the owner of Ringside's tables. With
 * `--agent NAME` or `--supervisor NAME` it prints the statements that add that person instead
 * (the password is then set with psql's `\password`, which sends only its hash).
 */
import { AGENT_GROUP, SUPERVISOR_GROUP, teamSetupSql } from './team-roles.js';

const argv = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
};
const person = arg('--agent') ?? arg('--supervisor');
try {
  if (person) {
    const group = arg('--agent') ? AGENT_GROUP : SUPERVISOR_GROUP;
    if (!/^[A-Za-z0-9._@-]{1,63}$/.test(person) || person.startsWith('pg_'))
      throw new Error(`"${person}" cannot be an agent name (letters, digits and . _ - @ only)`);
    const db = arg('--database') ?? 'ringside_team';
    const quoted = `"${person}"`;
    console.log(
      [
        `CREATE ROLE ${quoted} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT;`,
        `GRANT ${group} TO ${quoted};`,
        `GRANT CONNECT ON DATABASE "${db.replace(/"/g, '""')}" TO ${quoted};`,
        `\\password ${person}`,
      ].join('\n'),
    );
  } else {
    console.log(teamSetupSql({ owner: arg('--owner') ?? 'ringside_owner' }));
  }
} catch (error) {
  console.error(`team:roles: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
