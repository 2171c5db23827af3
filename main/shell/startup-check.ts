import path from 'node:path';
import type { Dialog } from 'electron';
import { newestGoodBackup, restoreLibrary } from '../../db/backup.js';
import type { LibraryHealth } from './library-messages.js';

export type StartupOutcome = 'ok' | 'continue' | 'restored' | 'quit';

export interface StartupCheckDeps {
  library: { check(): Promise<LibraryHealth>; close(): Promise<void> };
  file: string;
  dialog: Pick<Dialog, 'showMessageBox'>;
  /** Relaunch after a restore, so everything opens the restored file afresh. */
  relaunch(): void;
}

/**
 * At start the library is checked (in the worker). One that fails is never replaced silently:
 * the app says what happened and offers the newest backup that passes its own check. Choosing
 * it sets the damaged file aside (renamed, with its -wal) and relaunches on the backup.
 */
export async function checkLibraryAtStart(deps: StartupCheckDeps): Promise<StartupOutcome> {
  const health = await deps.library.check();
  if (health.ok) return 'ok';

  const backup = newestGoodBackup(path.join(path.dirname(deps.file), 'backups'));
  const buttons: string[] = [];
  if (backup) buttons.push('Restore the backup');
  if (health.canOpen) buttons.push('Keep using this library');
  buttons.push('Quit');
  const detail = [
    health.problem ?? 'The library failed its check.',
    `Broadsheet has not changed ${deps.file}.`,
    backup
      ? `The newest good backup is from ${new Date(backup.takenAt).toLocaleString()} and holds ${backup.articles} article${backup.articles === 1 ? '' : 's'}. Restoring keeps the damaged file beside it.`
      : 'There is no good backup to restore. `broadsheet doctor` tells more.',
  ].join('\n\n');
  const { response } = await deps.dialog.showMessageBox({
    type: 'error',
    title: 'Broadsheet',
    message: health.canOpen ? 'Your library failed its integrity check' : 'Your library could not be opened',
    detail,
    buttons,
    defaultId: 0,
    cancelId: buttons.length - 1,
    noLink: true,
  });
  const choice = buttons[response];
  if (choice === 'Restore the backup' && backup) {
    await deps.library.close();
    await restoreLibrary(backup.file, deps.file, { damaged: true });
    deps.relaunch();
    return 'restored';
  }
  if (choice === 'Keep using this library') return 'continue';
  return 'quit';
}
