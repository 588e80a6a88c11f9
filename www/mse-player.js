// A small HLS player for fragmented-MP4 streams over Media Source Extensions.
//
// It loads the media playlist (or the first variant of a multivariant one), appends the
// init segment named by EXT-X-MAP and then the media segments in order to one SourceBuffer,
// reloads a live playlist as RFC 8216 §6.3.4 says (after a target duration when it changed,
// after half of one when it did not), starts a live stream three target durations from the
// end (§6.3.3), appends a new init segment when EXT-X-MAP changes (changeType() when the
// codecs do), and keeps the timeline continuous across EXT-X-DISCONTINUITY by moving
// timestampOffset so the next segment starts where the last one ended.
//
// Given `startDate` (ms since the epoch) it starts at the segment whose EXT-X-PROGRAM-DATE-TIME
// span holds that instant, seeks to it, and plays on from there without chasing the live edge
// (a time-range playlist of a recording). `dateAt(time)` is the wall-clock date of a
// presentation time, from the PROGRAM-DATE-TIME of the segment appended there.
'use strict';

const HLSSEG_MP4 = (() => {
  function u32(view, at) { return view.getUint32(at); }
  function type(view, at) {
    return String.fromCharCode(view.getUint8(at), view.getUint8(at + 1), view.getUint8(at + 2), view.getUint8(at + 3));
  }
  // Child boxes of [start, end): {type, start (of the body), end}.
  function* boxes(view, start, end) {
    let at = start;
    while (at + 8 <= end) {
      let size = u32(view, at);
      let header = 8;
      if (size === 1) { size = Number(view.getBigUint64(at + 8)); header = 16; } else if (size === 0) { size = end - at; }
      if (size < header || at + size > end) return;
      yield { type: type(view, at + 4), start: at + header, end: at + size };
      at += size;
    }
  }
  function child(view, box, name) {
    for (const b of boxes(view, box.start, box.end)) if (b.type === name) return b;
    return null;
  }
  function hex(byte) { return byte.toString(16).toUpperCase().padStart(2, '0'); }

  // Init segment → { codecs: ['avc1.64001F', 'mp4a.40.2'], timescales: {trackID: timescale} }.
  function parseInit(buffer) {
    const view = new DataView(buffer);
    const result = { codecs: [], timescales: {} };
    const moov = [...boxes(view, 0, view.byteLength)].find((b) => b.type === 'moov');
    if (!moov) throw new Error('init segment has no moov box');
    for (const trak of boxes(view, moov.start, moov.end)) {
      if (trak.type !== 'trak') continue;
      const tkhd = child(view, trak, 'tkhd');
      const mdia = child(view, trak, 'mdia');
      if (!tkhd || !mdia) continue;
      const trackID = u32(view, tkhd.start + (view.getUint8(tkhd.start) === 1 ? 20 : 12));
      const mdhd = child(view, mdia, 'mdhd');
      if (mdhd) result.timescales[trackID] = u32(view, mdhd.start + (view.getUint8(mdhd.start) === 1 ? 20 : 12));
      const stbl = child(view, child(view, mdia, 'minf') || mdia, 'stbl');
      const stsd = stbl && child(view, stbl, 'stsd');
      if (!stsd) continue;
      for (const entry of boxes(view, stsd.start + 8, stsd.end)) {
        if (['avc1', 'avc3'].includes(entry.type)) {
          const avcC = [...boxes(view, entry.start + 78, entry.end)].find((b) => b.type === 'avcC');
          if (avcC) result.codecs.push(`${entry.type}.${hex(view.getUint8(avcC.start + 1))}${hex(view.getUint8(avcC.start + 2))}${hex(view.getUint8(avcC.start + 3))}`);
        } else if (['hvc1', 'hev1'].includes(entry.type)) {
          result.codecs.push(entry.type);
        } else if (entry.type === 'mp4a') {
          let objectType = 2;
          const esds = [...boxes(view, entry.start + 28, entry.end)].find((b) => b.type === 'esds');
          if (esds) {
            for (let at = esds.start + 4; at < esds.end - 1; at++) {
              if (view.getUint8(at) !== 0x05) continue;
              let cursor = at + 1;
              while (cursor < esds.end && (view.getUint8(cursor) & 0x80)) cursor++;
              cursor++;
              if (cursor < esds.end) objectType = view.getUint8(cursor) >> 3 || 2;
              break;
            }
          }
          result.codecs.push(`mp4a.40.${objectType}`);
        }
      }
    }
    if (result.codecs.length === 0) throw new Error('init segment names no codec this player knows (H.264, HEVC, AAC)');
    return result;
  }

  // Media segment → earliest tfdt in seconds (using the init segment's timescales), or null.
  function fragmentStart(buffer, timescales) {
    const view = new DataView(buffer);
    let earliest = null;
    for (const moof of boxes(view, 0, view.byteLength)) {
      if (moof.type !== 'moof') continue;
      for (const traf of boxes(view, moof.start, moof.end)) {
        if (traf.type !== 'traf') continue;
        const tfhd = child(view, traf, 'tfhd');
        const tfdt = child(view, traf, 'tfdt');
        if (!tfhd || !tfdt) continue;
        const scale = timescales[u32(view, tfhd.start + 4)];
        if (!scale) continue;
        const time = view.getUint8(tfdt.start) === 1 ? Number(view.getBigUint64(tfdt.start + 4)) : u32(view, tfdt.start + 4);
        const seconds = time / scale;
        if (earliest === null || seconds < earliest) earliest = seconds;
      }
      break;
    }
    return earliest;
  }
  return { parseInit, fragmentStart };
})();

