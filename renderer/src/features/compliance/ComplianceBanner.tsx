import { useRingside } from '../../store/store';

/**
 * Across the top of the app whenever main says outbound telemarketing is blocked by a stale or
 * missing registry snapshot. The sentence comes from main; the button opens the panel where the
 * registry is refreshed.
 */
export function ComplianceBanner({ onOpen }: { onOpen: () => void }) {
  const banner = useRingside((s) => s.compliance.banner);
  if (banner === null) return null;
  return (
    <div className="compliance-banner" role="alert">
      <span className="cb-icon" aria-hidden="true">
        !
      </span>
      <p className="cb-text">{banner}</p>
      <button type="button" className="btn btn-sm cb-open" onClick={onOpen}>
        Open compliance
      </button>
    </div>
  );
}
