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
  // Child boxes of [start, end): {type, at (of the header), start (of the body), end}.
  function* boxes(view, start, end) {
    let at = start;
    while (at + 8 <= end) {
      let size = u32(view, at);
      let header = 8;
      if (size === 1) { size = Number(view.getBigUint64(at + 8)); header = 16; } else if (size === 0) { size = end - at; }
      if (size < header || at + size > end) return;
      yield { type: type(view, at + 4), at, start: at + header, end: at + size };
      at += size;
    }
  }
  function child(view, box, name) {
    for (const b of boxes(view, box.start, box.end)) if (b.type === name) return b;
    return null;
  }
  function hex(byte) { return byte.toString(16).toUpperCase().padStart(2, '0'); }

  // One descriptor of an esds at `at`: {tag, start (of the body), end}, or null.
  function descriptor(view, at, end) {
    if (at >= end) return null;
    const tag = view.getUint8(at);
    let size = 0, cursor = at + 1;
    for (let i = 0; i < 4 && cursor < end; i++) {
      const byte = view.getUint8(cursor++);
      size = size * 128 + (byte & 0x7f);
      if (!(byte & 0x80)) break;
    }
    return cursor + size <= end ? { tag, start: cursor, end: cursor + size } : null;
  }

  // RFC 6381 for an mp4a entry: mp4a.40.<audio object type> for MPEG-4 Audio (AAC), else
  // mp4a.<objectTypeIndication in hex> (mp4a.6B MPEG-1 and mp4a.69 MPEG-2 Layer III: MP3).
  function mp4aCodec(view, esds) {
    const es = descriptor(view, esds.start + 4, esds.end);
    if (!es || es.tag !== 3) return 'mp4a.40.2';
    const flags = view.getUint8(es.start + 2);
    let at = es.start + 3 + (flags & 0x80 ? 2 : 0);  // ES_ID, flags, dependsOn_ES_ID
    if (flags & 0x40) at += 1 + view.getUint8(at);   // URL
    if (flags & 0x20) at += 2;                        // OCR_ES_Id
    for (let d = descriptor(view, at, es.end); d; d = descriptor(view, d.end, es.end)) {
      if (d.tag !== 4) continue;
      const objectType = view.getUint8(d.start);
      if (objectType !== 0x40) return `mp4a.${hex(objectType)}`;
      const info = descriptor(view, d.start + 13, d.end);
      const audioObjectType = info && info.tag === 5 && info.end > info.start ? view.getUint8(info.start) >> 3 : 0;
      return `mp4a.40.${audioObjectType || 2}`;
    }
    return 'mp4a.40.2';
  }

  // ISO/IEC 14496-15 Annex E for an hvcC at `at`: hvc1.<space><profile>.<compatibility flags,
  // bits reversed, hex>.<L|H><level>.<constraint bytes, trailing zero bytes left out>.
  function hevcCodec(view, type, at) {
    const byte = view.getUint8(at + 1);
    const space = ['', 'A', 'B', 'C'][byte >> 6];
    let flags = view.getUint32(at + 2), reversed = 0;
    for (let i = 0; i < 32; i++) { reversed = (reversed * 2) + (flags & 1); flags >>>= 1; }
    const constraints = [];
    for (let i = 0; i < 6; i++) constraints.push(view.getUint8(at + 6 + i));
    while (constraints.length && constraints[constraints.length - 1] === 0) constraints.pop();
    const tier = byte & 0x20 ? 'H' : 'L';
    const parts = [type, `${space}${byte & 0x1f}`, reversed.toString(16).toUpperCase(), `${tier}${view.getUint8(at + 12)}`];
    return parts.concat(constraints.map((c) => c.toString(16).toUpperCase())).join('.');
  }

  // Init segment → { codecs: ['avc1.64001F', 'mp4a.40.2'], timescales: {trackID: timescale},
  // tracks: [{id, codec}] }.
  function parseInit(buffer) {
    const view = new DataView(buffer);
    const result = { codecs: [], timescales: {}, tracks: [] };
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
          const hvcC = [...boxes(view, entry.start + 78, entry.end)].find((b) => b.type === 'hvcC');
          result.codecs.push(hvcC && hvcC.end - hvcC.start >= 13 ? hevcCodec(view, entry.type, hvcC.start) : entry.type);
        } else if (entry.type === 'mp4a') {
          const esds = [...boxes(view, entry.start + 28, entry.end)].find((b) => b.type === 'esds');
          result.codecs.push(esds ? mp4aCodec(view, esds) : 'mp4a.40.2');
        } else if (entry.type === 'Opus') {
          result.codecs.push('opus');
        } else {
          continue;
        }
        result.tracks.push({ id: trackID, codec: result.codecs[result.codecs.length - 1] });
      }
    }
    if (result.codecs.length === 0) throw new Error('init segment names no codec this player knows (H.264, H.265, AAC, MP3, Opus)');
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
  function concat(parts) {
    const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
    let at = 0;
    for (const part of parts) { out.set(part, at); at += part.byteLength; }
    return out;
  }

  // A box of `type` around `parts` (Uint8Arrays), with an 8-byte header.
  function makeBox(boxType, parts) {
    const body = concat(parts);
    const out = new Uint8Array(8 + body.byteLength);
    new DataView(out.buffer).setUint32(0, out.byteLength);
    for (let i = 0; i < 4; i++) out[4 + i] = boxType.charCodeAt(i);
    out.set(body, 8);
    return out;
  }

  // The init segment without track `trackID`: its trak and its trex left out of the moov.
  function initWithoutTrack(buffer, trackID) {
    const view = new DataView(buffer), bytes = new Uint8Array(buffer), out = [];
    const whole = (b) => bytes.subarray(b.at, b.end);
    for (const top of boxes(view, 0, view.byteLength)) {
      if (top.type !== 'moov') { out.push(whole(top)); continue; }
      const children = [];
      for (const b of boxes(view, top.start, top.end)) {
        if (b.type === 'trak') {
          const tkhd = child(view, b, 'tkhd');
          if (tkhd && u32(view, tkhd.start + (view.getUint8(tkhd.start) === 1 ? 20 : 12)) === trackID) continue;
        } else if (b.type === 'mvex') {
          const kept = [...boxes(view, b.start, b.end)].filter((e) => e.type !== 'trex' || u32(view, e.start + 4) !== trackID);
          children.push(makeBox('mvex', kept.map(whole)));
          continue;
        }
        children.push(whole(b));
      }
      out.push(makeBox('moov', children));
    }
    return concat(out).buffer;
  }

  // A media segment split in two: `rest`, the segment without track `trackID` (its traf left
  // out of each moof, the other truns' data offsets moved by as many bytes; its samples stay
  // in the mdat, unreferenced), and `samples`, that track's samples back to back (for MP3,
  // the plain MPEG audio stream a SourceBuffer of type audio/mpeg takes), starting at `start`
  // seconds (tfdt / timescale; null when the segment has none of them).
  function splitTrack(buffer, trackID, timescale) {
    const view = new DataView(buffer), bytes = new Uint8Array(buffer), out = [], samples = [];
    let start = null;
    for (const top of boxes(view, 0, view.byteLength)) {
      if (top.type !== 'moof') { out.push(bytes.subarray(top.at, top.end)); continue; }
      const trafs = [...boxes(view, top.start, top.end)];
      const removed = trafs.find((b) => b.type === 'traf' && child(view, b, 'tfhd') && u32(view, child(view, b, 'tfhd').start + 4) === trackID);
      if (!removed) { out.push(bytes.subarray(top.at, top.end)); continue; }
      const tfhd = child(view, removed, 'tfhd');
      const tfdt = child(view, removed, 'tfdt');
      if (tfdt && start === null) {
        const time = view.getUint8(tfdt.start) === 1 ? Number(view.getBigUint64(tfdt.start + 4)) : u32(view, tfdt.start + 4);
        start = time / timescale;
      }
      const tfhdFlags = u32(view, tfhd.start) & 0xffffff;
      let at = tfhd.start + 8 + (tfhdFlags & 0x1 ? 8 : 0) + (tfhdFlags & 0x2 ? 4 : 0) + (tfhdFlags & 0x8 ? 4 : 0);
      const defaultSize = tfhdFlags & 0x10 ? u32(view, at) : 0;
      for (const trun of boxes(view, removed.start, removed.end)) {
        if (trun.type !== 'trun') continue;
        const flags = u32(view, trun.start) & 0xffffff, count = u32(view, trun.start + 4);
        let cursor = trun.start + 8;
        let offset = top.at + (flags & 0x1 ? view.getInt32(cursor) : 0);
        cursor += (flags & 0x1 ? 4 : 0) + (flags & 0x4 ? 4 : 0);
        for (let i = 0; i < count; i++) {
          if (flags & 0x100) cursor += 4;
          const size = flags & 0x200 ? u32(view, cursor) : defaultSize;
          if (flags & 0x200) cursor += 4;
          cursor += (flags & 0x400 ? 4 : 0) + (flags & 0x800 ? 4 : 0);
          if (offset + size <= view.byteLength) samples.push(bytes.subarray(offset, offset + size));
          offset += size;
        }
      }
      const shrink = removed.end - removed.at;
      const kept = [];
      for (const b of trafs) {
        if (b === removed) continue;
        const copy = bytes.slice(b.at, b.end);
        if (b.type === 'traf') {
          const copyView = new DataView(copy.buffer);
          for (const trun of boxes(copyView, b.start - b.at, copy.byteLength)) {
            if (trun.type === 'trun' && (copyView.getUint32(trun.start) & 0x1)) {
              copyView.setInt32(trun.start + 8, copyView.getInt32(trun.start + 8) - shrink);
            }
          }
        }
        kept.push(copy);
      }
      out.push(makeBox('moof', kept));
    }
    return { rest: concat(out).buffer, samples: concat(samples), start };
  }

  return { parseInit, fragmentStart, initWithoutTrack, splitTrack };
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
    this.audioBuffer = null;    // MP3 where MSE has no MP3 in MP4: a SourceBuffer of type audio/mpeg
    this.splitAudio = null;     // {trackID, timescale} of that MP3 track
    this.currentMap = null;
    this.codecs = null;
    this.timescales = {};
    this.lastEnd = null;        // presentation time where the last appended segment ends
    this.offset = 0;            // seconds added to the segments' times (timestampOffset)
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
        for (const buffer of this.buffers()) await this.whenIdle(buffer);
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
        if (first) this.offset = 0;
        this.jumped = false;
        // Into the first segment up to the start date (when it lies inside that segment).
        const into = first && this.startDate !== null && segment.date !== null
          ? Math.min(Math.max((this.startDate - segment.date) / 1000, 0), segment.duration) : 0;
        this.seekTo = start + this.offset + into;
      } else if (segment.discontinuity || Math.abs(start + this.offset - this.lastEnd) > 1.0) {
        // A discontinuity (or timestamps that jump): continue the timeline where it ended.
        this.offset = this.lastEnd - start;
      }
      this.lastEnd = start + this.offset + segment.duration;
      if (segment.date !== null) {
        this.dated.push({ start: this.lastEnd - segment.duration, end: this.lastEnd, date: segment.date });
        if (this.dated.length > HlssegMSEPlayer.maximumDatedSegments) this.dated.shift();
      }
    }
    if (this.splitAudio) {
      // MP3 goes to its own SourceBuffer (audio/mpeg), placed on the same timeline.
      const split = HLSSEG_MP4.splitTrack(bytes, this.splitAudio.trackID, this.splitAudio.timescale);
      if (this.audioBuffer !== this.sourceBuffer) await this.appendAt(split.rest, this.sourceBuffer, this.offset);
      if (split.samples.byteLength && split.start !== null) await this.appendAt(split.samples, this.audioBuffer, split.start + this.offset);
    } else {
      await this.appendAt(bytes, this.sourceBuffer, this.offset);
    }
    this.appended++;
    if (this.seekTo !== undefined && this.seekTo !== null && !this.stopped) {
      this.video.currentTime = this.seekTo + 0.01;
      this.seekTo = null;
      const played = this.video.play();
      if (played) played.catch((error) => this.onInfo(`autoplay was refused (${error.message}); press play`));
    }
  }

  async switchInit(mapURI) {
    let bytes = await this.fetchBytes(mapURI, 'init segment');
    const info = HLSSEG_MP4.parseInit(bytes);
    const MS = window.MediaSource || window.ManagedMediaSource;
    // Name the codec the browser cannot decode, in words, rather than fail at the first append.
    const unplayable = HlssegCodecs.unplayable(info.codecs, 'mse');
    if (unplayable.length) throw new Error(unplayable.map(HlssegCodecs.message).join(' '));
    // MP3 in MP4 where MSE takes MP3 only as a plain MPEG audio stream (Chromium): the MP3
    // track leaves the init and the segments and is appended to a SourceBuffer of its own.
    const mp3 = info.tracks.find((t) => HlssegCodecs.name(t.codec) === 'MP3' && !MS.isTypeSupported(HlssegCodecs.mime([t.codec])));
    if (mp3) {
      if (this.sourceBuffer && !this.audioBuffer) throw new Error('The stream changed to MP3 audio mid-way; this browser plays MP3 only from the start of a stream.');
      bytes = HLSSEG_MP4.initWithoutTrack(bytes, mp3.id);
      this.splitAudio = { trackID: mp3.id, timescale: info.timescales[mp3.id] };
    } else {
      this.splitAudio = null;
    }
    const codecs = info.codecs.filter((codec) => !mp3 || codec !== mp3.codec);
    const mime = codecs.length ? HlssegCodecs.mime(codecs) : null;
    if (mime && !MS.isTypeSupported(mime)) throw new Error(`This browser cannot play ${HlssegCodecs.describe(codecs)} together (${mime}).`);
    if (mp3 && !this.audioBuffer) {
      if (this.sourceBuffer) throw new Error('The stream changed to MP3 audio mid-way; this browser plays MP3 only from the start of a stream.');
      this.audioBuffer = this.mediaSource.addSourceBuffer('audio/mpeg');
      this.audioBuffer.mode = 'sequence';  // a stream without timestamps: timestampOffset places each append
    }
    if (!mime) {
      // MP3 only: the audio/mpeg SourceBuffer is the only one, and it takes no init segment.
      if (this.sourceBuffer && this.sourceBuffer !== this.audioBuffer) throw new Error('The stream changed to MP3 audio only mid-way; this browser cannot follow.');
      this.sourceBuffer = this.audioBuffer;
      this.codecs = info.codecs;
      this.timescales = info.timescales;
      this.currentMap = mapURI;
      return;
    }
    if (this.sourceBuffer === this.audioBuffer && this.audioBuffer) throw new Error('The stream changed from MP3 audio only mid-way; this browser cannot follow.');
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

  // Resolves when `buffer` (the main SourceBuffer by default) is not updating.
  whenIdle(buffer = this.sourceBuffer) {
    if (!buffer || !buffer.updating) return Promise.resolve();
    return new Promise((resolve) => buffer.addEventListener('updateend', resolve, { once: true }));
  }

  // Every SourceBuffer: the main one, and the MP3 one when the stream needs it.
  buffers() { return [...new Set([this.sourceBuffer, this.audioBuffer])].filter(Boolean); }

  // Appends `bytes` to `buffer` with its timestampOffset set to `offset` seconds.
  async appendAt(bytes, buffer, offset) {
    await this.whenIdle(buffer);
    if (buffer.timestampOffset !== offset) buffer.timestampOffset = offset;
    await this.append(bytes, buffer);
  }

  async append(bytes, buffer = this.sourceBuffer) {
    for (let attempt = 0; ; attempt++) {
      await this.whenIdle(buffer);
      try {
        await new Promise((resolve, reject) => {
          const done = () => { cleanup(); resolve(); };
          const failed = () => { cleanup(); reject(new Error('the browser could not decode the appended media (SourceBuffer error)')); };
          const cleanup = () => {
            buffer.removeEventListener('updateend', done);
            buffer.removeEventListener('error', failed);
          };
          buffer.addEventListener('updateend', done);
          buffer.addEventListener('error', failed);
          buffer.appendBuffer(bytes);
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
    for (const buffer of this.buffers()) {
      await this.whenIdle(buffer);
      buffer.remove(0, end);
      await this.whenIdle(buffer);
    }
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
    if (now > 60 && ranges.length && ranges.start(0) < now - 60) {
      for (const buffer of this.buffers()) if (!buffer.updating) buffer.remove(0, now - 30);
    }
  }

  sleep(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }
}

// Dated segments remembered for dateAt(): hours of 2-s segments, far more than the 30 s kept
// behind the play position.
HlssegMSEPlayer.maximumDatedSegments = 4096;
