import { useEffect, useId, useMemo, useState } from 'react';
import { monitorModes, type BoardAgent, type MonitorMode } from '../../../../shared/supervision';
import { store, useRingside } from '../../store/store';
import { useApi } from '../../ui/api-context';
import { BoardChart } from './BoardChart';
import {
  callDuration,
  filterAgents,
  lastHeardText,
  onCall,
  percent,
  rowStateText,
  sortAgents,
  stateFilterLabel,
  timeInState,
  type BoardSort,
  type BoardSortKey,
  type BoardStateFilter,
} from './board-format';
import { formatDuration } from '../softphone/call-format';
import { useNow } from '../../ui/use-now';
import { request, useRequest } from '../../ui/use-request';

const COLUMNS: ReadonlyArray<{ keys: ReadonlyArray<{ key: BoardSortKey; label: string }>; label: string; className: string }> = [
  { keys: [{ key: 'name', label: 'Agent' }], label: 'Agent', className: 'col-agent' },
  { keys: [{ key: 'state', label: 'State' }], label: 'State', className: 'col-state' },
  { keys: [{ key: 'time', label: 'In state' }], label: 'In state', className: 'col-time' },
  { keys: [{ key: 'call', label: 'Call' }], label: 'Call', className: 'col-call' },
  { keys: [{ key: 'campaign', label: 'Campaign' }], label: 'Campaign', className: 'col-campaign' },
  {
    keys: [
      { key: 'calls', label: 'Calls' },
      { key: 'successes', label: 'Successes' },
    ],
    label: 'Today',
    className: 'col-today',
  },
  { keys: [{ key: 'alerts', label: 'Alerts' }], label: 'Alerts', className: 'col-alerts' },
  { keys: [], label: 'Monitor', className: 'col-actions' },
];

const modeLabel: Record<MonitorMode, string> = { listen: 'Listen', whisper: 'Whisper', barge: 'Barge' };
const modeHint: Record<MonitorMode, string> = {
  listen: 'Hear the agent and the customer; nobody hears you',
  whisper: 'Talk to the agent only; the customer does not hear you',
  barge: 'Talk to both the agent and the customer',
};

/**
 * The supervisor's live board: every agent on the team with state (colour and text), pause
 * reason, current call, campaign, today's figures and alerts; sortable, filterable, with team
 * totals and a chart. Names, campaigns and reasons come from other people's apps: text only.
 */
