import { useRingside } from '../store/store';

/** Errors from failed requests, announced to assistive tech (role="alert"), until dismissed. */
export function Notices() {
  const notices = useRingside((s) => s.notices);
  const dismiss = useRingside((s) => s.dismissNotice);
  return (
    <div className="notices" role="alert">
      {notices.map((n) => (
        <div className="notice" key={n.id}>
          <span className="notice-text">{n.message}</span>
          <button type="button" className="btn btn-quiet btn-sm" aria-label="Dismiss error" onClick={() => dismiss(n.id)}>
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}
