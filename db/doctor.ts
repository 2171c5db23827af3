import type { Database } from 'better-sqlite3';

export interface DoctorReport {
  ok: boolean;
  integrity: string[];
  searchIndex: 'ok' | string;
  schemaVersion: number;
  counts: { articles: number; unread: number; starred: number; figures: number; images: number; sources: number };
  file: string;
  journalMode: string;
}

/** SQLite's own integrity check, the search index's own check, and what the library holds. */
export function runDoctor(db: Database): DoctorReport {
  const integrity = (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check);
  let searchIndex = 'ok';
  try {
    db.prepare(`INSERT INTO articles_fts(articles_fts) VALUES ('integrity-check')`).run();
  } catch (err) {
    searchIndex = (err as Error).message;
  }
  const count = (sql: string) => (db.prepare(sql).pluck().get() as number) ?? 0;
  const counts = {
    articles: count('SELECT count(*) FROM articles'),
    unread: count('SELECT count(*) FROM articles WHERE is_read = 0'),
    starred: count('SELECT count(*) FROM articles WHERE is_starred = 1'),
    figures: count('SELECT count(*) FROM figures'),
    images: count('SELECT count(*) FROM images'),
    sources: count('SELECT count(*) FROM sources'),
  };
  return {
    ok: integrity.length === 1 && integrity[0] === 'ok' && searchIndex === 'ok',
    integrity,
    searchIndex,
    schemaVersion: db.pragma('user_version', { simple: true }) as number,
    counts,
    file: db.name,
    journalMode: String(db.pragma('journal_mode', { simple: true })),
  };
}
