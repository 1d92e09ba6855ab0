import { useState } from 'react';
import { useRingside } from '../../store/store';
import { useApi } from '../../ui/api-context';
import { alertOnFailure } from '../../ui/use-request';
import { useInlineRequest } from '../compliance/use-inline-request';

/**
 * "Open in CRM" for the lead on screen, where the account has a CRM record address. Main makes
 * the address from its template and opens it (and refuses a lead that is no longer on screen);
 * why it did not is said beside the button.
 */
export function OpenInCrmButton({ leadId }: { leadId: number }) {
  const api = useApi();
  const configured = useRingside((s) => Boolean(s.account?.screenPop));
  const [error, run] = useInlineRequest();
  const [opening, setOpening] = useState(false);
  if (!configured) return null;
  const open = () => {
    setOpening(true);
    alertOnFailure(
      run(api.crm.screenPop(leadId)).finally(() => setOpening(false)),
      'Opening the CRM record',
    );
  };
  return (
    <div className="lead-crm">
      <button type="button" className="btn btn-sm" onClick={open} disabled={opening}>
        {opening ? 'Opening…' : 'Open in CRM'}
      </button>
      {error ? (
        <p className="field-error lead-crm-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
