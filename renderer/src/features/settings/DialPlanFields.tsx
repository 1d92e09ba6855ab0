import { useId, useMemo } from 'react';
import { getCountries } from 'libphonenumber-js/max';
import { defaultDialPlan, dialPlanProblems, maxExtensionDigits, type DialPlan } from '../../../../shared/dial-plan';

/** The dial plan part of the settings form, as typed: lists are comma-separated text. */
export interface DialPlanValues {
  country: string;
  outsideLinePrefixes: string;
  internationalPrefixes: string;
  nationalPrefix: string;
  featureCodes: string;
  /** Off: the PBX has no internal extensions (every short number is refused, not guessed at). */
  hasExtensions: boolean;
  extMin: string;
  extMax: string;
  internalDomains: string;
  trustCallerId: boolean;
}
export type DialPlanField =
  'plan' | 'country' | 'outsideLinePrefixes' | 'internationalPrefixes' | 'nationalPrefix' | 'featureCodes' | 'extensions' | 'internalDomains';
export type DialPlanErrors = Partial<Record<DialPlanField, string[]>>;

const LISTS = ['outsideLinePrefixes', 'internationalPrefixes', 'featureCodes', 'internalDomains'] as const;
type ListField = (typeof LISTS)[number];

const items = (text: string): string[] =>
  text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);

export function dialPlanValues(plan: DialPlan | undefined, trustCallerId: boolean | undefined): DialPlanValues {
  const p = plan ?? defaultDialPlan('US');
  return {
    country: p.country,
    outsideLinePrefixes: p.outsideLinePrefixes.join(', '),
    internationalPrefixes: p.internationalPrefixes.join(', '),
    nationalPrefix: p.nationalPrefix,
    featureCodes: p.featureCodes.join(', '),
    hasExtensions: p.extensions !== null,
    extMin: String(p.extensions?.minDigits ?? 3),
    extMax: String(p.extensions?.maxDigits ?? 4),
    internalDomains: p.internalDomains.join(', '),
    trustCallerId: trustCallerId ?? false,
  };
}

/** What goes to `account:save` (validated there again by the same schema). */
export function dialPlanInput(v: DialPlanValues): DialPlan {
  const num = (s: string) => (s.trim() === '' ? Number.NaN : Number(s));
  return {
    country: v.country,
    outsideLinePrefixes: items(v.outsideLinePrefixes),
    internationalPrefixes: items(v.internationalPrefixes),
    nationalPrefix: v.nationalPrefix.trim(),
    featureCodes: items(v.featureCodes),
    extensions: v.hasExtensions ? { minDigits: num(v.extMin), maxDigits: num(v.extMax) } : null,
    internalDomains: items(v.internalDomains),
  };
}

/**
 * Where a plan-wide problem from `dialPlanProblems` belongs on the form. Its messages are
 * sentences, not codes: anything not recognised is shown at the top of the section, never lost.
 */
function fieldOfProblem(message: string): DialPlanField {
  if (/^Extensions? /.test(message)) return 'extensions';
  if (/outside-line prefix/.test(message)) return 'outsideLinePrefixes';
  if (/not a country code/.test(message)) return 'country';
  return 'plan';
}

/**
 * Field messages from the account schema's issues under `dialPlan`, in plain words. The schema
 * only compares fields once each one is valid on its own, so the cross-field problems are asked
 * for here too: the agent sees every problem in one go, not one after another.
 */
