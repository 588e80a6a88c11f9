"""Test clips the browser tests make with Debian's ffmpeg: a moving test pattern with a tone,
H.264 (yuv420p, what every browser decodes) and AAC."""
import subprocess


def make_clip(path, width, height, seconds, tone=440, gop=25, bframes=True, audio_args=(), sample_rate=44100):
    """Writes `seconds` of testsrc2 at `width`x`height`, 25 fps, a keyframe every `gop` frames,
    and a `tone` Hz sine in AAC at `sample_rate` to `path`."""
    video = ["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-g", str(gop)]
    if bframes:
        video += ["-bf", "2"]
    subprocess.run(
        ["ffmpeg", "-nostdin", "-hide_banner", "-v", "error", "-y",
         "-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate=25:duration={seconds}",
         "-f", "lavfi", "-i", f"sine=frequency={tone}:sample_rate={sample_rate}:duration={seconds}",
         *video, "-c:a", "aac", *audio_args, path],
        check=True)
