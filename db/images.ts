import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';

export interface ImageInput {
  bytes: Uint8Array;
  mime: string;
  width: number | null;
  height: number | null;
}

export interface ThumbnailInput {
  bytes: Uint8Array;
  mime: string;
  width: number;
  height: number;
}

export interface StoredImage {
  hash: string;
  mime: string;
  width: number | null;
  height: number | null;
  data: Buffer;
}

/** 'full' is the picture as downloaded; 'thumb' the small one for the list (the full one when there is none). */
export type ImageVariant = 'full' | 'thumb';

/** The name of a picture: the SHA-256 of its bytes, in hex. */
export function imageHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Stores a picture once per content: the SHA-256 of its bytes is its name. Returns the hash. */
export function storeImage(db: Database, img: ImageInput): string {
  const hash = imageHash(img.bytes);
  db.prepare(
    `INSERT INTO images (hash, mime, width, height, size, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (hash) DO NOTHING`,
  ).run(hash, img.mime, img.width, img.height, img.bytes.byteLength, Buffer.from(img.bytes), Date.now());
  return hash;
}

/**
 * Stores a picture and its list thumbnail together (one transaction): the thumbnail belongs to the
 * full image's hash. A picture already stored keeps what it has. Returns the hash.
 */
export function storeImageWithThumbnail(db: Database, img: ImageInput, thumb: ThumbnailInput | null): string {
  return db.transaction(() => {
    const hash = storeImage(db, img);
    if (thumb) {
      db.prepare(
        `INSERT INTO image_thumbnails (hash, mime, width, height, size, data) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (hash) DO NOTHING`,
      ).run(hash, thumb.mime, thumb.width, thumb.height, thumb.bytes.byteLength, Buffer.from(thumb.bytes));
    }
    return hash;
  }).immediate();
}

const HASH = /^[0-9a-f]{64}$/;

/** Whether a picture with this hash is stored (so it need not be processed again). */
export function hasImage(db: Database, hash: string): boolean {
  return HASH.test(hash) && db.prepare<[string], { one: number }>('SELECT 1 AS one FROM images WHERE hash = ?').get(hash) !== undefined;
}

/**
 * Looks an image up by its hash; anything that is not a well-formed hash is simply not found.
 * `variant: 'thumb'` gives the list thumbnail, or the full picture when it has none (a picture
 * already smaller than a thumbnail, or one stored before thumbnails existed).
 */
export function getImage(db: Database, hash: string, variant: ImageVariant = 'full'): StoredImage | null {
  if (!HASH.test(hash)) return null;
  if (variant === 'thumb') {
    const thumb = db
      .prepare<[string], StoredImage>('SELECT hash, mime, width, height, data FROM image_thumbnails WHERE hash = ?')
      .get(hash);
    if (thumb) return thumb;
  }
  return (
    db
      .prepare<[string], StoredImage>('SELECT hash, mime, width, height, data FROM images WHERE hash = ?')
      .get(hash) ?? null
  );
}

export interface ThumbnailInfo {
  mime: string;
  width: number;
  height: number;
  size: number;
}

/** The thumbnail's description (no bytes), or null when the picture has none. */
export function getThumbnailInfo(db: Database, hash: string): ThumbnailInfo | null {
  if (!HASH.test(hash)) return null;
  return (
    db
      .prepare<[string], ThumbnailInfo>('SELECT mime, width, height, size FROM image_thumbnails WHERE hash = ?')
      .get(hash) ?? null
  );
}

/**
 * Deletes the pictures among `hashes` that no figure uses any more (with their thumbnails): the
 * library holds the only copy of a picture, and an article's deletion should give its space back.
 */
export function deleteUnusedImages(db: Database, hashes: Iterable<string>): number {
  const unused = db.prepare<[string, string]>('DELETE FROM images WHERE hash = ? AND NOT EXISTS (SELECT 1 FROM figures WHERE image_hash = ?)');
  let deleted = 0;
  for (const hash of new Set(hashes)) deleted += unused.run(hash, hash).changes;
  return deleted;
}
