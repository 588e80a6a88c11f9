"""A stream that changes resolution mid-way (two `hlsseg segment --hls-flags append_list` runs
into one folder: EXT-X-DISCONTINUITY, then a second EXT-X-MAP with init_1.mp4) must play
through the change in Chromium, natively and through our MSE player."""

import os
import shutil
import subprocess
import tempfile
import time
import unittest

from test_player import HLSSEG, Server, chrome, get
from clips import make_clip

PARTS = [(640, 360), (480, 270)]
PART_SECONDS = 4


class CodecChangeTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="hlsseg-browser-change-")
        stream = os.path.join(cls.work, "streams", "change")
        for width, height in PARTS:
            clip = os.path.join(cls.work, f"{width}x{height}.mp4")
            make_clip(clip, width, height, PART_SECONDS, bframes=False)
            subprocess.run(
                [HLSSEG, "segment", clip, "-o", stream, "--hls-time", "1", "--hls-flags", "append_list"],
                check=True, capture_output=True)
        playlist = open(os.path.join(stream, "index.m3u8")).read()
        assert playlist.count("#EXT-X-MAP") == 2 and "#EXT-X-DISCONTINUITY" in playlist, playlist
        cls.server = Server(os.path.join(cls.work, "streams")).ready()
        cls.base = cls.server.base
        cls.driver = chrome()

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        cls.server.stop()
        shutil.rmtree(cls.work, ignore_errors=True)

    def play_through_the_change(self, query, engine):
        self.driver.get(f"{self.base}/player.html?stream=change{query}")
        sizes = set()
        deadline = time.monotonic() + 40
        while True:
            state = self.driver.execute_script("""
                const v = document.getElementById('video');
                return {t: v.currentTime, w: v.videoWidth, h: v.videoHeight, ended: v.ended,
                        error: v.error ? v.error.code + ' ' + v.error.message : null,
                        engine: window.hlsseg.engine, errors: window.hlsseg.errors};""")
            self.assertIsNone(state["error"], f"media error: {state}")
            self.assertEqual(state["errors"], [], f"player errors: {state}")
            if state["w"]:
                sizes.add((state["w"], state["h"]))
            if state["t"] >= PART_SECONDS + 2 or state["ended"]:
                break
            self.assertLess(time.monotonic(), deadline, f"playback did not get past the change: {state}, sizes {sizes}")
            time.sleep(0.2)
        self.assertEqual(state["engine"], engine)
        self.assertGreaterEqual(state["t"], PART_SECONDS + 1, f"stopped at the change: {state}")
        self.assertEqual(sizes, set(PARTS), "both resolutions shown")

    def test_native_plays_across_a_new_map(self):
        self.play_through_the_change("", "native")

    def test_mse_plays_across_a_new_map(self):
        self.play_through_the_change("&engine=mse", "mse")
