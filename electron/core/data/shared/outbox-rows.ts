/**
 * The CRM outbox's state as both stores keep it: a `crm_state` row per key, its value JSON. The
 * "disabled" row is written by any app of a team (maybe another version), so it is read leniently.
 */
import type { OutboxRepository } from '../../crm/outbox.js';

type DisabledState = Awaited<ReturnType<OutboxRepository['disabled']>>;

/** The state the "disabled" row holds (`undefined`: no row, the endpoint is on); a damaged value still reads as off. */
export function parseDisabled(raw: string | undefined): DisabledState {
  if (raw === undefined) return null;
  try {
    const v = JSON.parse(raw) as { at?: unknown; reason?: unknown };
    return { at: Number(v.at) || 0, reason: typeof v.reason === 'string' ? v.reason : 'turned off' };
  } catch {
    return { at: 0, reason: 'turned off' };
  }
}
