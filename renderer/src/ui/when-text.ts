import { DateTime } from 'luxon';

/** A moment in the agent's own time: "14:05" today, "2 Dec 14:05" on another day. */
export function whenText(at: number, now: number = Date.now()): string {
  const when = DateTime.fromMillis(at);
  return when.hasSame(DateTime.fromMillis(now), 'day') ? when.toFormat('HH:mm') : when.toFormat('d LLL HH:mm');
}
