import { useId, useRef, useState, type FormEvent } from 'react';
import { aorDomain } from '../../../shared/account';
import { parseDialTarget } from '../../../shared/dial-target';
import { useRingside } from '../store/store';
import { useApi } from './api-context';
import { Keypad } from './Keypad';
import { drop, request, useRequest } from './use-request';

/**
 * The dial box: a number or SIP address, checked with the shared `parseDialTarget` before any
 * request. The keypad types into the box, or sends DTMF while a call is active.
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

  const dial = (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const target = parseDialTarget(value, aor ? aorDomain(aor) : 'invalid');
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
    drop(
      request(api.call.dial(value.trim())).then((call) => {
        setBusy(false);
        if (call) setValue('');
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
            aria-describedby={error ? `${id}-error` : undefined}
            onChange={(e) => {
              setValue(e.target.value);
              if (error) setError(null);
            }}
          />
          <button type="submit" className="btn btn-call" disabled={busy}>
            Call
          </button>
        </div>
        {error ? (
          <p id={`${id}-error`} className="field-error" role="alert">
            {error}
          </p>
        ) : null}
      </form>
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
