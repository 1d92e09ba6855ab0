import { useId, useState } from 'react';
import type { ScrubReport } from '../../../../shared/compliance';
import { useRingside } from '../../store/store';
import { useApi } from '../../ui/api-context';
import { CampaignSelect } from '../campaigns/CampaignSelect';
import { alertOnFailure } from '../../ui/use-request';
import { formatCount } from './compliance-format';
import { InlineError } from './InlineError';
import { useInlineRequest } from './use-inline-request';

const seconds = (ms: number) => (ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`);

/** Scrubs one campaign's list against the internal DNC list and the registries, and reports the figures. */
export function ScrubPanel() {
  const api = useApi();
  const id = useId();
  const campaigns = useRingside((s) => s.campaigns);
  const workspaceCampaign = useRingside((s) => s.workspace.campaignId);
  const [campaignId, setCampaignId] = useState<number | null>(workspaceCampaign ?? campaigns[0]?.id ?? null);
  const [report, setReport] = useState<ScrubReport | null>(null);
  const [running, setRunning] = useState(false);
  const [error, run] = useInlineRequest();
  const name = (cid: number) => campaigns.find((c) => c.id === cid)?.name ?? `Campaign ${cid}`;

  const scrub = () => {
    if (campaignId === null || running) return;
    setRunning(true);
    setReport(null);
    alertOnFailure(
      run(api.compliance.scrub(campaignId)).then((r) => {
        setRunning(false);
        if (r) setReport(r);
      }),
      'Scrub',
    );
  };

  const figures: Array<[string, number, string]> = report
    ? [
        ['Leads', report.leads, ''],
        ['Phones', report.phones, ''],
        ['Allowed', report.allowed, 'is-ok'],
        ['Exempt', report.exempt, 'is-exempt'],
        ['Blocked: internal DNC', report.blocked.internalDnc, 'is-blocked'],
        ['Blocked: on a registry', report.blocked.registry, 'is-blocked'],
        ['Blocked: registry missing or stale', report.blocked.noRegistry, 'is-blocked'],
        ['Blocked in total', report.blocked.total, 'is-blocked'],
      ]
    : [];

  return (
    <section className="cx-block" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="section-title">
        Scrub a campaign's list
      </h3>
      <p className="field-hint">
        Checks every phone of every lead against the internal Do-Not-Call list and the national registries, and marks the leads that cannot be called.
      </p>
      <div className="cx-options">
        <CampaignSelect id={`${id}-campaign`} label="Campaign" campaigns={campaigns} value={campaignId} onChange={setCampaignId} />
        <button type="button" className="btn btn-primary" disabled={campaignId === null || running} onClick={scrub}>
          {running ? 'Scrubbing…' : 'Scrub list'}
        </button>
      </div>
      <InlineError error={error} />
      {report ? (
        <div className="cx-scrub-report" role="status">
          <p>
            Scrubbed <strong>{name(report.campaignId)}</strong> in {seconds(report.durationMs)}.
          </p>
          <dl className="cx-figures">
            {figures.map(([label, n, cls]) => (
              <div key={label} className={cls}>
                <dt>{label}</dt>
                <dd>{formatCount(n)}</dd>
              </div>
            ))}
          </dl>
        </div>
      ) : null}
    </section>
  );
}
