/** Where the core's services report what happened: the console in the app, a no-op or a list in tests. */
export interface Logger {
  info(message: string): void;
  warn(message: string, error?: unknown): void;
}

/** The app's default: the console, one prefix, an error's message rather than its stack. */
export const consoleLogger: Logger = {
  info: (m) => console.log(`[ringside] ${m}`),
  warn: (m, e) => console.warn(`[ringside] ${m}`, e instanceof Error ? e.message : (e ?? '')),
};
