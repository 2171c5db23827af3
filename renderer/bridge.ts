import type { BroadsheetBridge, Channel, Req, Res } from '../preload/api.js';

/**
 * The one API object the page talks to. In the Electron app the preload puts it on
 * `window.broadsheet`; in the local web host (development, end-to-end tests) the page was opened
 * at `/?token=…` and the same calls go over HTTP to the same handler table. Nothing else in the
 * renderer knows which host it is in.
 */
export function getBridge(): BroadsheetBridge {
  return window.broadsheet ?? createHttpBridge(new URL(window.location.href));
}

/**
 * Changes that a quick second one can undo (star then unstar, two themes in a row). Electron's IPC
 * delivers calls in order; over HTTP two requests can travel on two connections and the older
 * land last, so these are sent one at a time, in the order they were made.
 */
const ORDERED: ReadonlySet<Channel> = new Set<Channel>([
  'setRead', 'setStarred', 'markAllRead', 'setReadMany', 'deleteArticles', 'setSettings', 'saveSearch', 'deleteSavedSearch',
]);

export function createHttpBridge(location: URL): BroadsheetBridge {
  const token = location.searchParams.get('token') ?? '';
  let lastOrdered: Promise<unknown> = Promise.resolve();
  return {
    invoke<C extends Channel>(channel: C, req: Req<C>): Promise<Res<C>> {
      if (!ORDERED.has(channel)) return call(channel, req);
      const result = lastOrdered.then(() => call(channel, req));
      lastOrdered = result.catch(() => undefined);
      return result;
    },
    imageUrl(hash, variant = 'full') {
      return `/images/${encodeURIComponent(hash)}?token=${encodeURIComponent(token)}${variant === 'thumb' ? '&variant=thumb' : ''}`;
    },
  };

  async function call<C extends Channel>(channel: C, req: Req<C>): Promise<Res<C>> {
    let res: Response;
    try {
      res = await fetch(`/api/${encodeURIComponent(channel)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-broadsheet-token': token },
        body: JSON.stringify(req ?? {}),
      });
    } catch {
      // fetch only throws when nothing answered at all: the host was stopped or is unreachable.
      throw new Error('The library is not answering (was `broadsheet web` stopped?).');
    }
    const body = (await res.json().catch(() => null)) as { ok: boolean; result?: Res<C>; error?: string } | null;
    if (!body) throw new Error(`The library did not answer (${res.status}).`);
    if (!body.ok) throw new Error(body.error ?? `The library refused the request (${res.status}).`);
    return body.result as Res<C>;
  }
}
