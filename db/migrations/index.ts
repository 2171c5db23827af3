import type { Migration } from './types.js';
import { migration as m001 } from './001-initial.js';
import { migration as m002 } from './002-settings.js';
import { migration as m003 } from './003-count-indexes.js';
import { migration as m004 } from './004-saved-searches.js';
import { migration as m005 } from './005-image-thumbnails.js';
import { migration as m006 } from './006-feeds.js';
import { migration as m007 } from './007-fold-more-scripts.js';
import { migration as m008 } from './008-dismissed-items.js';
import { migration as m009 } from './009-article-language.js';

/** Every migration, in order. Add a file per schema version; never edit one that has shipped. */
export const MIGRATIONS: readonly Migration[] = [m001, m002, m003, m004, m005, m006, m007, m008, m009];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

export type { Migration };
