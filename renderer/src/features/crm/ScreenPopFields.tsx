import { useId } from 'react';
import type { AccountInput } from '../../../../shared/account';
import { screenPopOpenModes, type CrmScreenPopView, type ScreenPopOpen } from '../../../../shared/crm';

/** The screen pop part of the settings form, as typed (allowed hosts one per line, or comma separated). */
export interface ScreenPopValues {
  /** Off: the account has no `screenPop`, no "Open in CRM". */
  enabled: boolean;
  template: string;
  allowedHosts: string;
  open: ScreenPopOpen;
}

type ScreenPopField = 'template' | 'allowedHosts' | 'open';
export type ScreenPopErrors = Partial<Record<ScreenPopField, string>>;

const openText: Record<ScreenPopOpen, string> = {
  'inbound-answered': 'By itself when I answer an inbound call from a known lead, and at the Open in CRM button',
  button: 'Only at the Open in CRM button on the lead card',
};

export function screenPopValues(pop: CrmScreenPopView | null | undefined): ScreenPopValues {
  return {
    enabled: Boolean(pop),
    template: pop?.template ?? '',
    allowedHosts: (pop?.allowedHosts ?? []).join('\n'),
    open: pop?.open ?? 'inbound-answered',
  };
}

const hostLines = (text: string): string[] =>
  text
    .split(/[\n,]+/)
    .map((l) => l.trim())
    .filter(Boolean);

/** What goes to `account:save`: no `screenPop` turns it off. */
export function screenPopInput(v: ScreenPopValues): Pick<AccountInput, 'screenPop'> {
  if (!v.enabled) return {};
  return { screenPop: { template: v.template, allowedHosts: hostLines(v.allowedHosts), open: v.open } };
}

/** Field messages from the account schema's issues under `screenPop`; a host's own problem names its line. */
export function screenPopErrors(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>, v: ScreenPopValues): ScreenPopErrors {
  const out: ScreenPopErrors = {};
  if (!v.enabled) return out;
  for (const issue of issues) {
    const [root, field, index] = issue.path;
    if (root !== 'screenPop') continue;
    if (field === 'template') out.template ??= `${issue.message}.`;
    else if (field === 'allowedHosts' && typeof index === 'number') out.allowedHosts ??= `Line ${index + 1}: ${issue.message}.`;
    else if (field === 'allowedHosts') out.allowedHosts ??= `${issue.message}.`;
    else if (field === 'open') out.open ??= 'Choose when the CRM record opens.';
  }
  return out;
}

export const hasScreenPopErrors = (e: ScreenPopErrors): boolean => Object.keys(e).length > 0;

/**
 * The screen pop: the address of a lead's record in the company's CRM, made from the lead on
 * screen, and the only hosts it may go to. The record opens in the system browser.
 */
export function ScreenPopFields({
  values: v,
  onChange,
  errors,
  readOnly,
}: {
  values: ScreenPopValues;
  onChange: (next: ScreenPopValues) => void;
  errors: ScreenPopErrors;
  readOnly: boolean;
}) {
  const id = useId();
  const described = (field: ScreenPopField, hint = false) =>
    [errors[field] ? `${id}-${field}-error` : null, hint ? `${id}-${field}-hint` : null].filter(Boolean).join(' ') || undefined;
  const error = (field: ScreenPopField) =>
    errors[field] ? (
      <span id={`${id}-${field}-error`} className="field-error">
        {errors[field]}
      </span>
    ) : null;

  return (
    <fieldset className="crm-settings screen-pop-settings">
      <legend>CRM record (screen pop)</legend>
      <p className="field-hint">The lead’s record in your CRM opens in your web browser, from an address your company sets.</p>
      <label className="field-check">
        <input type="checkbox" checked={v.enabled} disabled={readOnly} onChange={(e) => onChange({ ...v, enabled: e.target.checked })} />
        Open leads in the CRM
      </label>
      {v.enabled ? (
        <>
          <div className="field">
            <label htmlFor={`${id}-template`}>CRM record address</label>
            <input
              id={`${id}-template`}
              type="text"
              value={v.template}
              placeholder={readOnly ? '' : 'e.g. https://crm.example.com/leads/{externalId}?phone={phone}'}
              readOnly={readOnly}
              spellCheck={false}
              autoComplete="off"
              aria-invalid={errors.template ? true : undefined}
              aria-describedby={described('template', true)}
              onChange={(e) => onChange({ ...v, template: e.target.value })}
            />
            <span id={`${id}-template-hint`} className="field-hint">
              Placeholders: <code>{'{leadId}'}</code>, <code>{'{externalId}'}</code> (the lead’s crm_id field), <code>{'{phone}'}</code>,{' '}
              <code>{'{campaignId}'}</code>, <code>{'{campaign}'}</code>, <code>{'{agent}'}</code>. Each is filled in encoded, so nothing in a lead can change
              where the address goes.
            </span>
            {error('template')}
          </div>
          <div className="field">
            <label htmlFor={`${id}-allowedHosts`}>Allowed hosts (one per line)</label>
            <textarea
              id={`${id}-allowedHosts`}
              value={v.allowedHosts}
              placeholder={readOnly ? '' : 'crm.example.com'}
              readOnly={readOnly}
              spellCheck={false}
              rows={2}
              aria-invalid={errors.allowedHosts ? true : undefined}
              aria-describedby={described('allowedHosts', true)}
              onChange={(e) => onChange({ ...v, allowedHosts: e.target.value })}
            />
            <span id={`${id}-allowedHosts-hint`} className="field-hint">
              The only places a CRM record may open; the host of the address above must be one of them.
            </span>
            {error('allowedHosts')}
          </div>
          <fieldset className="screen-pop-open" aria-describedby={errors.open ? `${id}-open-error` : undefined}>
            <legend>Open the record</legend>
            {screenPopOpenModes.map((mode) => (
              <label key={mode} className="field-check screen-pop-mode">
                <input
                  type="radio"
                  name={`${id}-open`}
                  value={mode}
                  checked={v.open === mode}
                  disabled={readOnly}
                  onChange={() => onChange({ ...v, open: mode })}
                />
                {openText[mode]}
              </label>
            ))}
            {error('open')}
          </fieldset>
        </>
      ) : (
        <p className="field-hint">Off: no Open in CRM button.</p>
      )}
    </fieldset>
  );
}
