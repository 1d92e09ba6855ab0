import { useState } from 'react';
import { useRingside } from '../../store/store';
import { useApi } from '../../ui/api-context';
import { alertOnFailure } from '../../ui/use-request';
import { useInlineRequest } from '../compliance/use-inline-request';

/** "Open in CRM" for one lead: whether the account has a CRM record address, the request under way, main's refusal. */
export interface OpenInCrm {
  configured: boolean;
  opening: boolean;
  error: string | null;
  open(): void;
}

/**
 * Main makes the CRM record address from the account's template and opens it, and refuses a lead
 * that is no longer on screen; why it did not is kept to be said on the card.
 */
export function useOpenInCrm(leadId: number): OpenInCrm {
  const api = useApi();
  const configured = useRingside((s) => Boolean(s.account?.screenPop));
  const [error, run] = useInlineRequest();
  const [opening, setOpening] = useState(false);
  const open = () => {
    setOpening(true);
    alertOnFailure(
      run(api.crm.screenPop(leadId)).finally(() => setOpening(false)),
      'Opening the CRM record',
    );
  };
  return { configured, opening, error, open };
}

export function OpenInCrmButton({ crm }: { crm: OpenInCrm }) {
  if (!crm.configured) return null;
  return (
    <button type="button" className="btn btn-sm lead-crm" onClick={crm.open} disabled={crm.opening}>
      {crm.opening ? 'Opening…' : 'Open in CRM'}
    </button>
  );
}

/** Main's refusal, as text, across the card under its header. */
export function OpenInCrmRefusal({ crm }: { crm: OpenInCrm }) {
  if (!crm.configured || !crm.error) return null;
  return (
    <p className="dial-refused lead-crm-error" role="alert">
      <span aria-hidden="true">✕ </span>Not opened in the CRM: {crm.error}
    </p>
  );
}
