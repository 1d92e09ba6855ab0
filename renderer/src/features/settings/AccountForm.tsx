import { useId, useState, type FormEvent } from 'react';
import { accountSchema, type AccountInput } from '../../../../shared/account';
import { useRingside } from '../../store/store';
import { useApi } from '../../ui/api-context';
import { alertOnFailure, request } from '../../ui/use-request';
import { SupervisionFields, supervisionErrors, supervisionInput, supervisionValues, type SupervisionErrors } from '../supervision/SupervisionFields';
import { DialPlanFields, dialPlanErrors, dialPlanInput, dialPlanValues, type DialPlanErrors } from './DialPlanFields';
import { hasIceErrors, IceServerFields, iceErrors, iceInput, iceValues, type IceErrors } from './IceServerFields';
import { hasTeamErrors, TeamFields, teamErrors, teamInput, teamValues, type TeamErrors } from '../team/TeamFields';
import { CrmFields, crmErrors, crmInput, crmValues, hasCrmErrors, type CrmErrors } from '../crm/CrmFields';
import { hasScreenPopErrors, ScreenPopFields, screenPopErrors, screenPopInput, screenPopValues, type ScreenPopErrors } from '../crm/ScreenPopFields';

type Field = 'server' | 'aor' | 'authUser' | 'password' | 'displayName';
type Values = Record<Field, string>;
type Errors = Partial<Record<Field, string>>;

const FIELDS: readonly { name: Field; label: string; type: string; placeholder: string; autoComplete: string }[] = [
  { name: 'server', label: 'Server (ws:// or wss://)', type: 'text', placeholder: 'e.g. wss://pbx.example.com:8089/ws', autoComplete: 'url' },
  { name: 'aor', label: 'SIP address', type: 'text', placeholder: 'e.g. sip:agent1@example.com', autoComplete: 'username' },
  { name: 'authUser', label: 'Auth user (optional)', type: 'text', placeholder: 'Same as the SIP address user', autoComplete: 'off' },
  { name: 'password', label: 'Password', type: 'password', placeholder: '', autoComplete: 'current-password' },
  { name: 'displayName', label: 'Display name (optional)', type: 'text', placeholder: 'Your name as callers see it', autoComplete: 'name' },
];

/**
 * The agent's SIP account. Validated with the shared `accountSchema` before it is sent; a
 * provisioned account is shown read-only.
 */
