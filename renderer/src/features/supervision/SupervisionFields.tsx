import { useId } from 'react';
import type { AccountView } from '../../../../shared/account';
import { monitorModes, roles, type Role, type SupervisionInput } from '../../../../shared/supervision';

/** The supervision part of the settings form, as typed (lists one address per line). */
export interface SupervisionValues {
  role: Role;
  supervisors: string;
  team: string;
  /** A new team secret; empty keeps the saved one. */
  teamSecret: string;
  removeSecret: boolean;
  showMonitoring: boolean;
  monitorVia: 'proxy' | 'pbx';
  listen: string;
  whisper: string;
  barge: string;
  heartbeatSec: string;
  longCallMin: string;
  longWrapUpMin: string;
  longPauseMin: string;
}
export type SupervisionField = Exclude<keyof SupervisionValues, 'removeSecret' | 'showMonitoring' | 'role' | 'monitorVia'>;
export type SupervisionErrors = Partial<Record<SupervisionField, string>>;

const roleLabel: Record<Role, string> = { agent: 'Agent', supervisor: 'Supervisor', both: 'Agent and supervisor' };

const NUMBERS: Record<'heartbeatSec' | 'longCallMin' | 'longWrapUpMin' | 'longPauseMin', { min: number; max: number; int: boolean }> = {
  heartbeatSec: { min: 1, max: 60, int: true },
  longCallMin: { min: 1, max: 240, int: false },
  longWrapUpMin: { min: 1, max: 240, int: false },
  longPauseMin: { min: 1, max: 480, int: false },
};

export function supervisionValues(sv: AccountView['supervision'] | undefined): SupervisionValues {
  return {
    role: sv?.role ?? 'agent',
    supervisors: (sv?.supervisors ?? []).join('\n'),
    team: (sv?.team ?? []).join('\n'),
    teamSecret: '',
    removeSecret: false,
    showMonitoring: sv?.showMonitoring ?? true,
    monitorVia: sv?.monitorVia ?? 'proxy',
    listen: sv?.featureCodes.listen ?? '*222{ext}',
    whisper: sv?.featureCodes.whisper ?? '*223{ext}',
    barge: sv?.featureCodes.barge ?? '*224{ext}',
    heartbeatSec: String(sv?.heartbeatSec ?? 5),
    longCallMin: String(sv?.alerts.longCallMin ?? 10),
    longWrapUpMin: String(sv?.alerts.longWrapUpMin ?? 3),
    longPauseMin: String(sv?.alerts.longPauseMin ?? 15),
  };
}

const lines = (text: string): string[] =>
  text
    .split(/[\n,]+/)
    .map((l) => l.trim())
    .filter(Boolean);

/** What goes to `account:save`: no `teamSecret` keeps the saved one, '' removes it. */
export function supervisionInput(v: SupervisionValues): SupervisionInput {
  const num = (s: string) => (s.trim() === '' ? Number.NaN : Number(s));
  return {
    role: v.role,
    supervisors: lines(v.supervisors),
    team: lines(v.team),
    ...(v.teamSecret ? { teamSecret: v.teamSecret } : v.removeSecret ? { teamSecret: '' } : {}),
    showMonitoring: v.showMonitoring,
    monitorVia: v.monitorVia,
    featureCodes: { listen: v.listen, whisper: v.whisper, barge: v.barge },
    heartbeatSec: num(v.heartbeatSec),
    alerts: { longCallMin: num(v.longCallMin), longWrapUpMin: num(v.longWrapUpMin), longPauseMin: num(v.longPauseMin) },
  };
}

/** Field messages from the account schema's issues under `supervision`. */
export function supervisionErrors(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>, v: SupervisionValues): SupervisionErrors {
  const out: SupervisionErrors = {};
  const put = (field: SupervisionField, message: string) => {
    if (!out[field]) out[field] = message;
  };
  for (const issue of issues) {
    const [root, a, b] = issue.path;
    if (root !== 'supervision') continue;
    if ((a === 'supervisors' || a === 'team') && typeof b === 'number') {
      put(a, `“${lines(v[a])[b] ?? ''}” (line ${b + 1}): ${issue.message}`);
    } else if (a === 'supervisors' || a === 'team') put(a, issue.message);
    else if (a === 'teamSecret') put('teamSecret', issue.message);
    else if (a === 'featureCodes' && (b === 'listen' || b === 'whisper' || b === 'barge')) put(b, issue.message);
    else if (a === 'heartbeatSec' || (a === 'alerts' && (b === 'longCallMin' || b === 'longWrapUpMin' || b === 'longPauseMin'))) {
      const field = (a === 'alerts' ? b : a) as keyof typeof NUMBERS;
      const { min, max, int } = NUMBERS[field];
      put(field, `Enter a ${int ? 'whole ' : ''}number from ${min} to ${max}.`);
    }
  }
  return out;
}

/**
 * Roles and lists for the live board and monitoring: who this install reports to, who is on its
 * board, the optional team secret (write-only, like the password), alert limits.
 */
