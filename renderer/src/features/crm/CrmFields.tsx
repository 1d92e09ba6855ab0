import { useId, useState } from 'react';
import type { AccountInput } from '../../../../shared/account';
import { crmEventTypes, type CrmEndpointView, type CrmEventType } from '../../../../shared/crm';
import { store, useRingside } from '../../store/store';
import { useApi } from '../../ui/api-context';
import { useNow } from '../../ui/use-now';
import { alertOnFailure } from '../../ui/use-request';
import { whenText } from '../../ui/when-text';
import { formatCount } from '../compliance/compliance-format';
import { useInlineRequest } from '../compliance/use-inline-request';
import { crmEventLabel, notDeliveredText, sendingText } from './crm-format';
import { DeadLetterPanel } from './DeadLetterPanel';

/** The CRM part of the settings form, as typed. */
export interface CrmValues {
  /** Off: the account has no `crm`, results stay in Ringside. */
  enabled: boolean;
  url: string;
  /** A new signing secret; empty keeps the saved one (for the same address). */
  secret: string;
  events: CrmEventType[];
  /** Seconds, as typed (the account keeps milliseconds). */
  timeoutSec: string;
  saved: CrmEndpointView | null;
}

type CrmField = 'url' | 'secret' | 'events' | 'timeoutSec';
export type CrmErrors = Partial<Record<CrmField, string>>;

export function crmValues(crm: CrmEndpointView | null | undefined): CrmValues {
  return {
    enabled: Boolean(crm),
    url: crm?.url ?? '',
    secret: '',
    events: crm ? [...crm.events] : [...crmEventTypes],
    timeoutSec: String((crm?.timeoutMs ?? 10_000) / 1000),
    saved: crm ?? null,
  };
}

/** Whether saving keeps the saved secret: main keeps it only for the same address, so a secret never signs for another receiver. */
function keepsSecret(v: CrmValues): boolean {
  return Boolean(v.saved?.hasSecret) && v.secret === '' && v.url.trim() === v.saved?.url;
}

/** What goes to `account:save`: no `crm` turns sync off; no `secret` keeps the saved one. */
export function crmInput(v: CrmValues): Pick<AccountInput, 'crm'> {
  if (!v.enabled) return {};
  const seconds = v.timeoutSec.trim() === '' ? Number.NaN : Number(v.timeoutSec);
  return {
    crm: {
      url: v.url,
      ...(v.secret.trim() ? { secret: v.secret.trim() } : {}),
      // The schema's order, whatever order the boxes were ticked in.
      events: crmEventTypes.filter((t) => v.events.includes(t)),
      timeoutMs: Math.round(seconds * 1000),
    },
  };
}

/**
 * Field messages from the account schema's issues under `crm`, and a missing secret: without
 * one main sends nothing, so CRM sync on without it is a mistake worth saying at once.
 */
export function crmErrors(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>, v: CrmValues): CrmErrors {
  const out: CrmErrors = {};
  if (!v.enabled) return out;
  for (const issue of issues) {
    const [root, field] = issue.path;
    if (root !== 'crm') continue;
    if (field === 'url') out.url ??= `${issue.message}.`;
    else if (field === 'secret') out.secret ??= `${issue.message}.`;
    else if (field === 'events') out.events ??= 'Pick at least one kind of event to send.';
    else if (field === 'timeoutMs') out.timeoutSec ??= 'The timeout is from 1 to 60 seconds.';
  }
  if (!v.secret.trim() && !keepsSecret(v))
    out.secret ??= v.saved?.hasSecret
      ? 'The saved secret is kept only for the address it was saved with: enter the signing secret for this address (whsec_…).'
      : 'Enter the signing secret the CRM gave you (whsec_…).';
  return out;
}

export const hasCrmErrors = (e: CrmErrors): boolean => Object.keys(e).length > 0;

/**
 * CRM sync: where every result goes as a signed webhook, which kinds of result, and how
 * delivery is going — what waits, whether the CRM turned it off (410 Gone), and the events it
 * never took, which open in the dead-letter list.
 */
