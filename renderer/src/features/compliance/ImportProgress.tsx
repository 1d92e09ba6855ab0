import type { RegistryImportView } from '../../../../shared/compliance';
import { formatBytes, formatCount, registryLabel } from './compliance-format';

const PHASE_LABEL: Record<RegistryImportView['phase'], string> = {
  reading: 'Reading the files',
  building: 'Building the index',
  done: 'Finished',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** The registry import in progress, or the last one's outcome, with the bad lines it found. */
export function ImportProgress({ imp, running, onCancel }: { imp: RegistryImportView; running: boolean; onCancel: () => void }) {
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
