import { DateTime } from 'luxon';
import { useEffect, useId, useRef, useState } from 'react';
import type { AuditEntry } from '../../../../shared/compliance';
import { useRingside } from '../../store/store';
import { useApi } from '../../ui/api-context';
import { downloadText } from './download-file';
import { alertOnFailure } from '../../ui/use-request';
import { formatCount } from './compliance-format';
import { InlineError } from './InlineError';
import { useInlineRequest } from './use-inline-request';

/** How many audit entries one page shows. */
export const AUDIT_PAGE = 50;

/** The dial gate's decision log, a page at a time (newest first), and its CSV export for a range of days. */
export function AuditPanel() {
  const api = useApi();
  const id = useId();
  const entries = useRingside((s) => s.compliance.auditEntries);
  const verification = useRingside((s) => s.compliance.auditVerification);
  const [verifying, setVerifying] = useState(false);
  const [page, setPage] = useState(0);
  const [data, setData] = useState<{ total: number; rows: AuditEntry[] } | null>(null);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [exported, setExported] = useState<string | null>(null);
  const [error, run, setError] = useInlineRequest();
  const latest = useRef(0);

  // Fetched again when a new decision is logged (auditEntries moves) or the page changes.
  useEffect(() => {
    const mine = ++latest.current;
    alertOnFailure(
      api.compliance.audit(page * AUDIT_PAGE, AUDIT_PAGE).then((r) => {
        if (mine !== latest.current) return;
        if (r.ok) setData(r.value);
        else setError(r.message);
      }),
      'Audit log',
    );
  }, [api, page, entries, setError]);

  const exportCsv = () => {
    setExported(null);
    const range: { from?: number; to?: number } = {};
    if (from) range.from = DateTime.fromISO(from).startOf('day').toMillis();
    if (to) range.to = DateTime.fromISO(to).endOf('day').toMillis();
    if (range.from !== undefined && range.to !== undefined && range.from > range.to) {
      setError('The "from" day is after the "to" day.');
      return;
    }
    alertOnFailure(
      run(api.compliance.exportAudit(range)).then((r) => {
        if (!r) return;
        downloadText(r.csv, r.fileName);
        setExported(`Exported ${formatCount(r.rows)} entr${r.rows === 1 ? 'y' : 'ies'}.`);
      }),
      'Audit export',
    );
  };

  const verify = () => {
    setVerifying(true);
    alertOnFailure(
      run(api.compliance.verifyAudit()).finally(() => setVerifying(false)),
      'Audit verification',
    );
  };

  const total = data?.total ?? 0;
  const first = total === 0 ? 0 : page * AUDIT_PAGE + 1;
  const last = Math.min(total, (page + 1) * AUDIT_PAGE);

  return (
    <section className="cx-block" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="section-title">
        Audit log
      </h3>
      <div className="cx-verify">
        <button type="button" className="btn" onClick={verify} disabled={verifying}>
          {verifying ? 'Verifying…' : 'Verify'}
        </button>
        <p
          className={verification && !verification.ok ? 'cx-verify-result is-bad' : 'cx-verify-result'}
          role={verification && !verification.ok ? 'alert' : 'status'}
        >
          {verification
            ? `${verification.message} Checked ${DateTime.fromMillis(verification.checkedAt).toFormat('yyyy-MM-dd HH:mm')}.`
            : 'Each record is sealed with a key this computer keeps; Verify re-computes every seal and checks that nothing was removed from the end.'}
        </p>
      </div>
      <fieldset className="cx-options cx-export">
        <legend>Export to CSV (leave the days empty for the whole log)</legend>
        <div className="field">
          <label htmlFor={`${id}-from`}>From</label>
          <input id={`${id}-from`} type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-to`}>To</label>
          <input id={`${id}-to`} type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </div>
        <button type="button" className="btn" onClick={exportCsv}>
          Export CSV
        </button>
        <p className="saved-note" role="status">
          {exported ?? ''}
        </p>
      </fieldset>
      <InlineError error={error} />
      <div className="table-wrap cx-audit">
        <table className="cx-table" aria-label="Audit log">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Path</th>
              <th scope="col">Target</th>
              <th scope="col">Decision</th>
              <th scope="col">Summary</th>
            </tr>
          </thead>
          <tbody>
            {data && data.rows.length === 0 ? (
              <tr>
                <td colSpan={5} className="empty-note">
                  No decisions logged yet.
                </td>
              </tr>
            ) : null}
            {data?.rows.map((row) => (
              <tr key={row.id}>
                <td className="cx-when">{DateTime.fromMillis(row.at).toFormat('yyyy-MM-dd HH:mm:ss')}</td>
                <td>{row.path}</td>
                <td className="cx-target">{row.target}</td>
                <td>
                  <span className={`cx-status ${row.allowed ? 'is-current' : 'is-stale'}`}>
                    <span aria-hidden="true">{row.allowed ? '✓' : '✕'}</span> {row.allowed ? 'Allowed' : 'Blocked'}
                  </span>
                </td>
                <td className="cx-summary">{row.summary}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="cx-pager">
        <button type="button" className="btn btn-sm" disabled={page === 0} onClick={() => setPage((p) => Math.max(0, p - 1))}>
          Newer
        </button>
        <span className="cx-range">
          {data ? (total === 0 ? 'No entries' : `${formatCount(first)}–${formatCount(last)} of ${formatCount(total)}`) : 'Loading…'}
        </span>
        <button type="button" className="btn btn-sm" disabled={last >= total} onClick={() => setPage((p) => p + 1)}>
          Older
        </button>
      </div>
    </section>
  );
}
