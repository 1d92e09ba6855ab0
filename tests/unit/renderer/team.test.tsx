// @vitest-environment jsdom
// Team mode and CRM sync as the agent and IT see them: Settings' team database and CRM sections
// (saved values without their secrets, Test connection, what a save sends), the dead letters and
// Retry, and the team's chip and warning when its database is unreachable.
import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it, type Mock } from 'vitest';
import type { AccountInput, AccountView } from '../../../shared/account';
import type { CrmDeliveryView, CrmStatusView } from '../../../shared/crm';
import type { Result } from '../../../shared/result';
import type { TeamStatusView } from '../../../shared/team';
import { whenText } from '../../../renderer/src/ui/when-text';
import { store } from '../../../renderer/src/store/store';
import { account, noCrm, snapshotOf } from './fake-ringside';
import { appHarness } from './app-harness';

const { mount, settle } = appHarness();

const savedTeam: NonNullable<AccountView['team']> = {
  name: 'Warsaw outbound',
  // The SIP user of account.aor: the view fills it in when none was set.
  agentId: 'agent1',
  database: {
    url: 'postgres://agent_anna@db.example.com:5432/ringside',
    hasPassword: true,
    ssl: 'verify-full',
    caFile: '/etc/ringside/team-ca.pem',
    statementTimeoutMs: 8000,
    poolMax: 6,
  },
};
const savedCrm: NonNullable<AccountView['crm']> = {
  url: 'https://crm.example.com/hooks/ringside',
  events: ['disposition.recorded', 'dnc.requested'],
  timeoutMs: 15_000,
  hasSecret: true,
};
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

const teamUp: TeamStatusView = {
  mode: 'team',
  team: 'Warsaw outbound',
  agentId: 'agent1',
  where: 'db.example.com:5432/ringside',
  state: 'up',
  since: null,
  problem: null,
  waiting: 0,
};

type Fake = ReturnType<typeof mount>;

function openSettings(acc: Partial<AccountView> = {}, extra: { team?: TeamStatusView; crm?: CrmStatusView } = {}): Fake {
  const fake = mount(snapshotOf({ account: { ...account, ...acc }, ...extra }));
  fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
  // The SIP password is asked for again on every save (see AccountForm).
  fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'pw' } });
  return fake;
}

const section = (name: string) => within(screen.getByRole('group', { name }));
const teamSection = () => section('Team database');
const crmSection = () => section('CRM sync');
const saved = (fake: Fake): AccountInput => (fake.api.account.save.mock.calls as unknown as Array<[AccountInput]>).at(-1)![0];
const save = async () => {
  fireEvent.click(screen.getByRole('button', { name: 'Save account' }));
  await settle();
};
const input = (el: HTMLElement) => el as HTMLInputElement;
/** A save closes Settings: open it again (the account in the store is still the one the test set). */
const reopen = () => {
  fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
  fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'pw' } });
};

