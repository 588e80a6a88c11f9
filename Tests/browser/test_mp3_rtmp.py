"""An RTMP publisher with MP3 audio (ffmpeg `-c:a libmp3lame -f flv`): the server passes the MP3
frames through, and headless Chromium plays the live stream through our MSE player with its audio
decoding (`webkitAudioDecodedByteCount` grows)."""

import os
import shutil
import tempfile
import unittest

from clips import make_clip
from playback import play_with_audio
from rtmp_publishing import PublishedStream
from test_player import chrome

CLIP_SECONDS = 20


class MP3OverRTMPTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="hlsseg-browser-mp3-rtmp-")
        clip = os.path.join(cls.work, "clip.mp4")
        make_clip(clip, 320, 180, CLIP_SECONDS, bframes=False, sample_rate=44100)
        cls.live = PublishedStream(cls.work, clip, "mp3rtmp", ["-c:a", "libmp3lame", "-b:a", "96k"])
        cls.base = cls.live.base
        cls.driver = chrome()

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        cls.live.stop()
        shutil.rmtree(cls.work, ignore_errors=True)

    def test_mse_plays_the_mp3_audio(self):
        state = play_with_audio(self, f"{self.base}/player.html?stream=mp3rtmp&engine=mse")
        self.assertEqual(state["engine"], "mse")
        self.assertIn("mp4a.6B", state["codecs"])

if __name__ == "__main__":
    unittest.main()
