"""A camera-like RTMP publisher with G.711 audio (ffmpeg `-c:a pcm_mulaw -ar 8000 -ac 1`): the
server transcodes it to AAC, and headless Chromium plays the stream with its audio decoding
(`webkitAudioDecodedByteCount` grows), natively and through our MSE player."""

import os
import shutil
import tempfile
import unittest

from clips import make_clip
from playback import play_with_audio
from rtmp_publishing import PublishedStream
from test_player import chrome

CLIP_SECONDS = 40


class G711Tests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="hlsseg-browser-g711-")
        clip = os.path.join(cls.work, "clip.mp4")
        make_clip(clip, 320, 180, CLIP_SECONDS, bframes=False, sample_rate=8000)
        cls.live = PublishedStream(cls.work, clip, "g711", ["-c:a", "pcm_mulaw", "-ar", "8000", "-ac", "1"])
        cls.base = cls.live.base
        cls.driver = chrome()

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        cls.live.stop()
        shutil.rmtree(cls.work, ignore_errors=True)

    def play_with_audio(self, query, engine):
        state = play_with_audio(self, f"{self.base}/player.html?stream=g711{query}")
        self.assertEqual(state["engine"], engine)

    def test_native_plays_the_transcoded_audio(self):
        self.play_with_audio("", "native")

    def test_mse_plays_the_transcoded_audio(self):
        self.play_with_audio("&engine=mse", "mse")


if __name__ == "__main__":
    unittest.main()
