import { DateTime } from 'luxon';
import { useEffect, useRef, useState } from 'react';
import type { CrmDeliveryView } from '../../../../shared/crm';
import { store, useRingside } from '../../store/store';
import { useApi } from '../../ui/api-context';
import { Modal } from '../../ui/Modal';
import { alertOnFailure } from '../../ui/use-request';
import { formatCount } from '../compliance/compliance-format';
import { InlineError } from '../compliance/InlineError';
import { useInlineRequest } from '../compliance/use-inline-request';
import { crmEventSingular } from './crm-format';

/** How many dead letters one page shows. */
export const DEAD_LETTER_PAGE = 50;

/**
 * The events the CRM never took, newest first, a page at a time. Retry puts one back in line
 * (same webhook id, so a CRM that did get it drops the copy). The last error is the CRM's or the
 * network's answer: shown as text only.
 */
export function DeadLetterPanel({ onClose }: { onClose: () => void }) {
  const api = useApi();
  const dead = useRingside((s) => s.crm.dead);
  const [page, setPage] = useState(0);
  const [data, setData] = useState<{ total: number; rows: CrmDeliveryView[] } | null>(null);
  const [retrying, setRetrying] = useState<ReadonlySet<string>>(new Set());
  const [error, run, setError] = useInlineRequest();
  const latest = useRef(0);

  // Fetched again when the page changes or main's count of dead letters moves (a retry, a new one).
  useEffect(() => {
    const mine = ++latest.current;
    alertOnFailure(
      api.crm.deadLetters(page * DEAD_LETTER_PAGE, DEAD_LETTER_PAGE).then((r) => {
        if (mine !== latest.current) return;
        if (!r.ok) return setError(r.message);
        // The last rows of the last page were retried: show the page before.
        if (r.value.rows.length === 0 && page > 0) return setPage((p) => Math.max(0, p - 1));
        setData(r.value);
      }),
      'Dead letters',
    );
  }, [api, page, dead, setError]);

  const retry = (row: CrmDeliveryView) => {
    setRetrying((s) => new Set(s).add(row.id));
    alertOnFailure(
      run(api.crm.retry(row.id)).then((status) => {
        setRetrying((s) => {
          const next = new Set(s);
          next.delete(row.id);
          return next;
        });
        if (!status) return;
        setData((d) => (d ? { total: Math.max(0, d.total - 1), rows: d.rows.filter((r) => r.id !== row.id) } : d));
        store.getState().setCrm(status);
      }),
      'Retrying the event',
    );
  };

  const total = data?.total ?? 0;
  const first = total === 0 ? 0 : page * DEAD_LETTER_PAGE + 1;
  const last = Math.min(total, page * DEAD_LETTER_PAGE + (data?.rows.length ?? 0));

  return (
    <Modal title="Not delivered to the CRM" onClose={onClose} wide>
      <div className="dead-letters">
        <p className="field-hint">
          The CRM did not take these events after every attempt. Retry sends one again with the same id, so a CRM that got it after all keeps one copy.
        </p>
        <InlineError error={error} />
        <div className="table-wrap">
          <table className="cx-table dl-table" aria-label="Events not delivered">
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Lead</th>
                <th scope="col">Written</th>
                <th scope="col" className="num">
                  Attempts
                </th>
                <th scope="col">Last error</th>
                <th scope="col">
                  <span className="sr-only">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data && data.rows.length === 0 ? (
                <tr>
                  <td colSpan={6} className="empty-note">
                    Nothing left: every event has reached the CRM or is waiting its turn.
                  </td>
                </tr>
              ) : null}
              {data?.rows.map((row) => (
                <tr key={row.id}>
                  <td>{crmEventSingular[row.type] ?? row.type}</td>
                  <td className="num">{row.leadId === null ? '—' : `#${row.leadId}`}</td>
                  <td className="cx-when">{DateTime.fromMillis(row.createdAt).toFormat('yyyy-MM-dd HH:mm')}</td>
                  <td className="num">{formatCount(row.attempts)}</td>
                  <td className="dl-error">{row.lastError ?? '—'}</td>
                  <td>
                    <button
                      type="button"
                      className="btn btn-sm"
                      disabled={retrying.has(row.id)}
                      aria-label={`Retry ${crmEventSingular[row.type] ?? row.type} ${row.leadId === null ? '' : `for lead ${row.leadId}`}`.trim()}
                      onClick={() => retry(row)}
                    >
                      {retrying.has(row.id) ? 'Retrying…' : 'Retry'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="cx-pager">
          <button type="button" className="btn btn-sm" disabled={page === 0} onClick={() => setPage((p) => Math.max(0, p - 1))}>
            Newer
          </button>
          <span className="cx-range">{data ? (total === 0 ? 'None' : `${formatCount(first)}–${formatCount(last)} of ${formatCount(total)}`) : 'Loading…'}</span>
          <button type="button" className="btn btn-sm" disabled={last >= total} onClick={() => setPage((p) => p + 1)}>
            Older
          </button>
        </div>
      </div>
    </Modal>
  );
}