export function Board() {
  const board = useRingside((s) => s.board);
  const api = useApi();
  const now = useNow();
  const filterId = useId();
  const [sort, setSort] = useState<BoardSort>({ key: 'state', dir: 'asc' });
  const [stateFilter, setStateFilter] = useState<BoardStateFilter>('all');
  const [text, setText] = useState('');

  // The snapshot carries the board; after a role change, ask for it once.
  useEffect(() => {
    if (store.getState().board) return;
    void request(api.board.get()).then((b) => {
      if (b && !store.getState().board) store.getState().setBoard(b);
    });
  }, [api]);

  const rows = useMemo(() => (board ? sortAgents(filterAgents(board.agents, stateFilter, text), sort, now) : []), [board, stateFilter, text, sort, now]);

  if (!board) return <p className="empty-state">Loading the live board…</p>;
  const t = board.totals;
  const alerts = board.agents.reduce((n, a) => n + a.alerts.length, 0);

  const sortBy = (key: BoardSortKey) =>
    setSort((s) =>
      s.key === key ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: key === 'name' || key === 'campaign' || key === 'state' ? 'asc' : 'desc' },
    );

  return (
    <section className="board" aria-label="Live board">
      <div className="board-top">
        <dl className="board-totals" aria-label="Team totals">
          <Total label="Agents" value={String(t.agents)} />
          <Total label="On call" value={String(t.onCall)} />
          <Total label="Available" value={String(t.available)} />
          <Total label="Calls" value={String(t.calls)} />
          <Total label="Connected" value={String(t.connected)} />
          <Total label="Talk time" value={formatDuration(t.talkSec * 1000)} />
          <Total label="Successes" value={String(t.successes)} />
          <Total label="Conversion" value={percent(t.conversion)} hint="successes ÷ connected calls" />
        </dl>
        <BoardChart history={board.history} />
      </div>

      <div className="board-tools" role="search">
        <label htmlFor={`${filterId}-state`}>Show</label>
        <select id={`${filterId}-state`} value={stateFilter} onChange={(e) => setStateFilter(e.target.value as BoardStateFilter)}>
          {(Object.keys(stateFilterLabel) as BoardStateFilter[]).map((k) => (
            <option key={k} value={k}>
              {stateFilterLabel[k]}
            </option>
          ))}
        </select>
        <label htmlFor={`${filterId}-text`} className="sr-only">
          Filter by name, address, campaign, reason or alert
        </label>
        <input
          id={`${filterId}-text`}
          type="search"
          placeholder="Filter: name, campaign, reason…"
          value={text}
          onChange={(e) => setText(e.target.value)}
          spellCheck={false}
        />
        <span className="board-count" role="status" aria-live="polite">
          {rows.length === board.agents.length ? `${rows.length} agents` : `${rows.length} of ${board.agents.length} agents`}
          {alerts > 0 ? ` · ${alerts} alert${alerts === 1 ? '' : 's'}` : ''}
        </span>
        {board.unverified > 0 ? (
          <span
            className="board-unverified"
            title="Your SIP server sent no P-Asserted-Identity and no team secret is set: these states are taken on the From header, which only a PBX that checks it against the login keeps honest. Set a team secret in Settings → Team and supervision (the same on every desktop)."
          >
            {board.unverified === board.agents.length ? 'Senders not verified' : `${board.unverified} sender${board.unverified === 1 ? '' : 's'} not verified`}:
            set a team secret
          </span>
        ) : null}
        {board.rejected > 0 ? (
          <span className="board-rejected" title="Agent-state messages from senders not on your team (or with a wrong team secret) were ignored; see the log.">
            {board.rejected} message{board.rejected === 1 ? '' : 's'} from outside the team ignored
          </span>
        ) : null}
      </div>

      <div className="board-scroll">
        <table className="board-table">
          <caption className="sr-only">Agents on your team</caption>
          <thead>
            <tr>
              {COLUMNS.map((c) => {
                const active = c.keys.find((k) => k.key === sort.key);
                return (
                  <th key={c.label} scope="col" className={c.className} aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}>
                    {c.keys.length === 0 ? (
                      <span className="th-text">{c.label}</span>
                    ) : (
                      <span className="th-sorts">
                        {c.keys.length > 1 ? <span className="th-text">{c.label}:</span> : null}
                        {c.keys.map((k) => (
                          <button
                            key={k.key}
                            type="button"
                            className="sort-button"
                            aria-label={c.keys.length > 1 ? `${c.label}: ${k.label}` : undefined}
                            aria-pressed={sort.key === k.key}
                            onClick={() => sortBy(k.key)}
                          >
                            {k.label}
                            <span aria-hidden="true" className="sort-mark">
                              {sort.key === k.key ? (sort.dir === 'asc' ? '▲' : '▼') : ''}
                            </span>
                          </button>
                        ))}
                      </span>
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => (
              <BoardRow key={a.aor} agent={a} now={now} />
            ))}
          </tbody>
        </table>
        {rows.length === 0 ? (
          <p className="empty-state">
            {board.agents.length === 0 ? 'No agents on your team yet: add their SIP addresses in Settings.' : 'No agent matches the filter.'}
          </p>
        ) : null}
      </div>
    </section>
  );
}

function Total({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="board-total" title={hint}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function BoardRow({ agent: a, now }: { agent: BoardAgent; now: number }) {
  const p = a.presence;
  const state = rowStateText(a);
  const inState = timeInState(a, now);
  const call = p?.call ?? null;
  const callTime = callDuration(a, now);
  const campaign = call?.campaign ?? p?.campaign ?? null;
  const stateClass = !p || a.stale ? 'unknown' : a.state;
  return (
    <tr className={a.stale ? 'is-stale' : !p ? 'is-unheard' : undefined}>
      <th scope="row" className="col-agent">
        <span className="board-name" title={a.name}>
          {a.name}
        </span>
        <span className="board-aor" title={a.aor}>
          {a.aor.replace(/^sips?:/, '')}
        </span>
      </th>
      <td className="col-state">
        <span className={`board-state board-state-${stateClass}`}>
          <span className="board-dot" aria-hidden="true" />
          <span className="board-state-label">{state.label}</span>
        </span>
        {state.detail ? (
          <span className="board-detail" title={state.detail}>
            {state.detail}
          </span>
        ) : null}
        {a.stale || !p ? <span className="board-detail">last heard {lastHeardText(a, now)}</span> : null}
      </td>
      <td className="col-time">{inState === null ? '—' : formatDuration(inState)}</td>
      <td className="col-call">
        {call ? (
          <>
            <span className="board-call">
              <span>{call.direction === 'inbound' ? 'Inbound' : 'Outbound'}</span>
              <span className={`temp-chip temp-${call.temperature} temp-compact`}>{call.temperature === 'warm' ? 'Warm' : 'Cold'}</span>
            </span>
            <span className="board-call-time">
              {call.answeredAt === null ? 'ringing ' : ''}
              {callTime === null ? '' : formatDuration(callTime)}
            </span>
          </>
        ) : (
          <span className="board-none">—</span>
        )}
      </td>
      <td className="col-campaign">
        <span className="board-campaign" title={campaign ?? undefined}>
          {campaign ?? '—'}
        </span>
      </td>
      <td
        className="col-today"
        title={
          p
            ? `${p.today.calls} calls, ${p.today.connected} connected, ${p.today.successes} successes, ${formatDuration(p.today.talkSec * 1000)} talk time`
            : undefined
        }
      >
        {p ? (
          <>
            <span className="board-num">
              {p.today.calls} <span className="board-unit">calls</span>
            </span>
            <span className="board-sub">
              {p.today.successes} {p.today.successes === 1 ? 'success' : 'successes'}
            </span>
            <span className="board-sub">{p.today.connected} connected</span>
          </>
        ) : (
          '—'
        )}
      </td>
      <td className="col-alerts">
        {a.alerts.length ? (
          <ul className="board-alerts" aria-label={`Alerts for ${a.name}`}>
            {a.alerts.map((x) => (
              <li key={x.kind} className={`board-alert alert-${x.kind}`}>
                <span aria-hidden="true">! </span>
                {x.text}
              </li>
            ))}
          </ul>
        ) : null}
      </td>
      <td className="col-actions">
        <MonitorButtons agent={a} />
      </td>
    </tr>
  );
}

function MonitorButtons({ agent: a }: { agent: BoardAgent }) {
  const api = useApi();
  const send = useRequest();
  const can = onCall(a);
  const active = a.monitoring;
  return (
    <div className="board-monitor" role="group" aria-label={`Monitor ${a.name}`}>
      {monitorModes.map((mode) => (
        <button
          key={mode}
          type="button"
          className="btn btn-sm"
          disabled={!can && !active}
          aria-pressed={active === mode}
          title={can || active ? modeHint[mode] : 'Available while the agent is on a call'}
          onClick={() => {
            if (active === mode) return;
            send(active ? api.monitor.setMode(mode) : api.monitor.start(a.aor, mode));
          }}
        >
          {modeLabel[mode]}
        </button>
      ))}
    </div>
  );
}
