"""End-to-end: `hlsseg serve` + a live stream from `hlsseg segment --re`, played by headless
Chromium (selenium) through native HLS and through our MSE player, then read by ffmpeg as an
HLS client. Run through Tests/browser/run.sh (it checks the tools and finds the binary)."""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request

from clips import make_clip
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HLSSEG = os.environ.get("HLSSEG_BIN") or os.path.join(REPO, ".build", "debug", "hlsseg")
WIDTH, HEIGHT = 960, 540
CLIP_SECONDS = 30
PLAY_SECONDS = 5.0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read()


def wait_for(what, predicate, timeout, describe=None):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception as error:  # not up yet
            last = error
        time.sleep(0.2)
    detail = describe() if describe else last
    raise AssertionError(f"timed out after {timeout} s waiting for {what} (last: {detail})")


def chrome():
    """Headless Debian Chromium through chromedriver, set up to autoplay muted media."""
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--mute-audio",
                     "--autoplay-policy=no-user-gesture-required", "--window-size=1280,1000"]:
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"),
                              options=options)
    driver.set_page_load_timeout(30)
    return driver


class Server:
    """`hlsseg serve` of `root` on a free HTTP port (or `port`), serving `www` (by default the
    repository's www/), with `options` added; its output goes to the file `log` when given, else
    nowhere. `base` is its URL; `ready()` waits until /healthz says ok."""

    def __init__(self, root, *options, www=None, log=None, port=None):
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(log, "w") if log else None
        self.process = subprocess.Popen(
            [HLSSEG, "serve", "--root", root, "--http-port", str(self.port), "--www", www or os.path.join(REPO, "www"),
             *options],
            stdout=self.log or subprocess.DEVNULL, stderr=subprocess.STDOUT if self.log else subprocess.DEVNULL)

    def ready(self):
        wait_for("the server", lambda: json.loads(get(self.base + "/healthz"))["status"] == "ok", 20)
        return self

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        if self.log:
            self.log.close()


class PlayerTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="hlsseg-browser-")
        cls.root = os.path.join(cls.work, "streams")
        cls.out = os.environ.get("BROWSER_TEST_OUT") or os.path.join(cls.work, "screenshots")
        os.makedirs(cls.out, exist_ok=True)
        clip = os.path.join(cls.work, "clip.mp4")
        make_clip(clip, WIDTH, HEIGHT, CLIP_SECONDS, tone=330, audio_args=("-b:a", "96k"))
        cls.server = Server(cls.root, log=os.path.join(cls.work, "serve.log")).ready()
        cls.base = cls.server.base
        cls.segmenter = subprocess.Popen(
            [HLSSEG, "segment", "--re", clip, "-o", os.path.join(cls.root, "cam"), "--hls-time", "2"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wait_for("three segments in the live playlist",
                 lambda: get(cls.base + "/hls/cam/index.m3u8").count(b"#EXTINF") >= 3, 30)
        cls.driver = chrome()

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        if cls.segmenter.poll() is None:
            cls.segmenter.terminate()
            cls.segmenter.wait(timeout=20)
        cls.server.stop()
        if os.environ.get("KEEP_BROWSER_TEST_FILES") is None:
            shutil.rmtree(cls.work, ignore_errors=True)

    def state(self):
        return self.driver.execute_script("""
            const v = document.getElementById('video');
            return {t: v.currentTime, paused: v.paused, w: v.videoWidth, h: v.videoHeight,
                    error: v.error ? v.error.code + ' ' + v.error.message : null,
                    engine: window.hlsseg.engine, errors: window.hlsseg.errors,
                    page: document.getElementById('error').textContent};""")

    def play(self, query, engine):
        self.driver.get(f"{self.base}/player.html?stream=cam{query}")
        first = wait_for("playback to start", lambda: (lambda s: s if s["t"] > 0 else None)(self.state()), 30,
                         describe=self.state)
        start = first["t"]
        deadline = time.monotonic() + 30
        while True:
            state = self.state()
            self.assertIsNone(state["error"], f"media error: {state}")
            self.assertEqual(state["errors"], [], f"player errors: {state}")
            if state["t"] - start >= PLAY_SECONDS:
                break
            self.assertLess(time.monotonic(), deadline, f"currentTime stuck: started {start}, now {state}")
            time.sleep(0.25)
        self.assertEqual(state["engine"], engine)
        self.assertEqual((state["w"], state["h"]), (WIDTH, HEIGHT))
        self.assertFalse(state["paused"])
        self.assertEqual(state["page"], "")
        self.driver.save_screenshot(os.path.join(self.out, f"player-{engine}.png"))

    def test_1_native_hls(self):
        support = self.driver.execute_script(
            "return document.createElement('video').canPlayType('application/vnd.apple.mpegurl')")
        self.assertNotEqual(support, "", "this Chromium has no native HLS")
        self.play("", "native")

    def test_2_mse_player(self):
        self.play("&engine=mse", "mse")

    def test_0_home_page_lists_the_live_stream(self):
        self.driver.get(self.base + "/")
        text = wait_for("the stream table", lambda: (lambda t: t if "cam" in t and "LIVE" in t.upper() else None)(
            self.driver.find_element("id", "streams").text), 10)
        self.assertIn(f"{WIDTH}×{HEIGHT}", text)
        self.assertIn("avc1.", text)
        self.driver.save_screenshot(os.path.join(self.out, "home.png"))

    def test_4_ffmpeg_reads_the_whole_stream(self):
        _, errors = self.segmenter.communicate(timeout=CLIP_SECONDS + 30)
        self.assertEqual(self.segmenter.returncode, 0, errors.decode())
        playlist = get(self.base + "/hls/cam/index.m3u8").decode()
        self.assertIn("#EXT-X-ENDLIST", playlist)
        result = subprocess.run(
            ["ffmpeg", "-nostdin", "-hide_banner", "-v", "error", "-i", f"{self.base}/hls/cam/index.m3u8",
             "-c", "copy", "-f", "null", "-"], capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr.strip(), "", "ffmpeg printed errors")
        probe = subprocess.run(
            ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0",
             f"{self.base}/hls/cam/index.m3u8"], capture_output=True, text=True, timeout=60)
        self.assertAlmostEqual(float(probe.stdout.strip()), CLIP_SECONDS, delta=0.5)


if __name__ == "__main__":
    # Every test_*.py in this folder, this one first.
    here = os.path.dirname(os.path.abspath(__file__))
    suite = unittest.TestSuite([unittest.defaultTestLoader.loadTestsFromTestCase(PlayerTests),
                                unittest.defaultTestLoader.discover(here, pattern="test_[!p]*.py")])
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    failed = len(result.failures) + len(result.errors)
    print(f"{result.testsRun - failed} passed, {failed} failed")
    sys.exit(1 if failed or result.testsRun == 0 else 0)
