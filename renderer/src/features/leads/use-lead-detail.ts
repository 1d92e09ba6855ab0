import { useEffect } from 'react';
import { useApi } from '../../ui/api-context';
import { alertOnFailure, request } from '../../ui/use-request';
import type { LeadDetail } from '../../store/slices/leads-slice';
import { store, useRingside } from '../../store/store';

/**
 * The lead with its history and callbacks, cached in the store. Fetched again whenever
 * `refresh` changes (the workspace moved on: a call ended, a disposition was saved).
 */
export function useLeadDetail(id: number | null, refresh: unknown = null): LeadDetail | null {
  const api = useApi();
  const detail = useRingside((s) => (id === null ? null : (s.leads[id] ?? null)));
  useEffect(() => {
    if (id === null) return;
    let live = true;
    alertOnFailure(
      request(api.lead.get(id)).then((d) => {
        if (live && d) store.getState().setLeadDetail(d);
      }),
    );
    return () => {
      live = false;
    };
  }, [api, id, refresh]);
  return detail;
}