export function CrmFields({
  values: v,
  onChange,
  errors,
  readOnly,
}: {
  values: CrmValues;
  onChange: (next: CrmValues) => void;
  errors: CrmErrors;
  readOnly: boolean;
}) {
  const id = useId();
  const kept = keepsSecret(v);
  const described = (field: CrmField, hint = false) =>
    [errors[field] ? `${id}-${field}-error` : null, hint ? `${id}-${field}-hint` : null].filter(Boolean).join(' ') || undefined;
  const error = (field: CrmField) =>
    errors[field] ? (
      <span id={`${id}-${field}-error`} className="field-error">
        {errors[field]}
      </span>
    ) : null;
  const toggle = (type: CrmEventType, on: boolean) => onChange({ ...v, events: on ? [...v.events, type] : v.events.filter((t) => t !== type) });

  return (
    <fieldset className="crm-settings">
      <legend>CRM sync</legend>
      <p className="field-hint">
        Every result is sent to your CRM as a signed webhook (Standard Webhooks) as soon as it is saved; what the CRM does not take is tried again later.
      </p>
      <CrmStatusLine />
      <label className="field-check">
        <input type="checkbox" checked={v.enabled} disabled={readOnly} onChange={(e) => onChange({ ...v, enabled: e.target.checked })} />
        Send results to the CRM
      </label>
      {v.enabled ? (
        <>
          <div className="field">
            <label htmlFor={`${id}-url`}>Webhook URL</label>
            <input
              id={`${id}-url`}
              type="text"
              value={v.url}
              placeholder={readOnly ? '' : 'e.g. https://crm.example.com/hooks/ringside'}
              readOnly={readOnly}
              spellCheck={false}
              autoComplete="off"
              aria-invalid={errors.url ? true : undefined}
              aria-describedby={described('url')}
              onChange={(e) => onChange({ ...v, url: e.target.value })}
            />
            {error('url')}
          </div>
          <div className="field">
            <label htmlFor={`${id}-secret`}>Signing secret</label>
            <input
              id={`${id}-secret`}
              type="password"
              autoComplete="off"
              value={readOnly ? '' : v.secret}
              placeholder={kept || (readOnly && v.saved?.hasSecret) ? 'saved' : 'whsec_…'}
              readOnly={readOnly}
              spellCheck={false}
              aria-invalid={errors.secret ? true : undefined}
              aria-describedby={described('secret', !readOnly)}
              onChange={(e) => onChange({ ...v, secret: e.target.value })}
            />
            {readOnly ? null : (
              <span id={`${id}-secret-hint`} className="field-hint">
                {kept
                  ? 'Never shown. Leave it empty to keep it, or type a new one.'
                  : 'The CRM shows it where the webhook is set up; it starts with whsec_. It is kept encrypted on this computer.'}
              </span>
            )}
            {error('secret')}
          </div>
          <fieldset className="crm-events" aria-describedby={errors.events ? `${id}-events-error` : undefined}>
            <legend>Events to send</legend>
            {crmEventTypes.map((type) => (
              <label key={type} className="field-check crm-event">
                <input type="checkbox" checked={v.events.includes(type)} disabled={readOnly} onChange={(e) => toggle(type, e.target.checked)} />
                {crmEventLabel[type]}
              </label>
            ))}
            {error('events')}
          </fieldset>
          <div className="field">
            <label htmlFor={`${id}-timeoutSec`}>Timeout (seconds)</label>
            <input
              id={`${id}-timeoutSec`}
              type="number"
              inputMode="numeric"
              min={1}
              max={60}
              className="crm-timeout"
              value={v.timeoutSec}
              readOnly={readOnly}
              aria-invalid={errors.timeoutSec ? true : undefined}
              aria-describedby={described('timeoutSec', true)}
              onChange={(e) => onChange({ ...v, timeoutSec: e.target.value })}
            />
            <span id={`${id}-timeoutSec-hint`} className="field-hint">
              No answer within this time counts as a failed attempt.
            </span>
            {error('timeoutSec')}
          </div>
        </>
      ) : (
        <p className="field-hint">Off: results stay in Ringside.</p>
      )}
    </fieldset>
  );
}

/** How delivery goes now, from main's CRM status; the dead letters open from here. */
function CrmStatusLine() {
  const api = useApi();
  const crm = useRingside((s) => s.crm);
  const saved = useRingside((s) => Boolean(s.account?.crm));
  const [error, run] = useInlineRequest();
  const [turningOn, setTurningOn] = useState(false);
  const [deadOpen, setDeadOpen] = useState(false);
  // "last delivered 14:02" turns into "2 Dec 14:02" after midnight.
  const now = useNow(crm.lastDeliveredAt !== null, 60_000);
  if (!saved && !crm.configured && crm.pending === 0 && crm.dead === 0) return null;

  const turnOn = () => {
    setTurningOn(true);
    alertOnFailure(
      run(api.crm.enable()).then((s) => {
        setTurningOn(false);
        if (s) store.getState().setCrm(s);
      }),
      'Turning CRM sync back on',
    );
  };

  return (
    <div className={crm.disabled ? 'crm-status is-off' : 'crm-status'}>
      {crm.disabled ? (
        <p className="crm-status-text" role="alert">
          <span aria-hidden="true">! </span>
          Off since {whenText(crm.disabled.at, now)} — {sentence(crm.disabled.reason)}{' '}
          {crm.pending === 0 ? 'New results' : `${formatCount(crm.pending)} ${crm.pending === 1 ? 'event waits' : 'events wait'}`} in Ringside until sync is
          turned back on.
        </p>
      ) : (
        <p className="crm-status-text" role="status">
          {crm.configured ? sendingText(crm, now) : `Not sending: no address and signing secret saved${crm.pending > 0 ? ` · ${crm.pending} waiting` : ''}`}
        </p>
      )}
      {crm.disabled ? (
        <button type="button" className="btn btn-sm" onClick={turnOn} disabled={turningOn}>
          {turningOn ? 'Turning on…' : 'Turn back on'}
        </button>
      ) : null}
      {crm.dead > 0 ? (
        <button type="button" className="btn btn-sm crm-dead-open" onClick={() => setDeadOpen(true)}>
          {notDeliveredText(crm.dead)}
        </button>
      ) : null}
      {error ? (
        <p className="field-error crm-status-error" role="alert">
          {error}
        </p>
      ) : null}
      {deadOpen ? <DeadLetterPanel onClose={() => setDeadOpen(false)} /> : null}
    </div>
  );
}

/** Main's reason as one sentence: lower-case after the dash, one full stop. */
function sentence(reason: string): string {
  const text = reason.trim().replace(/[.\s]+$/, '');
  return `${/^[A-Z][a-z]/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text}.`;
}
