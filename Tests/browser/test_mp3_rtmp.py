"""An RTMP publisher with MP3 audio (ffmpeg `-c:a libmp3lame -f flv`): the server passes the MP3
frames through, and headless Chromium plays the live stream through our MSE player with its audio
decoding (`webkitAudioDecodedByteCount` grows)."""

import os
import shutil
import tempfile
import time
import unittest

from clips import make_clip
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
        self.driver.get(f"{self.base}/player.html?stream=mp3rtmp&engine=mse")
        script = """
            const v = document.getElementById('video');
            return {t: v.currentTime, audio: v.webkitAudioDecodedByteCount,
                    error: v.error ? v.error.code + ' ' + v.error.message : null,
                    engine: window.hlsseg.engine, errors: window.hlsseg.errors,
                    codecs: document.getElementById('codecs').textContent};"""
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
        self.assertEqual(state["engine"], "mse")
        self.assertIn("mp4a.6B", state["codecs"])
        self.assertGreater(state["audio"], first["audio"], f"decoded audio did not advance: {first} → {state}")


if __name__ == "__main__":
    unittest.main()
