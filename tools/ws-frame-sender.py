#!/usr/bin/env python3
"""Send a media file to hlsseg's WebSocket ingest (/ingest/<stream>), one frame per message.

Example:
    tools/ws-frame-sender.py input.mp4 ws://127.0.0.1:8080/ingest/cam1 --token s3cret --realtime

The input is read with ffmpeg (`-c copy`, so it must hold H.264 or H.265 and/or AAC) and each
frame is sent in the message format of docs/ingest.md: a 20-byte header, then an Annex-B
access unit (video) or an ADTS frame (audio). H.264 comes through FLV, its SPS/PPS first in a
config message; H.265 (video codec byte 1) through MPEG-TS, which puts its VPS/SPS/PPS in band
before each keyframe. With --g711 mulaw|alaw the audio is sent as G.711 codes (8 kHz mono,
codec byte 1 or 2; H.264 inputs only): ffmpeg converts it, hlsseg transcodes it to AAC.
Only the Python standard library is used (a minimal RFC 6455 client).
"""
import argparse
import base64
import os
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.parse

VIDEO, AUDIO = 0, 1
KEYFRAME, CONFIG, TIMESTAMPS = 1, 2, 4


G711_CODECS = {8: 1, 7: 2}  # FLV sound format (μ-law, A-law) → the header's codec byte
H265 = 1  # the header's video codec byte for H.265
TS_HEVC, TS_ADTS = 0x24, 0x0F  # MPEG-TS stream types (ISO/IEC 13818-1 table 2-34)


def frame_message(track, flags, pts_us, dts_us, payload, codec=0):
    """The 20-byte header of docs/ingest.md, then the payload."""
    return struct.pack(">BBBBqq", 1, track, flags, codec, pts_us, dts_us) + payload


