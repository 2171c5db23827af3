import type { Migration } from './types.js';
import { migration as m001 } from './001-initial.js';

/** Every migration, in order. Add a file per schema version; never edit one that has shipped. */
export const MIGRATIONS: readonly Migration[] = [m001];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

export type { Migration };
