/** Runs a promise we deliberately do not await, so that its rejection is still seen (logged). */
export function drop(promise: Promise<unknown> | undefined, log: (message: string, error: unknown) => void = defaultLog, what = 'background task'): void {
  promise?.catch((error: unknown) => log(`${what} failed`, error));
}

function defaultLog(message: string, error: unknown): void {
  console.error(`[ringside] ${message}:`, error instanceof Error ? error.message : error);
}
