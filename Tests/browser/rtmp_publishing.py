"""A live stream for the browser tests: `hlsseg serve` with its RTMP listener, and ffmpeg
publishing a clip to it at real time with the audio re-encoded as a camera would send it."""
import os
import shutil
import subprocess
import tempfile
import unittest

from clips import make_clip
from test_player import Server, chrome, free_port, get, wait_for


class PublishedStream:
    """Starts the server under `work` and publishes `clip` as `stream`, its video copied and its
    audio encoded with `audio_args` (e.g. `-c:a pcm_mulaw -ar 8000 -ac 1`); returns once the
    stream's playlist lists a segment. `base` is the server's URL."""

    def __init__(self, work, clip, stream, audio_args):
        rtmp_port = free_port()
        self.server = Server(os.path.join(work, "streams"), "--rtmp-port", str(rtmp_port), "--rtmp-host", "127.0.0.1").ready()
        self.base = self.server.base
        self.publisher = subprocess.Popen(
            ["ffmpeg", "-nostdin", "-hide_banner", "-v", "error", "-re", "-i", clip, "-c:v", "copy", *audio_args,
             "-f", "flv", f"rtmp://127.0.0.1:{rtmp_port}/live/{stream}"])
        wait_for(f"the playlist of {stream}", lambda: b"#EXTINF" in get(f"{self.base}/hls/{stream}/index.m3u8"), 20)

    def stop(self):
        self.publisher.terminate()
        self.publisher.wait(timeout=20)
        self.server.stop()


class PublishedClipTests(unittest.TestCase):
    """Tests that watch one clip published over RTMP in headless Chromium. A subclass sets
    STREAM, CLIP_SECONDS, SAMPLE_RATE (the clip's AAC rate) and AUDIO (ffmpeg's options for the
    published audio); its tests find the server at `self.base` and the browser at `self.driver`.
    This class has no tests of its own, so it is never set up by itself."""

    STREAM = ""
    CLIP_SECONDS = 20
    SAMPLE_RATE = 48000
    AUDIO = []

    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix=f"hlsseg-browser-{cls.STREAM}-")
        clip = os.path.join(cls.work, "clip.mp4")
        make_clip(clip, 320, 180, cls.CLIP_SECONDS, bframes=False, sample_rate=cls.SAMPLE_RATE)
        cls.live = PublishedStream(cls.work, clip, cls.STREAM, cls.AUDIO)
        cls.base = cls.live.base
        cls.driver = chrome()

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        cls.live.stop()
        shutil.rmtree(cls.work, ignore_errors=True)
