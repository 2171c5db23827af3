import type { Database } from 'better-sqlite3';

export interface Migration {
  /** The schema version this migration brings the library to; versions only go up, one each. */
  version: number;
  name: string;
  up(db: Database): void;
}
