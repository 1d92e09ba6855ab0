import type { CampaignSummary } from '../../../../shared/workspace';

/** A labelled campaign picker ("Choose…" until one is picked). */
export function CampaignSelect(props: {
  id: string;
  label: string;
  campaigns: CampaignSummary[];
  value: number | null;
  onChange: (id: number | null) => void;
}) {
  const { id, label, campaigns, value, onChange } = props;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value ?? ''} onChange={(e) => onChange(Number(e.target.value) || null)}>
        {value === null ? <option value="">Choose…</option> : null}
        {campaigns.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
    </div>
  );
}
