import { DateTime } from 'luxon';
import { useEffect, useId, useRef, useState } from 'react';
import { registryNames, type AuditEntry, type RegistryFileKindView, type RegistryImportView, type RegistryName, type RegistryView, type ScrubReport } from '../../../shared/compliance';
import type { Result } from '../../../shared/result';
import { store, useRingside } from '../store/store';
import { useApi } from './api-context';
import { formatBytes, formatCount, registryLabel } from './compliance-format';
import { downloadText } from './download-file';
import { CampaignSelect } from './CampaignSelect';
import { Modal } from './Modal';
import { drop } from './use-request';

type Section = 'registries' | 'dnc' | 'scrub' | 'audit';
const SECTIONS: Array<[Section, string]> = [
  ['registries', 'Registries'],
  ['dnc', 'Internal DNC'],
  ['scrub', 'List scrub'],
  ['audit', 'Audit log'],
];

/** How many audit entries one page shows. */
export const AUDIT_PAGE = 50;

/**
 * Supervisor tools for the dial gate: registry snapshots and their import from the inbox
 * folder, scrubbing a campaign's list, and the decision audit log with its CSV export. Errors
 * are shown inside the dialog (the app's alert region is behind it).
 */
export function CompliancePanel({ onClose }: { onClose: () => void }) {
  const api = useApi();
  const id = useId();
  const [section, setSection] = useState<Section>('registries');
  // Files copied into the inbox since the last event show up when the panel opens.
  useEffect(() => {
    drop(
      api.compliance.status().then((r) => {
        if (r.ok) store.getState().setCompliance(r.value);
      }),
      'Compliance status',
    );
  }, [api]);
  return (
    <Modal title="Compliance" onClose={onClose} wide>
      <div className="compliance-panel">
        <div role="tablist" aria-label="Compliance sections" className="tabs">
          {SECTIONS.map(([key, label]) => (
            <button
              key={key}
              type="button"
              role="tab"
              id={`${id}-tab-${key}`}
              aria-selected={section === key}
              aria-controls={`${id}-panel`}
              className="tab"
              onClick={() => setSection(key)}
            >
              {label}
            </button>
          ))}
        </div>
        <div id={`${id}-panel`} role="tabpanel" aria-labelledby={`${id}-tab-${section}`} className="compliance-section">
          {section === 'registries' ? (
            <>
              <RegistryTable />
              <RegistryImport />
            </>
          ) : section === 'dnc' ? (
            <InternalDnc />
          ) : section === 'scrub' ? (
            <ListScrub />
          ) : (
            <AuditLog />
          )}
        </div>
      </div>
    </Modal>
  );
}

/**
 * The company's own Do-Not-Call list, which no exemption overrides: numbers typed or pasted
 * (one per line, or separated by commas/semicolons), normalised in main; invalid ones listed back.
 */
