import { useId, useState } from 'react';
import type { AccountInput } from '../../../../shared/account';
import { teamDatabaseSchema, type TeamSettingsView, type TeamSslMode, type TeamTestResult } from '../../../../shared/team';
import { useRingside } from '../../store/store';
import { useApi } from '../../ui/api-context';
import { alertOnFailure } from '../../ui/use-request';
import { useInlineRequest } from '../compliance/use-inline-request';
import { defaultAgentId } from '../../../../shared/team';
import { sslModeText, testResultText } from './team-format';
import { UploadOffer } from './UploadOffer';

/** The team database part of the settings form, as typed. */
export interface TeamValues {
  /** Off: this desktop keeps its own embedded data (solo) and the account has no `team`. */
  enabled: boolean;
  name: string;
  /** Empty: the SIP user. */
  agentId: string;
  url: string;
  /** A new password; empty keeps the saved one (for the same address). */
  password: string;
  ssl: TeamSslMode;
  caFile: string;
  /** Not on the form: kept as saved. */
  statementTimeoutMs: number;
  poolMax: number;
  /** The settings as saved, for what a save keeps. */
  saved: TeamSettingsView | null;
}

type TeamField = 'name' | 'agentId' | 'url' | 'password' | 'caFile';
export type TeamErrors = Partial<Record<TeamField, string>>;

export function teamValues(team: TeamSettingsView | null | undefined, aor: string): TeamValues {
  return {
    enabled: Boolean(team),
    name: team?.name ?? '',
    // The view fills in the SIP user when none was set: shown as the placeholder, so it keeps following the SIP address.
    agentId: team && team.agentId !== defaultAgentId(aor) ? team.agentId : '',
    url: team?.database.url ?? '',
    password: '',
    ssl: team?.database.ssl ?? 'verify-full',
    caFile: team?.database.caFile ?? '',
    statementTimeoutMs: team?.database.statementTimeoutMs ?? 5000,
    poolMax: team?.database.poolMax ?? 4,
    saved: team ?? null,
  };
}

/** Whether saving keeps the saved password: main keeps it only for the same address. */
function keepsPassword(v: TeamValues): boolean {
  return Boolean(v.saved?.database.hasPassword) && v.password === '' && v.url.trim() === v.saved?.database.url;
}

function databaseInput(v: TeamValues) {
  return {
    url: v.url,
    ...(v.password ? { password: v.password } : {}),
    ssl: v.ssl,
    ...(v.ssl !== 'disable' && v.caFile.trim() ? { caFile: v.caFile.trim() } : {}),
    statementTimeoutMs: v.statementTimeoutMs,
    poolMax: v.poolMax,
  };
}

/** What goes to `account:save`: no `team` is solo; no `password` keeps the saved one. */
export function teamInput(v: TeamValues): Pick<AccountInput, 'team'> {
  if (!v.enabled) return {};
  return { team: { name: v.name, ...(v.agentId.trim() ? { agentId: v.agentId } : {}), database: databaseInput(v) } };
}

type Issue = { path: ReadonlyArray<PropertyKey>; message: string; code?: string };

const TOO_LONG: Record<TeamField, string> = {
  name: 'A team name has at most 80 characters.',
  agentId: 'A name in the team has at most 64 characters.',
  url: 'That address is too long.',
  password: 'That password is too long.',
  caFile: 'That file path is too long.',
};

function put(out: TeamErrors, field: TeamField, issue: Issue): void {
  out[field] ??= issue.code === 'too_big' ? TOO_LONG[field] : /[.!?)]$/.test(issue.message) ? issue.message : `${issue.message}.`;
}

/** Field messages from the account schema's issues under `team` (the schema's own sentences, lengths in words). */
export function teamErrors(issues: ReadonlyArray<Issue>): TeamErrors {
  const out: TeamErrors = {};
  for (const issue of issues) {
    const [root, a, b] = issue.path;
    if (root !== 'team') continue;
    if (a === 'name' || a === 'agentId') put(out, a, issue);
    else if (a === 'database' && (b === 'url' || b === 'password' || b === 'caFile')) put(out, b, issue);
  }
  return out;
}

