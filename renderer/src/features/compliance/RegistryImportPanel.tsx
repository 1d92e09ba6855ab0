import { DateTime } from 'luxon';
import { useId, useState } from 'react';
import { registryNames, type RegistryFileKindView, type RegistryName } from '../../../../shared/compliance';
import { store, useRingside } from '../../store/store';
import { useApi } from '../../ui/api-context';
import { alertOnFailure } from '../../ui/use-request';
import { formatBytes, registryLabel } from './compliance-format';
import { ImportProgress } from './ImportProgress';
import { InlineError } from './InlineError';
import { useInlineRequest } from './use-inline-request';

/** A first guess from the file name (FTC and DNCL downloads name their change files). */
function guessKind(name: string): RegistryFileKindView {
  if (/delet/i.test(name)) return 'deletions';
  if (/addit/i.test(name)) return 'additions';
  if (/change|delta/i.test(name)) return 'changes';
  return 'full';
}

const KIND_LABEL: Record<RegistryFileKindView, string> = { full: 'Full list', changes: 'Changes', additions: 'Additions', deletions: 'Deletions' };

/** Registry files picked from the inbox folder, with their kind, the registry, mode and snapshot day, and the import started from them. */
export function RegistryImportPanel() {
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
    alertOnFailure(
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
    alertOnFailure(
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
      {imp ? <ImportProgress imp={imp} running={running} onCancel={cancel} /> : null}
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
                    <select
                      aria-label={`Kind of ${f.name}`}
                      value={kindOf(f.name)}
                      disabled={running}
                      onChange={(e) => setKinds((k) => ({ ...k, [f.name]: e.target.value as RegistryFileKindView }))}
                    >
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
