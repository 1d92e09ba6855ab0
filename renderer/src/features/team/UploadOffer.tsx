import { useEffect, useState } from 'react';
import type { LocalDataView, UploadReport } from '../../../../shared/team';
import { useRingside } from '../../store/store';
import { useApi } from '../../ui/api-context';
import { alertOnFailure } from '../../ui/use-request';
import { useInlineRequest } from '../compliance/use-inline-request';
import { localDataText, uploadReportText } from './team-format';

/**
 * In team mode, what this computer kept from before (its own campaigns, open leads and
 * Do-Not-Call list) offered for the team database, with a confirm step. Main only reads the
 * local file and merges what the team has already, so a second upload doubles nothing.
 */
export function UploadOffer() {
  const api = useApi();
  const team = useRingside((s) => s.team.team);
  const [local, setLocal] = useState<LocalDataView | null>(null);
  const [readError, setReadError] = useState<string | null>(null);
  const [uploadError, run, setUploadError] = useInlineRequest();
  const [confirming, setConfirming] = useState(false);
  const [uploading, setUploading] = useState(false);
  const [report, setReport] = useState<UploadReport | null>(null);

  // Asked once, when Settings opens: the file does not change while team mode runs.
  useEffect(() => {
    let live = true;
    alertOnFailure(
      api.team.localData().then((r) => {
        if (!live) return;
        if (r.ok) setLocal(r.value);
        else setReadError(r.message);
      }),
      'Reading this computer’s own data',
    );
    return () => {
      live = false;
    };
  }, [api]);

  if (!local && !readError) return null;

  const upload = () => {
    setConfirming(false);
    setUploading(true);
    setReport(null);
    setUploadError(null);
    alertOnFailure(
      run(api.team.upload()).then((r) => {
        setUploading(false);
        if (r) setReport(r);
      }),
      'Uploading to the team database',
    );
  };

  return (
    <div className="team-upload" role="group" aria-label="Data from before team mode">
      {readError ? (
        <p className="team-test-result is-bad" role="alert">
          <span aria-hidden="true">✕ </span>
          Could not read this computer’s own data: {readError}
        </p>
      ) : local ? (
        <>
          <p className="team-upload-text">{localDataText(local)}</p>
          <p className="field-hint">
            The upload sends them to {team ? <strong>{team}</strong> : 'the team database'}; the file on this computer is only read. Uploading again is
            harmless: what the team already has is merged, never doubled.
          </p>
          <div className="team-upload-actions">
            {confirming ? (
              <>
                <span className="team-upload-confirm">Send them to the team database now?</span>
                <button type="button" className="btn btn-primary" onClick={upload}>
                  Upload now
                </button>
                <button type="button" className="btn" onClick={() => setConfirming(false)}>
                  Cancel
                </button>
              </>
            ) : (
              <button type="button" className="btn" disabled={uploading} onClick={() => setConfirming(true)}>
                {uploading ? 'Uploading…' : report ? 'Upload again' : 'Upload to the team database'}
              </button>
            )}
          </div>
          {uploadError ? (
            <p className="team-test-result is-bad" role="alert">
              <span aria-hidden="true">✕ </span>
              The upload failed: {uploadError}
            </p>
          ) : report ? (
            <p className="team-test-result is-ok" role="status">
              <span aria-hidden="true">✓ </span>
              Uploaded: {uploadReportText(report)}.
            </p>
          ) : uploading ? (
            <p className="team-test-result" role="status">
              Uploading…
            </p>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
