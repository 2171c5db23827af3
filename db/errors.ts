/**
 * SQLite's failures, said the way a person needs to hear them. The raw message stays in brackets
 * only for the cases we do not name.
 */
export function describeSqliteError(err: unknown): string {
  const code = sqliteCode(err);
  if (code === 'SQLITE_FULL') return 'the disk is full (nothing was half-written; free some space and try again)';
  if (code === 'SQLITE_READONLY_DIRECTORY') return 'its folder is read-only (check the folder permissions)';
  if (code.startsWith('SQLITE_READONLY')) return 'the library is read-only (check the file and folder permissions)';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'the library is busy in another program (try again in a moment)';
  if (code === 'SQLITE_IOERR_READ' || code === 'SQLITE_IOERR_SHORT_READ') {
    return 'the library file could not be read (the disk may be failing or disconnected)';
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return 'the disk could not be written (it may be full, failing or disconnected; nothing was half-written)';
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return 'the library file is damaged (run `broadsheet doctor`; restore a backup with `broadsheet restore`)';
  }
  if (code.startsWith('SQLITE_CANTOPEN')) return 'the library file or its -wal and -shm files beside it cannot be opened (check the folder)';
  if (code === 'SQLITE_NOMEM') return 'there is not enough memory';
  return oneLine((err as Error)?.message ?? String(err));
}

/** The SQLite result code of an error (`SQLITE_FULL`, `SQLITE_BUSY_SNAPSHOT`…), or ''. */
export function sqliteCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : '';
}

/**
 * Failures that are the library's as a whole (it cannot be written at all, or not now): trying the
 * same write again, or a smaller one, gives the same answer.
 */
export function failsEveryWrite(err: unknown): boolean {
  const code = sqliteCode(err);
  return /^SQLITE_(?:BUSY|LOCKED|READONLY|CORRUPT|NOTADB|CANTOPEN|PERM|AUTH)/.test(code);
}

/** An operating-system failure (Node's `EACCES: permission denied, open '/x'`), in plain words. */
export function describeSystemError(err: unknown): string | null {
  const e = err as NodeJS.ErrnoException | null;
  if (!e || typeof e.code !== 'string' || !/^E[A-Z]+$/.test(e.code)) return null;
  const reason = SYSTEM_REASONS[e.code] ?? oneLine(e.message.replace(/^E[A-Z]+: /, ''));
  return e.path ? `${e.path}: ${reason}` : reason;
}

const SYSTEM_REASONS: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the disk is read-only',
  ENOSPC: 'the disk is full',
  EISDIR: 'is a folder',
  ENOTDIR: 'a part of the path is not a folder',
  EEXIST: 'already exists',
};

/** A message on one line: SQLite's and a few of Node's carry newlines. */
export function oneLine(text: string): string {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
}
