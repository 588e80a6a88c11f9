"""A camera-like RTMP publisher with G.711 audio (ffmpeg `-c:a pcm_mulaw -ar 8000 -ac 1`): the
server transcodes it to AAC, and headless Chromium plays the stream with its audio decoding
(`webkitAudioDecodedByteCount` grows), natively and through our MSE player."""

import unittest

from playback import play_with_audio
from rtmp_publishing import PublishedClipTests


class G711Tests(PublishedClipTests):
    STREAM = "g711"
    CLIP_SECONDS = 40
    SAMPLE_RATE = 8000
    AUDIO = ["-c:a", "pcm_mulaw", "-ar", "8000", "-ac", "1"]

    def play_with_audio(self, query, engine):
        state = play_with_audio(self, f"{self.base}/player.html?stream=g711{query}")
        self.assertEqual(state["engine"], engine)

    def test_native_plays_the_transcoded_audio(self):
        self.play_with_audio("", "native")

    def test_mse_plays_the_transcoded_audio(self):
        self.play_with_audio("&engine=mse", "mse")


if __name__ == "__main__":
    unittest.main()
