// RFC 6381 codec strings in plain words, and whether this browser can decode them.
//
// `HlssegCodecs.name('hvc1.1.6.L93.B0')` is 'H.265', `kind` says video or audio;
// `unplayable(codecs, engine)` lists the codecs the browser says it cannot decode:
// MediaSource.isTypeSupported for our MSE player, video.canPlayType for native HLS
// (where an empty answer means no); `message(codec)` is the sentence the player shows.
'use strict';

const HlssegCodecs = (() => {
  // [prefix, name, kind]; the first prefix that matches wins.
  const known = [
    ['avc1', 'H.264', 'video'], ['avc3', 'H.264', 'video'],
    ['hvc1', 'H.265', 'video'], ['hev1', 'H.265', 'video'],
    ['vp09', 'VP9', 'video'], ['av01', 'AV1', 'video'],
    ['mp4a.40', 'AAC', 'audio'], ['mp4a.6B', 'MP3', 'audio'], ['mp4a.6b', 'MP3', 'audio'], ['mp4a.69', 'MP3', 'audio'],
    ['opus', 'Opus', 'audio'], ['Opus', 'Opus', 'audio'], ['flac', 'FLAC', 'audio'],
    ['ac-3', 'AC-3', 'audio'], ['ec-3', 'E-AC-3', 'audio'],
  ];
  function entry(codec) { return known.find(([prefix]) => codec === prefix || codec.startsWith(prefix + '.')); }
  function name(codec) { const found = entry(codec); return found ? found[1] : codec; }
  function kind(codec) { const found = entry(codec); return found ? found[2] : null; }
  function mime(codecs) { return `video/mp4; codecs="${codecs.join(',')}"`; }

  // 'supported', 'unsupported' or 'unknown' (the engine has no way to ask).
  function support(codec, engine, video) {
    if (engine === 'mse') {
      const MS = window.MediaSource || window.ManagedMediaSource;
      if (!MS || typeof MS.isTypeSupported !== 'function') return 'unknown';
      if (MS.isTypeSupported(mime([codec]))) return 'supported';
      // Our MSE player carries MP3 in a SourceBuffer of its own when MSE has no MP3 in MP4.
      return name(codec) === 'MP3' && MS.isTypeSupported('audio/mpeg') ? 'supported' : 'unsupported';
    }
    const element = video || document.createElement('video');
    return element.canPlayType(mime([codec])) === '' ? 'unsupported' : 'supported';
  }

  function unplayable(codecs, engine, video) {
    return codecs.filter((codec) => support(codec, engine, video) === 'unsupported');
  }

  // "This browser cannot play H.265 video (hvc1.1.6.L93.B0)."
  function message(codec) {
    const what = kind(codec) ? `${name(codec)} ${kind(codec)}` : `the codec`;
    return `This browser cannot play ${what} (${codec}).`;
  }

  // "H.264, MP3" for a list of codec strings.
  function describe(codecs) { return codecs.map(name).join(', '); }

  return { name, kind, mime, support, unplayable, message, describe };
})();