export function AccountForm({ onDone }: { onDone?: () => void }) {
  const api = useApi();
  const account = useRingside((s) => s.account);
  const formId = useId();
  const readOnly = account?.source === 'provisioned';
  const [values, setValues] = useState<Values>(() => ({
    server: account?.server ?? '',
    aor: account?.aor ?? '',
    authUser: account?.authUser ?? '',
    password: '',
    displayName: account?.displayName ?? '',
  }));
  const [errors, setErrors] = useState<Errors>({});
  const [supervision, setSupervision] = useState(() => supervisionValues(account?.supervision));
  const [supervisionErrs, setSupervisionErrs] = useState<SupervisionErrors>({});
  const [dialPlan, setDialPlan] = useState(() => dialPlanValues(account?.dialPlan, account?.trustCallerId));
  const [dialPlanErrs, setDialPlanErrs] = useState<DialPlanErrors>({});
  const [ice, setIce] = useState(() => iceValues(account));
  const [iceErrs, setIceErrs] = useState<IceErrors>({ servers: {} });
  const [team, setTeam] = useState(() => teamValues(account?.team, account?.aor ?? ''));
  const [teamErrs, setTeamErrs] = useState<TeamErrors>({});
  const [crm, setCrm] = useState(() => crmValues(account?.crm));
  const [crmErrs, setCrmErrs] = useState<CrmErrors>({});
  const [screenPop, setScreenPop] = useState(() => screenPopValues(account?.screenPop));
  const [screenPopErrs, setScreenPopErrs] = useState<ScreenPopErrors>({});
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const [invalid, setInvalid] = useState(false);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (readOnly || saving) return;
    const input: AccountInput = {
      server: values.server,
      aor: values.aor,
      password: values.password,
      ...(values.authUser.trim() ? { authUser: values.authUser } : {}),
      ...(values.displayName.trim() ? { displayName: values.displayName } : {}),
      // What the form does not show is kept as it was, not reset to its default by a save.
      ...(account
        ? {
            expires: account.expires,
            keepAliveSec: account.keepAliveSec,
            iceGatheringTimeoutMs: account.iceGatheringTimeoutMs,
            autoDialLinks: account.autoDialLinks,
          }
        : {}),
      supervision: supervisionInput(supervision),
      // The account schema checks the plan with validDialPlanSchema: field rules and cross-field problems.
      dialPlan: dialPlanInput(dialPlan),
      trustCallerId: dialPlan.trustCallerId,
      ...iceInput(ice),
      // Absent: solo and no CRM sync; a password or secret only when one was typed.
      ...teamInput(team),
      ...crmInput(crm),
      ...screenPopInput(screenPop),
    };
    const parsed = accountSchema.safeParse(input);
    const next: Errors = {};
    const nextSupervision = parsed.success ? {} : supervisionErrors(parsed.error.issues, supervision);
    const nextDialPlan = parsed.success ? {} : dialPlanErrors(parsed.error.issues, dialPlan);
    // Also without schema issues: a TURN server needs its user and a password, typed or saved.
    const nextIce = iceErrors(parsed.success ? [] : parsed.error.issues, ice);
    const nextTeam = parsed.success ? {} : teamErrors(parsed.error.issues);
    // Also without schema issues: CRM sync needs a signing secret, typed or saved for this address.
    const nextCrm = crmErrors(parsed.success ? [] : parsed.error.issues, crm);
    const nextScreenPop = screenPopErrors(parsed.success ? [] : parsed.error.issues, screenPop);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path[0];
        if (typeof field === 'string' && field in values && !next[field as Field]) next[field as Field] = issue.message;
      }
    }
    setSupervisionErrs(nextSupervision);
    setDialPlanErrs(nextDialPlan);
    setIceErrs(nextIce);
    setTeamErrs(nextTeam);
    setCrmErrs(nextCrm);
    setScreenPopErrs(nextScreenPop);
    // The contract has no "keep the saved password": re-entering it avoids silently clearing it.
    if (account?.hasPassword && values.password === '') next.password = 'Re-enter the password to save changes.';
    setErrors(next);
    setSaved(false);
    const hasErrors =
      Object.keys(next).length > 0 ||
      Object.keys(nextSupervision).length > 0 ||
      Object.keys(nextDialPlan).length > 0 ||
      hasIceErrors(nextIce) ||
      hasTeamErrors(nextTeam) ||
      hasCrmErrors(nextCrm) ||
      hasScreenPopErrors(nextScreenPop);
    // The form is long: say at the button that something further up needs fixing.
    setInvalid(hasErrors);
    if (hasErrors) return;
    setSaving(true);
    alertOnFailure(
      request(api.account.save(input)).then((view) => {
        setSaving(false);
        if (!view) return;
        setSaved(true);
        setValues((v) => ({ ...v, password: '' }));
        setSupervision((v) => ({ ...v, teamSecret: '', removeSecret: false }));
        setIce(iceValues(view));
        setTeam(teamValues(view.team, view.aor));
        setCrm(crmValues(view.crm));
        setScreenPop(screenPopValues(view.screenPop));
        onDone?.();
      }),
      'Saving the account',
    );
  };

  return (
    <form className="account-form" aria-labelledby={`${formId}-title`} onSubmit={submit} noValidate>
      <h2 id={`${formId}-title`}>{account ? 'Account settings' : 'Set up your SIP account'}</h2>
      {readOnly ? (
        <p className="note">This account was provisioned by your administrator and cannot be edited here.</p>
      ) : account ? null : (
        <p className="note">Enter the details your administrator gave you to start taking calls.</p>
      )}
      {account?.secretsStorage === 'memory-only' ? (
        <p className="note is-warning" role="status">
          This computer has no secure key store for Ringside, so your password is kept only until Ringside closes and you will be asked for it again next time.
          Ask your IT to set up the system keyring (GNOME Keyring or KWallet) to have it remembered safely.
        </p>
      ) : null}
      {account?.problems.length ? (
        <ul className="note is-warning" role="alert">
          {account.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : null}
      {FIELDS.map((f) => {
        const id = `${formId}-${f.name}`;
        const error = errors[f.name];
        const hint = f.name === 'password' && account?.hasPassword && !readOnly ? 'A password is saved; it is never shown.' : null;
        const describedBy = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ') || undefined;
        return (
          <div className="field" key={f.name}>
            <label htmlFor={id}>{f.label}</label>
            <input
              id={id}
              name={f.name}
              type={f.type}
              value={f.name === 'password' && readOnly ? '' : values[f.name]}
              placeholder={f.name === 'password' && readOnly ? '••••••••' : f.placeholder}
              autoComplete={f.autoComplete}
              spellCheck={false}
              readOnly={readOnly}
              aria-invalid={error ? true : undefined}
              aria-describedby={describedBy}
              onChange={(e) => setValues((v) => ({ ...v, [f.name]: e.target.value }))}
            />
            {hint ? (
              <span id={`${id}-hint`} className="field-hint">
                {hint}
              </span>
            ) : null}
            {error ? (
              <span id={`${id}-error`} className="field-error">
                {error}
              </span>
            ) : null}
          </div>
        );
      })}
      <SupervisionFields
        values={supervision}
        onChange={setSupervision}
        errors={supervisionErrs}
        readOnly={readOnly}
        hasTeamSecret={account?.supervision.hasTeamSecret ?? false}
      />
      <DialPlanFields values={dialPlan} onChange={setDialPlan} errors={dialPlanErrs} readOnly={readOnly} />
      <IceServerFields values={ice} onChange={setIce} errors={iceErrs} readOnly={readOnly} />
      <TeamFields values={team} onChange={setTeam} errors={teamErrs} readOnly={readOnly} aor={values.aor} />
      <CrmFields values={crm} onChange={setCrm} errors={crmErrs} readOnly={readOnly} />
      <ScreenPopFields values={screenPop} onChange={setScreenPop} errors={screenPopErrs} readOnly={readOnly} />
      <div className="form-actions">
        {readOnly ? null : (
          <button type="submit" className="btn btn-primary" disabled={saving}>
            {saving ? 'Saving…' : 'Save account'}
          </button>
        )}
        {onDone && account ? (
          <button type="button" className="btn" onClick={onDone}>
            {readOnly ? 'Close' : 'Cancel'}
          </button>
        ) : null}
        {saved ? <span role="status">Saved.</span> : null}
        {invalid ? (
          <span className="field-error form-error" role="alert">
            Not saved: fix the fields marked above.
          </span>
        ) : null}
      </div>
    </form>
  );
}
