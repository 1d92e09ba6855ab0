// What the core tells every window about the team database: who this desktop is in it, checked
// against the database's own login when the team's least-privilege setup is in force.
import { describe, expect, it } from 'vitest';
import { accountSchema } from '../../../shared/account';
import type { TeamStatusView } from '../../../shared/team';
import type { Store } from '../../../electron/core/data/repositories';
import { TeamLink } from '../../../electron/core/team/team-link';

const database = { url: 'postgres://anna.k@db.example.com:5432/ringside', ssl: 'verify-full' as const, statementTimeoutMs: 5000, poolMax: 4 };

function link(agentId: string, probe: { login: string; rowSecurity: boolean }) {
  const events: TeamStatusView[] = [];
  const account = accountSchema.parse({
    server: 'wss://pbx.example.com/ws',
    aor: 'sip:anna@pbx.example.com',
    password: 'x',
    team: { name: 'Warsaw', agentId, database },
  });
  const store = {
    location: { kind: 'postgres', database },
    outbox: { counts: async () => ({ pending: 0, dead: 0, lastDeliveredAt: null }), disabled: async () => null, claimDue: async () => [] },
    dnc: {},
    campaigns: { countries: async () => [] },
  } as unknown as Store;
  const team = new TeamLink({
    store,
    account: () => account,
    emit: (channel, payload) => {
      if (channel === 'team:changed') events.push(payload as TeamStatusView);
    },
    log: { info: () => undefined, warn: () => undefined },
    probe: async () => ({ server: 'PostgreSQL 15.8', schemaVersion: 2, campaigns: 1, leads: 10, ...probe }),
    healthEveryMs: 3_600_000,
  });
  return { team, events };
}

describe('the team link', () => {
  it('says at start when the agent name is not the database login the team setup checks it against', async () => {
    const { team, events } = link('anna', { login: 'anna.k', rowSecurity: true });
    team.start();
    await new Promise((r) => setTimeout(r, 20));
    expect(events.at(-1)?.problem).toMatch(/Your name in the team \(anna\) is not your database user \(anna\.k\).*set "Your name in the team" to anna\.k/);
    await team.stop();
  });

  it('says nothing when they match, or when the database checks no names', async () => {
    for (const probe of [
      { login: 'anna', rowSecurity: true },
      { login: 'ringside_owner', rowSecurity: false },
    ]) {
      const { team, events } = link('anna', probe);
      team.start();
      await new Promise((r) => setTimeout(r, 20));
      expect(events).toEqual([]);
      expect(team.teamView()).toMatchObject({ mode: 'team', team: 'Warsaw', agentId: 'anna', state: 'up', problem: null });
      await team.stop();
    }
  });
});
