import type { Database } from 'better-sqlite3';

export function readSettings(db: Database): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const row of db.prepare<[], { key: string; value: string }>('SELECT key, value FROM settings').all()) {
    try {
      out[row.key] = JSON.parse(row.value);
    } catch {
      // A value we cannot read is as good as unset; the default applies.
    }
  }
  return out;
}

export function writeSettings(db: Database, values: Record<string, unknown>): void {
  const put = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  db.transaction(() => {
    for (const [k, v] of Object.entries(values)) if (v !== undefined) put.run(k, JSON.stringify(v));
  })();
}