/** The same messages for Test connection, which checks the database settings alone. */
function databaseErrors(v: TeamValues): TeamErrors {
  const parsed = teamDatabaseSchema.safeParse(databaseInput(v));
  return parsed.success ? {} : teamErrors(parsed.error.issues.map((i) => ({ ...i, path: ['team', 'database', ...i.path] })));
}

export const hasTeamErrors = (e: TeamErrors): boolean => Object.keys(e).length > 0;

/**
 * Team mode: the team's shared PostgreSQL (one role per agent), its password write-only like
 * the SIP password, and Test connection, which asks main to connect with what is typed and
 * changes nothing. Main opens the store at start, so a switch applies after a restart.
 */
export function TeamFields({
  values: v,
  onChange,
  errors,
  readOnly,
  aor,
}: {
  values: TeamValues;
  onChange: (next: TeamValues) => void;
  errors: TeamErrors;
  readOnly: boolean;
  /** The SIP address as typed, for the default name in the team. */
  aor: string;
}) {
  const id = useId();
  const api = useApi();
  const running = useRingside((s) => s.team.mode);
  const savedOn = useRingside((s) => Boolean(s.account?.team));
  const [testErrs, setTestErrs] = useState<TeamErrors>({});
  const [testing, setTesting] = useState(false);
  const [result, setResult] = useState<TeamTestResult | null>(null);
  const [testError, run, setTestError] = useInlineRequest();
  // A test answers for the settings it was run with: any change to the database makes it stale.
  const setDb = (patch: Partial<TeamValues>) => {
    setResult(null);
    setTestError(null);
    setTestErrs({});
    onChange({ ...v, ...patch });
  };
  const shown: TeamErrors = { ...testErrs, ...errors };
  const described = (field: TeamField, hint = false) =>
    [shown[field] ? `${id}-${field}-error` : null, hint ? `${id}-${field}-hint` : null].filter(Boolean).join(' ') || undefined;
  const error = (field: TeamField) =>
    shown[field] ? (
      <span id={`${id}-${field}-error`} className="field-error">
        {shown[field]}
      </span>
    ) : null;

  const test = () => {
    const errs = databaseErrors(v);
    setTestErrs(errs);
    setResult(null);
    setTestError(null);
    if (hasTeamErrors(errs)) return;
    setTesting(true);
    alertOnFailure(
      run(api.team.test(databaseInput(v))).then((r) => {
        setTesting(false);
        if (r) setResult(r);
      }),
      'Testing the team database',
    );
  };

  const defaultName = defaultAgentId(aor);
  const kept = keepsPassword(v);
  const passwordHint = kept
    ? 'Never shown. Leave it empty to keep it, or type a new one.'
    : v.saved?.database.hasPassword
      ? 'The saved password is kept only for the address it was saved with: type the password for this one.'
      : 'The password of your database role. It is kept encrypted on this computer, never in the address.';

  return (
    <fieldset className="team-settings">
      <legend>Team database</legend>
      <p className="field-hint">
        A team shares one PostgreSQL database: the lead pool (no lead is called twice), the Do-Not-Call list and the results. Switching between team mode and
        working alone takes effect when Ringside restarts.
      </p>
      {savedOn !== (running === 'team') ? (
        <p className="note is-warning team-restart" role="status">
          {savedOn
            ? 'Saved: restart Ringside to use the team database. Until then this computer works with its own data.'
            : 'Saved: restart Ringside to work alone. Until then it keeps using the team database.'}
        </p>
      ) : null}
      <label className="field-check">
        <input type="checkbox" checked={v.enabled} disabled={readOnly} onChange={(e) => onChange({ ...v, enabled: e.target.checked })} />
        Work in a team (shared database)
      </label>
      {v.enabled ? (
        <>
          <div className="field-grid team-grid-2">
            <div className="field">
              <label htmlFor={`${id}-name`}>Team name</label>
              <input
                id={`${id}-name`}
                type="text"
                value={v.name}
                placeholder={readOnly ? '' : 'e.g. Warsaw outbound'}
                readOnly={readOnly}
                autoComplete="off"
                aria-invalid={shown.name ? true : undefined}
                aria-describedby={described('name')}
                onChange={(e) => onChange({ ...v, name: e.target.value })}
              />
              {error('name')}
            </div>
            <div className="field">
              <label htmlFor={`${id}-agentId`}>Your name in the team</label>
              <input
                id={`${id}-agentId`}
                type="text"
                value={v.agentId}
                placeholder={defaultName}
                readOnly={readOnly}
                spellCheck={false}
                autoComplete="off"
                aria-invalid={shown.agentId ? true : undefined}
                aria-describedby={described('agentId', true)}
                onChange={(e) => onChange({ ...v, agentId: e.target.value })}
              />
              <span id={`${id}-agentId-hint`} className="field-hint">
                On your claims and results. Empty: your SIP user.
              </span>
              {error('agentId')}
            </div>
          </div>
          <div className="field">
            <label htmlFor={`${id}-url`}>PostgreSQL address</label>
            <input
              id={`${id}-url`}
              type="text"
              value={v.url}
              placeholder={readOnly ? '' : 'postgres://agent_anna@db.example.com:5432/ringside'}
              readOnly={readOnly}
              spellCheck={false}
              autoComplete="off"
              aria-invalid={shown.url ? true : undefined}
              aria-describedby={described('url', true)}
              onChange={(e) => setDb({ url: e.target.value })}
            />
            <span id={`${id}-url-hint`} className="field-hint">
              postgres://user@host:5432/database, without the password.
            </span>
            {error('url')}
          </div>
          <div className="field">
            <label htmlFor={`${id}-password`}>Database password</label>
            <input
              id={`${id}-password`}
              type="password"
              autoComplete="off"
              value={readOnly ? '' : v.password}
              placeholder={kept || (readOnly && v.saved?.database.hasPassword) ? 'saved' : ''}
              readOnly={readOnly}
              aria-invalid={shown.password ? true : undefined}
              aria-describedby={described('password', !readOnly)}
              onChange={(e) => setDb({ password: e.target.value })}
            />
            {readOnly ? null : (
              <span id={`${id}-password-hint`} className="field-hint">
                {passwordHint}
              </span>
            )}
            {error('password')}
          </div>
          <fieldset className="team-ssl">
            <legend>Connection security (TLS)</legend>
            {sslModeText.map((m) => (
              <label key={m.mode} className="team-ssl-mode">
                <input type="radio" name={`${id}-ssl`} value={m.mode} checked={v.ssl === m.mode} disabled={readOnly} onChange={() => setDb({ ssl: m.mode })} />
                <span>
                  <span className="team-ssl-label">{m.mode}</span> — {m.means}
                </span>
              </label>
            ))}
          </fieldset>
          {v.ssl === 'disable' ? null : (
            <div className="field">
              <label htmlFor={`${id}-caFile`}>CA certificate file (optional)</label>
              <input
                id={`${id}-caFile`}
                type="text"
                value={v.caFile}
                placeholder={readOnly ? '' : 'e.g. /etc/ssl/certs/team-ca.pem'}
                readOnly={readOnly}
                spellCheck={false}
                autoComplete="off"
                aria-invalid={shown.caFile ? true : undefined}
                aria-describedby={described('caFile', true)}
                onChange={(e) => setDb({ caFile: e.target.value })}
              />
              <span id={`${id}-caFile-hint`} className="field-hint">
                The PEM file of the authority that signed the server’s certificate. Empty: the ones this computer trusts.
              </span>
              {error('caFile')}
            </div>
          )}
          <div className="team-test">
            <button type="button" className="btn" onClick={test} disabled={testing}>
              {testing ? 'Testing…' : 'Test connection'}
            </button>
            <p className={testError ? 'team-test-result is-bad' : result ? 'team-test-result is-ok' : 'team-test-result'} role={testError ? 'alert' : 'status'}>
              {testError ? (
                <>
                  <span aria-hidden="true">✕ </span>
                  {testError}
                </>
              ) : result ? (
                <>
                  <span aria-hidden="true">✓ </span>
                  {testResultText(result)}
                </>
              ) : testing ? (
                'Connecting…'
              ) : (
                'Connects with what is typed here and changes nothing.'
              )}
            </p>
          </div>
        </>
      ) : (
        <p className="field-hint">Off: this computer keeps its own leads, lists and results.</p>
      )}
      {running === 'team' ? <UploadOffer /> : null}
    </fieldset>
  );
}
