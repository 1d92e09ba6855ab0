import { useEffect, useId, useRef, useState } from 'react';
import { defaultDuplicateMode, type DuplicateMode } from '../../../../shared/import';
import type { ColumnTarget, ImportPreview } from '../../../../shared/workspace';
import { leadFields } from '../../../../shared/workspace';
import { store, useRingside } from '../../store/store';
import { uploadFile } from './upload-file';
import { useApi } from '../../ui/api-context';
import { formatDuration } from '../softphone/call-format';
import { CampaignSelect } from '../campaigns/CampaignSelect';
import { Modal } from '../../ui/Modal';
import { request } from '../../ui/use-request';

type Stage = 'pick' | 'upload' | 'preview' | 'run';

const DELIMITER: Record<ImportPreview['delimiter'], string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab' };

/** The three answers to "this row's number is already on a lead", Merge first: it loses nothing. */
const DUPLICATE_CHOICES: Array<{ mode: DuplicateMode; label: string; hint: string }> = [
  {
    mode: 'merge',
    label: 'Merge',
    hint: "Fill in the lead's empty fields from the row and add its new numbers. Nothing the lead has is overwritten: where the row differs, its value goes into the lead's history.",
  },
  { mode: 'skip', label: 'Skip', hint: 'Leave the lead exactly as it is and import nothing from the row.' },
  {
    mode: 'replace',
    label: 'Replace',
    hint: "Write the row's values over the lead's (empty cells change nothing). The old values go into the lead's history.",
  },
];

