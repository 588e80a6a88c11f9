"""A live stream for the browser tests: `hlsseg serve` with its RTMP listener, and ffmpeg
publishing a clip to it at real time with the audio re-encoded as a camera would send it."""
import os
import subprocess

from test_player import HLSSEG, REPO, free_port, get, wait_for


class PublishedStream:
    """Starts the server under `work` and publishes `clip` as `stream`, its video copied and its
    audio encoded with `audio_args` (e.g. `-c:a pcm_mulaw -ar 8000 -ac 1`); returns once the
    stream's playlist lists a segment. `base` is the server's URL."""

    def __init__(self, work, clip, stream, audio_args):
        port = free_port()
        rtmp_port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        self.server = subprocess.Popen(
            [HLSSEG, "serve", "--root", os.path.join(work, "streams"), "--http-port", str(port),
             "--rtmp-port", str(rtmp_port), "--rtmp-host", "127.0.0.1", "--www", os.path.join(REPO, "www")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for("the server", lambda: get(self.base + "/healthz"), 20)
        self.publisher = subprocess.Popen(
            ["ffmpeg", "-nostdin", "-hide_banner", "-v", "error", "-re", "-i", clip, "-c:v", "copy", *audio_args,
             "-f", "flv", f"rtmp://127.0.0.1:{rtmp_port}/live/{stream}"])
        wait_for(f"the playlist of {stream}", lambda: b"#EXTINF" in get(f"{self.base}/hls/{stream}/index.m3u8"), 20)

    def stop(self):
        self.publisher.terminate()
        self.publisher.wait(timeout=20)
        self.server.terminate()
        self.server.wait(timeout=20)
