import { useState } from 'react';
import type { Result } from '../../../../shared/result';

/** A request whose failure is shown next to the control that sent it. */
export function useInlineRequest(): [string | null, <T>(promise: Promise<Result<T>>) => Promise<T | undefined>, (e: string | null) => void] {
  const [error, setError] = useState<string | null>(null);
  const run = async <T>(promise: Promise<Result<T>>): Promise<T | undefined> => {
    setError(null);
    try {
      const r = await promise;
      if (r.ok) return r.value;
      setError(r.message);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
    return undefined;
  };
  return [error, run, setError];
}
