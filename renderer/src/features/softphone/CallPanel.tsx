import { useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import { aorDomain } from '../../../../shared/account';
import type { CallSessionView } from '../../../../shared/call-session';
import { parseDialTarget } from '../../../../shared/dial-target';
import type { Result } from '../../../../shared/result';
import { useRingside } from '../../store/store';
import { useApi } from '../../ui/api-context';
import { outcomeText, stateLabel } from './call-format';
import { CallTimer } from './CallTimer';
import { ComplianceCard } from '../compliance/ComplianceCard';
import { requestDial } from './dial-request';
import { Keypad } from './Keypad';
import { TemperatureChip } from './TemperatureChip';
import { alertOnFailure, request } from '../../ui/use-request';

const DTMF_KEY = /^[0-9*#]$/;

/** The selected call, big, with every control its state allows. */
export function CallPanel() {
  const call = useRingside((s) => (s.selectedId ? (s.calls[s.selectedId] ?? null) : null));
  const otherActive = useRingside((s) => s.order.some((id) => id !== s.selectedId && s.calls[id].state === 'active'));
  // The workspace lead's call has its compliance card on the lead card; others have it here.
  const onLeadCard = useRingside((s) => s.workspace.current?.stage === 'call' && s.workspace.current.callId === s.selectedId);
  if (!call) {
    return (
      <section className="call-panel call-panel-empty" aria-label="Selected call">
        <p className="empty-state">No call selected — dial a number or wait for a call</p>
      </section>
    );
  }
  // Keyed by id: the keypad, transfer box and in-flight flags belong to one call.
  return <CallDetails key={call.id} call={call} otherActive={otherActive} showCompliance={!onLeadCard} />;
}

type Action = 'accept' | 'reject' | 'hangup' | 'hold' | 'mute' | 'transfer' | 'switch' | 'dismiss' | 'redial';

function CallDetails({ call, otherActive, showCompliance }: { call: CallSessionView; otherActive: boolean; showCompliance: boolean }) {
  const api = useApi();
  const id = useId();
  const aor = useRingside((s) => s.account?.aor ?? s.registration.aor);
  const [busy, setBusy] = useState<ReadonlySet<Action>>(new Set());
  const [keypadOpen, setKeypadOpen] = useState(false);
  const [tonesSent, setTonesSent] = useState('');
  const [transferOpen, setTransferOpen] = useState(false);
  const [transferTarget, setTransferTarget] = useState('');
  const [transferError, setTransferError] = useState<string | null>(null);

  /** One request per action at a time; failures go to the alert region. */
  const act = <T,>(action: Action, promise: () => Promise<Result<T>>, then?: (value: T) => void) => {
    if (busy.has(action)) return;
    setBusy((b) => new Set(b).add(action));
    alertOnFailure(
      request(promise()).then((value) => {
        setBusy((b) => {
          const next = new Set(b);
          next.delete(action);
          return next;
        });
        if (value !== undefined) then?.(value);
      }),
    );
  };

  const sendTone = (key: string) => {
    setTonesSent((t) => (t + key).slice(-24));
    alertOnFailure(request(api.call.dtmf(call.id, key)));
  };

  const onPanelKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    if (call.state !== 'active' || e.ctrlKey || e.metaKey || e.altKey || !DTMF_KEY.test(e.key)) return;
    const target = e.target as HTMLElement;
    if (target.closest('input, textarea, select, [contenteditable="true"]')) return;
    e.preventDefault();
    sendTone(e.key);
  };

  const transfer = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseDialTarget(transferTarget, aor ? aorDomain(aor) : 'invalid');
    if (!parsed.ok) {
      setTransferError(parsed.message);
      return;
    }
    setTransferError(null);
    if (busy.has('transfer')) return;
    setBusy((b) => new Set(b).add('transfer'));
    // A transfer target passes the dial gate too: its refusal is shown under the box.
    alertOnFailure(
      requestDial(api.call.transfer(call.id, transferTarget.trim())).then((r) => {
        setBusy((b) => {
          const next = new Set(b);
          next.delete('transfer');
          return next;
        });
        if (r.ok) {
          setTransferOpen(false);
          setTransferTarget('');
        } else if (r.blocked) setTransferError(`Transfer refused: ${r.blocked}`);
      }),
      'Transfer',
    );
  };

  const { state } = call;
  const live = state !== 'ended';
  const talking = state === 'active' || state === 'held';
  const name = call.remoteName || call.remoteUri;
  const holdLabel = call.pending === 'hold' ? 'Holding…' : call.pending === 'unhold' ? 'Resuming…' : state === 'held' ? 'Resume' : 'Hold';

  return (
    <section className={`call-panel state-${state}`} aria-labelledby={`${id}-name`} onKeyDown={onPanelKeyDown}>
      <header className="cp-header">
        <div className="cp-meta">
          {call.monitor ? (
            // Not a customer call: no warm/cold, and the monitor bar holds its mode switch.
            <span className="cp-direction">Monitoring call · {call.monitor.mode}</span>
          ) : (
            <>
              <span className="cp-direction">{call.direction === 'inbound' ? 'Inbound call' : 'Outbound call'}</span>
              <TemperatureChip temperature={call.temperature} />
            </>
          )}
        </div>
        <h2 id={`${id}-name`} className="cp-name">
          {name}
        </h2>
        {call.remoteName && call.remoteName !== call.remoteUri ? <div className="cp-uri">{call.remoteUri}</div> : null}
      </header>

      <div className="cp-status" role="status" aria-live="polite">
        <span className={`cp-state state-pill state-${state}`}>{stateLabel[state]}</span>
        {call.muted && live ? <span className="muted-flag">Muted</span> : null}
        <CallTimer call={call} className="cp-timer" />
      </div>
      {state === 'ended' ? <p className="cp-outcome">{outcomeText(call)}</p> : null}
      {/* A live call's warning (the SIP server lost, audio not renegotiated) is for now, not for after. */}
      {live && call.detail ? (
        <p className="cp-warning" role="alert">
          {call.detail}
        </p>
      ) : null}

      <div className="cp-actions" role="group" aria-label="Call controls">
        {state === 'incoming' ? (
          <>
            <button type="button" className="btn btn-accept btn-lg" disabled={busy.has('accept')} onClick={() => act('accept', () => api.call.accept(call.id))}>
              Accept
            </button>
            <button type="button" className="btn btn-danger btn-lg" disabled={busy.has('reject')} onClick={() => act('reject', () => api.call.reject(call.id))}>
              Reject
            </button>
          </>
        ) : null}
        {state === 'dialing' || state === 'ringing' ? (
          <button type="button" className="btn btn-danger btn-lg" disabled={busy.has('hangup')} onClick={() => act('hangup', () => api.call.hangup(call.id))}>
            Cancel
          </button>
        ) : null}
        {state === 'answering' || talking ? (
          <button type="button" className="btn btn-danger btn-lg" disabled={busy.has('hangup')} onClick={() => act('hangup', () => api.call.hangup(call.id))}>
            Hang up
          </button>
        ) : null}
        {talking && !call.monitor ? (
          <button
            type="button"
            className="btn"
            aria-pressed={state === 'held'}
            disabled={call.pending !== null || busy.has('hold')}
            onClick={() => act('hold', () => api.call.hold(call.id, state !== 'held'))}
          >
            {holdLabel}
          </button>
        ) : null}
        {talking ? (
          <>
            <button
              type="button"
              className="btn"
              aria-pressed={call.muted}
              disabled={busy.has('mute')}
              onClick={() => act('mute', () => api.call.mute(call.id, !call.muted))}
            >
              {call.muted ? 'Unmute' : 'Mute'}
            </button>
            <button
              type="button"
              className="btn"
              aria-expanded={keypadOpen}
              aria-controls={`${id}-keypad`}
              disabled={state !== 'active'}
              onClick={() => setKeypadOpen((o) => !o)}
            >
              Keypad
            </button>
            {call.monitor ? null : (
              <button type="button" className="btn" aria-expanded={transferOpen} aria-controls={`${id}-transfer`} onClick={() => setTransferOpen((o) => !o)}>
                Transfer…
              </button>
            )}
          </>
        ) : null}
        {live && state !== 'active' && state !== 'incoming' && otherActive ? (
          <button type="button" className="btn btn-primary" disabled={busy.has('switch')} onClick={() => act('switch', () => api.call.switchTo(call.id))}>
            Switch to this call
          </button>
        ) : null}
        {state === 'ended' && !call.monitor ? (
          // Through the same gate as any dial (main decides; a refusal is shown like any error).
          <button type="button" className="btn" disabled={busy.has('redial')} onClick={() => act('redial', () => api.call.redial(call.id))}>
            Redial
          </button>
        ) : null}
        {state === 'ended' ? (
          <button type="button" className="btn" disabled={busy.has('dismiss')} onClick={() => act('dismiss', () => api.call.dismiss(call.id))}>
            Dismiss
          </button>
        ) : null}
      </div>

      {call.compliance && live && showCompliance ? <ComplianceCard decision={call.compliance} context="This call" /> : null}

      {keypadOpen && state === 'active' ? (
        <div id={`${id}-keypad`} className="cp-keypad">
          <Keypad onKey={sendTone} label="Send tones (DTMF)" />
          <p className="tones-sent" aria-live="polite">
            {tonesSent ? `Tones sent: ${tonesSent}` : 'Press a key (or type digits) to send a tone.'}
          </p>
        </div>
      ) : null}

      {transferOpen && talking ? (
        <form id={`${id}-transfer`} className="cp-transfer" onSubmit={transfer} noValidate>
          <label htmlFor={`${id}-transfer-target`}>Transfer to (number or SIP address)</label>
          <div className="dial-row">
            <input
              id={`${id}-transfer-target`}
              type="text"
              autoComplete="off"
              spellCheck={false}
              value={transferTarget}
              aria-invalid={transferError ? true : undefined}
              aria-describedby={transferError ? `${id}-transfer-error` : undefined}
              onChange={(e) => {
                setTransferTarget(e.target.value);
                setTransferError(null);
              }}
            />
            <button type="submit" className="btn btn-primary" disabled={busy.has('transfer')}>
              Transfer
            </button>
          </div>
          {transferError ? (
            <p id={`${id}-transfer-error`} className="field-error" role="alert">
              {transferError}
            </p>
          ) : null}
        </form>
      ) : null}
    </section>
  );
}
