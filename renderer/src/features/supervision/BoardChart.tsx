import type { BoardView } from '../../../../shared/supervision';

// Close to the size it is drawn at on a 1280 px screen, so the 11 px labels stay readable.
const W = 380;
const H = 130;
const PAD = { left: 30, right: 8, top: 10, bottom: 20 };

function hhmm(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** A round upper bound for the y axis: 4, 5, 6, 8, 10, 15, 20, 25, 30, 40, 50 … */
function niceMax(n: number): number {
  if (n <= 4) return 4;
  const p = 10 ** Math.floor(Math.log10(n));
  for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= n) return m * p;
  return 10 * p;
}

/**
 * Team calls and successes today, sampled once a minute (plain SVG, no chart library). The
 * figures are also given as text for screen readers.
 */
export function BoardChart({ history }: { history: BoardView['history'] }) {
  const last = history.at(-1);
  if (history.length < 2 || !last) {
    return (
      <figure className="board-chart is-empty">
        <figcaption>Calls and successes today</figcaption>
        <p className="board-chart-wait">The chart fills in as the minutes go by{last ? ` (now ${last.calls} calls, ${last.successes} successes)` : ''}.</p>
      </figure>
    );
  }
  const top = niceMax(Math.max(...history.map((h) => h.calls), 1));
  const t0 = history[0]!.at;
  const span = Math.max(1, last.at - t0);
  const x = (at: number) => PAD.left + ((at - t0) / span) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - v / top) * (H - PAD.top - PAD.bottom);
  const line = (pick: (h: BoardView['history'][number]) => number) =>
    history.map((h, i) => `${i === 0 ? 'M' : 'L'}${x(h.at).toFixed(1)},${y(pick(h)).toFixed(1)}`).join(' ');
  const summary = `Calls and successes today, ${hhmm(t0)} to ${hhmm(last.at)}: now ${last.calls} calls and ${last.successes} successes, ${last.onCall} on call.`;
  return (
    <figure className="board-chart">
      <figcaption>
        Calls and successes today
        <span className="board-legend">
          <span className="legend-calls">Calls</span>
          <span className="legend-successes">Successes</span>
        </span>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary}>
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line className="grid" x1={PAD.left} x2={W - PAD.right} y1={y(top * f)} y2={y(top * f)} />
            <text className="axis" x={PAD.left - 6} y={y(top * f) + 4} textAnchor="end">
              {Math.round(top * f)}
            </text>
          </g>
        ))}
        <text className="axis" x={PAD.left} y={H - 6} textAnchor="start">
          {hhmm(t0)}
        </text>
        <text className="axis" x={W - PAD.right} y={H - 6} textAnchor="end">
          {hhmm(last.at)}
        </text>
        <path className="series-calls" d={line((h) => h.calls)} />
        <path className="series-successes" d={line((h) => h.successes)} />
      </svg>
    </figure>
  );
}