class WebSocket:
    """Just enough of RFC 6455 to send binary messages from a client.

    A reader thread answers the server's pings (the server closes a connection that leaves
    them unanswered for 30 s) and keeps the server's close frame, so that a refused publish
    says why.
    """

    def __init__(self, url, token=None):
        parts = urllib.parse.urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port or 80))
        path = parts.path + ("?" + parts.query if parts.query else "")
        key = base64.b64encode(os.urandom(16)).decode()
        headers = [
            f"GET {path} HTTP/1.1", f"Host: {parts.hostname}:{parts.port or 80}", "Upgrade: websocket",
            "Connection: Upgrade", f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13",
        ]
        if token:
            headers.append(f"Authorization: Bearer {token}")
        self.sock.sendall(("\r\n".join(headers) + "\r\n\r\n").encode())
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise SystemExit("the server closed the connection during the WebSocket handshake")
            response += chunk
        status = response.split(b"\r\n", 1)[0].decode(errors="replace")
        if " 101 " not in status + " ":
            raise SystemExit(f"WebSocket upgrade refused: {status}")
        self.write_lock = threading.Lock()
        self.server_close = None  # "close code N (reason)" once the server's close frame came
        self.ended = threading.Event()  # the server's close frame came, or the connection ended
        reader = threading.Thread(target=self.read_frames, args=(response.split(b"\r\n\r\n", 1)[1],), daemon=True)
        reader.start()

    def read_frames(self, data):
        """Answers pings and notes the close frame; the server's frames are never masked."""
        try:
            while True:
                while len(data) >= 2:
                    length, offset = data[1] & 0x7F, 2
                    if length >= 126:
                        offset = 4 if length == 126 else 10
                        length = int.from_bytes(data[2:offset], "big") if len(data) >= offset else None
                    if length is None or len(data) < offset + length:
                        break
                    opcode, body, data = data[0] & 0x0F, data[offset:offset + length], data[offset + length:]
                    if opcode == 0x9:
                        self.send(body, opcode=0xA)
                    elif opcode == 0x8:
                        code = int.from_bytes(body[:2], "big") if len(body) >= 2 else 1005
                        reason = body[2:].decode(errors="replace")
                        self.server_close = f"close code {code}" + (f" ({reason})" if reason else "")
                        return
                chunk = self.sock.recv(65536)
                if not chunk:
                    return
                data += chunk
        except (OSError, SystemExit):
            return
        finally:
            self.ended.set()

    def send(self, payload, opcode=0x2):
        mask = os.urandom(4)
        length = len(payload)
        if length < 126:
            header = struct.pack(">BB", 0x80 | opcode, 0x80 | length)
        elif length < 1 << 16:
            header = struct.pack(">BBH", 0x80 | opcode, 0x80 | 126, length)
        else:
            header = struct.pack(">BBQ", 0x80 | opcode, 0x80 | 127, length)
        # XOR as one big integer: a per-byte loop takes seconds for an HD keyframe.
        key = (mask * (length // 4 + 1))[:length]
        masked = (int.from_bytes(payload, "big") ^ int.from_bytes(key, "big")).to_bytes(length, "big")
        try:
            with self.write_lock:
                self.sock.sendall(header + mask + masked)
        except OSError as error:
            self.ended.wait(2)
            raise SystemExit(f"the server closed the connection: {self.server_close or error}")

    def close(self):
        """Sends close 1000 and waits for the server's; exits with an error if it closed otherwise."""
        self.send(struct.pack(">H", 1000), opcode=0x8)
        self.ended.wait(2)
        self.sock.close()
        if self.server_close is not None and not self.server_close.startswith("close code 1000"):
            raise SystemExit(f"the server closed the connection: {self.server_close}")


def read_exact(stream, count):
    data = stream.read(count)
    return data if data is not None and len(data) == count else None


def flv_tags(stream):
    """(type, timestamp ms, body) of each FLV tag (FLV spec v10.1, annex E)."""
    header = read_exact(stream, 9)
    if not header or header[:3] != b"FLV":
        raise SystemExit("ffmpeg did not produce FLV")
    stream.read(struct.unpack(">I", header[5:9])[0] - 9 + 4)
    while True:
        tag = read_exact(stream, 11)
        if not tag:
            return
        size = int.from_bytes(tag[1:4], "big")
        timestamp = int.from_bytes(tag[4:7], "big") | tag[7] << 24
        body = read_exact(stream, size)
        read_exact(stream, 4)
        if body is None:
            return
        yield tag[0] & 0x1F, timestamp, body


def ts_pes(stream):
    """(stream type, pts, dts, payload) of each PES packet of an MPEG-TS (ISO/IEC 13818-1),
    times in 90 kHz ticks (dts = pts when absent). ffmpeg's muxer writes one video access unit
    per PES packet; an audio one may hold several ADTS frames."""
    pmt_pid, stream_types, pending = None, {}, {}

    def section(payload, start):
        # pointer_field, then the section; its length counts from after the length field.
        if start:
            payload = payload[1 + payload[0]:]
        length = ((payload[1] & 0x0F) << 8) | payload[2]
        return payload[:3 + length - 4]  # without the CRC

    def finish(pid):
        data = bytes(pending.pop(pid))
        if len(data) < 9 or data[:3] != b"\x00\x00\x01":
            return None
        flags, header_length = data[7], data[8]

        def timestamp(at):
            b = data[at:at + 5]
            return ((b[0] >> 1) & 7) << 30 | b[1] << 22 | (b[2] >> 1) << 15 | b[3] << 7 | b[4] >> 1

        pts = timestamp(9) if flags & 0x80 else None
        dts = timestamp(14) if flags & 0xC0 == 0xC0 else pts
        return stream_types[pid], pts, dts, data[9 + header_length:]

    while True:
        packet = read_exact(stream, 188)
        if not packet:
            for pid in list(pending):
                finished = finish(pid)
                if finished:
                    yield finished
            return
        if packet[0] != 0x47:
            raise SystemExit("ffmpeg did not produce MPEG-TS")
        start = packet[1] & 0x40
        pid = ((packet[1] & 0x1F) << 8) | packet[2]
        control = (packet[3] >> 4) & 3
        if not control & 1:
            continue  # adaptation field only
        payload = packet[5 + packet[4]:] if control & 2 else packet[4:]
        if pid == 0 and start:
            entries = section(payload, start)[8:]
            for at in range(0, len(entries) - 3, 4):
                if entries[at:at + 2] != b"\x00\x00":  # program 0 is the network PID
                    pmt_pid = ((entries[at + 2] & 0x1F) << 8) | entries[at + 3]
        elif pid == pmt_pid and start:
            table = section(payload, start)
            at = 12 + (((table[10] & 0x0F) << 8) | table[11])
            while at + 5 <= len(table):
                stream_types[((table[at + 1] & 0x1F) << 8) | table[at + 2]] = table[at]
                at += 5 + (((table[at + 3] & 0x0F) << 8) | table[at + 4])
        elif pid in stream_types:
            if start:
                if pid in pending:
                    finished = finish(pid)
                    if finished:
                        yield finished
                pending[pid] = bytearray(payload)
            elif pid in pending:
                pending[pid] += payload


def video_codec(source):
    """The codec name of the input's first video stream, as ffprobe says it ('' without one)."""
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_name", "-of", "csv=p=0", source],
        capture_output=True, text=True)
    return probe.stdout.strip()


def avcc_to_annexb(record):
    """SPS and PPS of an AVCDecoderConfigurationRecord, with start codes; and the NAL length size."""
    length_size = (record[4] & 3) + 1
    out, pos = b"", 5
    for mask in (0x1F, 0xFF):
        count = record[pos] & mask
        pos += 1
        for _ in range(count):
            size = int.from_bytes(record[pos:pos + 2], "big")
            out += b"\x00\x00\x00\x01" + record[pos + 2:pos + 2 + size]
            pos += 2 + size
    return out, length_size


def nalus_to_annexb(data, length_size):
    out, pos = b"", 0
    while pos + length_size <= len(data):
        size = int.from_bytes(data[pos:pos + length_size], "big")
        out += b"\x00\x00\x00\x01" + data[pos + length_size:pos + length_size + size]
        pos += length_size + size
    return out


def adts(asc, frame):
    """A 7-byte ADTS header (no CRC) from an AudioSpecificConfig, then the raw frame."""
    profile = (asc[0] >> 3) - 1
    rate_index = ((asc[0] & 7) << 1) | (asc[1] >> 7)
    channels = (asc[1] >> 3) & 0xF
    length = len(frame) + 7
    header = bytes([
        0xFF, 0xF1, (profile << 6) | (rate_index << 2) | (channels >> 2),
        ((channels & 3) << 6) | (length >> 11), (length >> 3) & 0xFF, ((length & 7) << 5) | 0x1F, 0xFC,
    ])
    return header + frame


def send_flv(stream, socket_, flags, wait_until):
    """H.264 and AAC or G.711 from FLV tags; returns the frames sent."""
    length_size, asc, sent = 4, None, 0
    for kind, timestamp, body in flv_tags(stream):
        wait_until(timestamp)
        if kind == 9 and len(body) >= 5 and body[0] & 0x0F == 7:
            cts = int.from_bytes(body[2:5], "big", signed=True)
            dts_us, pts_us = timestamp * 1000, (timestamp + cts) * 1000
            if body[1] == 0:
                annexb, length_size = avcc_to_annexb(body[5:])
                socket_.send(frame_message(VIDEO, CONFIG | flags, pts_us, dts_us, annexb))
            elif body[1] == 1:
                key = KEYFRAME if body[0] >> 4 == 1 else 0
                socket_.send(frame_message(VIDEO, key | flags, pts_us, dts_us, nalus_to_annexb(body[5:], length_size)))
                sent += 1
        elif kind == 8 and len(body) >= 2 and body[0] >> 4 == 10:
            if body[1] == 0:
                asc = body[2:]
            elif asc is not None:
                socket_.send(frame_message(AUDIO, KEYFRAME | flags, timestamp * 1000, timestamp * 1000, adts(asc, body[2:])))
                sent += 1
        elif kind == 8 and len(body) >= 2 and body[0] >> 4 in G711_CODECS:
            codec = G711_CODECS[body[0] >> 4]
            socket_.send(frame_message(AUDIO, KEYFRAME | flags, timestamp * 1000, timestamp * 1000, body[1:], codec))
            sent += 1
    return sent


def hevc_is_irap(access_unit):
    """Whether an Annex-B H.265 access unit holds an IRAP picture (NAL unit types 16 to 23)."""
    return any(16 <= (unit[0] >> 1) & 0x3F <= 23 for unit in access_unit.split(b"\x00\x00\x01")[1:] if unit)


def send_hevc(stream, socket_, flags, wait_until):
    """H.265 (Annex-B, parameter sets in band) and ADTS AAC from MPEG-TS; returns the frames sent.
    Times are sent relative to the first one, as FLV's are."""
    origin, sent = None, 0
    for stream_type, pts, dts, payload in ts_pes(stream):
        if pts is None or stream_type not in (TS_HEVC, TS_ADTS):
            continue
        origin = dts if origin is None else origin
        pts_us, dts_us = (pts - origin) * 100 // 9, (dts - origin) * 100 // 9
        wait_until(dts_us // 1000)
        if stream_type == TS_HEVC:
            key = KEYFRAME if hevc_is_irap(payload) else 0
            socket_.send(frame_message(VIDEO, key | flags, pts_us, dts_us, payload, H265))
        else:
            socket_.send(frame_message(AUDIO, KEYFRAME | flags, pts_us, pts_us, payload))
        sent += 1
    return sent


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("input", help="any file or URL ffmpeg reads with H.264 or H.265 and/or AAC")
    parser.add_argument("url", help="ws://host:port/ingest/<stream>[?token=…]")
    parser.add_argument("--token", help="sent as Authorization: Bearer")
    parser.add_argument("--realtime", action="store_true", help="send at the pace of the timestamps")
    parser.add_argument("--g711", choices=["mulaw", "alaw"], help="send the audio as G.711 (8 kHz mono)")
    parser.add_argument("--readrate", type=float, help="ffmpeg's -readrate: read the input at this multiple of real time")
    parser.add_argument("--no-timestamps", action="store_true", help="leave timestamps out (the server uses arrival times; implies --realtime)")
    args = parser.parse_args()
    realtime = args.realtime or args.no_timestamps

    hevc = video_codec(args.input) == "hevc"
    if hevc and args.g711:
        raise SystemExit("--g711 is for H.264 inputs: H.265 is sent through MPEG-TS, which carries no G.711")
    audio = ["-c:a", "pcm_" + args.g711, "-ar", "8000", "-ac", "1"] if args.g711 else []
    pace = ["-readrate", str(args.readrate)] if args.readrate else []
    container = ["-f", "mpegts"] if hevc else ["-f", "flv"]
    ffmpeg = subprocess.Popen(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin"] + pace + ["-i", args.input, "-c", "copy"] + audio + container + ["-"],
        stdout=subprocess.PIPE)
    socket_ = WebSocket(args.url, args.token)
    flags = 0 if args.no_timestamps else TIMESTAMPS
    start = time.monotonic()

    def wait_until(milliseconds):
        if realtime:
            delay = start + milliseconds / 1000 - time.monotonic()
            if delay > 0:
                time.sleep(delay)

    sent = send_hevc(ffmpeg.stdout, socket_, flags, wait_until) if hevc else send_flv(ffmpeg.stdout, socket_, flags, wait_until)
    socket_.close()
    status = ffmpeg.wait()
    print(f"sent {sent} frames", file=sys.stderr)
    sys.exit(status)


if __name__ == "__main__":
    main()
