import { DateTime } from 'luxon';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { Disposition } from '../../../../shared/campaign';
import type { Lead } from '../../../../shared/lead';
import type { WorkspaceLead } from '../../../../shared/workspace';
import { store, useRingside } from '../../store/store';
import { agentZone, describeLocal, isFuture, isValidZone, LOCAL_FORMAT, quickPicks } from './callback-time';
import { useCampaign } from './use-campaign';
import { useApi } from '../../ui/api-context';
import { formatDuration } from '../softphone/call-format';
import { useNow } from '../../ui/use-now';
import { alertOnFailure, request } from '../../ui/use-request';

/** Whether a key press belongs to a text field (hotkeys must not steal typing). */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return !['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color', 'file'].includes(target.type);
  return false;
}

const EFFECT_NOTE: Partial<Record<Disposition['effect'], string>> = {
  dnc: 'Number added to the Do-Not-Call list',
  'bad-number': 'Number marked bad',
};

/** The campaign's dispositions, hotkeys 1–9, the note, after-call-work timer and callback picker. */
export function DispositionBar({ current, lead }: { current: WorkspaceLead; lead: Lead }) {
  const api = useApi();
  const id = useId();
  const campaign = useCampaign(lead.campaignId);
  const required = useRingside((s) => s.workspace.dispositionRequired);
  const [note, setNote] = useState('');
  const [saving, setSaving] = useState(false);
  const [callbackFor, setCallbackFor] = useState<Disposition | null>(null);
  // One array while the campaign is unchanged, so the hotkey listener is not re-bound on every render.
  const dispositions = useMemo(() => campaign?.dispositions ?? [], [campaign]);
  // While the lead's call is live the disposition waits: main would refuse it anyway.
  const onCall = useRingside((s) => {
    const callId = s.workspace.current?.callId;
    const call = callId ? s.calls[callId] : undefined;
    return call !== undefined && call.state !== 'ended';
  });
  const locked = saving || onCall;

  const dispose = (d: Disposition, callback?: CallbackChoice, callbackNote?: string) => {
    if (saving) return;
    setSaving(true);
    const text = (callbackNote ?? note).trim();
    alertOnFailure(
      request(api.workspace.dispose(callback ? { code: d.code, note: text, callback } : { code: d.code, note: text })).then((w) => {
        setSaving(false);
        if (!w) return;
        // Main answers only once the disposition is durable: only now is it "saved".
        const extra = EFFECT_NOTE[d.effect];
        const when = callback
          ? ` — callback ${describeLocal(callback.at, callback.timeZone)}${callback.forAnyone ? ', anyone on the campaign may make it' : ''}`
          : '';
        store.getState().confirm(`Saved: ${d.label}${when}${extra ? `. ${extra}.` : ''}`);
        setNote('');
        setCallbackFor(null);
        store.getState().setWorkspace(w);
      }),
    );
  };

  const pick = (d: Disposition) => {
    if (d.effect === 'callback') setCallbackFor(d);
    else dispose(d);
  };

  // Keys 1–9 pick a disposition, unless focus is in a text field or on the call's keypad (tones).
  const pickRef = useRef(pick);
  pickRef.current = pick;
  const lockedRef = useRef(locked);
  lockedRef.current = locked;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || !/^[1-9]$/.test(e.key)) return;
      if (isTypingTarget(e.target)) return;
      if (e.target instanceof Element && e.target.closest('.call-panel, .dialpad, [aria-modal="true"]')) return;
      if (document.querySelector('[aria-modal="true"]')) return;
      const d = dispositions.find((x) => x.hotkey === Number(e.key));
      if (!d || lockedRef.current) return;
      e.preventDefault();
      pickRef.current(d);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [dispositions]);

  return (
    <section className={required ? 'dispo-bar is-required' : 'dispo-bar'} aria-labelledby={`${id}-title`}>
      <div className="dispo-head">
        <h3 id={`${id}-title`} className="dispo-title">
          Disposition
        </h3>
        {required ? (
          <p className="dispo-required" role="status">
            Choose a disposition before the next call
          </p>
        ) : null}
        {current.wrapUpStartedAt !== null ? <WrapUpTimer startedAt={current.wrapUpStartedAt} limitSec={campaign?.wrapUpLimitSec ?? 60} /> : null}
      </div>
      <div className="dispo-buttons" role="group" aria-label="Dispositions">
        {dispositions.map((d) => (
          <button
            key={d.code}
            type="button"
            className={`btn dispo dispo-${d.effect}${d.success ? ' dispo-success' : ''}`}
            aria-keyshortcuts={d.hotkey !== null ? String(d.hotkey) : undefined}
            aria-pressed={callbackFor?.code === d.code ? true : undefined}
            disabled={locked}
            title={onCall ? 'Hang up first' : undefined}
            onClick={() => pick(d)}
          >
            {d.hotkey !== null ? <kbd aria-hidden="true">{d.hotkey}</kbd> : null}
            {d.label}
          </button>
        ))}
        {!campaign ? <span className="empty-note">Loading dispositions…</span> : null}
      </div>
      {callbackFor ? (
        <CallbackPicker
          lead={lead}
          note={note}
          onCancel={() => setCallbackFor(null)}
          onSave={(cb, cbNote) => dispose(callbackFor, cb, cbNote)}
          saving={saving}
        />
      ) : (
        <div className="dispo-note">
          <label htmlFor={`${id}-note`}>Note</label>
          <input
            id={`${id}-note`}
            type="text"
            maxLength={2000}
            value={note}
            placeholder="Optional note saved with the disposition"
            onChange={(e) => setNote(e.target.value)}
          />
        </div>
      )}
    </section>
  );
}

