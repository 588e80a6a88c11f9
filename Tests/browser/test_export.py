"""`GET /api/streams/<name>/export.mp4` in headless Chromium: a `<video src=…export.mp4?start=2&end=26>`
gets the right size and duration and seeks to three points (currentTime lands within 0.2 s and
playback goes on from there) through byte-range requests; the player page's "Export MP4"
control plays an exported stretch, downloads one, and shows the server's reason for a refusal."""

import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request

from test_player import HLSSEG, REPO, Server, chrome, free_port, get, wait_for
from clips import make_clip

WIDTH, HEIGHT = 640, 360
CLIP_SECONDS = 30
START, END = 2, 26
SEEKS = [3.0, 17.5, 9.25]
TOLERANCE = 0.2


class ExportTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="hlsseg-browser-export-")
        root = os.path.join(cls.work, "streams")
        clip = os.path.join(cls.work, "clip.mp4")
        make_clip(clip, WIDTH, HEIGHT, CLIP_SECONDS)
        subprocess.run(
            [HLSSEG, "segment", clip, "-o", os.path.join(root, "clip"), "--hls-time", "2",
             "--hls-playlist-type", "event", "--hls-flags", "program_date_time"],
            check=True, capture_output=True)
        port = free_port()
        cls.base = f"http://127.0.0.1:{port}"
        # www/ as shipped, plus a bare page holding nothing but the exported file's <video>.
        www = os.path.join(cls.work, "www")
        shutil.copytree(os.path.join(REPO, "www"), www)
        with open(os.path.join(www, "seek.html"), "w") as page:
            page.write(f'<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">'
                       f'<video id="video" muted preload="metadata" '
                       f'src="{cls.base}/api/streams/clip/export.mp4?start={START}&amp;end={END}"></video>')
        cls.server = Server(root, "--no-rtmp", www=www, log=os.path.join(cls.work, "serve.log"), port=port).ready()
        cls.downloads = os.path.join(cls.work, "downloads")
        os.makedirs(cls.downloads)
        cls.driver = chrome()
        cls.driver.set_script_timeout(20)
        cls.driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": cls.downloads})

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        cls.server.stop()
        if os.environ.get("KEEP_BROWSER_TEST_FILES") is None:
            shutil.rmtree(cls.work, ignore_errors=True)

    def export_requests(self, status):
        """Requests answered by the export route with `status`, from the server's /metrics."""
        total = 0
        for line in get(self.base + "/metrics").decode().splitlines():
            if line.startswith("hlsseg_http_requests_total{") and "export.mp4" in line and f'status="{status}"' in line:
                total += int(float(line.rsplit(" ", 1)[1]))
        return total

    def server_refusal(self, query):
        """The reason the server gives for refusing an export, read without the browser."""
        try:
            get(f"{self.base}/api/streams/clip/export.mp4?{query}")
        except urllib.error.HTTPError as error:
            return json.loads(error.read())["error"]["message"]
        self.fail(f"the server did not refuse {query}")

    def test_1_video_element_seeks_in_the_export(self):
        ranges_before = self.export_requests(206)
        self.driver.get(self.base + "/seek.html")
        meta = self.driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            const v = document.getElementById('video');
            const report = () => done({w: v.videoWidth, h: v.videoHeight, duration: v.duration, src: v.currentSrc,
                                       error: v.error ? v.error.code + ' ' + v.error.message : null});
            if (v.readyState >= 1 || v.error) report();
            else { v.addEventListener('loadedmetadata', report, {once: true}); v.addEventListener('error', report, {once: true}); }""")
        self.assertIsNone(meta["error"], f"media error: {meta}")
        self.assertEqual((meta["w"], meta["h"]), (WIDTH, HEIGHT), meta)
        self.assertAlmostEqual(meta["duration"], END - START, delta=TOLERANCE, msg=meta)
        for target in SEEKS:
            seek = self.driver.execute_async_script("""
                const [target, done] = arguments;
                const v = document.getElementById('video');
                v.pause();
                v.addEventListener('seeked', () => {
                    const landed = v.currentTime;
                    v.play().then(() => setTimeout(() => { done({landed, after: v.currentTime}); v.pause(); }, 1000),
                                  (error) => done({landed, error: 'play(): ' + error.message}));
                }, {once: true});
                v.addEventListener('error', () => done({error: v.error.code + ' ' + v.error.message}), {once: true});
                v.currentTime = target;""", target)
            self.assertNotIn("error", seek, f"seek to {target}: {seek}")
            self.assertAlmostEqual(seek["landed"], target, delta=TOLERANCE, msg=f"seek to {target}: {seek}")
            self.assertGreater(seek["after"], seek["landed"] + 0.3, f"no playback after the seek to {target}: {seek}")
        self.assertGreater(self.export_requests(206) - ranges_before, 0, "Chromium made no byte-range request (206)")

    def fill_and_submit(self, form, fields, action):
        self.driver.execute_script("""
            const [form, fields, action] = arguments;
            for (const [id, value] of Object.entries(fields)) document.getElementById(id).value = value;
            document.querySelector(`#${form} button[value="${action}"]`).click();""", form, fields, action)

    def export_state(self):
        return self.driver.execute_script("""
            const v = document.getElementById('export-video');
            const box = document.getElementById('export-error');
            return {w: v.videoWidth, h: v.videoHeight, duration: v.duration, src: v.currentSrc,
                    error: box.hidden ? '' : box.textContent, urls: window.hlsseg.exports.urls,
                    status: document.getElementById('export-status').textContent};""")

    def test_2_player_page_plays_an_exported_range(self):
        self.driver.get(self.base + "/player.html?stream=clip")
        wait_for("the export control", lambda: self.driver.find_element("id", "export").is_displayed(), 10)
        self.fill_and_submit("export-range", {"export-start": "-10", "export-end": ""}, "play")
        state = wait_for("the exported clip's metadata", lambda: (lambda s: s if s["w"] or s["error"] else None)(
            self.export_state()), 20, describe=self.export_state)
        self.assertEqual(state["error"], "", state)
        self.assertEqual((state["w"], state["h"]), (WIDTH, HEIGHT), state)
        self.assertAlmostEqual(state["duration"], 10, delta=TOLERANCE, msg=state)
        # Played from the pinned URL the server redirected to: dates on both ends.
        self.assertEqual(len(state["urls"]), 1, state)
        self.assertRegex(state["urls"][0], r"export\.mp4\?start=20\d\d-.*Z&end=20\d\d-.*Z$")
        self.assertEqual(state["src"], state["urls"][0])
        if os.environ.get("BROWSER_TEST_OUT"):
            self.driver.execute_script("document.getElementById('export').scrollIntoView()")
            self.driver.save_screenshot(os.path.join(os.environ["BROWSER_TEST_OUT"], "player-export.png"))

    def test_3_player_page_downloads_the_last_minute(self):
        self.driver.get(self.base + "/player.html?stream=clip")
        wait_for("the export control", lambda: self.driver.find_element("id", "export").is_displayed(), 10)
        self.fill_and_submit("export-last", {"export-minutes": "1"}, "download")
        names = wait_for("the downloaded file", lambda: [n for n in os.listdir(self.downloads) if n.endswith(".mp4")], 20,
                         describe=lambda: (os.listdir(self.downloads), self.export_state()))
        self.assertEqual(len(names), 1, names)
        self.assertTrue(names[0].startswith("clip-20"), names)
        path = os.path.join(self.downloads, names[0])
        probe = subprocess.run(
            ["ffprobe", "-v", "error", "-show_entries", "format=duration:stream=width,height", "-of", "json", path],
            capture_output=True, text=True, timeout=30)
        self.assertEqual(probe.returncode, 0, probe.stderr)
        info = json.loads(probe.stdout)
        # The last minute of a 30-s recording is all of it.
        self.assertAlmostEqual(float(info["format"]["duration"]), CLIP_SECONDS, delta=TOLERANCE, msg=info)
        self.assertIn({"width": WIDTH, "height": HEIGHT}, info["streams"])

    def test_4_player_page_shows_the_servers_refusal(self):
        self.driver.get(self.base + "/player.html?stream=clip")
        wait_for("the export control", lambda: self.driver.find_element("id", "export").is_displayed(), 10)
        cases = [({"export-start": "100", "export-end": "200"}, "start=100&end=200"),
                 ({"export-start": "soon", "export-end": ""}, "start=soon")]
        for fields, query in cases:
            reason = self.server_refusal(query)
            self.fill_and_submit("export-range", fields, "play")
            state = wait_for(f"the refusal of {query} on the page",
                             lambda: (lambda s: s if reason in s["error"] else None)(self.export_state()), 10,
                             describe=self.export_state)
            self.assertEqual(state["urls"], [], state)
            self.assertTrue(self.driver.find_element("id", "export-error").is_displayed())


if __name__ == "__main__":
    unittest.main(verbosity=2)
