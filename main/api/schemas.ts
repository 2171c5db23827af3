import { z } from 'zod';
import type { LibraryApi } from '../../preload/api.js';

/**
 * Runtime checks for every request the page can send. Whatever arrives over IPC or HTTP is
 * untrusted: wrong types, missing fields, extra fields and oversized values are refused here,
 * before any handler runs.
 */
const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const empty = z.object({}).strict();

export const MAX_IMPORT_FILES = 500;
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
/** Ids in one bulk call (an undo of "mark all as read" on a large library). */
export const MAX_BULK_IDS = 1_000_000;
/** Standard base64, padded (what FileReader's data: URLs carry). */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
export const MAX_OPML_BYTES = 8 * 1024 * 1024;

export const REQUEST_SCHEMAS = {
  listArticles: z
    .object({
      filter: z.enum(['all', 'unread', 'starred']).optional(),
      sourceId: id.optional(),
      limit: z.number().int().min(1).max(500).optional(),
      after: z.object({ sortAt: z.number().int(), id }).strict().optional(),
    })
    .strict(),
  getArticle: z.object({ id }).strict(),
  setRead: z.object({ id, read: z.boolean() }).strict(),
  setStarred: z.object({ id, starred: z.boolean() }).strict(),
  markAllRead: z.object({ filter: z.enum(['all', 'unread', 'starred']).optional(), sourceId: id.optional() }).strict(),
  setReadMany: z.object({ ids: z.array(id).max(MAX_BULK_IDS), read: z.boolean() }).strict(),
  deleteArticles: z.object({ ids: z.array(id).min(1).max(MAX_BULK_IDS) }).strict(),
  sidebar: empty,
  search: z
    .object({
      query: z.string().max(10_000),
      limit: z.number().int().min(1).max(500).optional(),
      after: z.object({ score: z.number(), sortAt: z.number().int(), id }).strict().optional(),
    })
    .strict(),
  related: z.object({ id, limit: z.number().int().min(1).max(20).optional() }).strict(),
  savedSearches: empty,
  saveSearch: z.object({ query: z.string().min(1).max(1000), name: z.string().max(200).optional() }).strict(),
  deleteSavedSearch: z.object({ id }).strict(),
  importFiles: z
    .object({
      files: z
        .array(
          z
            .object({ name: z.string().min(1).max(1024), content: z.string().optional(), data: z.string().regex(BASE64).optional() })
            .strict()
            .refine((f) => (f.content === undefined) !== (f.data === undefined), { message: 'either content or data' }),
        )
        .min(1)
        .max(MAX_IMPORT_FILES)
        .refine((files) => files.reduce((n, f) => n + (f.content ?? f.data ?? '').length, 0) <= MAX_IMPORT_BYTES, {
          message: `at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB at a time`,
        }),
    })
    .strict(),
  savePage: z.object({ url: z.string().min(1).max(8192) }).strict(),
  feeds: empty,
  addFeed: z
    .object({ url: z.string().min(1).max(8192), folder: z.string().max(500).optional(), fullText: z.boolean().optional() })
    .strict(),
  refreshFeeds: z.object({ id: id.optional(), due: z.boolean().optional() }).strict(),
  removeFeed: z.object({ id }).strict(),
  importOpml: z.object({ content: z.string().min(1).max(MAX_OPML_BYTES) }).strict(),
  exportOpml: empty,
  addSample: empty,
  getSettings: empty,
  setSettings: z
    .object({
      theme: z.enum(['system', 'light', 'dark', 'sepia']).optional(),
      fontSize: z.number().int().min(12).max(32).optional(),
      lineWidth: z.enum(['narrow', 'medium', 'wide']).optional(),
    })
    .strict(),
} satisfies Record<keyof LibraryApi, z.ZodType>;

export const openExternalSchema = z.object({ url: z.string().max(8192) }).strict();
