import { useVirtualizer } from '@tanstack/react-virtual';
import { DateTime } from 'luxon';
import { useEffect, useId, useRef, useState } from 'react';
import { leadStatuses, type LeadRow, type LeadStatus } from '../../../../shared/lead';
import { store, useRingside } from '../../store/store';
import { useApi } from '../../ui/api-context';
import { alertOnFailure, request } from '../../ui/use-request';

const PAGE = 200;
const ROW_HEIGHT = 34;

function when(ms: number | null): string {
  return ms === null ? '' : DateTime.fromMillis(ms).toFormat('d LLL HH:mm');
}

/**
 * The campaign's leads, virtualised: only the rows in view (plus a few) are in the DOM, and
 * pages of 200 are fetched as they scroll into view (cached by offset).
 */
export function LeadList({ onOpened }: { onOpened: () => void }) {
  const api = useApi();
  const id = useId();
  const campaignId = useRingside((s) => s.workspace.campaignId);
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  const [status, setStatus] = useState<LeadStatus | ''>('');
  const [total, setTotal] = useState<number | null>(null);
  const [pages, setPages] = useState<ReadonlyMap<number, LeadRow[]>>(new Map());
  const inFlight = useRef(new Set<number>());
  const generation = useRef(0);
  const scrollRef = useRef<HTMLDivElement>(null);

  // Debounce typing into the search box.
  useEffect(() => {
    const t = setTimeout(() => setQuery(search.trim()), 300);
    return () => clearTimeout(t);
  }, [search]);

  const fetchPage = (offset: number) => {
    if (campaignId === null || inFlight.current.has(offset)) return;
    inFlight.current.add(offset);
    const gen = generation.current;
    alertOnFailure(
      request(api.lead.list({ campaignId, offset, limit: PAGE, ...(query ? { search: query } : {}), ...(status ? { status } : {}) })).then((r) => {
        if (gen !== generation.current) return;
        inFlight.current.delete(offset);
        if (!r) return;
        setTotal(r.total);
        setPages((p) => new Map(p).set(offset, r.rows));
      }),
    );
  };

  // A new campaign or filter: start over from the first page.
  useEffect(() => {
    generation.current++;
    inFlight.current.clear();
    setPages(new Map());
    setTotal(null);
    if (scrollRef.current) scrollRef.current.scrollTop = 0;
    fetchPage(0);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [campaignId, query, status]);

  const virtualizer = useVirtualizer({
    count: total ?? 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    initialRect: { width: 900, height: 600 },
  });
  const items = virtualizer.getVirtualItems();
  const firstIndex = items.length ? items[0].index : 0;
  const lastIndex = items.length ? items[items.length - 1].index : 0;

  useEffect(() => {
    if (total === null) return;
    for (let offset = Math.floor(firstIndex / PAGE) * PAGE; offset <= lastIndex; offset += PAGE) if (!pages.has(offset)) fetchPage(offset);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [firstIndex, lastIndex, total, pages]);

  const open = (row: LeadRow) => {
    alertOnFailure(
      request(api.workspace.openLead(row.id)).then((w) => {
        if (!w) return;
        store.getState().setWorkspace(w);
        store.getState().viewLead(row.id);
        onOpened();
      }),
    );
  };

  if (campaignId === null) return <p className="empty-state">Choose a campaign to see its leads.</p>;

  return (
    <section className="lead-list" aria-labelledby={`${id}-title`}>
      <div className="list-tools">
        <h2 id={`${id}-title`} className="section-title">
          Leads <span className="count">{total ?? '…'}</span>
        </h2>
        <label htmlFor={`${id}-search`} className="sr-only">
          Search leads
        </label>
        <input
          id={`${id}-search`}
          type="search"
          placeholder="Search name, company, phone"
          value={search}
          maxLength={100}
          onChange={(e) => setSearch(e.target.value)}
        />
        <label htmlFor={`${id}-status`} className="sr-only">
          Status filter
        </label>
        <select id={`${id}-status`} value={status} onChange={(e) => setStatus(e.target.value as LeadStatus | '')}>
          <option value="">All statuses</option>
          {leadStatuses.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </div>
      <div className="lead-table" role="table" aria-label="Leads" aria-rowcount={(total ?? 0) + 1}>
        <div className="lead-row lead-row-head" role="row" aria-rowindex={1}>
          {['Name', 'Company', 'Phone', 'Status', 'Attempts', 'Score', 'Last attempt', 'Due'].map((h) => (
            <span key={h} role="columnheader">
              {h}
            </span>
          ))}
        </div>
        <div className="lead-scroller" ref={scrollRef} data-testid="lead-scroller">
          <div className="lead-rows" style={{ height: virtualizer.getTotalSize() }}>
            {items.map((v) => {
              const row = pages.get(Math.floor(v.index / PAGE) * PAGE)?.[v.index % PAGE];
              return (
                <div
                  key={v.key}
                  role="row"
                  aria-rowindex={v.index + 2}
                  tabIndex={row ? 0 : -1}
                  className={row ? 'lead-row' : 'lead-row is-loading'}
                  style={{ transform: `translateY(${v.start}px)`, height: ROW_HEIGHT }}
                  onClick={row ? () => open(row) : undefined}
                  onKeyDown={(e) => {
                    if (row && (e.key === 'Enter' || e.key === ' ')) {
                      e.preventDefault();
                      open(row);
                    }
                  }}
                >
                  {row ? (
                    <>
                      <span role="cell">{row.name}</span>
                      <span role="cell">{row.company}</span>
                      <span role="cell">{row.phone}</span>
                      <span role="cell">
                        <span className={`lead-status status-${row.status}`}>{row.status}</span>
                      </span>
                      <span role="cell" className="num">
                        {row.attempts}
                      </span>
                      <span role="cell" className="num">
                        {row.score}
                      </span>
                      <span role="cell">{when(row.lastAttemptAt)}</span>
                      <span role="cell">{when(row.dueAt)}</span>
                    </>
                  ) : (
                    <span role="cell">Loading…</span>
                  )}
                </div>
              );
            })}
          </div>
        </div>
        {total === 0 ? <p className="empty-note">No leads match.</p> : null}
      </div>
    </section>
  );
}