describe('Settings: team database', () => {
  it('shows the saved team settings without the password, and the SIP user as the default name', () => {
    openSettings({ team: savedTeam }, { team: teamUp });
    const t = teamSection();
    expect(input(t.getByLabelText('Work in a team (shared database)')).checked).toBe(true);
    expect(input(t.getByLabelText('Team name')).value).toBe('Warsaw outbound');
    // Not set explicitly: empty, with the SIP user as the placeholder.
    expect(input(t.getByLabelText('Your name in the team')).value).toBe('');
    expect(input(t.getByLabelText('Your name in the team')).placeholder).toBe('agent1');
    expect(input(t.getByLabelText('PostgreSQL address')).value).toBe('postgres://agent_anna@db.example.com:5432/ringside');
    expect(input(t.getByLabelText('Database password')).value).toBe('');
    expect(input(t.getByLabelText('Database password')).placeholder).toBe('saved');
    expect(t.getByText(/Never shown\. Leave it empty to keep it/)).toBeTruthy();
    expect(input(t.getByRole('radio', { name: /verify-full/ })).checked).toBe(true);
    expect(t.getByRole('radio', { name: /require — encrypted, server’s identity not checked/ })).toBeTruthy();
    expect(t.getByRole('radio', { name: /disable — not encrypted: a database on this computer only/ })).toBeTruthy();
    expect(input(t.getByLabelText('CA certificate file (optional)')).value).toBe('/etc/ringside/team-ca.pem');
    expect(t.getByText(/takes effect when Ringside restarts/)).toBeTruthy();
    // Saved and running agree: no restart to ask for.
    expect(t.queryByText(/restart Ringside to/)).toBeNull();
  });

  it('Test connection sends what is typed (no password: main uses the saved one) and answers in words', async () => {
    const fake = openSettings({ team: savedTeam }, { team: teamUp });
    fake.api.team.test.mockResolvedValueOnce({
      ok: true,
      value: { server: 'PostgreSQL 15.8', schemaVersion: 6, campaigns: 3, leads: 12_400, login: 'agent_anna', rowSecurity: true },
    });
    fireEvent.click(teamSection().getByRole('button', { name: 'Test connection' }));
    await settle();
    expect(fake.api.team.test).toHaveBeenCalledWith({
      url: 'postgres://agent_anna@db.example.com:5432/ringside',
      ssl: 'verify-full',
      caFile: '/etc/ringside/team-ca.pem',
      statementTimeoutMs: 8000,
      poolMax: 6,
    });
    expect(teamSection().getByText('PostgreSQL 15.8 — holds 3 campaigns and 12,400 leads')).toBeTruthy();

    // A new, empty database; a typed password goes with the test.
    fireEvent.change(teamSection().getByLabelText('Database password'), { target: { value: 'typed-pw' } });
    // Changing the settings drops the answer that was about the old ones.
    expect(teamSection().queryByText(/holds 3 campaigns/)).toBeNull();
    fake.api.team.test.mockResolvedValueOnce({
      ok: true,
      value: { server: 'PostgreSQL 16.4', schemaVersion: 0, campaigns: 0, leads: 0, login: 'agent_anna', rowSecurity: true },
    });
    fireEvent.click(teamSection().getByRole('button', { name: 'Test connection' }));
    await settle();
    expect(fake.api.team.test).toHaveBeenLastCalledWith(expect.objectContaining({ password: 'typed-pw' }));
    expect(teamSection().getByText('PostgreSQL 16.4 — a new database: Ringside will create its tables')).toBeTruthy();
  });

  it('Test connection shows the server’s refusal as it came, as text', async () => {
    const fake = openSettings({ team: savedTeam }, { team: teamUp });
    const hostile = '<img src=x onerror="window.__pwned=1">password authentication failed for user "agent_anna"';
    fake.api.team.test.mockResolvedValueOnce({ ok: false, code: 'invalid-account', message: hostile });
    fireEvent.click(teamSection().getByRole('button', { name: 'Test connection' }));
    await settle();
    const alert = teamSection().getByRole('alert');
    expect(alert.textContent).toContain(hostile);
    expect(alert.querySelector('img')).toBeNull();
  });

  it('checks the address before testing, in sentences', async () => {
    const fake = openSettings();
    fireEvent.click(teamSection().getByLabelText('Work in a team (shared database)'));
    fireEvent.change(teamSection().getByLabelText('PostgreSQL address'), { target: { value: 'postgres://anna:secret@db.example.com/ringside' } });
    fireEvent.click(teamSection().getByRole('button', { name: 'Test connection' }));
    await settle();
    expect(fake.api.team.test).not.toHaveBeenCalled();
    expect(
      teamSection().getByText(/The team database must be a postgres:\/\/ address with a host and a database name, and without a password in it/),
    ).toBeTruthy();
  });

  it('saving keeps the saved password unless one is typed, and sends the team as typed', async () => {
    const fake = openSettings({ team: savedTeam }, { team: teamUp });
    await save();
    const first = saved(fake).team!;
    expect(first).toEqual({
      name: 'Warsaw outbound',
      database: {
        url: 'postgres://agent_anna@db.example.com:5432/ringside',
        ssl: 'verify-full',
        caFile: '/etc/ringside/team-ca.pem',
        statementTimeoutMs: 8000,
        poolMax: 6,
      },
    });
    expect(first.database).not.toHaveProperty('password');

    reopen();
    fireEvent.change(teamSection().getByLabelText('Your name in the team'), { target: { value: 'anna.nowak' } });
    fireEvent.change(teamSection().getByLabelText('Database password'), { target: { value: 'new-db-pw' } });
    fireEvent.click(teamSection().getByRole('radio', { name: /require/ }));
    await save();
    expect(saved(fake).team).toMatchObject({ agentId: 'anna.nowak', database: { password: 'new-db-pw', ssl: 'require' } });
  });

  it('a new team needs a name and a valid agent name; solo sends no team at all', async () => {
    const fake = openSettings();
    await save();
    expect(saved(fake)).not.toHaveProperty('team');
    expect(saved(fake)).not.toHaveProperty('crm');

    reopen();
    fireEvent.click(teamSection().getByLabelText('Work in a team (shared database)'));
    fireEvent.change(teamSection().getByLabelText('PostgreSQL address'), { target: { value: 'postgres://anna@db.example.com:5432/ringside' } });
    fireEvent.change(teamSection().getByLabelText('Your name in the team'), { target: { value: 'anna nowak' } });
    fake.api.account.save.mockClear();
    await save();
    expect(fake.api.account.save).not.toHaveBeenCalled();
    expect(teamSection().getByText('The team needs a name.')).toBeTruthy();
    expect(teamSection().getByText('The agent name in the team may hold letters, digits and . _ - @ only.')).toBeTruthy();
    expect(screen.getByText('Not saved: fix the fields marked above.')).toBeTruthy();
  });

  it('says a switch to team mode waits for a restart', () => {
    openSettings({ team: savedTeam });
    expect(teamSection().getByText(/restart Ringside to use the team database/)).toBeTruthy();
  });

  it('a provisioned team is read-only, and can still be tested', async () => {
    const fake = openSettings({ team: savedTeam, source: 'provisioned' }, { team: teamUp });
    expect(input(teamSection().getByLabelText('Team name')).readOnly).toBe(true);
    expect(input(teamSection().getByLabelText('PostgreSQL address')).readOnly).toBe(true);
    expect(input(teamSection().getByLabelText('Database password')).readOnly).toBe(true);
    expect(input(teamSection().getByLabelText('Work in a team (shared database)')).disabled).toBe(true);
    expect(input(teamSection().getByRole('radio', { name: /require/ })).disabled).toBe(true);
    fireEvent.click(teamSection().getByRole('button', { name: 'Test connection' }));
    await settle();
    expect(fake.api.team.test).toHaveBeenCalled();
  });
});

