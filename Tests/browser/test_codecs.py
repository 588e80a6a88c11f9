"""MP3 and Opus streams play in headless Chromium through our MSE player (`?engine=mse`) with
audio decoding as they play; a stream whose codecs this Chromium cannot decode gets a sentence
naming the codec instead of a silent failure; the home page names each stream's codecs.

The streams: H.264 + MP3 (MP4 input) and H.264 + Opus (Matroska input), each `hlsseg segment`
into the served root; AAC Main (`mp4a.40.1`, which Chromium does not decode) the same way; and
an H.265 stream that FFmpeg itself writes as fMP4 HLS (libx265, `hvc1`) into the root, so the
player's check is tested on a real `hvcC` whatever hlsseg's own H.265 support."""

import os
import shutil
import subprocess
import tempfile
import time
import unittest

from test_player import HLSSEG, Server, chrome, get, wait_for

SECONDS = 8
PLAY_SECONDS = 3.0


def ffmpeg(*arguments):
    subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-v", "error", "-y", *arguments], check=True)


def lavfi(seconds=SECONDS):
    return ["-f", "lavfi", "-i", f"testsrc2=size=320x180:rate=25:duration={seconds}",
            "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
            "-map", "0:v", "-map", "1:a"]


X264 = ["-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-g", "25"]


class CodecTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="hlsseg-browser-codecs-")
        cls.root = os.path.join(cls.work, "streams")
        clips = {
            "mp3": ("clip-mp3.mp4", X264 + ["-c:a", "libmp3lame", "-b:a", "96k"]),
            "opus": ("clip-opus.mkv", X264 + ["-c:a", "libopus", "-b:a", "64k"]),
            "aacmain": ("clip-aac-main.mp4", X264 + ["-c:a", "aac", "-profile:a", "aac_main"]),
        }
        for stream, (name, codecs) in clips.items():
            clip = os.path.join(cls.work, name)
            ffmpeg(*lavfi(), *codecs, clip)
        # Audio only: MPEG-2 Layer III at 24 kHz, a plain .mp3.
        mp3 = os.path.join(cls.work, "clip.mp3")
        ffmpeg("-f", "lavfi", "-i", f"sine=frequency=330:sample_rate=24000:duration={SECONDS}", "-c:a", "libmp3lame", mp3)
        clips["mp3only"] = ("clip.mp3", [])
        for stream, (name, _) in clips.items():
            clip = os.path.join(cls.work, name)
            subprocess.run([HLSSEG, "segment", clip, "-o", os.path.join(cls.root, stream), "--hls-time", "2",
                            "--hls-playlist-type", "vod"], check=True, capture_output=True)
        hevc = os.path.join(cls.root, "hevc")
        os.makedirs(hevc)
        ffmpeg(*lavfi(4), "-c:v", "libx265", "-preset", "ultrafast", "-tag:v", "hvc1", "-x265-params", "log-level=error",
               "-c:a", "aac", "-f", "hls", "-hls_segment_type", "fmp4", "-hls_time", "2", "-hls_playlist_type", "vod",
               "-hls_fmp4_init_filename", "init.mp4", "-hls_segment_filename", os.path.join(hevc, "seg%d.m4s"),
               os.path.join(hevc, "index.m3u8"))
        cls.server = Server(cls.root).ready()
        cls.base = cls.server.base
        cls.driver = chrome()

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        cls.server.stop()
        shutil.rmtree(cls.work, ignore_errors=True)

    def state(self):
        return self.driver.execute_script("""
            const v = document.getElementById('video');
            return {t: v.currentTime, paused: v.paused, audioBytes: v.webkitAudioDecodedByteCount,
                    error: v.error ? v.error.code + ' ' + v.error.message : null,
                    errors: window.hlsseg.errors, page: document.getElementById('error').textContent,
                    codecs: document.getElementById('codecs').textContent};""")

    def plays_with_audio(self, stream, codecs):
        self.driver.get(f"{self.base}/player.html?stream={stream}&engine=mse")
        first = wait_for(f"{stream} to start playing", lambda: (lambda s: s if s["t"] > 0 else None)(self.state()), 30,
                         describe=self.state)
        deadline = time.monotonic() + 30
        while True:
            state = self.state()
            self.assertIsNone(state["error"], f"media error: {state}")
            self.assertEqual(state["errors"], [], f"player errors: {state}")
            if state["t"] - first["t"] >= PLAY_SECONDS and state["audioBytes"] > first["audioBytes"]:
                break
            self.assertLess(time.monotonic(), deadline, f"playback or audio decoding stuck: first {first}, now {state}")
            time.sleep(0.25)
        self.assertGreater(state["audioBytes"], 0, "no audio decoded")
        self.assertEqual(state["page"], "")
        self.assertIn(codecs, state["codecs"])

    def test_mp3_plays_through_mse(self):
        self.plays_with_audio("mp3", "H.264, MP3 (avc1.")
        self.assertIn("mp4a.6B", self.state()["codecs"])

    def test_mp3_audio_only_plays_through_mse(self):
        self.plays_with_audio("mp3only", "MP3 (mp4a.69)")

    def test_opus_plays_through_mse(self):
        self.plays_with_audio("opus", "H.264, Opus (avc1.")

    def refused_in_words(self, stream, engine, sentence):
        self.driver.get(f"{self.base}/player.html?stream={stream}&engine={engine}")
        state = wait_for(f"the message for {stream}", lambda: (lambda s: s if s["errors"] else None)(self.state()), 20,
                         describe=self.state)
        self.assertTrue(any(sentence in error for error in state["errors"]), state)
        self.assertIn(sentence, state["page"])

    def test_aac_main_is_named_unplayable_mse(self):
        self.refused_in_words("aacmain", "mse", "This browser cannot play AAC audio (mp4a.40.1).")

    def test_aac_main_is_named_unplayable_native(self):
        self.refused_in_words("aacmain", "native", "This browser cannot play AAC audio (mp4a.40.1).")

    def test_hevc_is_named_unplayable_mse(self):
        self.refused_in_words("hevc", "mse", "This browser cannot play H.265 video (hvc1.1.6.L")

    def test_home_page_names_the_codecs(self):
        self.driver.get(self.base + "/")
        text = wait_for("the stream table", lambda: (lambda t: t if "opus" in t and "mp3" in t else None)(
            self.driver.find_element("id", "streams").text), 10)
        rows = {row.find_element("css selector", "td.name").text: row.text
                for row in self.driver.find_elements("css selector", "#streams tbody tr")}
        self.assertIn("H.264, MP3", rows["mp3"])
        self.assertIn("mp4a.6B", rows["mp3"])
        self.assertIn("H.264, Opus", rows["opus"])
        self.assertIn("not playable in this browser", rows["aacmain"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
