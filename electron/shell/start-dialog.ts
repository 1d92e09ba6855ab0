/**
 * The desktop's face for what cannot start: a native dialog that says what is wrong with the
 * data and offers what can be done (restore the good copy, start empty, try again, quit). It
 * runs before any window exists, so it cannot be a page.
 */
import type { Dialog } from 'electron';
import { RECOVERY_LABELS, type Recovery, type StartProblem } from '../core/data/open-store';

export function askAboutData(dialog: Pick<Dialog, 'showMessageBoxSync'>, problem: StartProblem, options: Recovery[]): Recovery {
  const keptAside = options.includes('fresh') ? ' Whatever you choose, the damaged file is kept (renamed), never deleted.' : '';
  const index = dialog.showMessageBoxSync({
    type: 'error',
    title: 'Ringside cannot open its data',
    message: problem.message,
    detail: `${problem.detail}${keptAside}\nData file: ${problem.dbPath}`,
    buttons: options.map((o) => RECOVERY_LABELS[o]),
    defaultId: 0,
    cancelId: options.indexOf('quit'),
    noLink: true,
  });
  return options[index] ?? 'quit';
}