describe('Settings: CRM sync', () => {
  it('shows the saved endpoint without its secret, the events in words, and how delivery goes', () => {
    const lastDeliveredAt = Date.now() - 60_000;
    openSettings({ crm: savedCrm }, { crm: { configured: true, disabled: null, pending: 3, dead: 0, lastDeliveredAt } });
    const c = crmSection();
    expect(input(c.getByLabelText('Webhook URL')).value).toBe('https://crm.example.com/hooks/ringside');
    expect(input(c.getByLabelText('Signing secret')).value).toBe('');
    expect(input(c.getByLabelText('Signing secret')).placeholder).toBe('saved');
    expect(input(c.getByLabelText('Dispositions')).checked).toBe(true);
    expect(input(c.getByLabelText('Lead changes')).checked).toBe(false);
    expect(input(c.getByLabelText('Callbacks')).checked).toBe(false);
    expect(input(c.getByLabelText('Do-not-call requests')).checked).toBe(true);
    expect(input(c.getByLabelText('Timeout (seconds)')).value).toBe('15');
    expect(c.getByText(`Sending: 3 waiting · last delivered ${whenText(lastDeliveredAt)}`)).toBeTruthy();
    expect(c.queryByRole('button', { name: /not delivered/ })).toBeNull();
  });

  it('saving keeps the saved secret unless one is typed; a new address needs its own', async () => {
    const fake = openSettings({ crm: savedCrm }, { crm: { ...noCrm, configured: true } });
    fireEvent.click(crmSection().getByLabelText('Callbacks'));
    await save();
    expect(saved(fake).crm).toEqual({
      url: 'https://crm.example.com/hooks/ringside',
      events: ['disposition.recorded', 'callback.scheduled', 'dnc.requested'],
      timeoutMs: 15_000,
    });

    reopen();
    fireEvent.change(crmSection().getByLabelText('Webhook URL'), { target: { value: 'https://crm2.example.com/hooks' } });
    fake.api.account.save.mockClear();
    await save();
    expect(fake.api.account.save).not.toHaveBeenCalled();
    expect(crmSection().getByText(/The saved secret is kept only for the address it was saved with/)).toBeTruthy();

    fireEvent.change(crmSection().getByLabelText('Signing secret'), { target: { value: secret } });
    await save();
    expect(saved(fake).crm).toMatchObject({ url: 'https://crm2.example.com/hooks', secret });
  });

  it('checks the address, the secret, the events and the timeout in sentences', async () => {
    const fake = openSettings();
    fireEvent.click(crmSection().getByLabelText('Send results to the CRM'));
    fireEvent.change(crmSection().getByLabelText('Webhook URL'), { target: { value: 'http://crm.example.com/hook' } });
    fireEvent.change(crmSection().getByLabelText('Signing secret'), { target: { value: 'not-a-secret' } });
    for (const label of ['Dispositions', 'Lead changes', 'Callbacks', 'Do-not-call requests']) fireEvent.click(crmSection().getByLabelText(label));
    fireEvent.change(crmSection().getByLabelText('Timeout (seconds)'), { target: { value: '600' } });
    await save();
    expect(fake.api.account.save).not.toHaveBeenCalled();
    const c = crmSection();
    expect(c.getByText(/The CRM address must be an https:\/\/ address \(http:\/\/ only to this computer\)/)).toBeTruthy();
    expect(c.getByText(/The signing secret must look like whsec_ followed by base64/)).toBeTruthy();
    expect(c.getByText('Pick at least one kind of event to send.')).toBeTruthy();
    expect(c.getByText('The timeout is from 1 to 60 seconds.')).toBeTruthy();
  });

  it('turned off by a 410: says so, and Turn back on asks main', async () => {
    const at = Date.now() - 5 * 60_000;
    const off: CrmStatusView = {
      configured: true,
      disabled: { at, reason: 'The CRM answered 410 Gone: it says this address no longer takes events' },
      pending: 41,
      dead: 0,
      lastDeliveredAt: null,
    };
    const fake = openSettings({ crm: savedCrm }, { crm: off });
    expect(crmSection().getByRole('alert').textContent).toBe(
      `! Off since ${whenText(at)} — the CRM answered 410 Gone: it says this address no longer takes events. 41 events wait in Ringside until sync is turned back on.`,
    );
    fake.api.crm.enable.mockResolvedValueOnce({ ok: true, value: { ...off, disabled: null } });
    fireEvent.click(crmSection().getByRole('button', { name: 'Turn back on' }));
    await settle();
    expect(fake.api.crm.enable).toHaveBeenCalled();
    expect(crmSection().getByText('Sending: 41 waiting · nothing delivered yet')).toBeTruthy();
    expect(crmSection().queryByRole('button', { name: 'Turn back on' })).toBeNull();
  });

  it('follows crm:changed', () => {
    const fake = openSettings({ crm: savedCrm }, { crm: { ...noCrm, configured: true } });
    expect(crmSection().getByText('Sending: nothing waiting · nothing delivered yet')).toBeTruthy();
    act(() => fake.emit('crm:changed', { configured: true, disabled: null, pending: 2, dead: 4, lastDeliveredAt: null }));
    expect(crmSection().getByText('Sending: 2 waiting · nothing delivered yet')).toBeTruthy();
    expect(crmSection().getByRole('button', { name: '4 not delivered' })).toBeTruthy();
  });
});