export function dialPlanErrors(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>, v: DialPlanValues): DialPlanErrors {
  const out: DialPlanErrors = {};
  const put = (field: DialPlanField, message: string) => {
    const list = (out[field] ??= []);
    if (!list.includes(message)) list.push(message);
  };
  if (issues.some((i) => i.path[0] === 'dialPlan')) {
    const plan = dialPlanInput(v);
    for (const message of dialPlanProblems({ ...plan, country: plan.country.trim().toUpperCase() })) put(fieldOfProblem(message), message);
  }
  for (const issue of issues) {
    const [root, a, b] = issue.path;
    if (root !== 'dialPlan') continue;
    if (a === undefined) put(fieldOfProblem(issue.message), issue.message);
    else if (LISTS.includes(a as ListField)) {
      const field = a as ListField;
      if (typeof b === 'number') put(field, `“${items(v[field])[b] ?? ''}”: ${issue.message}.`);
      else put(field, issue.message.startsWith('Array must contain at most') ? 'Too many entries.' : capitalise(issue.message));
    } else if (a === 'extensions') {
      put('extensions', typeof b === 'string' ? 'An extension has a whole number of digits, from 1 to 8.' : capitalise(issue.message));
    } else if (a === 'country' || a === 'nationalPrefix') put(a, capitalise(issue.message));
  }
  return out;
}

const capitalise = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

const regionNames = typeof Intl.DisplayNames === 'function' ? new Intl.DisplayNames(['en'], { type: 'region' }) : null;

/** Every country libphonenumber knows, by English name. */
function countryOptions(): Array<{ code: string; name: string }> {
  return getCountries()
    .map((code) => ({ code: code as string, name: regionNames?.of(code) ?? code }))
    .sort((a, b) => a.name.localeCompare(b.name, 'en'));
}

const HELP: Record<Exclude<DialPlanField, 'plan'>, string> = {
  country: 'Where the PBX is: a number dialled without a country code is read as a number there.',
  outsideLinePrefixes: 'Digits the PBX strips to reach an outside line. Asterisk: the 9 in _9NXXNXXXXXX; a plain proxy: none.',
  internationalPrefixes: 'How the PBX dials abroad: 011 in North America, 00 in most other countries.',
  nationalPrefix: 'The trunk prefix before an area code: 1 in North America, 0 in the UK; none in Poland.',
  featureCodes: 'Dialled before a number without changing where it goes, e.g. *67 (hide caller ID).',
  extensions: 'Internal extensions: digits only, this many digits. Anything else is read as a telephone number.',
  internalDomains: 'Your company’s SIP domains besides the account’s own: a named user there is a colleague.',
};

/**
 * How the PBX reads what an agent dials, so the dial gate reads it the same way: prefixes it
 * strips, the extension pattern, internal domains; and whether the server vouches for caller IDs.
 */
