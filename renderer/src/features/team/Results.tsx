import { DateTime } from 'luxon';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { TeamResults } from '../../../../shared/team';
import { useApi } from '../../ui/api-context';
import { formatNumber, formatRate } from '../../ui/number-format';
import { alertOnFailure } from '../../ui/use-request';
import {
  contactRate,
  conversion,
  groupRows,
  NO_AGENT_LABEL,
  periodLabel,
  periodRange,
  periods,
  rangeText,
  sortLines,
  talkText,
  topCodes,
  totalLine,
  type Grouping,
  type Period,
  type ResultsLine,
  type ResultsSort,
  type ResultsSortKey,
} from './results-format';

/** How often the table is asked for again while it is on screen and the window is visible. */
export const RESULTS_REFRESH_MS = 60_000;

const COLUMNS: ReadonlyArray<{ key: ResultsSortKey | null; label: string; className: string; hint?: string }> = [
  { key: 'label', label: '', className: 'col-name' },
  { key: 'calls', label: 'Calls', className: 'col-num' },
  { key: 'connected', label: 'Connected', className: 'col-num' },
  { key: 'contact', label: 'Contact rate', className: 'col-num', hint: 'connected ÷ calls' },
  { key: 'talk', label: 'Talk time', className: 'col-num col-talk' },
  { key: 'dispositions', label: 'Dispositions', className: 'col-num' },
  { key: 'successes', label: 'Successes', className: 'col-num' },
  { key: 'conversion', label: 'Conversion', className: 'col-num', hint: 'successes ÷ connected calls' },
  { key: null, label: 'Top dispositions', className: 'col-codes' },
];

interface Loaded {
  results: TeamResults;
  period: Period;
  at: number;
}

/**
 * The supervisor's results from the team database: per agent (summed over campaigns) or per
 * campaign, for a period of the agent's own calendar, with the team's totals. Asked for again
 * every minute while shown; a failed load says why and keeps the last table it had.
 */
