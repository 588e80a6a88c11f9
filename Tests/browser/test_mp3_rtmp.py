"""An RTMP publisher with MP3 audio (ffmpeg `-c:a libmp3lame -f flv`): the server passes the MP3
frames through, and headless Chromium plays the live stream through our MSE player with its audio
decoding (`webkitAudioDecodedByteCount` grows)."""

import os
import shutil
import subprocess
import tempfile
import time
import unittest

from test_player import HLSSEG, REPO, free_port, get, wait_for, chrome

CLIP_SECONDS = 20


class MP3OverRTMPTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="hlsseg-browser-mp3-rtmp-")
        clip = os.path.join(cls.work, "clip.mp4")
        subprocess.run(
            ["ffmpeg", "-nostdin", "-hide_banner", "-v", "error", "-y",
             "-f", "lavfi", "-i", f"testsrc2=size=320x180:rate=25:duration={CLIP_SECONDS}",
             "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=44100:duration={CLIP_SECONDS}",
             "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-g", "25", "-c:a", "aac", clip],
            check=True)
        cls.port = free_port()
        rtmp_port = free_port()
        cls.base = f"http://127.0.0.1:{cls.port}"
        cls.server = subprocess.Popen(
            [HLSSEG, "serve", "--root", os.path.join(cls.work, "streams"), "--http-port", str(cls.port),
             "--rtmp-port", str(rtmp_port), "--rtmp-host", "127.0.0.1", "--www", os.path.join(REPO, "www")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for("the server", lambda: get(cls.base + "/healthz"), 20)
        cls.publisher = subprocess.Popen(
            ["ffmpeg", "-nostdin", "-hide_banner", "-v", "error", "-re", "-i", clip, "-c:v", "copy",
             "-c:a", "libmp3lame", "-b:a", "96k", "-f", "flv", f"rtmp://127.0.0.1:{rtmp_port}/live/mp3rtmp"])
        wait_for("the MP3 stream's playlist", lambda: b"#EXTINF" in get(cls.base + "/hls/mp3rtmp/index.m3u8"), 20)
        cls.driver = chrome()

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        cls.publisher.terminate()
        cls.publisher.wait(timeout=20)
        cls.server.terminate()
        cls.server.wait(timeout=20)
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
