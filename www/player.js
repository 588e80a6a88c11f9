// Player page: /player.html?stream=NAME (or ?src=URL), ?engine=mse forces our MSE player,
// ?engine=native the browser's own HLS. Default: native HLS when canPlayType says so.
'use strict';

const params = new URLSearchParams(location.search);
const video = document.getElementById('video');
const stream = params.get('stream');
const url = params.get('src') || (stream ? `/hls/${encodeURIComponent(stream)}/index.m3u8` : null);
const nativeHLS = video.canPlayType('application/vnd.apple.mpegurl') !== '';
const requested = params.get('engine');
const engine = requested === 'mse' ? 'mse' : requested === 'native' ? 'native' : nativeHLS ? 'native' : 'mse';

// Read by the browser tests, handy in the console too.
window.hlsseg = { engine, url, errors: [], info: [], player: null };

function showError(message) {
  window.hlsseg.errors.push(message);
  const box = document.getElementById('error');
  box.hidden = false;
  box.textContent = box.textContent ? `${box.textContent}\n${message}` : message;
}

const mediaErrors = { 1: 'playback aborted', 2: 'network error', 3: 'decoding error', 4: 'format not supported' };
video.addEventListener('error', () => {
  const error = video.error;
  if (error) showError(`media error ${error.code} (${mediaErrors[error.code] || 'unknown'})${error.message ? ': ' + error.message : ''}`);
});

function describeBuffered() {
  const parts = [];
  for (let i = 0; i < video.buffered.length; i++) parts.push(`${video.buffered.start(i).toFixed(1)}–${video.buffered.end(i).toFixed(1)}`);
  return parts.join(', ') || '–';
}

function updateStats() {
  document.getElementById('time').textContent = video.currentTime.toFixed(2) + ' s';
  document.getElementById('buffered').textContent = describeBuffered();
  document.getElementById('size').textContent = video.videoWidth ? `${video.videoWidth}×${video.videoHeight}` : '–';
  const states = ['nothing', 'metadata', 'current data', 'future data', 'enough data'];
  document.getElementById('state').textContent = `${video.paused ? 'paused' : 'playing'} · ${states[video.readyState]}`;
}

// The stream's codecs from /api/streams/NAME, or null when unknown (no ?stream=, no answer).
async function streamCodecs() {
  if (!stream) return null;
  try {
    const response = await fetch(`/api/streams/${encodeURIComponent(stream)}`, { cache: 'no-store' });
    if (!response.ok) return null;
    const info = await response.json();
    return Array.isArray(info.codecs) && info.codecs.length ? info.codecs : null;
  } catch (error) {
    return null;
  }
}

// Before playing: when the browser says it cannot decode one of the stream's codecs
// (MediaSource.isTypeSupported for MSE, canPlayType for native HLS), say so in words
// instead of starting a player that would fail silently. Returns whether to go on.
async function checkCodecs() {
  const codecs = await streamCodecs();
  if (!codecs) return true;
  document.getElementById('codecs').textContent = `${HlssegCodecs.describe(codecs)} (${codecs.join(', ')})`;
  const unplayable = HlssegCodecs.unplayable(codecs, engine, video);
  for (const codec of unplayable) showError(HlssegCodecs.message(codec));
  return unplayable.length === 0;
}

async function start() {
  const switchLink = document.getElementById('switch');
  const other = new URLSearchParams(location.search);
  other.set('engine', engine === 'mse' ? 'native' : 'mse');
  switchLink.href = `?${other}`;
  switchLink.textContent = `switch to ${engine === 'mse' ? 'native HLS' : 'MSE'}`;
  if (!url) { showError('No stream given: open /player.html?stream=NAME (see the list on the home page).'); return; }
  document.getElementById('title').textContent = stream || url;
  document.title = `hlsseg — ${stream || url}`;
  const link = document.getElementById('url');
  link.href = url;
  link.textContent = url;
  document.getElementById('engine').textContent = engine === 'mse' ? 'Media Source Extensions (hlsseg player)' : 'native HLS';
  setInterval(updateStats, 250);
  if (!(await checkCodecs())) return;
  if (engine === 'native') {
    if (!nativeHLS) showError('This browser has no native HLS; use ?engine=mse.');
    video.src = url;
    const played = video.play();
    if (played) played.catch((error) => window.hlsseg.info.push(`autoplay refused: ${error.message}`));
    return;
  }
  if (!HlssegMSEPlayer.supported()) { showError('This browser has neither Media Source Extensions nor native HLS.'); return; }
  const player = new HlssegMSEPlayer(video, new URL(url, location.href).href, {
    onError: showError,
    onInfo: (message) => window.hlsseg.info.push(message),
  });
  window.hlsseg.player = player;
  player.start();
}

start();
