/** Where the core's services report what happened: the console in the app, a no-op or a list in tests. */
export interface Logger {
  info(message: string): void;
  warn(message: string, error?: unknown): void;
}