export function SupervisionFields({
  values: v,
  onChange,
  errors,
  readOnly,
  hasTeamSecret,
}: {
  values: SupervisionValues;
  onChange: (next: SupervisionValues) => void;
  errors: SupervisionErrors;
  readOnly: boolean;
  hasTeamSecret: boolean;
}) {
  const id = useId();
  const set = <K extends keyof SupervisionValues>(key: K, value: SupervisionValues[K]) => onChange({ ...v, [key]: value });
  const isAgent = v.role !== 'supervisor';
  const isSupervisor = v.role !== 'agent';
  const described = (field: SupervisionField, hint = false) =>
    [errors[field] ? `${id}-${field}-error` : null, hint ? `${id}-${field}-hint` : null].filter(Boolean).join(' ') || undefined;
  const error = (field: SupervisionField) =>
    errors[field] ? (
      <span id={`${id}-${field}-error`} className="field-error">
        {errors[field]}
      </span>
    ) : null;
  const number = (field: keyof typeof NUMBERS, label: string) => (
    <div className="field">
      <label htmlFor={`${id}-${field}`}>{label}</label>
      <input
        id={`${id}-${field}`}
        type="number"
        inputMode="numeric"
        min={NUMBERS[field].min}
        max={NUMBERS[field].max}
        value={v[field]}
        readOnly={readOnly}
        aria-invalid={errors[field] ? true : undefined}
        aria-describedby={described(field)}
        onChange={(e) => set(field, e.target.value)}
      />
      {error(field)}
    </div>
  );

  return (
    <fieldset className="supervision-settings" disabled={readOnly}>
      <legend>Team and supervision</legend>
      <div className="field">
        <label htmlFor={`${id}-role`}>This install is used by</label>
        <select id={`${id}-role`} value={v.role} onChange={(e) => set('role', e.target.value as Role)}>
          {roles.map((r) => (
            <option key={r} value={r}>
              {roleLabel[r]}
            </option>
          ))}
        </select>
      </div>

      {isAgent ? (
        <div className="field">
          <label htmlFor={`${id}-supervisors`}>Supervisors who may see and monitor me (one SIP address per line)</label>
          <textarea
            id={`${id}-supervisors`}
            value={v.supervisors}
            placeholder="sip:supervisor1@example.com"
            spellCheck={false}
            rows={2}
            aria-invalid={errors.supervisors ? true : undefined}
            aria-describedby={described('supervisors')}
            onChange={(e) => set('supervisors', e.target.value)}
          />
          {error('supervisors')}
        </div>
      ) : null}

      {isSupervisor ? (
        <div className="field">
          <label htmlFor={`${id}-team`}>Agents on my board (one SIP address per line)</label>
          <textarea
            id={`${id}-team`}
            value={v.team}
            placeholder={'sip:agent1@example.com\nsip:agent2@example.com'}
            spellCheck={false}
            rows={4}
            aria-invalid={errors.team ? true : undefined}
            aria-describedby={described('team')}
            onChange={(e) => set('team', e.target.value)}
          />
          {error('team')}
        </div>
      ) : null}

      <div className="field">
        <label htmlFor={`${id}-teamSecret`}>Team secret (optional)</label>
        <input
          id={`${id}-teamSecret`}
          type="password"
          autoComplete="off"
          value={readOnly ? '' : v.teamSecret}
          placeholder={readOnly && hasTeamSecret ? '••••••••' : ''}
          aria-invalid={errors.teamSecret ? true : undefined}
          aria-describedby={described('teamSecret', true)}
          onChange={(e) => onChange({ ...v, teamSecret: e.target.value, removeSecret: false })}
        />
        <span id={`${id}-teamSecret-hint`} className="field-hint">
          {hasTeamSecret
            ? 'A team secret is saved; it is never shown. Type a new one to replace it.'
            : 'Only for SIP servers that do not assert the caller’s identity. Everyone on the team needs the same secret.'}
        </span>
        {error('teamSecret')}
        {hasTeamSecret && !readOnly ? (
          <label className="field-check">
            <input type="checkbox" checked={v.removeSecret} disabled={v.teamSecret !== ''} onChange={(e) => set('removeSecret', e.target.checked)} />
            Remove the saved team secret
          </label>
        ) : null}
      </div>

      {isAgent ? (
        <label className="field-check">
          <input type="checkbox" checked={v.showMonitoring} onChange={(e) => set('showMonitoring', e.target.checked)} />
          Show me when a supervisor is listening
        </label>
      ) : null}

      {isSupervisor ? (
        <>
          <div className="field">
            <label htmlFor={`${id}-via`}>Listen, whisper and barge through</label>
            <select id={`${id}-via`} value={v.monitorVia} onChange={(e) => set('monitorVia', e.target.value as 'proxy' | 'pbx')}>
              <option value="proxy">The agent’s app (any SIP server)</option>
              <option value="pbx">The PBX’s feature codes</option>
            </select>
          </div>
          {v.monitorVia === 'pbx' ? (
            <div className="field-grid">
              {monitorModes.map((mode) => (
                <div className="field" key={mode}>
                  <label htmlFor={`${id}-${mode}`}>{mode[0]!.toUpperCase() + mode.slice(1)} code</label>
                  <input
                    id={`${id}-${mode}`}
                    type="text"
                    value={v[mode]}
                    spellCheck={false}
                    aria-invalid={errors[mode] ? true : undefined}
                    aria-describedby={described(mode)}
                    onChange={(e) => set(mode, e.target.value)}
                  />
                  {error(mode)}
                </div>
              ))}
            </div>
          ) : null}
          <div className="field-grid">
            {number('longCallMin', 'Alert: call longer than (min)')}
            {number('longWrapUpMin', 'Alert: wrap-up longer than (min)')}
            {number('longPauseMin', 'Alert: pause longer than (min)')}
          </div>
        </>
      ) : null}
      {number('heartbeatSec', 'Heartbeat (seconds; silent for 3 heartbeats = no word)')}
    </fieldset>
  );
}