export function Results() {
  const api = useApi();
  const [period, setPeriod] = useState<Period>('today');
  const [grouping, setGrouping] = useState<Grouping>('agent');
  const [sort, setSort] = useState<ResultsSort>({ key: 'calls', dir: 'desc' });
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Only the latest request may fill the table: a slow answer for the period left behind must not.
  const seq = useRef(0);
  const lastAsked = useRef(0);
  const periodRef = useRef(period);
  periodRef.current = period;

  const load = useCallback(
    async (p: Period) => {
      const mine = ++seq.current;
      const asked = Date.now();
      lastAsked.current = asked;
      const { from, to } = periodRange(p, asked);
      setLoading(true);
      let failure: string | null = null;
      let results: TeamResults | null = null;
      try {
        const r = await api.team.results(from, to);
        if (r.ok) results = r.value;
        else failure = r.message;
      } catch (e) {
        failure = e instanceof Error ? e.message : String(e);
      }
      if (mine !== seq.current) return;
      setLoading(false);
      setError(failure);
      if (results) setLoaded({ results, period: p, at: asked });
    },
    [api],
  );

  useEffect(() => alertOnFailure(load(period), 'Loading the results'), [load, period]);

  // Every minute, but not for a window nobody looks at; one that comes back catches up at once.
  useEffect(() => {
    const visible = () => document.visibilityState === 'visible';
    const timer = setInterval(() => {
      if (visible()) alertOnFailure(load(periodRef.current), 'Refreshing the results');
    }, RESULTS_REFRESH_MS);
    const onVisibility = () => {
      if (visible() && Date.now() - lastAsked.current >= RESULTS_REFRESH_MS) alertOnFailure(load(periodRef.current), 'Refreshing the results');
    };
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [load]);

  const rows = loaded?.results.rows;
  const lines = useMemo(() => (rows ? sortLines(groupRows(rows, grouping), sort) : []), [rows, grouping, sort]);
  const total = useMemo(() => (rows ? totalLine(rows) : null), [rows]);

  const sortBy = (key: ResultsSortKey) =>
    setSort((s) => (s.key === key ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: key === 'label' ? 'asc' : 'desc' }));
  const nameHeader = grouping === 'agent' ? 'Agent' : 'Campaign';

  return (
    <section className="results" aria-label="Results">
      <div className="results-tools">
        <div className="results-periods" role="group" aria-label="Period">
          {periods.map((p) => (
            <button key={p} type="button" className="btn btn-sm" aria-pressed={period === p} onClick={() => setPeriod(p)}>
              {periodLabel[p]}
            </button>
          ))}
        </div>
        <div className="results-grouping" role="group" aria-label="Group by">
          <button type="button" className="btn btn-sm" aria-pressed={grouping === 'agent'} onClick={() => setGrouping('agent')}>
            By agent
          </button>
          <button type="button" className="btn btn-sm" aria-pressed={grouping === 'campaign'} onClick={() => setGrouping('campaign')}>
            By campaign
          </button>
        </div>
        <button type="button" className="btn btn-sm results-refresh" disabled={loading} onClick={() => alertOnFailure(load(period), 'Refreshing the results')}>
          {loading ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>

      <p className="results-shown" role="status" aria-live="polite">
        {loaded ? (
          <>
            <strong>{periodLabel[loaded.period]}</strong>: {rangeText(loaded.results.from, loaded.results.to)}
            <span className="results-updated"> · updated {DateTime.fromMillis(loaded.at).toFormat('HH:mm')}, every minute while shown</span>
          </>
        ) : loading ? (
          'Loading the results…'
        ) : null}
      </p>
      {error ? (
        <p className="results-error" role="alert">
          <span aria-hidden="true">✕ </span>
          Could not load the results: {error}
          {loaded ? ' — the table below is the last one loaded.' : ''}
        </p>
      ) : null}

      {loaded && total ? (
        <div className="results-scroll">
          <table className="results-table">
            <caption className="sr-only">
              Results {grouping === 'agent' ? 'by agent' : 'by campaign'}, {periodLabel[loaded.period].toLowerCase()}
            </caption>
            <thead>
              <tr>
                {COLUMNS.map((c) => {
                  const label = c.key === 'label' ? nameHeader : c.label;
                  return (
                    <th
                      key={c.key ?? c.label}
                      scope="col"
                      className={c.className}
                      title={c.hint}
                      aria-sort={c.key !== null && sort.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}
                    >
                      {c.key === null ? (
                        <span className="th-text">{label}</span>
                      ) : (
                        <button type="button" className="sort-button" aria-pressed={sort.key === c.key} onClick={() => sortBy(c.key!)}>
                          {label}
                          <span aria-hidden="true" className="sort-mark">
                            {sort.key === c.key ? (sort.dir === 'asc' ? '▲' : '▼') : ''}
                          </span>
                        </button>
                      )}
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody>
              {lines.map((l) => (
                <ResultsRow key={l.key} line={l} grouping={grouping} />
              ))}
            </tbody>
            {lines.length > 0 ? (
              <tfoot>
                <ResultsRow line={total} grouping={grouping} isTotal />
              </tfoot>
            ) : null}
          </table>
          {lines.length === 0 ? <p className="empty-state">No results in this period yet.</p> : null}
        </div>
      ) : null}
    </section>
  );
}

function ResultsRow({ line: l, grouping, isTotal = false }: { line: ResultsLine; grouping: Grouping; isTotal?: boolean }) {
  const codes = topCodes(l.byCode);
  const allCodes = topCodes(l.byCode, Infinity)
    .map(([code, n]) => `${code}: ${formatNumber(n)}`)
    .join(', ');
  const parts =
    grouping === 'agent' ? `${formatNumber(l.parts)} campaign${l.parts === 1 ? '' : 's'}` : `${formatNumber(l.parts)} agent${l.parts === 1 ? '' : 's'}`;
  return (
    <tr className={isTotal ? 'is-total' : l.noAgent ? 'is-no-agent' : undefined}>
      <th scope="row" className="col-name">
        <span
          className="results-name"
          title={l.noAgent ? `${NO_AGENT_LABEL}: results written before team mode, or on a desktop working alone, carry no agent` : l.label}
        >
          {l.label}
        </span>
        {isTotal ? null : <span className="results-sub">{parts}</span>}
      </th>
      <td className="col-num">{formatNumber(l.calls)}</td>
      <td className="col-num">{formatNumber(l.connected)}</td>
      <td className="col-num">{formatRate(contactRate(l))}</td>
      <td className="col-num col-talk">{talkText(l.talkSec)}</td>
      <td className="col-num">{formatNumber(l.dispositions)}</td>
      <td className="col-num">{formatNumber(l.successes)}</td>
      <td className="col-num">{formatRate(conversion(l))}</td>
      <td className="col-codes" title={allCodes || undefined}>
        {codes.length === 0 ? (
          <span className="results-none">—</span>
        ) : (
          <ul className="results-codes">
            {codes.map(([code, n]) => (
              <li key={code}>
                <span className="results-code">{code}</span> <span className="results-count">{formatNumber(n)}</span>
              </li>
            ))}
          </ul>
        )}
      </td>
    </tr>
  );
}
