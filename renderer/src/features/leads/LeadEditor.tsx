import { useId, useState, type FormEvent } from 'react';
import { leadPatchSchema, type Lead, type LeadPatch } from '../../../../shared/lead';
import { store } from '../../store/store';
import { useApi } from '../../ui/api-context';
import { alertOnFailure, request } from '../../ui/use-request';

type TextKey = 'firstName' | 'lastName' | 'company' | 'email' | 'street' | 'city' | 'region' | 'postalCode' | 'country' | 'source';
type DateKey = 'consentAt' | 'inquiryAt' | 'lastPurchaseAt';

const TEXT_FIELDS: Array<[TextKey, string]> = [
  ['firstName', 'First name'],
  ['lastName', 'Last name'],
  ['company', 'Company'],
  ['email', 'E-mail'],
  ['street', 'Street'],
  ['postalCode', 'Postal code'],
  ['city', 'City'],
  ['region', 'Region'],
  ['country', 'Country (2 letters)'],
  ['source', 'Source'],
];
const DATE_FIELDS: Array<[DateKey, string]> = [
  ['inquiryAt', 'Inquiry date'],
  ['consentAt', 'Consent date'],
  ['lastPurchaseAt', 'Last purchase'],
];

interface Draft {
  text: Record<TextKey, string>;
  dates: Record<DateKey, string>;
  timeZone: string;
  score: string;
  priority: string;
  phones: string;
  custom: Array<[string, string]>;
}

function draftOf(lead: Lead): Draft {
  return {
    text: Object.fromEntries(TEXT_FIELDS.map(([k]) => [k, lead[k]])) as Record<TextKey, string>,
    dates: Object.fromEntries(DATE_FIELDS.map(([k]) => [k, lead[k] ?? ''])) as Record<DateKey, string>,
    timeZone: lead.timeZone ?? '',
    score: String(lead.score),
    priority: String(lead.priority),
    phones: lead.phones.map((p) => p.raw || p.e164).join('\n'),
    custom: Object.entries(lead.customFields),
  };
}

function patchOf(d: Draft): unknown {
  const num = (s: string) => (s.trim() === '' ? NaN : Number(s));
  return {
    ...d.text,
    ...Object.fromEntries(DATE_FIELDS.map(([k]) => [k, d.dates[k].trim() || null])),
    timeZone: d.timeZone.trim() || null,
    score: num(d.score),
    priority: num(d.priority),
    phones: d.phones
      .split('\n')
      .map((p) => p.trim())
      .filter(Boolean),
    customFields: Object.fromEntries(d.custom.filter(([k]) => k.trim() !== '').map(([k, v]) => [k.trim(), v])),
  };
}

/** Edits a lead; validated with the shared schema before it is sent, normalised by main. */
export function LeadEditor({ lead, onDone }: { lead: Lead; onDone: () => void }) {
  const api = useApi();
  const id = useId();
  const [draft, setDraft] = useState<Draft>(() => draftOf(lead));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [invalidPhones, setInvalidPhones] = useState<string[]>([]);
  const [saving, setSaving] = useState(false);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = leadPatchSchema.safeParse(patchOf(draft));
    if (!parsed.success) {
      const next: Record<string, string> = {};
      for (const issue of parsed.error.issues) {
        const key = String(issue.path[0] ?? 'form');
        next[key] ??= issue.message;
      }
      setErrors(next);
      return;
    }
    setErrors({});
    setSaving(true);
    alertOnFailure(
      request(api.lead.update(lead.id, parsed.data as LeadPatch)).then((r) => {
        setSaving(false);
        if (!r) return;
        const previous = store.getState().leads[lead.id];
        store.getState().setLeadDetail({ history: previous?.history ?? [], callbacks: previous?.callbacks ?? [], lead: r.lead });
        setInvalidPhones(r.invalidPhones);
        if (r.invalidPhones.length === 0) onDone();
      }),
    );
  };

  const field = (key: string, label: string, value: string, set: (v: string) => void, props: { inputMode?: 'numeric'; placeholder?: string } = {}) => (
    <div className="field" key={key}>
      <label htmlFor={`${id}-${key}`}>{label}</label>
      <input
        id={`${id}-${key}`}
        type="text"
        value={value}
        aria-invalid={errors[key] ? true : undefined}
        aria-describedby={errors[key] ? `${id}-${key}-error` : undefined}
        onChange={(e) => set(e.target.value)}
        {...props}
      />
      {errors[key] ? (
        <span id={`${id}-${key}-error`} className="field-error">
          {errors[key]}
        </span>
      ) : null}
    </div>
  );

  return (
    <form className="lead-editor" aria-label="Edit lead" onSubmit={submit} noValidate>
      <div className="editor-grid">
        {TEXT_FIELDS.map(([k, label]) => field(k, label, draft.text[k], (v) => setDraft((d) => ({ ...d, text: { ...d.text, [k]: v } }))))}
        {field('timeZone', 'Time zone (IANA)', draft.timeZone, (v) => setDraft((d) => ({ ...d, timeZone: v })), { placeholder: 'America/Chicago' })}
        {DATE_FIELDS.map(([k, label]) =>
          field(k, label, draft.dates[k], (v) => setDraft((d) => ({ ...d, dates: { ...d.dates, [k]: v } })), { placeholder: 'YYYY-MM-DD' }),
        )}
        {field('score', 'Score (0–1000)', draft.score, (v) => setDraft((d) => ({ ...d, score: v })), { inputMode: 'numeric' })}
        {field('priority', 'Priority (0–10)', draft.priority, (v) => setDraft((d) => ({ ...d, priority: v })), { inputMode: 'numeric' })}
      </div>
      <div className="field">
        <label htmlFor={`${id}-phones`}>Phone numbers (one per line)</label>
        <textarea
          id={`${id}-phones`}
          rows={3}
          value={draft.phones}
          aria-invalid={errors.phones || invalidPhones.length ? true : undefined}
          onChange={(e) => setDraft((d) => ({ ...d, phones: e.target.value }))}
        />
        {errors.phones ? <span className="field-error">{errors.phones}</span> : null}
        {invalidPhones.length ? (
          <span className="field-error" role="alert">
            Not valid phone numbers (not saved): {invalidPhones.join(', ')}
          </span>
        ) : null}
      </div>
      <fieldset className="custom-fields">
        <legend>Custom fields</legend>
        {draft.custom.map(([k, v], i) => (
          <div className="custom-row" key={i}>
            <input
              type="text"
              aria-label={`Custom field ${i + 1} name`}
              value={k}
              onChange={(e) => setDraft((d) => ({ ...d, custom: d.custom.map((c, j) => (j === i ? [e.target.value, c[1]] : c)) }))}
            />
            <input
              type="text"
              aria-label={`Custom field ${k || i + 1} value`}
              value={v}
              onChange={(e) => setDraft((d) => ({ ...d, custom: d.custom.map((c, j) => (j === i ? [c[0], e.target.value] : c)) }))}
            />
            <button
              type="button"
              className="btn btn-sm"
              aria-label={`Remove custom field ${k || i + 1}`}
              onClick={() => setDraft((d) => ({ ...d, custom: d.custom.filter((_, j) => j !== i) }))}
            >
              Remove
            </button>
          </div>
        ))}
        <button type="button" className="btn btn-sm" onClick={() => setDraft((d) => ({ ...d, custom: [...d.custom, ['', '']] }))}>
          Add custom field
        </button>
        {errors.customFields ? <span className="field-error">{errors.customFields}</span> : null}
      </fieldset>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save lead'}
        </button>
        <button type="button" className="btn" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
