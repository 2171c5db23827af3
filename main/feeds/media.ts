import { escapeHtml } from '../ingest/sanitize.js';
import { absolute, htmlToText, textToHtml } from './content.js';

/**
 * What an item carries beside its body: Media RSS (media:content, media:group, media:thumbnail,
 * media:description, media:credit), RSS enclosures, Atom rel="enclosure" links and JSON Feed
 * attachments. A YouTube entry is nothing else, and a podcast episode's audio is only here.
 *
 * The item's picture becomes a captioned figure (refresh.ts adds it when the body has no picture of
 * its own); audio and video become "Listen:" / "Watch:" link paragraphs after the body, so the file
 * is never lost; a media:description is the body of an item that has none.
 */

export interface ItemMedia {
  /** `<figure>` HTML for the item's picture, or null. */
  picture: string | null;
  /** Link paragraphs for its audio and video files, or null. */
  files: string | null;
  /** A media:description as HTML: the body when the item has no other. */
  description: string | null;
}

interface Picture {
  url: string;
  description: string | null;
  title: string | null;
  credit: string | null;
}

interface MediaFile {
  url: string;
  kind: 'audio' | 'video';
  type: string | null;
  bytes: number | null;
  title: string | null;
}

type Rec = Record<string, unknown>;

/** Collects an item's media in the order they are preferred; first picture wins. */
export class MediaCollector {
  private readonly pictures: Picture[] = [];
  private readonly thumbnails: Picture[] = [];
  private readonly files: MediaFile[] = [];
  private descriptionText: { html: string; plain: string } | null = null;

  constructor(private readonly base: string) {}

  /** An item's `media` object from feedsmith: groups, contents, thumbnails, description. */
  addMediaRss(media: unknown): this {
    const item = rec(media);
    if (!item) return this;
    const scopes: Array<{ scope: Rec; parent: Rec | null }> = [
      ...list(item.groups).map((g) => ({ scope: g, parent: item })),
      { scope: item, parent: null },
    ];
    // A picture's own description is the body only when nothing wider describes the item.
    let contentDescription: { html: string; plain: string } | null = null;
    for (const { scope, parent } of scopes) {
      for (const content of list(scope.contents)) {
        const kind = kindOf(text(content.medium), text(content.type), text(content.url));
        const url = this.address(content.url);
        if (!url || !kind) continue;
        if (kind === 'image') {
          this.pictures.push({
            url,
            description: plainOf(content.description) ?? plainOf(scope.description) ?? plainOf(parent?.description),
            title: plainOf(content.title) ?? plainOf(scope.title) ?? plainOf(parent?.title),
            credit: creditOf(content.credits) ?? creditOf(scope.credits) ?? creditOf(parent?.credits),
          });
        } else {
          this.addFile({ url, kind, type: text(content.type), bytes: num(content.fileSize), title: plainOf(content.title) ?? plainOf(scope.title) });
        }
        this.addThumbnails(content, scope, parent);
        contentDescription ??= bodyOf(content.description);
      }
      this.addThumbnails(scope, parent, null);
      this.descriptionText ??= bodyOf(scope.description);
    }
    this.descriptionText ??= contentDescription;
    return this;
  }

  /** RSS <enclosure url length type>. */
  addEnclosures(enclosures: unknown): this {
    for (const e of list(enclosures)) this.addAttachment(e.url, text(e.type), num(e.length), null);
    return this;
  }

  /** Atom <link rel="enclosure" href type length title>. */
  addAtomLinks(links: unknown): this {
    for (const l of list(links)) {
      if (text(l.rel)?.toLowerCase() === 'enclosure') this.addAttachment(l.href, text(l.type), num(l.length), plainOf(l.title));
    }
    return this;
  }

  /** JSON Feed `image` and `attachments`. */
  addJson(item: Rec): this {
    const image = this.address(item.image);
    if (image) this.pictures.push({ url: image, description: null, title: null, credit: null });
    for (const a of list(item.attachments)) this.addAttachment(a.url, text(a.mime_type), num(a.size_in_bytes), plainOf(a.title));
    return this;
  }

  /**
   * The media as HTML. `itemTitle` names a file without a title of its own; `hasBody`: the item
   * has a body of its own, so the media description is not its text.
   */
  result(itemTitle: string, hasBody: boolean): ItemMedia {
    const description = hasBody ? null : this.descriptionText;
    const picture = this.pictures[0] ?? this.thumbnails[0];
    return {
      picture: picture ? figureHtml(picture, description?.plain ?? null) : null,
      files: this.files.length ? this.files.map((f) => fileHtml(f, itemTitle)).join('\n') : null,
      description: description?.html ?? null,
    };
  }

  private addThumbnails(scope: Rec, parent: Rec | null, grandparent: Rec | null): void {
    for (const t of list(scope.thumbnails)) {
      const url = this.address(t.url);
      if (!url) continue;
      this.thumbnails.push({
        url,
        description: plainOf(scope.description) ?? plainOf(parent?.description) ?? plainOf(grandparent?.description),
        title: plainOf(scope.title) ?? plainOf(parent?.title) ?? plainOf(grandparent?.title),
        credit: creditOf(scope.credits) ?? creditOf(parent?.credits) ?? creditOf(grandparent?.credits),
      });
    }
  }

  private addAttachment(rawUrl: unknown, type: string | null, bytes: number | null, title: string | null): void {
    const url = this.address(rawUrl);
    const kind = url ? kindOf(null, type, url) : null;
    if (!url || !kind) return;
    if (kind === 'image') this.pictures.push({ url, description: null, title, credit: null });
    else this.addFile({ url, kind, type, bytes, title });
  }

  private addFile(file: MediaFile): void {
    if (!this.files.some((f) => f.url === file.url)) this.files.push(file);
  }

