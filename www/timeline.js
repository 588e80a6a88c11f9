// The recordings page's timeline: one horizontal bar over a window of one day, the recording's
// spans drawn to scale on it (gaps are the bar's background), local-time ticks below.
//
//   .timeline
//     .track          spans, the selection, the playhead and the pointer's line
//       .span …       one per recorded span in the window (data-index: its place in the list)
//       .selection
//       .playhead
//       .cursor
//     .ticks          labels at round local times
//
// It knows times as ms since the epoch and reports what the pointer does: hovering
// (onHover(ms, index of the span under it or -1, x in px) and onHover(null, -1, 0) on leaving),
// a click (onClick(ms)) and a drag (onSelect(startMs, endMs)). The wheel zooms around the pointer, a horizontal wheel (or shift +
// wheel) pans; zoomIn/zoomOut/pan/fit/wholeDay serve the page's buttons.
'use strict';

class HlssegTimeline {
  constructor(element, { onHover = () => {}, onClick = () => {}, onSelect = () => {} } = {}) {
    this.element = element;
    this.onHover = onHover;
    this.onClick = onClick;
    this.onSelect = onSelect;
    this.spans = [];               // [{start, end}] in ms, sorted
    this.day = { start: 0, end: 0 };
    this.view = { start: 0, end: 0 };
    this.selection = null;         // {start, end} or null
    this.playhead = null;          // ms or null
    this.drag = null;              // {x, time, moved} while a button is down
    element.classList.add('timeline');
    this.track = this.make('track', element);
    this.ticks = this.make('ticks', element);
    this.selectionBox = this.make('selection', this.track);
    this.playheadLine = this.make('playhead', this.track);
    this.cursorLine = this.make('cursor', this.track);
    this.track.addEventListener('pointerdown', (event) => this.pointerDown(event));
    this.track.addEventListener('pointermove', (event) => this.pointerMove(event));
    this.track.addEventListener('pointerup', (event) => this.pointerUp(event));
    this.track.addEventListener('pointerleave', () => { if (!this.drag) this.leave(); });
    this.track.addEventListener('wheel', (event) => this.wheel(event), { passive: false });
    new ResizeObserver(() => this.draw()).observe(this.track);
  }

  make(className, parent) {
    const div = document.createElement('div');
    div.className = className;
    parent.appendChild(div);
    return div;
  }

  // The day shown (its local midnight to the next) and the spans; the window fits the
  // recordings of that day.
  show(day, spans) {
    this.day = day;
    this.spans = spans;
    this.fit();
  }

  // New spans (a live recording grew) without moving the window.
  update(spans) {
    this.spans = spans;
    this.draw();
  }

  // The window: the day's recordings with a margin, at least `minimumViewMilliseconds`.
  fit() {
    const inDay = this.spans.filter((span) => span.end > this.day.start && span.start < this.day.end);
    if (inDay.length === 0) { this.wholeDay(); return; }
    const start = Math.max(inDay[0].start, this.day.start);
    const end = Math.min(inDay[inDay.length - 1].end, this.day.end);
    const margin = Math.max((end - start) * 0.04, 1000);
    this.setView(start - margin, end + margin);
  }

  wholeDay() { this.setView(this.day.start, this.day.end); }

  zoomIn(around) { this.zoom(0.5, around); }
  zoomOut(around) { this.zoom(2, around); }

  // Scales the window by `factor` keeping `around` (ms; default: the middle) where it is.
  zoom(factor, around) {
    const { start, end } = this.view;
    const at = around === undefined ? (start + end) / 2 : around;
    const length = Math.max((end - start) * factor, HlssegTimeline.minimumViewMilliseconds);
    const before = (at - start) / (end - start);
    this.setView(at - before * length, at - before * length + length);
  }

  // Moves the window by `fraction` of its length (negative: back).
  pan(fraction) {
    const shift = (this.view.end - this.view.start) * fraction;
    this.setView(this.view.start + shift, this.view.end + shift);
  }

  // Sets the window, kept inside the day and at least `minimumViewMilliseconds` long.
  setView(start, end) {
    const dayLength = this.day.end - this.day.start;
    let length = Math.min(Math.max(end - start, HlssegTimeline.minimumViewMilliseconds), dayLength);
    let from = Math.min(Math.max(start, this.day.start), this.day.end - length);
    this.view = { start: from, end: from + length };
    this.draw();
  }

  setSelection(selection) { this.selection = selection; this.draw(); }

  setPlayhead(ms) {
    this.playhead = ms;
    this.place(this.playheadLine, ms);
  }

  // Pixels from the track's left edge ↔ ms.
  xOf(ms) { return (ms - this.view.start) / (this.view.end - this.view.start) * this.track.clientWidth; }
  timeAtX(x) { return this.view.start + x / this.track.clientWidth * (this.view.end - this.view.start); }
  timeAt(event) { return this.timeAtX(event.clientX - this.track.getBoundingClientRect().left); }