function WrapUpTimer({ startedAt, limitSec }: { startedAt: number; limitSec: number }) {
  const now = useNow();
  const elapsed = Math.max(0, now - startedAt);
  const over = elapsed > limitSec * 1000;
  return (
    <span
      className={over ? 'wrapup-timer is-over' : 'wrapup-timer'}
      role="timer"
      aria-label={`After-call work ${formatDuration(elapsed)} of ${formatDuration(limitSec * 1000)}${over ? ', over the limit' : ''}`}
    >
      After-call work <strong>{formatDuration(elapsed)}</strong> / {formatDuration(limitSec * 1000)}
      {over ? ' — over the limit' : ''}
    </span>
  );
}

/** What `workspace:dispose` takes as a callback: `forAnyone` only when the agent opened it to the campaign, in team mode. */
export interface CallbackChoice {
  at: string;
  timeZone: string;
  forAnyone?: true;
}

/**
 * A callback date/time picked in the lead's own zone (else the agent's, with a warning). In team
 * mode the callback is the agent's own unless they open it to anyone on the campaign.
 */
export function CallbackPicker({
  lead,
  note: initialNote,
  saving,
  onSave,
  onCancel,
}: {
  lead: Lead;
  note: string;
  saving: boolean;
  onSave: (callback: CallbackChoice, note: string) => void;
  onCancel: () => void;
}) {
  const id = useId();
  const teamMode = useRingside((s) => s.team.mode === 'team');
  const [forAnyone, setForAnyone] = useState(false);
  const leadZone = isValidZone(lead.timeZone) ? lead.timeZone : null;
  const zone = leadZone ?? agentZone();
  const now = Date.now();
  const picks = quickPicks(zone, now);
  const [at, setAt] = useState(() => picks[0].at);
  const [note, setNote] = useState(initialNote);
  const [error, setError] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  useEffect(() => inputRef.current?.focus(), []);

  const save = () => {
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(at) || !DateTime.fromFormat(at, LOCAL_FORMAT, { zone }).isValid) return setError('Pick a date and time');
    if (!isFuture(at, zone, Date.now())) return setError('Pick a time in the future');
    setError(null);
    // Solo, every callback is this desktop's: the field is not sent at all.
    onSave(teamMode && forAnyone ? { at, timeZone: zone, forAnyone: true } : { at, timeZone: zone }, note);
  };

  return (
    <div className="callback-picker" role="group" aria-label="Schedule callback">
      {leadZone ? (
        <p className="callback-zone">
          Times are the lead’s local time: <strong>{leadZone}</strong> (now {DateTime.fromMillis(now, { zone }).toFormat('HH:mm')})
        </p>
      ) : (
        <p className="callback-zone is-warning" role="note">
          The lead’s time zone is unknown: times are in your zone, <strong>{zone}</strong>.
        </p>
      )}
      <div className="quick-picks" role="group" aria-label="Quick picks">
        {picks.map((p) => (
          <button key={p.label} type="button" className="btn btn-sm" aria-pressed={p.at === at} onClick={() => setAt(p.at)}>
            {p.label}
          </button>
        ))}
      </div>
      <div className="callback-row">
        <div className="field">
          <label htmlFor={`${id}-at`}>Callback at ({zone})</label>
          <input
            id={`${id}-at`}
            ref={inputRef}
            type="datetime-local"
            value={at}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-err` : undefined}
            onChange={(e) => setAt(e.target.value.slice(0, 16))}
          />
        </div>
        <div className="field callback-note">
          <label htmlFor={`${id}-note`}>Callback note</label>
          <input id={`${id}-note`} type="text" maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} />
        </div>
        <button type="button" className="btn btn-primary" disabled={saving} onClick={save}>
          Save callback
        </button>
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {teamMode ? (
        <div className="callback-owner">
          <label className="field-check">
            <input type="checkbox" checked={forAnyone} onChange={(e) => setForAnyone(e.target.checked)} aria-describedby={`${id}-owner`} />
            Anyone on the campaign may call back
          </label>
          <p id={`${id}-owner`} className="field-hint">
            {forAnyone ? 'Any agent on the campaign may get it when it is due.' : 'Off: the callback is yours; it comes back to you when it is due.'}
          </p>
        </div>
      ) : null}
      {error ? (
        <p id={`${id}-err`} className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
