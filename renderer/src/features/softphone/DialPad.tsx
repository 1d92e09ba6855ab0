import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { aorDomain } from '../../../../shared/account';
import { parseDialTarget } from '../../../../shared/dial-target';
import { store, useRingside } from '../../store/store';
import { useApi } from '../../ui/api-context';
import { ComplianceCard } from '../compliance/ComplianceCard';
import { requestDial } from './dial-request';
import { Keypad } from './Keypad';
import { useComplianceCheck } from '../compliance/use-compliance-check';
import { alertOnFailure, useRequest } from '../../ui/use-request';

/**
 * The dial box: a number or SIP address, checked with the shared `parseDialTarget` before any
 * request, and with the compliance gate as the agent types. The gate reads the target the way
 * the PBX will (the account's dial plan) and answers for every target: an extension is allowed
 * as internal, a target it cannot resolve to a number is refused, and the card under the box
 * says so before the call (main enforces it again on dial). The keypad types into the box, or
 * sends DTMF while a call is active.
 */
export function DialPad() {
  const api = useApi();
  const send = useRequest();
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const aor = useRingside((s) => s.account?.aor ?? s.registration.aor);
  const activeCall = useRingside((s) => {
    for (const callId of s.order) if (s.calls[callId].state === 'active') return s.calls[callId];
    return null;
  });
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /** The link the box holds, while its text is still the link's: Call then dials the link itself. */
  const [link, setLink] = useState<{ url: string; target: string } | null>(null);
  const offered = useRingside((s) => s.offeredLink);
  useEffect(() => {
    if (!offered) return;
    store.getState().offerLink(null);
    setValue(offered.target);
    setLink(offered);
    setError(null);
    inputRef.current?.focus();
  }, [offered]);
  const fromLink = link !== null && link.target === value;
  const domain = aor ? aorDomain(aor) : 'invalid';
  const checkTarget = useMemo(() => {
    const trimmed = value.trim();
    return trimmed && parseDialTarget(trimmed, domain).ok ? trimmed : null;
  }, [value, domain]);
  const check = useComplianceCheck(checkTarget);
  const blocked = check?.decision && !check.decision.allowed ? check.decision : null;

  const dial = (e: FormEvent) => {
    e.preventDefault();
    // The card already says why; main would refuse it anyway.
    if (busy || blocked) return;
    const target = parseDialTarget(value, domain);
    if (!target.ok) {
      setError(target.message);
      return;
    }
    if (!aor && !/^sips?:/i.test(target.uri)) {
      setError('Set up your SIP account before dialling a number.');
      return;
    }
    setError(null);
    setBusy(true);
    alertOnFailure(
      requestDial(fromLink ? api.call.dialLink(link.url) : api.call.dial(value.trim())).then((r) => {
        setBusy(false);
        if (r.ok) {
          setValue('');
          setLink(null);
        } else if (r.blocked) setError(r.blocked);
      }),
      'Dialling',
    );
  };

  const onKey = (key: string) => {
    if (activeCall) {
      send(api.call.dtmf(activeCall.id, key));
      return;
    }
    setValue((v) => v + key);
    setError(null);
    inputRef.current?.focus();
  };

  return (
    <section className="dialpad" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="section-title">
        Dial
      </h2>
      <form onSubmit={dial} className="dial-form" noValidate>
        <label htmlFor={`${id}-target`}>Number or SIP address</label>
        <div className="dial-row">
          <input
            id={`${id}-target`}
            ref={inputRef}
            type="text"
            inputMode="tel"
            autoComplete="off"
            spellCheck={false}
            value={value}
            aria-invalid={error ? true : undefined}
            aria-describedby={[error ? `${id}-error` : null, blocked ? `${id}-check` : null].filter(Boolean).join(' ') || undefined}
            onChange={(e) => {
              setValue(e.target.value);
              if (error) setError(null);
            }}
          />
          <button type="submit" className="btn btn-call" disabled={busy || blocked !== null} aria-describedby={blocked ? `${id}-check` : undefined}>
            Call
          </button>
        </div>
        {fromLink ? (
          <p className="dial-link-note" role="status">
            From a link in another app: check the card, then press Call.{' '}
            <button
              type="button"
              className="btn-link"
              onClick={() => {
                setValue('');
                setLink(null);
              }}
            >
              Dismiss
            </button>
          </p>
        ) : null}
        {error ? (
          <p id={`${id}-error`} className="field-error" role="alert">
            {error}
          </p>
        ) : null}
      </form>
      {check?.decision ? (
        <ComplianceCard decision={check.decision} context={fromLink ? 'Number from a link' : 'Number typed'} summaryId={`${id}-check`} />
      ) : check?.error ? (
        <p className="field-hint">Not checked: {check.error}</p>
      ) : null}
      <p className="keypad-mode">
        {activeCall ? (
          <>
            Keypad sends tones to <span className="keypad-target">{activeCall.remoteName || activeCall.remoteUri}</span>
          </>
        ) : (
          'Keypad types into the box'
        )}
      </p>
      <Keypad onKey={onKey} label={activeCall ? 'Keypad: send tones to the active call' : 'Keypad: type a number'} />
    </section>
  );
}
