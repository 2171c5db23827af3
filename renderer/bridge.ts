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

export function createHttpBridge(location: URL): BroadsheetBridge {
  const token = location.searchParams.get('token') ?? '';
  return {
    async invoke<C extends Channel>(channel: C, req: Req<C>): Promise<Res<C>> {
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
    },
    imageUrl(hash, variant = 'full') {
      return `/images/${encodeURIComponent(hash)}?token=${encodeURIComponent(token)}${variant === 'thumb' ? '&variant=thumb' : ''}`;
    },
  };
}