function hlssegParsePlaylist(text, baseURL) {
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  if (lines[0] !== '#EXTM3U') throw new Error('not an HLS playlist (first line is not #EXTM3U)');
  const playlist = { targetDuration: 0, mediaSequence: 0, endList: false, type: null, segments: [], variants: [] };
  let duration = null, discontinuity = false, map = null, streamInf = false, date = null;
  const uriOf = (line) => { const m = /URI="([^"]*)"/.exec(line); return m ? new URL(m[1], baseURL).href : null; };
  for (const line of lines.slice(1)) {
    if (!line) continue;
    if (line.startsWith('#EXT-X-TARGETDURATION:')) playlist.targetDuration = parseFloat(line.slice(22));
    else if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) playlist.mediaSequence = parseInt(line.slice(22), 10);
    else if (line.startsWith('#EXT-X-PLAYLIST-TYPE:')) playlist.type = line.slice(21);
    else if (line === '#EXT-X-ENDLIST') playlist.endList = true;
    else if (line.startsWith('#EXTINF:')) duration = parseFloat(line.slice(8));
    else if (line === '#EXT-X-DISCONTINUITY') discontinuity = true;
    else if (line.startsWith('#EXT-X-MAP:')) map = uriOf(line);
    else if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) date = Date.parse(line.slice(25));
    else if (line.startsWith('#EXT-X-STREAM-INF:')) streamInf = true;
    else if (!line.startsWith('#')) {
      const uri = new URL(line, baseURL).href;
      if (streamInf) { playlist.variants.push(uri); streamInf = false; continue; }
      if (duration === null) throw new Error(`segment ${line} has no #EXTINF`);
      // A segment without its own PROGRAM-DATE-TIME follows the previous one (RFC 8216
      // §4.3.2.6), unless a discontinuity separates them: then its date is unknown (null).
      const previous = playlist.segments[playlist.segments.length - 1];
      if (date === null && previous && previous.date !== null && !discontinuity) date = previous.date + previous.duration * 1000;
      if (Number.isNaN(date)) date = null;
      playlist.segments.push({ uri, duration, discontinuity, map, date, sequence: playlist.mediaSequence + playlist.segments.length });
      duration = null;
      discontinuity = false;
      date = null;
    }
  }
  return playlist;
}

class HlssegMSEPlayer {
  constructor(video, url, { onError = () => {}, onInfo = () => {}, startDate = null } = {}) {
    this.video = video;
    this.url = url;
    this.onError = onError;
    this.onInfo = onInfo;
    this.startDate = startDate;  // ms since the epoch, or null: the start rules of RFC 8216 §6.3.3
    this.dated = [];            // appended segments: {start, end} presentation seconds, date (ms)
    this.stopped = false;
    this.playlist = null;
    this.sourceBuffer = null;
    this.currentMap = null;
    this.codecs = null;
    this.timescales = {};
    this.lastEnd = null;        // presentation time where the last appended segment ends
    this.appended = 0;
    this.reloads = 0;
    this.lastLoadStart = 0;
    this.lastText = null;
  }

  static supported() {
    return typeof window.MediaSource !== 'undefined' || typeof window.ManagedMediaSource !== 'undefined';
  }

  async start() {
    const MS = window.MediaSource || window.ManagedMediaSource;
    this.mediaSource = new MS();
    this.video.disableRemotePlayback = true;
    this.video.src = URL.createObjectURL(this.mediaSource);
    await new Promise((resolve) => this.mediaSource.addEventListener('sourceopen', resolve, { once: true }));
    this.watchdog = setInterval(() => this.tick(), 500);
    try {
      await this.run();
    } catch (error) {
      if (!this.stopped) this.onError(error.message || String(error));
    }
  }

  stop() {
    this.stopped = true;
    clearInterval(this.watchdog);
  }

