import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';

export interface ImageInput {
  bytes: Uint8Array;
  mime: string;
  width: number | null;
  height: number | null;
}

export interface StoredImage {
  hash: string;
  mime: string;
  width: number | null;
  height: number | null;
  data: Buffer;
}

/** Stores a picture once per content: the SHA-256 of its bytes is its name. Returns the hash. */
export function storeImage(db: Database, img: ImageInput): string {
  const hash = createHash('sha256').update(img.bytes).digest('hex');
  db.prepare(
    `INSERT INTO images (hash, mime, width, height, size, data, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (hash) DO NOTHING`,
  ).run(hash, img.mime, img.width, img.height, img.bytes.byteLength, Buffer.from(img.bytes), Date.now());
  return hash;
}

const HASH = /^[0-9a-f]{64}$/;

/** Looks an image up by its hash; anything that is not a well-formed hash is simply not found. */
export function getImage(db: Database, hash: string): StoredImage | null {
  if (!HASH.test(hash)) return null;
  return (
    db
      .prepare<[string], StoredImage>('SELECT hash, mime, width, height, data FROM images WHERE hash = ?')
      .get(hash) ?? null
  );
}
