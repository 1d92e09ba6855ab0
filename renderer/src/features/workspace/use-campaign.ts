import { useEffect } from 'react';
import type { Campaign } from '../../../../shared/campaign';
import { useApi } from '../../ui/api-context';
import { alertOnFailure, request } from '../../ui/use-request';
import { store, useRingside } from '../../store/store';

/** The full campaign (script, dispositions), fetched once and cached in the store. */
export function useCampaign(id: number | null): Campaign | null {
  const api = useApi();
  const campaign = useRingside((s) => (id === null ? null : (s.campaignDetails[id] ?? null)));
  useEffect(() => {
    if (id === null || campaign) return;
    let live = true;
    alertOnFailure(
      request(api.campaign.get(id)).then((c) => {
        if (live && c) store.getState().setCampaignDetail(c);
      }),
    );
    return () => {
      live = false;
    };
  }, [api, id, campaign]);
  return campaign;
}

/** The campaign list for the picker (fetched once; `campaigns:changed` keeps it fresh). */
export function useCampaignList(): void {
  const api = useApi();
  useEffect(() => {
    alertOnFailure(
      request(api.campaign.list()).then((list) => {
        if (list) store.getState().setCampaigns(list);
      }),
    );
  }, [api]);
}
