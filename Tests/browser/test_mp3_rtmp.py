"""An RTMP publisher with MP3 audio (ffmpeg `-c:a libmp3lame -f flv`): the server passes the MP3
frames through, and headless Chromium plays the live stream through our MSE player with its audio
decoding (`webkitAudioDecodedByteCount` grows)."""

import unittest

from playback import play_with_audio
from rtmp_publishing import PublishedClipTests


class MP3OverRTMPTests(PublishedClipTests):
    STREAM = "mp3rtmp"
    CLIP_SECONDS = 20
    SAMPLE_RATE = 44100
    AUDIO = ["-c:a", "libmp3lame", "-b:a", "96k"]

    def test_mse_plays_the_mp3_audio(self):
        state = play_with_audio(self, f"{self.base}/player.html?stream=mp3rtmp&engine=mse")
        self.assertEqual(state["engine"], "mse")
        self.assertIn("mp4a.6B", state["codecs"])

if __name__ == "__main__":
    unittest.main()
