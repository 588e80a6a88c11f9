// The player page's "Export MP4" control: a stretch of the stream's recording as one MP4 from
// GET /api/streams/NAME/export.mp4, the last N minutes or a chosen range, downloaded or
// played in the page's second <video>. Each export is asked for with HEAD first
// (export-request.js): the server redirects it to its pinned form (both ends fixed), which is
// what is then downloaded or played, and a refusal shows the server's own reason here instead
// of a broken download or an empty player.
'use strict';

(() => {
  const name = new URLSearchParams(location.search).get('stream');
  if (!name) return; // ?src=URL plays something that is not one of this server's streams
  document.getElementById('export').hidden = false;

  const status = document.getElementById('export-status');
  const errorBox = document.getElementById('export-error');
  const clipBox = document.getElementById('export-player');
  const clip = document.getElementById('export-video');
  // Read by the browser tests: the pinned URLs downloaded or played, the refusals shown.
  const record = { urls: [], errors: [] };
  window.hlsseg = Object.assign(window.hlsseg || {}, { exports: record });

  function showError(message) {
    record.errors.push(message);
    status.textContent = '';
    errorBox.textContent = message;
    errorBox.hidden = false;
  }

  async function run(times, action) {
    errorBox.hidden = true;
    errorBox.textContent = '';
    status.textContent = 'Asking the server…';
    try {
      const head = await hlssegExport.check(hlssegExport.url(name, times, action === 'download'));
      const pinned = head.url;
      record.urls.push(pinned);
      const ends = new URL(pinned).searchParams;
      status.textContent = `${ends.get('start')} → ${ends.get('end')} · ${hlssegExport.formatSize(Number(head.headers.get('content-length')))}`;
      if (action === 'download') {
        // Content-Disposition: attachment (download=1) names the file; the page stays.
        const link = document.createElement('a');
        link.href = pinned;
        link.download = '';
        document.body.appendChild(link);
        link.click();
        link.remove();
      } else {
        clipBox.hidden = false;
        clip.src = pinned;
        const played = clip.play();
        if (played) played.catch((error) => { if (error.name !== 'AbortError') status.textContent += ` · press play (${error.message})`; });
      }
    } catch (error) {
      showError(`Export refused: ${error.message}`);
    }
  }

  const mediaErrors = { 1: 'playback aborted', 2: 'network error', 3: 'decoding error', 4: 'format not supported' };
  clip.addEventListener('error', () => {
    const error = clip.error;
    if (error) showError(`Exported clip: media error ${error.code} (${mediaErrors[error.code] || 'unknown'})${error.message ? ': ' + error.message : ''}`);
  });

  document.getElementById('export-last').addEventListener('submit', (event) => {
    event.preventDefault();
    const minutes = Number(document.getElementById('export-minutes').value);
    run({ start: String(-60 * minutes) }, event.submitter && event.submitter.value);
  });

  document.getElementById('export-range').addEventListener('submit', (event) => {
    event.preventDefault();
    const times = {};
    const start = document.getElementById('export-start').value.trim();
    const end = document.getElementById('export-end').value.trim();
    if (start) times.start = start;
    if (end) times.end = end;
    run(times, event.submitter && event.submitter.value);
  });
})();