type Page = { total: number; rows: CrmDeliveryView[] };
/** The fake's requests take no arguments; these stand-ins answer from them as main does. */
const deadLettersOf = (fake: Fake) => fake.api.crm.deadLetters as unknown as Mock<(offset: number, limit: number) => Promise<Result<Page>>>;
const retryOf = (fake: Fake) => fake.api.crm.retry as unknown as Mock<(id: string) => Promise<Result<CrmStatusView>>>;
const answer = <T,>(value: T): Promise<Result<T>> => Promise.resolve({ ok: true, value });

describe('Dead letters', () => {
  const row = (id: string, overrides: Partial<CrmDeliveryView> = {}): CrmDeliveryView => ({
    id,
    type: 'disposition.recorded',
    leadId: 1042,
    createdAt: Date.UTC(2026, 11, 2, 13, 5),
    attempts: 8,
    lastError: 'The CRM answered 500 Internal Server Error',
    state: 'dead',
    ...overrides,
  });

  it('lists what the CRM never took, a page at a time; Retry puts one back and the counts follow', async () => {
    const hostile = '<script>window.__pwned = 1</script><b>The CRM answered 400 Bad Request</b>';
    // Main's side: the dead letters, and the status a retry answers with.
    let rows = [row('evt_1'), row('evt_2', { type: 'dnc.requested', leadId: null, lastError: hostile, attempts: 5 }), row('evt_3', { type: 'lead.changed' })];
    let status: CrmStatusView = { configured: true, disabled: null, pending: 0, dead: 3, lastDeliveredAt: null };
    const fake = openSettings({ crm: savedCrm }, { crm: status });
    deadLettersOf(fake).mockImplementation((offset, limit) => answer({ total: rows.length, rows: rows.slice(offset, offset + limit) }));
    retryOf(fake).mockImplementation((id) => {
      rows = rows.filter((r) => r.id !== id);
      status = { ...status, pending: status.pending + 1, dead: rows.length };
      return answer(status);
    });

    fireEvent.click(crmSection().getByRole('button', { name: '3 not delivered' }));
    await settle();
    expect(fake.api.crm.deadLetters).toHaveBeenCalledWith(0, 50);
    const dialog = within(screen.getByRole('dialog', { name: 'Not delivered to the CRM' }));
    const table = within(dialog.getByRole('table', { name: 'Events not delivered' }));
    expect(table.getAllByRole('row')).toHaveLength(4);
    expect(table.getByText('Disposition')).toBeTruthy();
    expect(table.getByText('Do-not-call request')).toBeTruthy();
    expect(table.getByText('Lead change')).toBeTruthy();
    expect(table.getAllByText('#1042')).toHaveLength(2);
    expect(dialog.getByText('1–3 of 3')).toBeTruthy();
    // The CRM's answer is text, never markup.
    const cell = table.getByText(hostile);
    expect(cell.querySelector('script, b')).toBeNull();

    fireEvent.click(table.getByRole('button', { name: 'Retry Do-not-call request' }));
    await settle();
    expect(fake.api.crm.retry).toHaveBeenCalledWith('evt_2');
    expect(table.queryByText(hostile)).toBeNull();
    expect(table.getAllByRole('row')).toHaveLength(3);
    expect(dialog.getByText('1–2 of 2')).toBeTruthy();
    expect(store.getState().crm).toMatchObject({ dead: 2, pending: 1 });
    expect(crmSection().getByRole('button', { name: '2 not delivered' })).toBeTruthy();
    expect(crmSection().getByText('Sending: 1 waiting · nothing delivered yet')).toBeTruthy();
  });

  it('pages through more than one page', async () => {
    const fake = openSettings({ crm: savedCrm }, { crm: { configured: true, disabled: null, pending: 0, dead: 120, lastDeliveredAt: null } });
    deadLettersOf(fake).mockImplementation((offset, limit) =>
      answer({ total: 120, rows: Array.from({ length: Math.min(limit, 120 - offset) }, (_, i) => row(`evt_${offset + i}`, { leadId: offset + i })) }),
    );
    fireEvent.click(crmSection().getByRole('button', { name: '120 not delivered' }));
    await settle();
    const dialog = within(screen.getByRole('dialog', { name: 'Not delivered to the CRM' }));
    expect(dialog.getByText('1–50 of 120')).toBeTruthy();
    fireEvent.click(dialog.getByRole('button', { name: 'Older' }));
    await settle();
    expect(fake.api.crm.deadLetters).toHaveBeenLastCalledWith(50, 50);
    expect(dialog.getByText('51–100 of 120')).toBeTruthy();
    expect(dialog.getByText('#50')).toBeTruthy();
  });

  it('a retry main refuses is said in the dialog', async () => {
    const fake = openSettings({ crm: savedCrm }, { crm: { configured: true, disabled: null, pending: 0, dead: 1, lastDeliveredAt: null } });
    fake.api.crm.deadLetters.mockResolvedValue({ ok: true, value: { total: 1, rows: [row('evt_1')] } });
    fake.api.crm.retry.mockResolvedValueOnce({ ok: false, code: 'not-found', message: 'That event is no longer in the dead-letter list.' });
    fireEvent.click(crmSection().getByRole('button', { name: '1 not delivered' }));
    await settle();
    const dialog = within(screen.getByRole('dialog', { name: 'Not delivered to the CRM' }));
    fireEvent.click(dialog.getByRole('button', { name: 'Retry Disposition for lead 1042' }));
    await settle();
    expect(dialog.getByRole('alert').textContent).toBe('That event is no longer in the dead-letter list.');
  });
});