function InternalDnc() {
  const api = useApi();
  const id = useId();
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ added: number; already: number; invalid: string[] } | null>(null);
  const [error, run] = useInlineRequest();
  const numbers = text
    .split(/[\n;,\t]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  const add = async () => {
    setBusy(true);
    const r = await run(api.compliance.addToDnc(numbers.slice(0, 100_000), numbers.length > 1 ? 'import' : 'manual'));
    setBusy(false);
    if (r) {
      setResult(r);
      setText(r.invalid.length ? r.invalid.map((x) => x.split(':')[0]).join('\n') : '');
    }
  };
  return (
    <section aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`} className="section-title">
        Internal Do-Not-Call list
      </h3>
      <p className="hint">Numbers here are never called, whatever the campaign or the lead’s consent. The “Do not call” disposition adds to it too.</p>
      <label htmlFor={`${id}-numbers`}>Numbers (one per line, or paste a list)</label>
      <textarea id={`${id}-numbers`} rows={6} style={{ width: '100%', maxWidth: '32rem', display: 'block' }} value={text} onChange={(e) => setText(e.target.value)} placeholder={'+1 212 555 0100\n(416) 555-0199'} />
      <div className="row">
        <button type="button" className="btn btn-primary" disabled={busy || numbers.length === 0} onClick={() => void add()}>
          {busy ? 'Adding…' : `Add ${numbers.length || ''} to the list`.replace('  ', ' ')}
        </button>
      </div>
      {error ? (
        <p role="alert" className="error">
          {error}
        </p>
      ) : null}
      {result ? (
        <p role="status">
          {formatCount(result.added)} added, {formatCount(result.already)} already on the list
          {result.invalid.length ? `; ${result.invalid.length} not ${result.invalid.length === 1 ? 'a valid number' : 'valid numbers'} (left in the box): ${result.invalid.slice(0, 5).join('; ')}` : ''}.
        </p>
      ) : null}
    </section>
  );
}

/** A request whose failure is shown next to the control that sent it. */
function useInlineRequest(): [string | null, <T>(promise: Promise<Result<T>>) => Promise<T | undefined>, (e: string | null) => void] {
  const [error, setError] = useState<string | null>(null);
  const run = async <T,>(promise: Promise<Result<T>>): Promise<T | undefined> => {
    setError(null);
    try {
      const r = await promise;
      if (r.ok) return r.value;
      setError(r.message);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
    return undefined;
  };
  return [error, run, setError];
}

function InlineError({ error }: { error: string | null }) {
  return error ? (
    <p className="form-errors" role="alert">
      {error}
    </p>
  ) : null;
}

const day = (ms: number, zone?: string) => DateTime.fromMillis(ms, zone ? { zone } : {}).toISODate() ?? '';

// ---- registries ----

function registryStatus(r: RegistryView | null, maxAge: number): { cls: string; icon: string; text: string } {
  if (!r || !r.loaded || r.snapshotAt === null) return { cls: 'is-stale', icon: '✕', text: 'Not imported: calls blocked' };
  if (r.stale) return { cls: 'is-stale', icon: '!', text: `Older than ${maxAge} days: calls blocked` };
  return { cls: 'is-current', icon: '✓', text: 'Current' };
}

function RegistryTable() {
  const id = useId();
  const status = useRingside((s) => s.compliance);
  return (
    <section className="cx-block" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="section-title">
        National registries
      </h3>
      <div className="table-wrap">
        <table className="cx-table" aria-labelledby={`${id}-title`}>
          <thead>
            <tr>
              <th scope="col">Registry</th>
              <th scope="col">Loaded</th>
              <th scope="col" className="num">
                Numbers
              </th>
              <th scope="col">Snapshot</th>
              <th scope="col" className="num">
                Age
              </th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {registryNames.map((name) => {
              const r = status.registries.find((x) => x.name === name) ?? null;
              const st = registryStatus(r, status.maxSnapshotAgeDays);
              return (
                <tr key={name}>
                  <th scope="row">{registryLabel[name]}</th>
                  <td>{r?.loaded ? 'Yes' : 'No'}</td>
                  <td className="num">{r?.loaded ? formatCount(r.count) : '—'}</td>
                  <td>{r?.snapshotAt != null ? day(r.snapshotAt, 'utc') : '—'}</td>
                  <td className="num">{r?.ageDays != null ? `${r.ageDays} d` : '—'}</td>
                  <td>
                    <span className={`cx-status ${st.cls}`}>
                      <span aria-hidden="true">{st.icon}</span> {st.text}
                    </span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p className="field-hint">
        A snapshot older than {status.maxSnapshotAgeDays} days, or none, blocks calls to that country's numbers unless an exemption applies.
      </p>
    </section>
  );
}

/** A first guess from the file name (FTC and DNCL downloads name their change files). */
function guessKind(name: string): RegistryFileKindView {
  if (/delet/i.test(name)) return 'deletions';
  if (/addit/i.test(name)) return 'additions';
  if (/change|delta/i.test(name)) return 'changes';
  return 'full';
}

const KIND_LABEL: Record<RegistryFileKindView, string> = { full: 'Full list', changes: 'Changes', additions: 'Additions', deletions: 'Deletions' };

const PHASE_LABEL: Record<RegistryImportView['phase'], string> = {
  reading: 'Reading the files',
  building: 'Building the index',
  done: 'Finished',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

function RegistryImport() {
  const api = useApi();
  const id = useId();
  const status = useRingside((s) => s.compliance);
  const [picked, setPicked] = useState<Record<string, boolean>>({});
  const [kinds, setKinds] = useState<Record<string, RegistryFileKindView>>({});
  const [registry, setRegistry] = useState<RegistryName>('US');
  const [mode, setMode] = useState<'full' | 'changes'>('full');
  const [snapshotDate, setSnapshotDate] = useState(() => DateTime.now().toISODate() ?? '');
  const [starting, setStarting] = useState(false);
  const [error, run, setError] = useInlineRequest();
  const imp = status.import;
  const running = imp !== null && (imp.phase === 'reading' || imp.phase === 'building');
  const files = status.inboxFiles;
  const chosen = files.filter((f) => picked[f.name]);
  const kindOf = (name: string) => kinds[name] ?? guessKind(name);

  const start = () => {
    if (chosen.length === 0 || running || starting) return;
    if (snapshotDate && !/^\d{4}-\d{2}-\d{2}$/.test(snapshotDate)) {
      setError('Snapshot date: use YYYY-MM-DD.');
      return;
    }
    setStarting(true);
    drop(
      run(
        api.compliance.importRegistry({
          registry,
          mode,
          files: chosen.map((f) => ({ name: f.name, kind: kindOf(f.name) })),
          ...(snapshotDate ? { snapshotDate } : {}),
        }),
      ).then((s) => {
        setStarting(false);
        if (s) store.getState().setCompliance(s);
      }),
      'Registry import',
    );
  };

  const cancel = () =>
    drop(
      run(api.compliance.cancelImport()).then((s) => {
        if (s) store.getState().setCompliance(s);
      }),
      'Cancel registry import',
    );

  return (
    <section className="cx-block" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} className="section-title">
        Import registry files
      </h3>
      <p className="cx-inbox">
        Copy the files downloaded from the registry into the inbox folder: <code className="cx-path">{status.inboxDir || '(not set)'}</code>
      </p>
      {/* The import in progress (or the last one's result) comes first: it is what the supervisor is waiting on. */}
      {imp ? <ImportProgressView imp={imp} running={running} onCancel={cancel} /> : null}
      {files.length === 0 ? (
        <p className="empty-note">The inbox folder is empty.</p>
      ) : (
        <div className="table-wrap">
          <table className="cx-table" aria-label="Files in the inbox">
            <thead>
              <tr>
                <th scope="col">Import</th>
                <th scope="col">File</th>
                <th scope="col" className="num">
                  Size
                </th>
                <th scope="col">Modified</th>
                <th scope="col">Kind</th>
              </tr>
            </thead>
            <tbody>
              {files.map((f) => (
                <tr key={f.name}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Import ${f.name}`}
                      checked={picked[f.name] ?? false}
                      disabled={running}
                      onChange={(e) => setPicked((p) => ({ ...p, [f.name]: e.target.checked }))}
                    />
                  </td>
                  <td className="cx-file">{f.name}</td>
                  <td className="num">{formatBytes(f.size)}</td>
                  <td>{DateTime.fromMillis(f.modifiedAt).toFormat('yyyy-MM-dd HH:mm')}</td>
                  <td>
                    <select aria-label={`Kind of ${f.name}`} value={kindOf(f.name)} disabled={running} onChange={(e) => setKinds((k) => ({ ...k, [f.name]: e.target.value as RegistryFileKindView }))}>
                      {(Object.keys(KIND_LABEL) as RegistryFileKindView[]).map((k) => (
                        <option key={k} value={k}>
                          {KIND_LABEL[k]}
                        </option>
                      ))}
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="cx-options">
        <div className="field">
          <label htmlFor={`${id}-registry`}>Registry</label>
          <select id={`${id}-registry`} value={registry} disabled={running} onChange={(e) => setRegistry(e.target.value as RegistryName)}>
            {registryNames.map((n) => (
              <option key={n} value={n}>
                {registryLabel[n]}
              </option>
            ))}
          </select>
        </div>
        <fieldset disabled={running}>
          <legend>Mode</legend>
          <label>
            <input type="radio" name={`${id}-mode`} checked={mode === 'full'} onChange={() => setMode('full')} /> Full (replaces the list)
          </label>
          <label>
            <input type="radio" name={`${id}-mode`} checked={mode === 'changes'} onChange={() => setMode('changes')} /> Changes (applied to the list)
          </label>
        </fieldset>
        <div className="field">
          <label htmlFor={`${id}-date`}>Snapshot date (day downloaded)</label>
          <input id={`${id}-date`} type="date" value={snapshotDate} disabled={running} onChange={(e) => setSnapshotDate(e.target.value)} />
        </div>
        <button type="button" className="btn btn-primary" disabled={chosen.length === 0 || running || starting} onClick={start}>
          Start import{chosen.length > 0 ? ` (${chosen.length} file${chosen.length === 1 ? '' : 's'})` : ''}
        </button>
      </div>
      <InlineError error={error} />
    </section>
  );
}

