"""A camera-like RTMP publisher with G.711 audio (ffmpeg `-c:a pcm_mulaw -ar 8000 -ac 1`): the
server transcodes it to AAC, and headless Chromium plays the stream with its audio decoding
(`webkitAudioDecodedByteCount` grows), natively and through our MSE player."""

import os
import shutil
import tempfile
import time
import unittest

from clips import make_clip
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
        self.driver.get(f"{self.base}/player.html?stream=g711{query}")
        script = """
            const v = document.getElementById('video');
            return {t: v.currentTime, audio: v.webkitAudioDecodedByteCount,
                    error: v.error ? v.error.code + ' ' + v.error.message : null,
                    engine: window.hlsseg.engine, errors: window.hlsseg.errors};"""
        first = None
        deadline = time.monotonic() + 30
        while True:
            state = self.driver.execute_script(script)
            self.assertIsNone(state["error"], f"media error: {state}")
            self.assertEqual(state["errors"], [], f"player errors: {state}")
            if first is None and state["t"] > 0.5 and state["audio"] > 0:
                first = state
            if first is not None and state["t"] >= first["t"] + 3:
                break
            self.assertLess(time.monotonic(), deadline, f"no playback with decoded audio: {state}")
            time.sleep(0.2)
        self.assertEqual(state["engine"], engine)
        self.assertGreater(state["audio"], first["audio"], f"decoded audio did not advance: {first} → {state}")

    def test_native_plays_the_transcoded_audio(self):
        self.play_with_audio("", "native")

    def test_mse_plays_the_transcoded_audio(self):
        self.play_with_audio("&engine=mse", "mse")


if __name__ == "__main__":
    unittest.main()
