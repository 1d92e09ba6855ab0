import { useId } from 'react';
import { useRingside } from '../../store/store';
import { formatDuration } from '../softphone/call-format';

/** Today's figures: calls, connected, talk time, successes, dispositions by label. */
export function TodayStats() {
  const id = useId();
  const stats = useRingside((s) => s.stats);
  const campaign = useRingside((s) => (s.workspace.campaignId !== null ? s.campaignDetails[s.workspace.campaignId] : undefined));
  const labelOf = (code: string) => campaign?.dispositions.find((d) => d.code === code)?.label ?? code;
  const dispositions = Object.entries(stats.dispositions).sort((a, b) => b[1] - a[1]);
  return (
    <section className="today" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="section-title">
        Today
      </h2>
      <dl className="today-figures">
        <div>
          <dt>Calls</dt>
          <dd>{stats.calls}</dd>
        </div>
        <div>
          <dt>Connected</dt>
          <dd>{stats.connected}</dd>
        </div>
        <div>
          <dt>Talk time</dt>
          <dd>{formatDuration(stats.talkSec * 1000)}</dd>
        </div>
        <div>
          <dt>Successes</dt>
          <dd>{stats.successes}</dd>
        </div>
      </dl>
      {dispositions.length > 0 ? (
        <ul className="today-dispositions" aria-label="Dispositions today">
          {dispositions.map(([code, n]) => (
            <li key={code}>
              <span>{labelOf(code)}</span>
              <span className="today-n">{n}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
