// The wall-clock date at a native HLS <video>'s playhead, for browsers whose <video> does not
// tell it (Chromium has no getStartDate()). It reads the same playlist the video plays: the
// browser lays the segments end to end from time 0, so the segment at `currentTime` is found
// by adding up EXTINF durations, and its EXT-X-PROGRAM-DATE-TIME gives the date. A playlist
// without ENDLIST (EVENT, growing) is read again when the playhead nears its known end.
'use strict';

class HlssegPlaylistClock {
  constructor(url) {
    this.url = url;
    this.segments = [];        // {start (s from time 0), duration, date (ms or null)}
    this.ended = false;
    this.loading = null;
    this.lastLoad = 0;
  }

  async load() {
    this.lastLoad = performance.now();
    const response = await fetch(this.url, { cache: 'no-cache' });
    if (!response.ok) throw new Error(`GET ${this.url}: HTTP ${response.status}`);
    const playlist = hlssegParsePlaylist(await response.text(), response.url);
    let start = 0;
    this.segments = playlist.segments.map((segment) => {
      const placed = { start, duration: segment.duration, date: segment.date };
      start += segment.duration;
      return placed;
    });
    this.ended = playlist.endList;
  }

  // Loads the playlist again (at most once per `reloadMilliseconds`) when `time` is near
  // the end of what is known and more may come.
  refresh(time) {
    const last = this.segments[this.segments.length - 1];
    const near = !last || time > last.start - last.duration;
    if (this.ended || !near || this.loading || performance.now() - this.lastLoad < HlssegPlaylistClock.reloadMilliseconds) return;
    this.loading = this.load().catch(() => {}).finally(() => { this.loading = null; });
  }

  // The date (ms since the epoch) at `time` seconds, or null when no dated segment holds it.
  dateAt(time) {
    this.refresh(time);
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const segment = this.segments[i];
      if (segment.start <= time + 0.001) {
        if (segment.date === null || time > segment.start + segment.duration + 0.5) return null;
        return segment.date + (time - segment.start) * 1000;
      }
    }
    return null;
  }

  // The time (s) at which the video shows `date` (ms), or null when no segment holds it.
  timeOf(date) {
    const segment = this.segments.find((s) => s.date !== null && s.date <= date && date < s.date + s.duration * 1000);
    return segment ? segment.start + (date - segment.date) / 1000 : null;
  }
}

HlssegPlaylistClock.reloadMilliseconds = 2000;
