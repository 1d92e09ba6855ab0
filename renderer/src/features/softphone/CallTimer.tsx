import type { CallSessionView } from '../../../../shared/call-session';
import { callTimer } from './call-format';
import { useNow } from '../../ui/use-now';

/** A call's own running clock: talk time since answer, ringing time before. */
export function CallTimer({ call, className = 'call-timer' }: { call: CallSessionView; className?: string }) {
  const now = useNow(call.endedAt === null);
  const { text, label } = callTimer(call, now);
  return (
    <span className={className}>
      <span className="timer-label">{label} </span>
      <span className="timer-value">{text}</span>
    </span>
  );
}