  async fetchBytes(url, kind) {
    let lastError = null;
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const response = await fetch(url);
        if (response.status === 404 && kind === 'segment') return null;  // slid out of a live window
        if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
        return await response.arrayBuffer();
      } catch (error) {
        lastError = error;
        await this.sleep(500 * (attempt + 1));
      }
    }
    throw new Error(`could not load the ${kind}: ${lastError.message}`);
  }

  // Loads (or reloads) the playlist; returns true when it changed.
  async loadPlaylist() {
    this.lastLoadStart = performance.now();
    const response = await fetch(this.url, { cache: 'no-cache' });
    if (!response.ok) throw new Error(`GET ${this.url}: HTTP ${response.status}`);
    const text = await response.text();
    let playlist = hlssegParsePlaylist(text, response.url);
    if (playlist.variants.length > 0) {
      this.url = playlist.variants[0];
      return this.loadPlaylist();
    }
    if (playlist.segments.length === 0 && !playlist.endList) {
      this.playlist = playlist;
      return text !== this.lastText;
    }
    const changed = text !== this.lastText;
    this.lastText = text;
    this.playlist = playlist;
    this.reloads++;
    return changed;
  }

  isLive() { return this.playlist && !this.playlist.endList && this.playlist.type !== 'VOD'; }

  // RFC 8216 §6.3.3: a live stream starts no closer than three target durations to the end.
  // With a start date: the segment holding it, else the first one after it, else the last.
  startSequence() {
    const segments = this.playlist.segments;
    if (this.startDate !== null && segments.length > 0) {
      const holding = segments.find((s) => s.date !== null && s.date + s.duration * 1000 > this.startDate);
      return (holding || segments[segments.length - 1]).sequence;
    }
    if (!this.isLive() || segments.length === 0) return segments.length ? segments[0].sequence : this.playlist.mediaSequence;
    let total = 0, index = segments.length;
    while (index > 0 && total < 3 * this.playlist.targetDuration) total += segments[--index].duration;
    return segments[index].sequence;
  }

  async run() {
    let changed = await this.loadPlaylist();
    while (!this.stopped && this.playlist.segments.length === 0 && !this.playlist.endList) {
      await this.waitForReload(changed);
      changed = await this.loadPlaylist();
    }
    let next = this.startSequence();
    while (!this.stopped) {
      const first = this.playlist.segments.length ? this.playlist.segments[0].sequence : this.playlist.mediaSequence;
      if (next < first) {
        // Fell out of the live window: rejoin at the live edge.
        this.onInfo(`fell behind the live window; jumping from #${next} to the live edge`);
        next = this.startSequence();
        this.jumped = true;
      }
      const segment = this.playlist.segments.find((s) => s.sequence === next);
      if (segment) {
        await this.waitForBufferRoom();
        await this.appendSegment(segment);
        next++;
        continue;
      }
      if (this.playlist.endList) {
        await this.whenIdle();
        if (this.mediaSource.readyState === 'open') this.mediaSource.endOfStream();
        return;
      }
      await this.waitForReload(changed);
      changed = await this.loadPlaylist();
    }
  }

  async waitForReload(changed) {
    const target = Math.max(this.playlist.targetDuration, 1) * 1000;
    const wait = (changed ? target : target / 2) - (performance.now() - this.lastLoadStart);
    if (wait > 0) await this.sleep(wait);
  }

  async waitForBufferRoom() {
    // Keep at most 30 s ahead of the play position (an ended stream could be hours long).
    while (!this.stopped && this.lastEnd !== null && this.lastEnd - this.video.currentTime > 30) await this.sleep(500);
  }

  async appendSegment(segment) {
    if (segment.map && segment.map !== this.currentMap) await this.switchInit(segment.map);
    const bytes = await this.fetchBytes(segment.uri, 'segment');
    if (bytes === null) { this.onInfo(`segment #${segment.sequence} is gone (404); skipped`); return; }
    const start = HLSSEG_MP4.fragmentStart(bytes, this.timescales);
    if (start !== null) {
      if (this.lastEnd === null || this.jumped) {
        const first = this.lastEnd === null;
        if (first) this.sourceBuffer.timestampOffset = 0;
        this.jumped = false;
        // Into the first segment up to the start date (when it lies inside that segment).
        const into = first && this.startDate !== null && segment.date !== null
          ? Math.min(Math.max((this.startDate - segment.date) / 1000, 0), segment.duration) : 0;
        this.seekTo = start + this.sourceBuffer.timestampOffset + into;
      } else if (segment.discontinuity || Math.abs(start + this.sourceBuffer.timestampOffset - this.lastEnd) > 1.0) {
        // A discontinuity (or timestamps that jump): continue the timeline where it ended.
        await this.whenIdle();
        this.sourceBuffer.timestampOffset = this.lastEnd - start;
      }
      this.lastEnd = start + this.sourceBuffer.timestampOffset + segment.duration;
      if (segment.date !== null) {
        this.dated.push({ start: this.lastEnd - segment.duration, end: this.lastEnd, date: segment.date });
        if (this.dated.length > HlssegMSEPlayer.maximumDatedSegments) this.dated.shift();
      }
    }
    await this.append(bytes);
    this.appended++;
    if (this.seekTo !== undefined && this.seekTo !== null && !this.stopped) {
      this.video.currentTime = this.seekTo + 0.01;
      this.seekTo = null;
      const played = this.video.play();
      if (played) played.catch((error) => this.onInfo(`autoplay was refused (${error.message}); press play`));
    }
  }

  async switchInit(mapURI) {
    const bytes = await this.fetchBytes(mapURI, 'init segment');
    const info = HLSSEG_MP4.parseInit(bytes);
    const mime = `video/mp4; codecs="${info.codecs.join(',')}"`;
    const MS = window.MediaSource || window.ManagedMediaSource;
    if (!MS.isTypeSupported(mime)) throw new Error(`this browser cannot play ${mime}`);
    if (!this.sourceBuffer) {
      this.sourceBuffer = this.mediaSource.addSourceBuffer(mime);
      this.sourceBuffer.mode = 'segments';
    } else if (mime !== this.mime) {
      await this.whenIdle();
      if (typeof this.sourceBuffer.changeType !== 'function') throw new Error('the codecs changed and this browser has no SourceBuffer.changeType()');
      this.sourceBuffer.changeType(mime);
    }
    this.mime = mime;
    this.codecs = info.codecs;
    this.timescales = info.timescales;
    this.currentMap = mapURI;
    await this.append(bytes);
  }

  // The date (ms since the epoch) at presentation time `time`, or null when no appended
  // segment with a PROGRAM-DATE-TIME holds it.
  dateAt(time) {
    for (let i = this.dated.length - 1; i >= 0; i--) {
      const segment = this.dated[i];
      if (segment.start <= time + 0.001) return time < segment.end + 0.5 ? segment.date + (time - segment.start) * 1000 : null;
    }
    return null;
  }

  whenIdle() {
    if (!this.sourceBuffer || !this.sourceBuffer.updating) return Promise.resolve();
    return new Promise((resolve) => this.sourceBuffer.addEventListener('updateend', resolve, { once: true }));
  }

  async append(bytes) {
    for (let attempt = 0; ; attempt++) {
      await this.whenIdle();
      try {
        await new Promise((resolve, reject) => {
          const done = () => { cleanup(); resolve(); };
          const failed = () => { cleanup(); reject(new Error('the browser could not decode the appended media (SourceBuffer error)')); };
          const cleanup = () => {
            this.sourceBuffer.removeEventListener('updateend', done);
            this.sourceBuffer.removeEventListener('error', failed);
          };
          this.sourceBuffer.addEventListener('updateend', done);
          this.sourceBuffer.addEventListener('error', failed);
          this.sourceBuffer.appendBuffer(bytes);
        });
        return;
      } catch (error) {
        if (error.name !== 'QuotaExceededError' || attempt > 2) throw error;
        await this.trim(10);
      }
    }
  }

  // Removes what lies more than `keep` seconds behind the play position.
  async trim(keep) {
    const end = this.video.currentTime - keep;
    if (!this.sourceBuffer || end <= 0) return;
    await this.whenIdle();
    this.sourceBuffer.remove(0, end);
    await this.whenIdle();
  }

  tick() {
    const video = this.video;
    if (this.stopped || !this.sourceBuffer) return;
    const ranges = video.buffered;
    const now = video.currentTime;
    // Stalled before a small hole in the buffer (e.g. after a discontinuity): step over it.
    if (video.readyState < 3 && !video.paused) {
      for (let i = 0; i < ranges.length; i++) {
        if (ranges.start(i) > now && ranges.start(i) - now < 2) { video.currentTime = ranges.start(i) + 0.01; return; }
      }
    }
    // Far behind a live edge (the tab slept): rejoin three target durations from the end;
    // not when asked to play from a date, which may lie far behind the edge.
    if (this.isLive() && this.startDate === null && ranges.length) {
      const end = ranges.end(ranges.length - 1);
      const target = Math.max(this.playlist.targetDuration, 1);
      if (end - now > 6 * target + 10) video.currentTime = end - 3 * target;
    }
    if (!this.sourceBuffer.updating && now > 60 && ranges.length && ranges.start(0) < now - 60) {
      this.sourceBuffer.remove(0, now - 30);
    }
  }

  sleep(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }
}

// Dated segments remembered for dateAt(): hours of 2-s segments, far more than the 30 s kept
// behind the play position.
HlssegMSEPlayer.maximumDatedSegments = 4096;
