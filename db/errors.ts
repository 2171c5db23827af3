/**
 * SQLite's failures, said the way a person needs to hear them. The raw message stays in brackets
 * for the cases we do not name.
 */
export function describeSqliteError(err: unknown): string {
  const code = (err as { code?: string }).code ?? '';
  if (code === 'SQLITE_FULL') return 'the disk is full (nothing was half-written; free some space and try again)';
  if (code.startsWith('SQLITE_READONLY')) return 'the library is read-only (check the file and folder permissions)';
  if (code.startsWith('SQLITE_BUSY')) return 'the library is busy in another program (try again in a moment)';
  if (code.startsWith('SQLITE_IOERR')) return `the disk could not be written (${(err as Error).message})`;
  if (code.startsWith('SQLITE_CORRUPT')) return 'the library file is damaged (run `broadsheet doctor`; restore a backup with `broadsheet restore`)';
  return (err as Error)?.message ?? String(err);
}