function ImportProgressView({ imp, running, onCancel }: { imp: RegistryImportView; running: boolean; onCancel: () => void }) {
  const pct = imp.bytesTotal > 0 ? Math.min(100, Math.round((imp.bytesDone / imp.bytesTotal) * 100)) : 0;
  const outcome = imp.phase === 'done' ? 'is-done' : imp.phase === 'failed' ? 'is-failed' : imp.phase === 'cancelled' ? 'is-cancelled' : 'is-running';
  return (
    <div className={`cx-progress ${outcome}`}>
      <p className="cx-phase" role="status">
        <strong>{registryLabel[imp.registry]}</strong> · {imp.mode === 'full' ? 'full list' : 'changes'} · {PHASE_LABEL[imp.phase]}
        {running ? ` — ${pct}%` : ''}
        {imp.resumed ? ' (resumed after a restart)' : ''}
      </p>
      <progress max={imp.bytesTotal || 1} value={imp.bytesDone} aria-label="Registry import progress" />
      <dl className="import-counts">
        <div>
          <dt>Read</dt>
          <dd>
            {formatBytes(imp.bytesDone)} of {formatBytes(imp.bytesTotal)}
          </dd>
        </div>
        <div>
          <dt>Numbers</dt>
          <dd>{formatCount(imp.numbers)}</dd>
        </div>
        <div>
          <dt>Bad lines</dt>
          <dd>{formatCount(imp.badLines)}</dd>
        </div>
      </dl>
      {imp.badExamples.length > 0 ? (
        <div className="table-wrap cx-bad">
          <table className="cx-table" aria-label="Bad lines">
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col" className="num">
                  Line
                </th>
                <th scope="col">Text</th>
              </tr>
            </thead>
            <tbody>
              {imp.badExamples.map((b) => (
                <tr key={`${b.file}:${b.line}`}>
                  <td className="cx-file">{b.file}</td>
                  <td className="num">{formatCount(b.line)}</td>
                  <td>
                    <code className="cx-excerpt">{b.text}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {imp.badLines > imp.badExamples.length && imp.badExamples.length > 0 ? (
        <p className="field-hint">
          Showing the first {imp.badExamples.length} of {formatCount(imp.badLines)} bad lines.
        </p>
      ) : null}
      {imp.message ? <p className="cx-message">{imp.message}</p> : null}
      {running ? (
        <div className="form-actions">
          <button type="button" className="btn" onClick={onCancel}>
            Cancel import
          </button>
        </div>
      ) : null}
    </div>
  );
}

// ---- list scrub ----

const seconds = (ms: number) => (ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`);

function ListScrub() {
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
    drop(
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
      <p className="field-hint">Checks every phone of every lead against the internal Do-Not-Call list and the national registries, and marks the leads that cannot be called.</p>
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

// ---- audit log ----

function AuditLog() {
  const api = useApi();
  const id = useId();
  const entries = useRingside((s) => s.compliance.auditEntries);
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
    drop(
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
    drop(
      run(api.compliance.exportAudit(range)).then((r) => {
        if (!r) return;
        downloadText(r.csv, r.fileName);
        setExported(`Exported ${formatCount(r.rows)} entr${r.rows === 1 ? 'y' : 'ies'}.`);
      }),
      'Audit export',
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
        <span className="cx-range">{data ? (total === 0 ? 'No entries' : `${formatCount(first)}–${formatCount(last)} of ${formatCount(total)}`) : 'Loading…'}</span>
        <button type="button" className="btn btn-sm" disabled={last >= total} onClick={() => setPage((p) => p + 1)}>
          Older
        </button>
      </div>
    </section>
  );
}
