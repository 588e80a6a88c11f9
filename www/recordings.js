// Recordings page: /recordings.html?stream=NAME[&engine=mse|native].
//
// The spans of GET /api/streams/NAME/recordings on a timeline (timeline.js), one local day at
// a time. Hovering shows the time under the pointer and, over a span, the picture of that
// instant (thumbnail.jpg?at=…). A click plays the time-range playlist from that instant
// (/hls/NAME/index.m3u8?start=ISO, EVENT: it grows while the stream does) in the page's
// <video>, with the browser's HLS or our MSE player; the wall-clock time at the playhead comes
// from the playlist's PROGRAM-DATE-TIME. A drag selects a range and offers it as an MP4 from
// the export route, with the server's reason when it refuses.
'use strict';

(() => {
  const params = new URLSearchParams(location.search);
  const name = params.get('stream');
  const video = document.getElementById('video');
  const nativeHLS = video.canPlayType('application/vnd.apple.mpegurl') !== '';
  const requested = params.get('engine');
  const engine = requested === 'mse' ? 'mse' : requested === 'native' ? 'native' : nativeHLS ? 'native' : 'mse';
  const spansRefreshMilliseconds = 10000;
  // The pointer rests this long before a thumbnail is asked for, so a sweep across the
  // timeline does not send one request per pixel.
  const hoverThumbnailDelayMilliseconds = 200;

  // Read by the browser tests, handy in the console too.
  const state = { engine, spans: [], clicked: null, playlist: null, thumbnail: null, errors: [], player: null, clock: null };
  window.hlsseg = state;
  // The wall-clock date at the playhead, ms since the epoch (null: nothing playing, or no date).
  window.hlssegPlayheadDate = playheadDate;

  const status = document.getElementById('status');
  const daySelect = document.getElementById('day');
  const hover = document.getElementById('hover');
  const hoverThumb = document.getElementById('hover-thumb');
  const hoverTime = document.getElementById('hover-time');
  const exportLink = document.getElementById('export-link');
  const exportStatus = document.getElementById('export-status');
  const exportError = document.getElementById('export-error');
  const exportStart = document.getElementById('export-start');
  const exportEnd = document.getElementById('export-end');
  const apiBase = `/api/streams/${encodeURIComponent(name || '')}`;
  let days = [];            // [{key 'YYYY-MM-DD', start, end}] local days holding recordings
  let hoverTimer = null;
  let exportCheck = 0;      // answers of older checks are dropped

  function showError(message) {
    state.errors.push(message);
    const box = document.getElementById('error');
    box.hidden = false;
    box.textContent = box.textContent ? `${box.textContent}\n${message}` : message;
  }

  const timeline = new HlssegTimeline(document.getElementById('timeline'), {
    onHover: hovered,
    onClick: clicked,
    onSelect: (start, end) => select(start, end),
  });

  // ---- spans and days

  function localDay(ms) {
    const date = new Date(ms);
    return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
  }

  function nextLocalDay(dayStart) {
    const date = new Date(dayStart);
    return new Date(date.getFullYear(), date.getMonth(), date.getDate() + 1).getTime();
  }

  function dayKey(dayStart) {
    const date = new Date(dayStart);
    const two = (n) => String(n).padStart(2, '0');
    return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}`;
  }

  // The local days any span touches, in order.
  function daysOf(spans) {
    const found = new Map();
    for (const span of spans) {
      for (let day = localDay(span.start); day < span.end; day = nextLocalDay(day)) {
        found.set(day, { key: dayKey(day), start: day, end: nextLocalDay(day) });
      }
    }
    return [...found.values()].sort((a, b) => a.start - b.start);
  }

  async function loadSpans() {
    const response = await fetch(`${apiBase}/recordings`, { cache: 'no-store' });
    if (!response.ok) throw new Error(await hlssegExport.reason(response));
    return (await response.json()).map((span) => ({
      start: Date.parse(span.start), end: Date.parse(span.end), duration: span.duration, segments: span.segments,
    })).sort((a, b) => a.start - b.start);
  }

  function fillDays(selectedKey) {
    daySelect.replaceChildren(...days.map((day) => {
      const option = document.createElement('option');
      option.value = day.key;
      const spansThatDay = state.spans.filter((span) => span.end > day.start && span.start < day.end).length;
      option.textContent = `${day.key} (${spansThatDay} span${spansThatDay === 1 ? '' : 's'})`;
      return option;
    }));
    daySelect.value = selectedKey;
  }

  function showDay(key) {
    const day = days.find((d) => d.key === key) || days[days.length - 1];
    document.getElementById('zone').textContent =
      `Times in this browser's zone: ${Intl.DateTimeFormat().resolvedOptions().timeZone || 'local'}, ${hlssegUTCOffset(day.start + 12 * 3600000)}`;
    timeline.show({ start: day.start, end: day.end }, state.spans);
  }

  async function refreshSpans(first) {
    try {
      const spans = await loadSpans();
      state.spans = spans;
      const total = spans.reduce((sum, span) => sum + span.duration, 0);
      status.textContent = spans.length === 0 ? 'Nothing recorded yet.'
        : `${spans.length} span${spans.length === 1 ? '' : 's'}, ${formatDuration(total)} of media`;
      if (spans.length === 0) return;
      const shown = daySelect.value;
      days = daysOf(spans);
      document.getElementById('recordings').hidden = false;
      if (first || !days.some((day) => day.key === shown)) {
        fillDays(days[days.length - 1].key);
        showDay(daySelect.value);
      } else {
        fillDays(shown);
        timeline.update(spans);
      }
    } catch (error) {
      if (first) status.textContent = '';
      if (first) showError(`Could not load the recordings of ${name}: ${error.message}`);
    }
  }

  function formatDuration(seconds) {
    const s = Math.floor(seconds % 60), m = Math.floor(seconds / 60) % 60, h = Math.floor(seconds / 3600);
    return h > 0 ? `${h} h ${m} min` : m > 0 ? `${m} min ${s} s` : `${seconds.toFixed(1)} s`;
  }

  function formatDateTime(ms) {
    return `${dayKey(localDay(ms))} ${hlssegLocalTime(ms, true)}.${String(Math.floor(ms % 1000)).padStart(3, '0')}`;
  }

  // ---- hovering: the time under the pointer and, over a span, its picture

  function hovered(time, spanIndex, x) {
    clearTimeout(hoverTimer);
    if (time === null) { hover.hidden = true; return; }
    hover.hidden = false;
    // Kept whole inside the frame near its ends.
    const half = hover.offsetWidth / 2 || 85;
    hover.style.left = `${Math.min(Math.max(x, half), hover.parentElement.clientWidth - half)}px`;
    hoverTime.textContent = `${hlssegLocalTime(time, true)}${spanIndex < 0 ? ' · no recording' : ''}`;
    if (spanIndex < 0) { hoverThumb.hidden = true; return; }
    // Whole seconds: the server answers with the keyframe at or before the instant, and the
    // same URL for nearby pointer positions lets the browser reuse what it already has.
    const at = new Date(Math.floor(time / 1000) * 1000).toISOString();
    hoverTimer = setTimeout(() => {
      const url = `${apiBase}/thumbnail.jpg?at=${encodeURIComponent(at)}&width=160`;
      if (hoverThumb.getAttribute('src') !== url) {
        state.thumbnail = url;
        hoverThumb.src = url;
      }
    }, hoverThumbnailDelayMilliseconds);
  }
  hoverThumb.addEventListener('load', () => { hoverThumb.hidden = false; });
  hoverThumb.addEventListener('error', () => { hoverThumb.hidden = true; });

  // ---- playing from a clicked instant

  function clicked(time) {
    // A click in a gap plays from the start of the next span.
    const span = state.spans.find((s) => s.end > time);
    if (!span) return;
    play(Math.round(Math.max(time, span.start)));
  }

  function play(ms) {
    state.clicked = ms;
    const url = `/hls/${encodeURIComponent(name)}/index.m3u8?start=${encodeURIComponent(new Date(ms).toISOString())}`;
    state.playlist = url;
    const link = document.getElementById('url');
    link.href = url;
    link.textContent = url;
    if (state.player) { state.player.stop(); state.player = null; }
    state.clock = null;
    timeline.setPlayhead(ms);
    if (engine === 'native') {
      if (!nativeHLS) { showError('This browser has no native HLS; use ?engine=mse.'); return; }
      const clock = new HlssegPlaylistClock(url);
      state.clock = clock;
      const loaded = clock.load().catch((error) => showError(`Could not read ${url}: ${error.message}`));
      video.src = url;
      // An ended playlist is seekable: go to the clicked instant inside its first segment. A
      // growing one (EVENT without ENDLIST) is not, in Chromium: it plays from the start of the
      // segment holding the instant.
      video.addEventListener('loadedmetadata', async () => {
        await loaded;
        const target = clock.timeOf(ms);
        if (state.clock === clock && target !== null && target > 0.05 && video.seekable.length && video.seekable.end(0) > target) {
          video.currentTime = target;
        }
      }, { once: true });
      startPlaying();
      return;
    }
    if (!HlssegMSEPlayer.supported()) { showError('This browser has neither Media Source Extensions nor native HLS.'); return; }
    const player = new HlssegMSEPlayer(video, new URL(url, location.href).href, {
      startDate: ms,
      onError: showError,
      onInfo: () => {},
    });
    state.player = player;
    player.start();
  }

  function startPlaying() {
    const played = video.play();
    if (played) played.catch((error) => { if (error.name !== 'AbortError') exportStatus.textContent = `press play (${error.message})`; });
  }

  function playheadDate() {
    if (state.clicked === null || video.readyState < 1) return null;
    if (state.player) return state.player.dateAt(video.currentTime);
    if (state.clock) return state.clock.dateAt(video.currentTime);
    return null;
  }

  const mediaErrors = { 1: 'playback aborted', 2: 'network error', 3: 'decoding error', 4: 'format not supported' };
  video.addEventListener('error', () => {
    const error = video.error;
    // Replacing the source (a new click) aborts the previous one: not worth a message.
    if (error && error.code !== 1) showError(`media error ${error.code} (${mediaErrors[error.code] || 'unknown'})${error.message ? ': ' + error.message : ''}`);
  });

  setInterval(() => {
    const date = playheadDate();
    document.getElementById('playhead-time').textContent = date === null ? '–' : `${formatDateTime(date)} (${hlssegUTCOffset(date)})`;
    if (date !== null) timeline.setPlayhead(date);
  }, 250);

  // ---- a selected range as an MP4

  function select(start, end) {
    exportStart.value = new Date(Math.round(start)).toISOString();
    exportEnd.value = new Date(Math.round(end)).toISOString();
    offerExport();
  }

  function selectedRange() {
    const start = Date.parse(exportStart.value.trim());
    const end = Date.parse(exportEnd.value.trim());
    return Number.isNaN(start) || Number.isNaN(end) ? null : { start, end };
  }

  // Shows the range's link, then asks the server (HEAD) whether it will make it: the size when
  // it will, its reason when it will not (and the link goes away).
  async function offerExport() {
    const check = ++exportCheck;
    exportError.hidden = true;
    exportError.textContent = '';
    const range = selectedRange();
    if (!range) {
      exportLink.hidden = true;
      exportStatus.textContent = 'From and to take ISO 8601 date-times (drag on the timeline to fill them).';
      return;
    }
    timeline.setSelection(range);
    const times = { start: new Date(range.start).toISOString(), end: new Date(range.end).toISOString() };
    const url = hlssegExport.url(name, times, true);
    exportLink.href = url;
    exportLink.hidden = false;
    const described = `${formatDateTime(range.start)} → ${hlssegLocalTime(range.end, true)} (${formatDuration((range.end - range.start) / 1000)})`;
    exportStatus.textContent = `${described} · asking the server…`;
    try {
      const head = await hlssegExport.check(url);
      if (check !== exportCheck) return;
      exportStatus.textContent = `${described} · ${hlssegExport.formatSize(Number(head.headers.get('content-length')))}`;
    } catch (error) {
      if (check !== exportCheck) return;
      exportLink.hidden = true;
      exportStatus.textContent = described;
      exportError.textContent = `Export refused: ${error.message}`;
      exportError.hidden = false;
    }
  }

  document.getElementById('export-range').addEventListener('submit', (event) => { event.preventDefault(); offerExport(); });
  exportStart.addEventListener('change', offerExport);
  exportEnd.addEventListener('change', offerExport);

  // ---- controls

  daySelect.addEventListener('change', () => showDay(daySelect.value));
  document.getElementById('zoom-fit').addEventListener('click', () => timeline.fit());
  document.getElementById('zoom-day').addEventListener('click', () => timeline.wholeDay());
  document.getElementById('zoom-in').addEventListener('click', () => timeline.zoomIn());
  document.getElementById('zoom-out').addEventListener('click', () => timeline.zoomOut());
  document.getElementById('pan-back').addEventListener('click', () => timeline.pan(-0.5));
  document.getElementById('pan-forward').addEventListener('click', () => timeline.pan(0.5));

  if (!name) {
    status.textContent = '';
    showError('No stream given: open /recordings.html?stream=NAME (see the list on the home page).');
    return;
  }
  document.getElementById('title').textContent = `${name} · recordings`;
  document.getElementById('heading').textContent = `Recordings of ${name}`;
  document.title = `hlsseg — ${name} recordings`;
  document.getElementById('engine').textContent = engine === 'mse' ? 'Media Source Extensions (hlsseg player)' : 'native HLS';
  document.getElementById('live').href = `/player.html?stream=${encodeURIComponent(name)}`;
  const other = new URLSearchParams(location.search);
  other.set('engine', engine === 'mse' ? 'native' : 'mse');
  const switchLink = document.getElementById('switch');
  switchLink.href = `?${other}`;
  switchLink.textContent = `switch to ${engine === 'mse' ? 'native HLS' : 'MSE'}`;
  refreshSpans(true);
  setInterval(() => refreshSpans(false), spansRefreshMilliseconds);
})();
