import { outcomeLabel, type CallSessionView, type CallState } from '../../../../shared/call-session';

export const stateLabel: Record<CallState, string> = {
  dialing: 'Calling…',
  ringing: 'Ringing…',
  incoming: 'Incoming call',
  answering: 'Connecting…',
  active: 'On call',
  held: 'On hold',
  ended: 'Ended',
};

/** m:ss, or h:mm:ss past an hour. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${String(m).padStart(2, '0')}:${ss}`;
}

/** Talk time since answer; before answer, ringing time since the call was created. */
export function callTimer(call: CallSessionView, now: number): { text: string; label: string } {
  if (call.answeredAt !== null) {
    const end = call.endedAt ?? now;
    return { text: formatDuration(end - call.answeredAt), label: call.state === 'active' ? 'talking' : 'call time' };
  }
  const end = call.endedAt ?? now;
  return { text: formatDuration(end - call.createdAt), label: call.endedAt ? 'rang' : 'ringing' };
}

/** What an ended call's outcome reads as: label, SIP status, detail (all plain text). */
export function outcomeText(call: CallSessionView): string {
  const label = call.outcome ? outcomeLabel[call.outcome] : 'Call ended';
  const parts = [call.statusCode !== null ? `${label} (${call.statusCode})` : label];
  if (call.detail && call.detail.trim() && call.detail.trim() !== label) parts.push(call.detail.trim());
  return parts.join(' — ');
}