  // The index of the span holding `ms`, or -1 (a gap).
  spanAt(ms) { return this.spans.findIndex((span) => span.start <= ms && ms < span.end); }

  place(line, ms) {
    const visible = ms !== null && ms >= this.view.start && ms <= this.view.end;
    line.hidden = !visible;
    if (visible) line.style.left = `${this.xOf(ms)}px`;
  }

  draw() {
    if (this.view.end <= this.view.start) return;
    for (const old of this.track.querySelectorAll('.span')) old.remove();
    const width = this.track.clientWidth;
    this.spans.forEach((span, index) => {
      if (span.end <= this.view.start || span.start >= this.view.end) return;
      const left = Math.max(this.xOf(span.start), 0);
      const right = Math.min(this.xOf(span.end), width);
      const div = document.createElement('div');
      div.className = 'span';
      div.dataset.index = String(index);
      div.style.left = `${left}px`;
      // A span shorter than a pixel at this zoom still shows (and can be hovered).
      div.style.width = `${Math.max(right - left, 2)}px`;
      this.track.insertBefore(div, this.selectionBox);
    });
    if (this.selection) {
      const left = Math.max(this.xOf(this.selection.start), 0);
      const right = Math.min(this.xOf(this.selection.end), width);
      this.selectionBox.hidden = right <= left;
      this.selectionBox.style.left = `${left}px`;
      this.selectionBox.style.width = `${Math.max(right - left, 1)}px`;
    } else {
      this.selectionBox.hidden = true;
    }
    this.place(this.playheadLine, this.playhead);
    this.drawTicks(width);
  }

  // Labels at round local times (aligned to the day's local midnight), about one per 100 px.
  drawTicks(width) {
    this.ticks.replaceChildren();
    const length = this.view.end - this.view.start;
    const wanted = length / Math.max(width / 100, 1);
    const step = HlssegTimeline.tickSteps.find((s) => s >= wanted) || HlssegTimeline.tickSteps[HlssegTimeline.tickSteps.length - 1];
    const withSeconds = step < 60000;
    const first = this.day.start + Math.ceil((this.view.start - this.day.start) / step) * step;
    for (let t = first; t <= this.view.end; t += step) {
      const tick = document.createElement('span');
      tick.style.left = `${this.xOf(t)}px`;
      tick.textContent = hlssegLocalTime(t, withSeconds);
      this.ticks.appendChild(tick);
    }
  }

  pointerDown(event) {
    if (event.button !== 0) return;
    this.track.setPointerCapture(event.pointerId);
    this.drag = { x: event.clientX, time: this.timeAt(event), moved: false };
  }

  pointerMove(event) {
    const time = this.timeAt(event);
    this.place(this.cursorLine, time);
    if (this.drag) {
      if (Math.abs(event.clientX - this.drag.x) > HlssegTimeline.dragThresholdPixels) this.drag.moved = true;
      if (this.drag.moved) this.setSelection({ start: Math.min(this.drag.time, time), end: Math.max(this.drag.time, time) });
    }
    this.onHover(time, this.spanAt(time), event.clientX - this.track.getBoundingClientRect().left);
  }

  pointerUp(event) {
    const drag = this.drag;
    this.drag = null;
    if (!drag) return;
    const time = this.timeAt(event);
    if (drag.moved) this.onSelect(Math.min(drag.time, time), Math.max(drag.time, time));
    else this.onClick(drag.time);
  }

  leave() {
    this.cursorLine.hidden = true;
    this.onHover(null, -1, 0);
  }

  wheel(event) {
    event.preventDefault();
    if (event.shiftKey || Math.abs(event.deltaX) > Math.abs(event.deltaY)) {
      this.pan(Math.sign(event.deltaX || event.deltaY) * 0.1);
    } else if (event.deltaY !== 0) {
      this.zoom(event.deltaY > 0 ? 1.25 : 0.8, this.timeAt(event));
    }
  }
}

// The narrowest window: ten seconds across the bar (a segment or two, still clickable).
HlssegTimeline.minimumViewMilliseconds = 10000;
// A press that moves more than this is a drag (a selection), not a click.
HlssegTimeline.dragThresholdPixels = 4;
HlssegTimeline.tickSteps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600]
  .map((seconds) => seconds * 1000);

// `ms` as a local time of day, hh:mm or hh:mm:ss.
function hlssegLocalTime(ms, withSeconds) {
  const date = new Date(ms);
  const two = (n) => String(n).padStart(2, '0');
  const clock = `${two(date.getHours())}:${two(date.getMinutes())}`;
  return withSeconds ? `${clock}:${two(date.getSeconds())}` : clock;
}

// The browser's UTC offset at `ms`, "UTC+05:30".
function hlssegUTCOffset(ms) {
  const minutes = -new Date(ms).getTimezoneOffset();
  const sign = minutes < 0 ? '-' : '+';
  const two = (n) => String(n).padStart(2, '0');
  return `UTC${sign}${two(Math.floor(Math.abs(minutes) / 60))}:${two(Math.abs(minutes) % 60)}`;
}
