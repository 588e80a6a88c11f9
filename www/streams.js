// Home page: the stream list from GET /api/streams, refreshed every few seconds, with each
// stream's newest picture (/api/streams/NAME/thumbnail.jpg), fetched again every
// `thumbnailRefreshMilliseconds` while the stream is live.
'use strict';

const thumbnailRefreshMilliseconds = 10000;
// One <img> per stream, kept across refreshes of the table so that pictures do not flicker:
// name → {image, loadedAt (ms, 0: never asked)}.
const thumbnails = new Map();

// The stream's thumbnail, asked for again when it is live and the last one is old. A
// stream without a picture (nothing decodes yet, or no video) shows nothing, not a broken image.
function thumbnail(stream) {
  let entry = thumbnails.get(stream.name);
  if (!entry) {
    const image = document.createElement('img');
    image.className = 'thumb';
    image.alt = `${stream.name}, newest picture`;
    image.width = 128;
    image.hidden = true;
    image.addEventListener('load', () => { image.hidden = false; });
    image.addEventListener('error', () => { image.hidden = true; });
    entry = { image, loadedAt: 0 };
    thumbnails.set(stream.name, entry);
  }
  const now = Date.now();
  if (entry.loadedAt === 0 || (stream.state === 'live' && now - entry.loadedAt >= thumbnailRefreshMilliseconds)) {
    const base = `/api/streams/${encodeURIComponent(stream.name)}/thumbnail.jpg?width=320`;
    // A live stream's newest picture changes under the same URL: a new query skips the cache.
    entry.image.src = stream.state === 'live' ? `${base}&t=${now}` : base;
    entry.loadedAt = now;
  }
  return entry.image;
}

function formatDuration(seconds) {
  const s = Math.floor(seconds % 60), m = Math.floor(seconds / 60) % 60, h = Math.floor(seconds / 3600);
  const two = (n) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

function formatBitrate(bps) {
  if (bps == null) return '–';
  return bps >= 1e6 ? `${(bps / 1e6).toFixed(2)} Mbit/s` : `${Math.round(bps / 1e3)} kbit/s`;
}

function cell(row, text, className) {
  const td = document.createElement('td');
  if (className) td.className = className;
  if (text instanceof Node) td.appendChild(text); else td.textContent = text;
  row.appendChild(td);
  return td;
}

function link(href, text) {
  const a = document.createElement('a');
  a.href = href;
  a.textContent = text;
  return a;
}

function note(text) {
  const span = document.createElement('span');
  span.className = 'muted small';
  span.textContent = text;
  return span;
}

async function refresh() {
  const status = document.getElementById('status');
  const table = document.getElementById('streams');
  try {
    const response = await fetch('/api/streams', { cache: 'no-store' });
    if (!response.ok) throw new Error(`GET /api/streams: HTTP ${response.status}`);
    const { streams } = await response.json();
    const body = table.tBodies[0];
    body.replaceChildren();
    for (const name of thumbnails.keys()) if (!streams.some((stream) => stream.name === name)) thumbnails.delete(name);
    for (const stream of streams) {
      const row = document.createElement('tr');
      const player = `/player.html?stream=${encodeURIComponent(stream.name)}`;
      const recordings = `/recordings.html?stream=${encodeURIComponent(stream.name)}`;
      cell(row, thumbnail(stream), 'thumb-cell');
      cell(row, link(player, stream.name), 'name');
      const badge = document.createElement('span');
      badge.className = `badge ${stream.state}`;
      badge.textContent = stream.state;
      cell(row, badge);
      cell(row, formatDuration(stream.duration));
      cell(row, formatBitrate(stream.bitrate));
      cell(row, stream.width ? `${stream.width}×${stream.height}` : '–');
      // In words (H.264, MP3), then the exact RFC 6381 strings in small print.
      const codecs = cell(row, HlssegCodecs.describe(stream.codecs) || '–', 'codecs');
      const unplayable = HlssegCodecs.unplayable(stream.codecs, 'mse');
      if (unplayable.length) codecs.append(' ', note(`(${HlssegCodecs.describe(unplayable)}: not playable in this browser)`));
      if (stream.codecs.length) codecs.append(document.createElement('br'), note(stream.codecs.join(', ')));
      cell(row, `${Math.round(stream.updatedSecondsAgo)} s ago`);
      const links = document.createElement('span');
      const recordingsLink = link(recordings, 'Recordings');
      recordingsLink.className = 'recordings';
      links.append(link(player, 'play'), ' · ', link(`${player}&engine=mse`, 'MSE'), ' · ', recordingsLink, ' · ',
        link(stream.playlist, 'm3u8'));
      cell(row, links);
      body.appendChild(row);
    }
    table.hidden = streams.length === 0;
    status.textContent = streams.length === 0 ? 'No streams yet.' : `${streams.length} stream${streams.length === 1 ? '' : 's'}`;
  } catch (error) {
    status.textContent = `Could not load the stream list: ${error.message}`;
  }
}

refresh();
setInterval(refresh, 3000);
