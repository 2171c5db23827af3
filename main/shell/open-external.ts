import { shell } from 'electron';

/** Longer than any real article link; a megabyte "URL" is an attack or a bug, not a link. */
export const MAX_EXTERNAL_URL_LENGTH = 8192;

// C0 controls, space, DEL and C1 controls. The WHATWG parser silently strips leading/trailing
// ones and tabs/newlines anywhere, so "java\nscript:" would parse as javascript:. We refuse instead.
// eslint-disable-next-line no-control-regex
const CONTROL_OR_SPACE = /[\u0000-\u0020\u007f-\u009f]/;

/**
 * Decides whether a string is a link we may hand to the system browser: the exact string must
 * parse as an absolute http(s) URL with a host and no credentials. Returns the normalised URL, or
 * null. Nothing is trimmed or repaired: a string that needs repairing was not written by us.
 */
export function checkExternalUrl(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_EXTERNAL_URL_LENGTH) return null;
  if (CONTROL_OR_SPACE.test(raw)) return null;
  // Only the canonical form "http(s)://host…": refuses "http:/\evil", "http:\\evil", "https:evil".
  if (!/^https?:\/\/[^/\\]/i.test(raw)) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (!url.hostname || url.username || url.password) return null;
  const href = url.href;
  return href.length <= MAX_EXTERNAL_URL_LENGTH ? href : null;
}

/**
 * The only way anything in the app opens a link outside it. Returns true when the link was handed
 * to the system browser, false when it was refused (or the OS could not open it).
 */
export async function openExternal(raw: unknown): Promise<boolean> {
  const url = checkExternalUrl(raw);
  if (!url) return false;
  try {
    await shell.openExternal(url, { activate: true });
    return true;
  } catch {
    return false;
  }
}
