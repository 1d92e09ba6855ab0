import type { Result } from '../../../../shared/result';
import { store } from '../../store/store';

export type DialOutcome<T> = { ok: true; value: T } | { ok: false; blocked: string | null };

/**
 * Sends a dial (manual, lead, transfer). A refusal by the compliance gate (`blocked`) comes back
 * as its reason, for the caller to show next to the button the agent pressed; any other failure
 * goes to the alert region like `request`.
 */
export async function requestDial<T>(promise: Promise<Result<T>>): Promise<DialOutcome<T>> {
  try {
    const result = await promise;
    if (result.ok) return { ok: true, value: result.value };
    if (result.code === 'blocked') return { ok: false, blocked: result.message };
    store.getState().pushError(result.message);
  } catch (error) {
    store.getState().pushError(error instanceof Error ? error.message : String(error));
  }
  return { ok: false, blocked: null };
}