/** CSV import: upload in chunks, preview, map columns, run with live progress, report. */
export function ImportWizard({ onClose }: { onClose: () => void }) {
  const api = useApi();
  const id = useId();
  const campaigns = useRingside((s) => s.campaigns);
  const workspaceCampaign = useRingside((s) => s.workspace.campaignId);
  const [stage, setStage] = useState<Stage>('pick');
  const [file, setFile] = useState<File | null>(null);
  const [sent, setSent] = useState(0);
  const [importId, setImportId] = useState<string | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [mapping, setMapping] = useState<ColumnTarget[]>([]);
  const [duplicates, setDuplicates] = useState<DuplicateMode>(defaultDuplicateMode);
  const [campaignId, setCampaignId] = useState<number | null>(workspaceCampaign ?? campaigns[0]?.id ?? null);
  const cancelled = useRef(false);
  /** The upload the core holds for us until it is imported: released if the wizard closes first. */
  const held = useRef<string | null>(null);
  const progress = useRingside((s) => (importId && s.importProgress?.importId === importId ? s.importProgress : null));
  const report = useRingside((s) => (importId && s.importReport?.importId === importId ? s.importReport : null));
  // Why the import stopped is said once, above the tables.
  const rowErrors = report ? report.errors.filter((e) => e.reason !== report.stopped) : [];

  const upload = async (f: File) => {
    cancelled.current = false;
    store.getState().clearImport();
    setStage('upload');
    setSent(0);
    const uploaded = await uploadFile(api.importer, f, {
      onBegun: (begun) => {
        held.current = begun;
        setImportId(begun);
      },
      onProgress: setSent,
      cancelled: () => cancelled.current,
    });
    if (uploaded === null) return;
    if (!uploaded.ok) {
      store.getState().pushError(uploaded.message);
      return setStage('pick');
    }
    // A file that cannot be previewed is deleted by the core, its slot freed.
    const p = await request(api.importer.preview(uploaded.value.importId));
    if (!p) return setStage('pick');
    setPreview(p);
    setMapping(p.suggested.length === p.headers.length ? p.suggested : p.headers.map((_, i) => p.suggested[i] ?? 'ignore'));
    setStage('preview');
  };

  useEffect(
    () => () => {
      cancelled.current = true;
      if (held.current) void api.importer.cancel(held.current);
    },
    [api],
  );

  const run = async () => {
    if (!importId || campaignId === null) return;
    setStage('run');
    // From here the core owns the file: it is deleted when the import ends.
    held.current = null;
    const started = await request(api.importer.run({ importId, campaignId, mapping, duplicates }));
    if (!started) {
      held.current = importId;
      setStage('preview');
    }
  };

  const cancel = () => {
    cancelled.current = true;
    if (importId && !report) void request(api.importer.cancel(importId));
    if (stage !== 'run') setStage('pick');
  };

  const targets = (header: string): string[] => ['ignore', ...leadFields, `custom:${header.replace(/[^A-Za-z0-9_ -]/g, '').slice(0, 40) || 'field'}`];

  return (
    <Modal title="Import leads from CSV" onClose={onClose} wide>
      {stage === 'pick' || stage === 'upload' ? (
        <div className="import-pick">
          <label htmlFor={`${id}-file`}>CSV file</label>
          <input
            id={`${id}-file`}
            type="file"
            accept=".csv,text/csv,text/plain"
            disabled={stage === 'upload'}
            onChange={(e) => {
              const f = e.target.files?.[0] ?? null;
              setFile(f);
              if (f) void upload(f);
            }}
          />
          {stage === 'upload' && file ? (
            <div className="import-upload">
              <p>
                Uploading {file.name}: {Math.round((sent / file.size) * 100)}%
              </p>
              <progress max={file.size} value={sent} aria-label="Upload progress" />
              <button type="button" className="btn" onClick={cancel}>
                Cancel
              </button>
            </div>
          ) : null}
        </div>
      ) : null}

      {stage === 'preview' && preview ? (
        <div className="import-preview">
          <p className="import-meta">
            Encoding <strong>{preview.encoding}</strong> · delimiter <strong>{DELIMITER[preview.delimiter]}</strong> · {preview.headers.length} columns ·{' '}
            {(preview.bytes / 1024).toFixed(0)} KiB
          </p>
          <div className="table-wrap">
            <table className="preview-table">
              <thead>
                <tr>
                  {preview.headers.map((h, i) => (
                    <th key={i} scope="col">
                      {h}
                    </th>
                  ))}
                </tr>
                <tr className="mapping-row">
                  {preview.headers.map((h, i) => (
                    <td key={i}>
                      <select
                        aria-label={`Map column ${h}`}
                        value={mapping[i] ?? 'ignore'}
                        onChange={(e) => setMapping((m) => m.map((x, j) => (j === i ? (e.target.value as ColumnTarget) : x)))}
                      >
                        {targets(h).map((t) => (
                          <option key={t} value={t}>
                            {t === 'ignore' ? '— ignore —' : t}
                          </option>
                        ))}
                      </select>
                    </td>
                  ))}
                </tr>
              </thead>
              <tbody>
                {preview.rows.map((r, i) => (
                  <tr key={i}>
                    {preview.headers.map((_, j) => (
                      <td key={j}>{r[j] ?? ''}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="import-options">
            <fieldset aria-describedby={`${id}-dup-hint`}>
              <legend>A row whose number a lead already has (in the campaign, or an earlier row)</legend>
              {DUPLICATE_CHOICES.map((c) => (
                <label key={c.mode}>
                  <input type="radio" name={`${id}-dup`} checked={duplicates === c.mode} onChange={() => setDuplicates(c.mode)} /> {c.label}
                </label>
              ))}
              <span id={`${id}-dup-hint`} className="field-hint">
                {DUPLICATE_CHOICES.find((c) => c.mode === duplicates)?.hint}
              </span>
            </fieldset>
            <CampaignSelect id={`${id}-campaign`} label="Into campaign" campaigns={campaigns} value={campaignId} onChange={setCampaignId} />
          </div>
          <div className="form-actions">
            <button type="button" className="btn btn-primary" disabled={campaignId === null} onClick={() => void run()}>
              Import
            </button>
            <button type="button" className="btn" onClick={cancel}>
              Cancel
            </button>
          </div>
        </div>
      ) : null}

      {stage === 'run' ? (
        <div className="import-run">
          {report ? (
            <p className="import-done" role="status">
              {report.cancelled ? 'Import cancelled' : report.stopped ? 'Import stopped' : 'Import finished'} in {formatDuration(report.ms)}.
            </p>
          ) : (
            <p role="status">Importing…</p>
          )}
          {progress ? (
            <>
              <progress max={progress.bytesTotal || 1} value={progress.bytesDone} aria-label="Import progress" />
              <dl className="import-counts">
                <div>
                  <dt>Rows</dt>
                  <dd>{progress.rowsDone}</dd>
                </div>
                <div>
                  <dt>Imported</dt>
                  <dd>{progress.imported}</dd>
                </div>
                <div>
                  <dt>Merged</dt>
                  <dd>{progress.merged}</dd>
                </div>
                <div>
                  <dt>Skipped</dt>
                  <dd>{progress.skipped}</dd>
                </div>
                {duplicates === 'replace' ? (
                  <div>
                    <dt>Replaced</dt>
                    <dd>{progress.replaced ?? 0}</dd>
                  </div>
                ) : null}
                <div>
                  <dt>Failed</dt>
                  <dd>{progress.failed}</dd>
                </div>
              </dl>
            </>
          ) : null}
          {report?.stopped ? (
            <p className="form-errors" role="alert">
              The file could not be read to its end: {report.stopped}
            </p>
          ) : null}
          {report?.duplicates && report.duplicates.length > 0 ? (
            <div className="table-wrap">
              <table className="error-table" aria-label="Rows with a number a lead already had">
                <thead>
                  <tr>
                    <th scope="col">Row</th>
                    <th scope="col">What happened</th>
                  </tr>
                </thead>
                <tbody>
                  {report.duplicates.map((d) => (
                    <tr key={d.row}>
                      <td className="num">{d.row}</td>
                      <td>{d.message}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {report.duplicatesNotListed ? (
                <p className="field-hint">
                  … and {report.duplicatesNotListed} more rows with a number a lead already had (not listed; the counts above include them).
                </p>
              ) : null}
            </div>
          ) : null}
          {report && rowErrors.length > 0 ? (
            <div className="table-wrap">
              <table className="error-table" aria-label="Rows not imported">
                <thead>
                  <tr>
                    <th scope="col">Row</th>
                    <th scope="col">Reason</th>
                  </tr>
                </thead>
                <tbody>
                  {rowErrors.map((e) => (
                    <tr key={e.row}>
                      <td className="num">{e.row}</td>
                      <td>{e.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {report.failed > report.errors.length ? (
                <p className="field-hint">
                  Showing the first {report.errors.length} of {report.failed} failed rows.
                </p>
              ) : null}
            </div>
          ) : null}
          <div className="form-actions">
            {report ? (
              <button type="button" className="btn btn-primary" onClick={onClose}>
                Done
              </button>
            ) : (
              <button type="button" className="btn" onClick={cancel}>
                Cancel import
              </button>
            )}
          </div>
        </div>
      ) : null}
    </Modal>
  );
}
