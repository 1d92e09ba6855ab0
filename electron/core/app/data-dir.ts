/** Where browser/headless mode keeps its database (the Electron shell uses app.getPath('userData')). */
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir =
    env.RINGSIDE_DATA_DIR ??
    (process.platform === 'win32'
      ? path.join(env.APPDATA ?? path.join(os.homedir(), 'AppData', 'Roaming'), 'Ringside')
      : process.platform === 'darwin'
        ? path.join(os.homedir(), 'Library', 'Application Support', 'Ringside')
        : path.join(env.XDG_DATA_HOME ?? path.join(os.homedir(), '.local', 'share'), 'ringside'));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}
