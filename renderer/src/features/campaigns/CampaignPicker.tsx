import { useId } from 'react';
import { useRingside } from '../../store/store';
import { useCampaignList } from '../workspace/use-campaign';
import { useApi } from '../../ui/api-context';
import { alertOnFailure, request } from '../../ui/use-request';

/** Which campaign the agent works on (its queue feeds the dialler). */
export function CampaignPicker() {
  const api = useApi();
  const id = useId();
  useCampaignList();
  const campaigns = useRingside((s) => s.campaigns);
  const campaignId = useRingside((s) => s.workspace.campaignId);
  const setWorkspace = useRingside((s) => s.setWorkspace);
  return (
    <div className="campaign-picker">
      <label htmlFor={id} className="topbar-label">
        Campaign
      </label>
      <select
        id={id}
        className="topbar-select"
        value={campaignId ?? ''}
        onChange={(e) => {
          const next = Number(e.target.value);
          if (!next) return;
          alertOnFailure(
            request(api.workspace.selectCampaign(next)).then((w) => {
              if (w) setWorkspace(w);
            }),
          );
        }}
      >
        {campaignId === null ? <option value="">Choose a campaign…</option> : null}
        {campaigns.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name} ({c.due} due)
          </option>
        ))}
      </select>
    </div>
  );
}