  /** Web addresses only: a data: URL is no file to link to, nor a picture worth a feed's bytes. */
  private address(raw: unknown): string | null {
    const value = text(raw);
    const url = value ? absolute(value, this.base, false) : null;
    return url && /^https?:/i.test(url) ? url : null;
  }
}

/** A caption a person reads under a picture, not the whole article. */
const MAX_CAPTION = 400;

/**
 * The picture as a figure. Its caption is its description, else its title; a description that is
 * already the item's body (YouTube) is not repeated under the picture.
 */
function figureHtml(p: Picture, bodyText: string | null): string {
  const described = p.description && p.description !== bodyText && p.description.length <= MAX_CAPTION ? p.description : null;
  const caption = [described ?? p.title, p.credit].filter(Boolean).join(' — ');
  const figcaption = caption ? `<figcaption>${escapeHtml(caption)}</figcaption>` : '';
  return `<figure><img src="${escapeHtml(p.url)}" alt="">${figcaption}</figure>`;
}

/** "Listen: <a>Episode 12 (MP3, 12 MB)</a>". */
function fileHtml(f: MediaFile, itemTitle: string): string {
  const name = f.title ?? (itemTitle || fileName(f.url));
  const details = [formatName(f.type, f.url), f.bytes && f.bytes > 0 ? formatBytes(f.bytes) : null].filter(Boolean).join(', ');
  const label = details ? `${name} (${details})` : name;
  return `<p>${f.kind === 'audio' ? 'Listen' : 'Watch'}: <a href="${escapeHtml(f.url)}">${escapeHtml(label)}</a></p>`;
}

const FORMATS: Record<string, string> = {
  'audio/mpeg': 'MP3',
  'audio/mp3': 'MP3',
  'audio/mp4': 'M4A',
  'audio/x-m4a': 'M4A',
  'audio/m4a': 'M4A',
  'audio/aac': 'AAC',
  'audio/ogg': 'Ogg',
  'audio/opus': 'Opus',
  'audio/wav': 'WAV',
  'audio/x-wav': 'WAV',
  'audio/flac': 'FLAC',
  'video/mp4': 'MP4',
  'video/x-m4v': 'M4V',
  'video/webm': 'WebM',
  'video/quicktime': 'MOV',
};

function formatName(type: string | null, url: string): string | null {
  const known = type ? FORMATS[type.toLowerCase()] : undefined;
  return known ?? extensionOf(url)?.toUpperCase() ?? null;
}

/** Decimal units, as file managers show sizes. */
function formatBytes(bytes: number): string {
  if (bytes < 1e6) return `${Math.max(1, Math.round(bytes / 1e3))} KB`;
  if (bytes < 1e7) return `${(bytes / 1e6).toFixed(1).replace(/\.0$/, '')} MB`;
  if (bytes < 1e9) return `${Math.round(bytes / 1e6)} MB`;
  return `${(bytes / 1e9).toFixed(1).replace(/\.0$/, '')} GB`;
}

function fileName(url: string): string {
  try {
    const last = new URL(url).pathname.split('/').filter(Boolean).pop();
    return last ? decodeURIComponent(last) : url;
  } catch {
    return url;
  }
}

const IMAGE_EXT = new Set(['jpg', 'jpeg', 'png', 'gif', 'webp', 'avif']);
const AUDIO_EXT = new Set(['mp3', 'm4a', 'aac', 'ogg', 'oga', 'opus', 'wav', 'flac']);
const VIDEO_EXT = new Set(['mp4', 'm4v', 'webm', 'mov']);

/**
 * image, audio or video, from medium="…", else the MIME type, else (no type at all) the file's
 * extension; null for anything else (a Flash player, a PDF).
 */
function kindOf(medium: string | null, type: string | null, url: string | null): 'image' | 'audio' | 'video' | null {
  const m = medium?.toLowerCase();
  if (m === 'image' || m === 'audio' || m === 'video') return m;
  const major = type?.toLowerCase().split('/')[0]?.trim();
  if (major === 'image' || major === 'audio' || major === 'video') return major;
  if (type) return null;
  const ext = url ? extensionOf(url) : null;
  if (!ext) return null;
  return IMAGE_EXT.has(ext) ? 'image' : AUDIO_EXT.has(ext) ? 'audio' : VIDEO_EXT.has(ext) ? 'video' : null;
}

function extensionOf(url: string): string | null {
  try {
    return /\.([a-z0-9]{2,5})$/i.exec(new URL(url).pathname)?.[1]?.toLowerCase() ?? null;
  } catch {
    return null;
  }
}

function rec(value: unknown): Rec | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Rec) : undefined;
}

function list(value: unknown): Rec[] {
  const all = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return all.map(rec).filter((r): r is Rec => Boolean(r));
}

function text(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  return value.trim() || null;
}

function num(value: unknown): number | null {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : null;
}

/** A media title or description (`{ value, type: 'plain' | 'html' }`) as one line of text. */
function plainOf(value: unknown): string | null {
  const raw = text(rec(value)?.value ?? value);
  if (!raw) return null;
  return (rec(value)?.type === 'html' ? htmlToText(raw) : raw.replace(/\s+/g, ' ').trim()) || null;
}

/** A media description as body HTML (plain text keeps its paragraphs), with its one-line text. */
function bodyOf(value: unknown): { html: string; plain: string } | null {
  const raw = text(rec(value)?.value ?? value);
  const plain = plainOf(value);
  if (!raw || !plain) return null;
  return { html: rec(value)?.type === 'html' ? raw : textToHtml(raw), plain };
}

function creditOf(credits: unknown): string | null {
  for (const c of list(credits)) {
    const name = plainOf(c.value);
    if (name) return name;
  }
  return null;
}
