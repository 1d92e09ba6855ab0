/**
 * The supervisor's results view logic, kept out of the component so it can be tested: the
 * periods (the agent's own calendar: local midnights, Monday-start weeks), the rows summed by
 * agent or by campaign, the rates, sorting, and how each figure reads. Agent and campaign names
 * come from other people's apps and the shared data: they stay plain text.
 */
import { DateTime } from 'luxon';
import type { TeamResultsRow } from '../../../../shared/team';
import { formatNumber } from '../../ui/number-format';

// ---- periods ----

export const periods = ['today', 'yesterday', 'this-week', 'last-7-days', 'this-month'] as const;
export type Period = (typeof periods)[number];

export const periodLabel: Record<Period, string> = {
  today: 'Today',
  yesterday: 'Yesterday',
  'this-week': 'This week',
  'last-7-days': 'Last 7 days',
  'this-month': 'This month',
};

/**
 * `[from, to)` in epoch ms for `team:results`, on the agent's local calendar. Whole days, so a
 * refresh during the day asks for the same range, and a day with a clock change is 23 or 25 hours.
 */
export function periodRange(period: Period, now: number): { from: number; to: number } {
  const today = DateTime.fromMillis(now).startOf('day');
  const tomorrow = today.plus({ days: 1 });
  switch (period) {
    case 'today':
      return { from: today.toMillis(), to: tomorrow.toMillis() };
    case 'yesterday':
      return { from: today.minus({ days: 1 }).toMillis(), to: today.toMillis() };
    case 'this-week': {
      const monday = today.startOf('week');
      return { from: monday.toMillis(), to: monday.plus({ weeks: 1 }).toMillis() };
    }
    case 'last-7-days':
      return { from: today.minus({ days: 6 }).toMillis(), to: tomorrow.toMillis() };
    case 'this-month': {
      const first = today.startOf('month');
      return { from: first.toMillis(), to: first.plus({ months: 1 }).toMillis() };
    }
  }
}

/** "Wed 2 Dec 2026", or "Mon 30 Nov – Sun 6 Dec 2026" for a longer period (`to` is exclusive). */
export function rangeText(from: number, to: number): string {
  const a = DateTime.fromMillis(from);
  const b = DateTime.fromMillis(to).minus({ milliseconds: 1 });
  if (a.hasSame(b, 'day')) return a.toFormat('ccc d LLL yyyy');
  return `${a.toFormat(a.hasSame(b, 'year') ? 'ccc d LLL' : 'ccc d LLL yyyy')} – ${b.toFormat('ccc d LLL yyyy')}`;
}

// ---- summing ----

export type Grouping = 'agent' | 'campaign';

/** One line of the table: an agent (over its campaigns) or a campaign (over its agents). */
export interface ResultsLine {
  /** Stable across refreshes: the React key and the sort's last tie-break. */
  key: string;
  label: string;
  /** The results written before team mode (or by a solo desktop), which have no agent. */
  noAgent: boolean;
  /** By agent: its campaigns; by campaign: its agents. */
  parts: number;
  calls: number;
  connected: number;
  talkSec: number;
  dispositions: number;
  successes: number;
  byCode: Record<string, number>;
}

export const NO_AGENT_LABEL = 'Before team mode / solo';

function emptyLine(key: string, label: string, noAgent: boolean): ResultsLine {
  return { key, label, noAgent, parts: 0, calls: 0, connected: 0, talkSec: 0, dispositions: 0, successes: 0, byCode: {} };
}

function add(line: ResultsLine, r: Pick<ResultsLine, 'calls' | 'connected' | 'talkSec' | 'dispositions' | 'successes' | 'byCode'>): void {
  line.calls += r.calls;
  line.connected += r.connected;
  line.talkSec += r.talkSec;
  line.dispositions += r.dispositions;
  line.successes += r.successes;
  for (const [code, n] of Object.entries(r.byCode)) line.byCode[code] = (line.byCode[code] ?? 0) + n;
}

/** The rows summed per agent (null: one "before team mode" line) or per campaign. */
export function groupRows(rows: readonly TeamResultsRow[], by: Grouping): ResultsLine[] {
  const lines = new Map<string, ResultsLine>();
  for (const r of rows) {
    // A prefix keeps an agent named like the null line's key apart from it.
    const key = by === 'agent' ? (r.agent === null ? 'none' : `a:${r.agent}`) : `c:${r.campaignId}`;
    let line = lines.get(key);
    if (!line) {
      line = by === 'agent' ? emptyLine(key, r.agent ?? NO_AGENT_LABEL, r.agent === null) : emptyLine(key, r.campaign, false);
      lines.set(key, line);
    }
    line.parts++;
    add(line, r);
  }
  return [...lines.values()];
}

/** The team's totals over every row. */
export function totalLine(rows: readonly TeamResultsRow[]): ResultsLine {
  const t = emptyLine('total', 'Team total', false);
  for (const r of rows) add(t, r);
  return t;
}

/** connected ÷ calls; null when there were no calls. */
export const contactRate = (l: Pick<ResultsLine, 'calls' | 'connected'>): number | null => (l.calls > 0 ? l.connected / l.calls : null);
/** successes ÷ connected calls; null when none connected. */
export const conversion = (l: Pick<ResultsLine, 'connected' | 'successes'>): number | null => (l.connected > 0 ? l.successes / l.connected : null);

/** The most used disposition codes, most first (ties in code order). */
export function topCodes(byCode: Record<string, number>, n = 3): Array<[string, number]> {
  return Object.entries(byCode)
    .filter(([, c]) => c > 0)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, n);
}

// ---- sorting ----

export type ResultsSortKey = 'label' | 'calls' | 'connected' | 'contact' | 'talk' | 'dispositions' | 'successes' | 'conversion';
export interface ResultsSort {
  key: ResultsSortKey;
  dir: 'asc' | 'desc';
}

function sortValue(l: ResultsLine, key: ResultsSortKey): number | string {
  switch (key) {
    case 'label':
      return l.label.toLocaleLowerCase();
    case 'calls':
      return l.calls;
    case 'connected':
      return l.connected;
    case 'contact':
      return contactRate(l) ?? -1;
    case 'talk':
      return l.talkSec;
    case 'dispositions':
      return l.dispositions;
    case 'successes':
      return l.successes;
    case 'conversion':
      return conversion(l) ?? -1;
  }
}

/** A sorted copy; ties go by name, so lines keep their places across refreshes. */
export function sortLines(lines: readonly ResultsLine[], sort: ResultsSort): ResultsLine[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  return [...lines].sort((x, y) => {
    const a = sortValue(x, sort.key);
    const b = sortValue(y, sort.key);
    const c = typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
    return c !== 0 ? sign * c : x.label.localeCompare(y.label) || x.key.localeCompare(y.key);
  });
}

// ---- words ----

/** "35 s", "42 min", "3 h 07 min": a period's talk time, not a running clock. */
export function talkText(sec: number): string {
  const s = Math.max(0, Math.round(sec));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  return `${formatNumber(Math.floor(min / 60))} h ${String(min % 60).padStart(2, '0')} min`;
}
