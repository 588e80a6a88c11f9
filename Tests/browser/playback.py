"""Playback checks the browser tests share."""
import time

# The player page's state: the playhead, the audio the browser decoded, errors, the engine and
# the codecs it shows.
PLAYER_STATE = """
    const v = document.getElementById('video');
    const codecs = document.getElementById('codecs');
    return {t: v.currentTime, audio: v.webkitAudioDecodedByteCount,
            error: v.error ? v.error.code + ' ' + v.error.message : null,
            engine: window.hlsseg.engine, errors: window.hlsseg.errors,
            codecs: codecs ? codecs.textContent : null};"""


def play_with_audio(test, url, seconds=3, timeout=30):
    """Opens the player page at `url` and waits until the playhead has moved `seconds` past the
    first moment it played with decoded audio, failing `test` on a media or player error or
    after `timeout`. Checks that decoded audio grew meanwhile; returns the last state."""
    test.driver.get(url)
    first = None
    deadline = time.monotonic() + timeout
    while True:
        state = test.driver.execute_script(PLAYER_STATE)
        test.assertIsNone(state["error"], f"media error: {state}")
        test.assertEqual(state["errors"], [], f"player errors: {state}")
        if first is None and state["t"] > 0.5 and state["audio"] > 0:
            first = state
        if first is not None and state["t"] >= first["t"] + seconds:
            break
        test.assertLess(time.monotonic(), deadline, f"no playback with decoded audio: {state}")
        time.sleep(0.2)
    test.assertGreater(state["audio"], first["audio"], f"decoded audio did not advance: {first} → {state}")
    return state
