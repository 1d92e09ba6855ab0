import { useCallback } from 'react';
import type { Result } from '../../../shared/result';
import { store } from '../store/store';

/** Runs a request we deliberately do not await, so that its rejection is still seen. */
export function alertOnFailure(promise: Promise<unknown>, what = 'request'): void {
  promise.catch((error: unknown) => {
    store.getState().pushError(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
  });
}

/**
 * Sends a request and reports an `ok: false` result (or a rejected promise) in the alert
 * region. Resolves to the value, or undefined when it failed.
 */
export async function request<T>(promise: Promise<Result<T>>): Promise<T | undefined> {
  try {
    const result = await promise;
    if (result.ok) return result.value;
    store.getState().pushError(result.message);
  } catch (error) {
    store.getState().pushError(error instanceof Error ? error.message : String(error));
  }
  return undefined;
}

/** `request` for event handlers: fire, and let failures land in the alert region. */
export function useRequest(): <T>(promise: Promise<Result<T>>) => void {
  return useCallback(<T>(promise: Promise<Result<T>>) => alertOnFailure(request(promise)), []);
}
