// Asking GET/HEAD /api/streams/NAME/export.mp4 about an export before it is downloaded or
// played, shared by the player page's Export control (export.js) and the recordings page.
// HEAD follows the server's redirect to the pinned form (both ends fixed); a refusal is asked
// again with GET, since a HEAD answer has no body, and its JSON reason becomes the error.
'use strict';

const hlssegExport = {
  // The export URL of `stream` for `times` ({start, end} as the route takes them).
  url(stream, times, download) {
    const query = new URLSearchParams(times);
    if (download) query.set('download', '1');
    return `/api/streams/${encodeURIComponent(stream)}/export.mp4?${query}`;
  },

  // The reason in a refusal's body, {"error":{"message":…}}; the status when there is none.
  async reason(response) {
    try {
      const message = (await response.json()).error.message;
      if (message) return message;
    } catch (_) { /* not the server's JSON: a proxy's page, say */ }
    return `HTTP ${response.status} ${response.statusText}`.trim();
  },

  // The HEAD answer of the pinned URL (its `url`, its Content-Length); throws an Error whose
  // message is the server's reason when the export is refused.
  async check(url) {
    const head = await fetch(url, { method: 'HEAD', cache: 'no-store' });
    if (head.ok) return head;
    const get = await fetch(url, { cache: 'no-store' });
    if (get.ok) {
      get.body.cancel();
      throw new Error(`HTTP ${head.status} ${head.statusText}`.trim());
    }
    throw new Error(await hlssegExport.reason(get));
  },

  formatSize(bytes) {
    if (!Number.isFinite(bytes)) return 'size unknown';
    return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.round(bytes / 1e3)} kB`;
  },
};