describe('Team status in the top bar', () => {
  const chip = () => screen.queryByTitle(/^Team database/);

  it('shows nothing in solo mode', () => {
    mount(snapshotOf());
    expect(chip()).toBeNull();
    expect(screen.queryByText(/Team database unreachable/)).toBeNull();
  });

  it('names the team while its database answers; warns while it does not, and stops on up', () => {
    const fake = mount(snapshotOf({ team: teamUp }));
    expect(chip()?.textContent).toBe('Team: Warsaw outbound, database connected');
    expect(chip()?.title).toBe('Team database db.example.com:5432/ringside: connected — you are agent1 in the team');
    expect(screen.queryByText(/Team database unreachable/)).toBeNull();

    const since = Date.now() - 10 * 60_000;
    const problem = '<img src=x onerror="window.__pwned=1">connect ECONNREFUSED 10.0.0.5:5432';
    act(() => fake.emit('team:changed', { ...teamUp, state: 'down', since, problem, waiting: 3 }));
    expect(chip()?.textContent).toBe('!Team: Warsaw outboundoffline');
    const banner = screen.getByText(/Team database unreachable/).closest('[role="alert"]') as HTMLElement;
    expect(
      within(banner).getByText(
        `Team database unreachable since ${whenText(since)} — finish your call; results are kept on this computer (3 waiting) and no new lead is taken.`,
      ),
    ).toBeTruthy();
    expect(within(banner).getByText(problem)).toBeTruthy();
    expect(banner.querySelector('img')).toBeNull();

    act(() => fake.emit('team:changed', teamUp));
    expect(screen.queryByText(/Team database unreachable/)).toBeNull();
    expect(chip()?.textContent).toBe('Team: Warsaw outbound, database connected');
  });

  it('keeps the snapshot’s team and CRM status in the store', () => {
    mount(snapshotOf({ team: { ...teamUp, state: 'down', since: null, waiting: 0 }, crm: { ...noCrm, dead: 2 } }));
    expect(store.getState().team.state).toBe('down');
    expect(store.getState().crm.dead).toBe(2);
    expect(screen.getByText(/Team database unreachable — finish your call; results are kept on this computer \(nothing waiting yet\)/)).toBeTruthy();
  });
});
