import type { RegistrationState } from '../../../../shared/registration-state';
import { useRingside } from '../../store/store';
import { useApi } from '../../ui/api-context';
import { useNow } from '../../ui/use-now';
import { useRequest } from '../../ui/use-request';

const LABEL: Record<RegistrationState, string> = {
  unregistered: 'Unregistered',
  registering: 'Registering…',
  registered: 'Registered',
  failed: 'Failed',
};

/** Registration state, why it failed, the reconnect countdown, and register / unregister. */
export function RegistrationBadge() {
  const api = useApi();
  const send = useRequest();
  const registration = useRingside((s) => s.registration);
  const hasAccount = useRingside((s) => s.account !== null);
  const now = useNow(registration.retryAt !== null);
  const retryIn = registration.retryAt !== null ? Math.max(0, Math.ceil((registration.retryAt - now) / 1000)) : null;
  const { state } = registration;
  const canUnregister = state === 'registered' || state === 'registering' || registration.retryAt !== null;

  return (
    <div className="registration" aria-label="SIP registration">
      <div className={`reg-badge reg-${state}`} role="status" aria-live="polite" title={registration.aor ?? undefined}>
        <span className="reg-dot" aria-hidden="true" />
        <span className="reg-state">{LABEL[state]}</span>
        {registration.aor && state === 'registered' ? <span className="reg-aor">{registration.aor}</span> : null}
        {registration.error ? <span className="reg-error">{registration.error}</span> : null}
        {retryIn !== null ? <span className="reg-retry">retrying in {retryIn}s</span> : null}
      </div>
      {canUnregister ? (
        <button type="button" className="btn btn-quiet" onClick={() => send(api.sip.unregister())}>
          Unregister
        </button>
      ) : (
        <button type="button" className="btn btn-quiet" disabled={!hasAccount} onClick={() => send(api.sip.register())}>
          Register
        </button>
      )}
    </div>
  );
}
