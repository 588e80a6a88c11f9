"""The recordings page (www/recordings.html) in headless Chromium, on a recording of three spans:
three `hlsseg segment --hls-flags program_date_time(+append_list)` runs into one folder with
time between them. The timeline draws the three spans apart; a click inside the second plays
the time-range playlist from that instant, natively and through the MSE player, with the
PROGRAM-DATE-TIME at the playhead within one segment of the click; hovering asks for the
thumbnail of the instant under the pointer; a drag offers the range as an MP4 that the server
makes, and a refused range shows the server's reason. The home page links every stream to its
recordings. The page runs in a time zone with a half-hour UTC offset, so local days and times
are not UTC ones."""

import datetime
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
import zoneinfo

from clips import make_clip
from selenium.webdriver.common.action_chains import ActionChains

from test_player import HLSSEG, Server, chrome, get, wait_for

RUN_SECONDS = 4          # each run: two 2-s segments
SEGMENT_SECONDS = 2
PAUSE_SECONDS = 6        # between the starts of two runs: a gap of about 2 s
# Zones with a half-hour offset; the test takes one where no local midnight falls within the
# recording, so that all three spans are on the day the page shows first.
ZONES = ["Asia/Kolkata", "America/St_Johns", "Australia/Adelaide"]


def iso_ms(text):
    """ms since the epoch of an ISO 8601 date-time with a Z."""
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000


class RecordingsPageTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="hlsseg-browser-recordings-")
        root = os.path.join(cls.work, "streams")
        clip = os.path.join(cls.work, "clip.mp4")
        make_clip(clip, 640, 360, RUN_SECONDS)

        def segment(stream, flags):
            subprocess.run(
                [HLSSEG, "segment", clip, "-o", os.path.join(root, stream), "--hls-time", str(SEGMENT_SECONDS),
                 "--hls-playlist-type", "event", "--hls-flags", flags],
                check=True, capture_output=True)

        # Each run dates its segments from the wall clock when it starts (it runs faster than
        # real time), so a pause longer than a run between two runs leaves a gap in the dates.
        # The server and Chromium start during the first pause.
        segment("door", "program_date_time")
        segment("cam", "program_date_time")
        first_run = time.monotonic()
        cls.server = Server(root, "--no-rtmp", log=os.path.join(cls.work, "serve.log"))
        cls.base = cls.server.base
        cls.driver = chrome()
        cls.driver.set_script_timeout(20)
        cls.server.ready()
        time.sleep(max(0.0, PAUSE_SECONDS - (time.monotonic() - first_run)))
        segment("cam", "program_date_time+append_list")
        time.sleep(PAUSE_SECONDS)
        segment("cam", "program_date_time+append_list")
        cls.spans = [{"start": iso_ms(s["start"]), "end": iso_ms(s["end"])}
                     for s in json.loads(get(cls.base + "/api/streams/cam/recordings"))]
        first, last = cls.spans[0]["start"] / 1000, cls.spans[-1]["end"] / 1000
        cls.zone = next(zone for zone in ZONES if all(
            (lambda local: 120 < local.hour * 3600 + local.minute * 60 + local.second < 86400 - 120)(
                datetime.datetime.fromtimestamp(t, zoneinfo.ZoneInfo(zone))) for t in (first, last)))
        cls.driver.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": cls.zone})

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        cls.server.stop()
        if os.environ.get("KEEP_BROWSER_TEST_FILES") is None:
            shutil.rmtree(cls.work, ignore_errors=True)

    # ---- helpers

    def open_page(self, query=""):
        self.driver.get(f"{self.base}/recordings.html?stream=cam{query}")
        wait_for("three spans on the timeline", lambda: len(self.span_boxes()) == 3, 10, describe=self.page_state)

    def span_boxes(self):
        return self.driver.execute_script("""
            return [...document.querySelectorAll('#timeline .span')].map((div) => {
                const r = div.getBoundingClientRect();
                return {index: Number(div.dataset.index), left: r.left, right: r.right, top: r.top, height: r.height};
            });""")

    def page_state(self):
        return self.driver.execute_script("""
            const v = document.getElementById('video');
            return {t: v.currentTime, paused: v.paused, ready: v.readyState, date: window.hlssegPlayheadDate(),
                    clicked: window.hlsseg.clicked, playlist: window.hlsseg.playlist, engine: window.hlsseg.engine,
                    thumbnail: window.hlsseg.thumbnail, errors: window.hlsseg.errors,
                    error: document.getElementById('error').textContent,
                    mediaError: v.error ? v.error.code + ' ' + v.error.message : null};""")

    def point(self, span, seconds_in):
        """Viewport coordinates of the instant `seconds_in` after the start of span `span`."""
        box = self.span_boxes()[span]
        start, end = self.spans[span]["start"], self.spans[span]["end"]
        x = box["left"] + (box["right"] - box["left"]) * (seconds_in * 1000) / (end - start)
        return round(x), round(box["top"] + box["height"] / 2)

    def pixel_ms(self):
        """ms of recording per pixel of the timeline as drawn."""
        box = self.span_boxes()[0]
        return (self.spans[0]["end"] - self.spans[0]["start"]) / (box["right"] - box["left"])

    def pointer(self):
        return ActionChains(self.driver)

    def hover(self, span, seconds_in):
        x, y = self.point(span, seconds_in)
        actions = self.pointer()
        actions.w3c_actions.pointer_action.move_to_location(x, y)
        actions.perform()

    def click_and_play(self, query, engine):
        self.open_page(query)
        target = self.spans[1]["start"] + 1000
        x, y = self.point(1, 1.0)
        actions = self.pointer()
        actions.w3c_actions.pointer_action.move_to_location(x, y)
        actions.w3c_actions.pointer_action.click()
        actions.perform()
        first = wait_for("playback with a date at the playhead", lambda: (lambda s: s if (
            s["t"] > 0 and not s["paused"] and s["date"] is not None) or s["errors"] or s["mediaError"] else None)(
            self.page_state()), 15, describe=self.page_state)
        self.assertEqual(first["errors"], [], first)
        self.assertIsNone(first["mediaError"], first)
        self.assertEqual(first["engine"], engine)
        clicked = first["clicked"]
        self.assertAlmostEqual(clicked, target, delta=2 * self.pixel_ms() + 1, msg=first)
        # The time-range playlist from the clicked instant.
        url = urllib.parse.urlsplit(first["playlist"])
        self.assertEqual(url.path, "/hls/cam/index.m3u8")
        start = urllib.parse.parse_qs(url.query)["start"][0]
        self.assertAlmostEqual(iso_ms(start), clicked, delta=1, msg=first["playlist"])
        self.assertLessEqual(abs(first["date"] - clicked), SEGMENT_SECONDS * 1000 + 100,
                             f"PROGRAM-DATE-TIME at the playhead {first['date'] - clicked:.0f} ms from the click: {first}")
        # 2 s more, still inside the second span: at every sample the date has moved as far as
        # the playhead.
        samples = []

        def sample():
            state = self.page_state()
            samples.append(state)
            return state if state["t"] - first["t"] >= 2 or state["errors"] else None

        later = wait_for("2 s of playback", sample, 15, describe=self.page_state)
        self.assertEqual(later["errors"], [], later)
        self.assertGreater(len(samples), 4, samples)
        for state in samples:
            self.assertIsNotNone(state["date"], state)
            self.assertAlmostEqual(state["date"] - first["date"], (state["t"] - first["t"]) * 1000, delta=300,
                                   msg=f"{first} → {state}")
        shown = self.driver.find_element("id", "playhead-time").text
        self.assertRegex(shown, r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \(UTC[+-]\d\d:\d\d\)$")
        if os.environ.get("BROWSER_TEST_OUT"):
            self.driver.save_screenshot(os.path.join(os.environ["BROWSER_TEST_OUT"], f"recordings-{engine}.png"))

    # ---- tests

    def test_0_home_page_links_every_stream_to_its_recordings(self):
        self.driver.get(self.base + "/")
        rows = wait_for("two streams listed", lambda: (lambda r: r if len(r) == 2 else None)(self.driver.execute_script("""
            return [...document.querySelectorAll('#streams tbody tr')].map((row) => {
                const link = row.querySelector('a.recordings');
                const image = row.querySelector('img.thumb');
                return {name: row.querySelector('td.name').textContent, link: link && link.getAttribute('href'),
                        text: link && link.textContent, image: image && image.getAttribute('src')};
            });""")), 10)
        for row in rows:
            self.assertEqual(row["link"], f"/recordings.html?stream={row['name']}", row)
            self.assertEqual(row["text"], "Recordings", row)
            self.assertTrue(row["image"].startswith(f"/api/streams/{row['name']}/thumbnail.jpg?width=320"), row)
        # Each picture, once the server has answered, is either shown or hidden: never a broken image.
        broken = lambda: self.driver.execute_script("""
            const images = [...document.querySelectorAll('img.thumb')];
            if (!images.every((image) => image.complete)) return null;
            return images.filter((image) => !image.hidden && image.naturalWidth === 0).map((image) => image.src);""")
        self.assertEqual(self.wait_images(broken), [])

    def wait_images(self, broken):
        """The result of `broken` once it is not None (every image answered)."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            result = broken()
            if result is not None:
                return result
            time.sleep(0.2)
        self.fail("the home page's thumbnails neither loaded nor failed within 10 s")

    def test_1_timeline_draws_three_spans_apart(self):
        self.open_page()
        boxes = self.span_boxes()
        self.assertEqual([box["index"] for box in boxes], [0, 1, 2])
        for before, after in zip(boxes, boxes[1:]):
            self.assertGreater(after["left"] - before["right"], 10, f"no visible gap: {boxes}")
        # To scale: the widths are as the durations, the gaps as the gaps.
        scale = (boxes[0]["right"] - boxes[0]["left"]) / (self.spans[0]["end"] - self.spans[0]["start"])
        for box, span in zip(boxes, self.spans):
            self.assertAlmostEqual(box["left"] - boxes[0]["left"], (span["start"] - self.spans[0]["start"]) * scale, delta=2)
        offset = datetime.datetime.fromtimestamp(self.spans[0]["start"] / 1000, zoneinfo.ZoneInfo(self.zone)).strftime("%z")
        self.assertIn(f"UTC{offset[:3]}:{offset[3:]}", self.driver.find_element("id", "zone").text)
        day = datetime.datetime.fromtimestamp(self.spans[0]["start"] / 1000, zoneinfo.ZoneInfo(self.zone)).strftime("%Y-%m-%d")
        self.assertEqual(self.driver.find_element("id", "day").get_attribute("value"), day)
        self.assertEqual(self.page_state()["errors"], [])

    def test_2_hover_asks_for_the_thumbnail_of_the_instant(self):
        self.open_page()
        self.hover(1, 2.5)
        state = wait_for("a thumbnail request", lambda: (lambda s: s if s["thumbnail"] else None)(self.page_state()), 5,
                         describe=self.page_state)
        url = urllib.parse.urlsplit(state["thumbnail"])
        self.assertEqual(url.path, "/api/streams/cam/thumbnail.jpg")
        query = urllib.parse.parse_qs(url.query)
        self.assertEqual(query["width"], ["160"])
        at = iso_ms(query["at"][0])
        self.assertAlmostEqual(at, self.spans[1]["start"] + 2500, delta=1000 + 2 * self.pixel_ms())
        self.assertEqual(self.driver.find_element("id", "hover-thumb").get_attribute("src"), self.base + state["thumbnail"])
        hover_time = self.driver.find_element("id", "hover-time").text
        local = datetime.datetime.fromtimestamp(at / 1000, zoneinfo.ZoneInfo(self.zone))
        self.assertTrue(hover_time.startswith(local.strftime("%H:%M:")), f"{hover_time} for {local}")
        # Whatever the thumbnail route answers, the page goes on working: no error, and a
        # broken picture is hidden.
        time.sleep(0.5)
        self.assertEqual(self.page_state()["errors"], [])
        self.assertTrue(self.driver.execute_script(
            "const i = document.getElementById('hover-thumb'); return i.hidden || !i.complete || i.naturalWidth > 0"))

    # The picture under the pointer is shown: needs GET /api/streams/<name>/thumbnail.jpg.
    def test_hover_thumbnail_loads(self):
        self.open_page()
        self.hover(1, 2.5)

        def describe():
            src, complete, width = self.driver.execute_script(
                "const i = document.getElementById('hover-thumb'); return [i.src, i.complete, i.naturalWidth]")
            try:
                with urllib.request.urlopen(src, timeout=5) as response:
                    answer = f"{response.status} {response.headers['Content-Type']}"
            except urllib.error.HTTPError as error:
                answer = f"{error.code} {error.read()[:200]!r}"
            except Exception as error:
                answer = repr(error)
            return f"src {src}, complete {complete}, naturalWidth {width}; the server answers {answer}"

        wait_for("the hover thumbnail to load", lambda: self.driver.execute_script("""
            const i = document.getElementById('hover-thumb');
            return i.getAttribute('src') && i.complete && i.naturalWidth > 0 && !i.hidden;"""), 10, describe=describe)

    def test_3_click_plays_from_that_time_natively(self):
        support = self.driver.execute_script(
            "return document.createElement('video').canPlayType('application/vnd.apple.mpegurl')")
        self.assertNotEqual(support, "", "this Chromium has no native HLS")
        self.click_and_play("", "native")

    def test_4_click_plays_from_that_time_with_mse(self):
        self.click_and_play("&engine=mse", "mse")

    def test_5_selected_range_offers_an_mp4(self):
        self.open_page()
        (x1, y), (x2, _) = self.point(0, 2.0), self.point(1, 2.0)
        actions = self.pointer()
        actions.w3c_actions.pointer_action.move_to_location(x1, y)
        actions.w3c_actions.pointer_action.pointer_down()
        actions.w3c_actions.pointer_action.move_to_location((x1 + x2) // 2, y)
        actions.w3c_actions.pointer_action.move_to_location(x2, y)
        actions.w3c_actions.pointer_action.pointer_up()
        actions.perform()
        link = self.driver.find_element("id", "export-link")
        wait_for("the Export MP4 link with a size", lambda: link.is_displayed() and "B" in self.driver.find_element(
            "id", "export-status").text, 10, describe=lambda: self.driver.find_element("id", "export-status").text)
        self.assertEqual(link.text, "Export MP4")
        href = link.get_attribute("href")
        url = urllib.parse.urlsplit(href)
        self.assertEqual(url.path, "/api/streams/cam/export.mp4")
        query = urllib.parse.parse_qs(url.query)
        self.assertEqual(query["download"], ["1"])
        tolerance = 2 * self.pixel_ms() + 1
        self.assertAlmostEqual(iso_ms(query["start"][0]), self.spans[0]["start"] + 2000, delta=tolerance, msg=href)
        self.assertAlmostEqual(iso_ms(query["end"][0]), self.spans[1]["start"] + 2000, delta=tolerance, msg=href)
        self.assertFalse(self.driver.find_element("id", "export-error").is_displayed())
        self.assertIsNone(self.page_state()["clicked"], "a drag is not a click")
        with urllib.request.urlopen(href, timeout=20) as response:  # follows a 302
            self.assertEqual(response.status, 200)
            self.assertEqual(response.headers["Content-Type"], "video/mp4")
            self.assertIn("attachment", response.headers["Content-Disposition"])
            body = response.read()
        self.assertEqual(body[4:8], b"ftyp")

    def test_6_refused_range_shows_the_servers_reason(self):
        self.open_page()
        start = datetime.datetime.fromtimestamp(self.spans[0]["start"] / 1000 - 60, datetime.timezone.utc)
        times = [(start + datetime.timedelta(seconds=s)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
                 for s in (0, 30)]
        try:
            get(f"{self.base}/api/streams/cam/export.mp4?start={times[0]}&end={times[1]}")
            self.fail("the server made an export of a range before the recording")
        except urllib.error.HTTPError as error:
            reason = json.loads(error.read())["error"]["message"]
        self.driver.execute_script("""
            const [start, end] = arguments;
            document.getElementById('export-start').value = start;
            document.getElementById('export-end').value = end;
            document.getElementById('export-end').dispatchEvent(new Event('change'));""", *times)
        box = self.driver.find_element("id", "export-error")
        wait_for("the refusal on the page", lambda: reason in box.text, 10, describe=lambda: box.text)
        self.assertTrue(box.is_displayed())
        self.assertFalse(self.driver.find_element("id", "export-link").is_displayed())


if __name__ == "__main__":
    unittest.main(verbosity=2)