export function DialPlanFields({
  values: v,
  onChange,
  errors,
  readOnly,
}: {
  values: DialPlanValues;
  onChange: (next: DialPlanValues) => void;
  errors: DialPlanErrors;
  readOnly: boolean;
}) {
  const id = useId();
  const countries = useMemo(countryOptions, []);
  const set = <K extends keyof DialPlanValues>(key: K, value: DialPlanValues[K]) => onChange({ ...v, [key]: value });
  const described = (field: Exclude<DialPlanField, 'plan'>) => [errors[field] ? `${id}-${field}-error` : null, `${id}-${field}-hint`].filter(Boolean).join(' ');
  const hint = (field: Exclude<DialPlanField, 'plan'>, extra?: string | null) => (
    <span id={`${id}-${field}-hint`} className="field-hint">
      {HELP[field]}
      {extra ? ` ${extra}` : ''}
    </span>
  );
  const error = (field: DialPlanField) =>
    errors[field] ? (
      <span id={`${id}-${field}-error`} className="field-error">
        {errors[field]!.map((m) => (
          <span key={m} className="field-error-line">
            {m}
          </span>
        ))}
      </span>
    ) : null;
  const text = (field: ListField | 'nationalPrefix', label: string, placeholder: string) => (
    <div className="field">
      <label htmlFor={`${id}-${field}`}>{label}</label>
      <input
        id={`${id}-${field}`}
        type="text"
        value={v[field]}
        placeholder={readOnly ? '' : placeholder}
        spellCheck={false}
        autoComplete="off"
        readOnly={readOnly}
        aria-invalid={errors[field] ? true : undefined}
        aria-describedby={described(field)}
        onChange={(e) => set(field, e.target.value)}
      />
      {hint(field)}
      {error(field)}
    </div>
  );
  const maxExt = maxExtensionDigits(v.country, v.nationalPrefix.trim());
  const known = countries.some((c) => c.code === v.country);

  // The two extension-length inputs differ only in which end of the range they hold.
  const extInput = {
    type: 'number',
    inputMode: 'numeric',
    min: 1,
    max: 8,
    disabled: !v.hasExtensions,
    'aria-invalid': errors.extensions ? true : undefined,
    'aria-describedby': described('extensions'),
  } as const;

  return (
    <fieldset className="dial-plan-settings" disabled={readOnly}>
      <legend>Dial plan</legend>
      <p className="field-hint">How your PBX reads what you dial. Every call is checked the way the PBX will dial it.</p>
      {error('plan')}
      <div className="field">
        <label htmlFor={`${id}-country`}>PBX country</label>
        <div className="dp-country-row">
          <select
            id={`${id}-country`}
            value={v.country}
            aria-invalid={errors.country ? true : undefined}
            aria-describedby={described('country')}
            onChange={(e) => set('country', e.target.value)}
          >
            {known ? null : <option value={v.country}>{v.country}</option>}
            {countries.map((c) => (
              <option key={c.code} value={c.code}>
                {c.code} — {c.name}
              </option>
            ))}
          </select>
          {readOnly ? null : (
            <button
              type="button"
              className="btn btn-sm"
              onClick={() => onChange({ ...dialPlanValues(defaultDialPlan(v.country), v.trustCallerId), internalDomains: v.internalDomains })}
            >
              Use defaults for this country
            </button>
          )}
        </div>
        {hint('country')}
        {error('country')}
      </div>
      {text('outsideLinePrefixes', 'Outside-line prefixes', 'none, or e.g. 9')}
      <div className="field-grid dp-grid-2">
        {text('internationalPrefixes', 'International prefixes', 'e.g. 00')}
        {text('nationalPrefix', 'National (trunk) prefix', 'none')}
      </div>
      {text('featureCodes', 'Feature codes that don’t change the destination', 'e.g. *67, #31#')}
      <div className="field">
        <span className="dp-label" id={`${id}-extensions-label`}>
          Extension length
        </span>
        <div className="dp-ext-row" role="group" aria-labelledby={`${id}-extensions-label`}>
          <label className="dp-inline">
            From
            <input {...extInput} value={v.extMin} aria-label="Shortest extension (digits)" onChange={(e) => set('extMin', e.target.value)} />
          </label>
          <label className="dp-inline">
            to
            <input {...extInput} value={v.extMax} aria-label="Longest extension (digits)" onChange={(e) => set('extMax', e.target.value)} />
            digits
          </label>
          <label className="field-check dp-inline">
            <input type="checkbox" checked={!v.hasExtensions} onChange={(e) => set('hasExtensions', !e.target.checked)} />
            No extensions
          </label>
        </div>
        {hint('extensions', maxExt !== null ? `In ${v.country}, at most ${maxExt} digits.` : null)}
        {error('extensions')}
      </div>
      {text('internalDomains', 'Internal SIP domains', 'e.g. pbx2.example.com')}
      <label className="field-check">
        <input type="checkbox" checked={v.trustCallerId} onChange={(e) => set('trustCallerId', e.target.checked)} aria-describedby={`${id}-trust-hint`} />
        The SIP server vouches for caller IDs (trusted caller ID)
      </label>
      <span id={`${id}-trust-hint`} className="field-hint">
        Only when your server or SBC verifies callers itself. Off: only a caller marked verified (verstat) counts as an inquiry.
      </span>
    </fieldset>
  );
}
