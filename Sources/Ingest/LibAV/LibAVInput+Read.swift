import CLibAV
import Glibc
import Segmenter

extension LibAVInput {
    /// Reads demuxer packets until one of the chosen streams yields output (appended to
    /// `pending`) or the input ends.
    func readAndConvert() throws(IngestError) {
        let packet = context.packet
        while !finished {
            let result = av_read_frame(context.pointer, packet)
            if result == hlsseg_averror(EAGAIN) {
                var pause = timespec(tv_sec: 0, tv_nsec: 5_000_000)
                nanosleep(&pause, nil)
                continue
            }
            if result == hlsseg_averror_eof() {
                finishAtEnd()
                return
            }
            if result < 0 {
                if result == hlsseg_averror_invaliddata() {
                    stopAtDamage(libavErrorString(result))
                    return
                }
                throw IngestError(.readFailed, "reading \(url) failed: \(libavErrorString(result))")
            }
            defer { av_packet_unref(packet) }
            let index = packet.pointee.stream_index
            let isVideo = index == video?.index
            guard isVideo || index == audio?.index else { continue }
            if packet.pointee.flags & AV_PKT_FLAG_CORRUPT != 0 {
                stopAtDamage("\(isVideo ? "a video" : "an audio") packet is cut short or corrupt")
                return
            }
            let countBefore = pending.count
            if isVideo {
                video?.packetsRead += 1
                try convertVideo(packet)
            } else {
                audio?.packetsRead += 1
                try convertAudio(packet)
            }
            if pending.count > countBefore || finished { return }
        }
    }

    func convertVideo(_ packet: UnsafeMutablePointer<AVPacket>) throws(IngestError) {
        guard var state = video, packet.pointee.size > 0, let data = packet.pointee.data else { return }
        let bytes = UnsafeRawBufferPointer(start: data, count: Int(packet.pointee.size))
        let payload: [UInt8]
        switch state.layout {
        case _ where metadataOnly && state.decoderConfiguration != nil && state.pictureOrder == nil:
            payload = []  // raw HEVC keeps its payload: its presentation times come from picture order counts
        case .lengthPrefixed(4):
            payload = copyBytes(bytes)
        case .lengthPrefixed(let size):
            do {
                payload = try LengthPrefixed.convertToFourByteLengths(bytes, from: size)
            } catch {
                stopAtDamage("an \(state.codecName) NAL unit length does not fit its packet: \(error)")
                return
            }
        case .annexB:
            let output = AnnexB.toLengthPrefixed(bytes)
            if output.skippedBytes > 0 { noteGarbage(output.skippedBytes) }
            if !state.isHEVC {
                if case .h264(let current) = state.decoderConfiguration {
                    if H264AccessUnit.carriesSequenceParameterSet(output.lengthPrefixed),
                        let changed = try newH264Configuration(H264AccessUnit(output), current: current)
                    {
                        state.decoderConfiguration = .h264(changed)
                        state.configurationChanged = true
                    }
                } else {
                    let unit = H264AccessUnit(output)
                    try adoptParameterSets(sps: unit.sequenceParameterSets, pps: unit.pictureParameterSets)
                    state.decoderConfiguration = video?.decoderConfiguration
                }
            }
            guard !output.lengthPrefixed.isEmpty else { return }
            if output.skippedBytes > 0 && output.lengthPrefixed.count < 8 { return }
            payload = output.lengthPrefixed
        }
        var isKeyframe = packet.pointee.flags & AV_PKT_FLAG_KEY != 0
        var payloadForTrack = payload
        var hevcUnit: HEVCAccessUnit?
        if state.isHEVC && !payload.isEmpty {
            guard let prepared = try prepareHEVC(payload, state: &state) else { return }
            payloadForTrack = prepared.payload
            hevcUnit = prepared.unit
            isKeyframe = isKeyframe || prepared.unit.containsIRAP
        }
        let timeBase = state.timeBase
        let timescale = state.timescale
        func convert(_ value: Int64) -> Int64? {
            value == hlsseg_nopts_value() ? nil : Timescales.rescale(value, from: timeBase, to: timescale)
        }
        var duration = packet.pointee.duration > 0 ? convert(packet.pointee.duration) : nil
        var pts = convert(packet.pointee.pts)
        var dts = convert(packet.pointee.dts)
        if var grid = state.grid {
            let rate = state.gridRate ?? rawFrameRate(state.decoderConfiguration)
            if state.decoderConfiguration != nil { state.gridRate = rate }  // frames before the first SPS do not decide
            let stamp = grid.stamp(rate: rate, arrival: nil)
            state.grid = grid
            (pts, dts, duration) = (stamp.time, stamp.time, stamp.duration)
            // Raw HEVC: B-frames are shown in picture order count order, `maxNumReorderPics`
            // frames after the grid's first frame (a file's grid starts at 0 with one rate).
            if let hevcUnit, var order = state.pictureOrder {
                if let index = try? order.outputIndex(of: hevcUnit) {
                    pts = rate.time(ofFrame: Int64(index + order.maxNumReorderPics), timescale: timescale)
                }
                state.pictureOrder = order
            }
        }
        let converted = MediaPacket(
            trackID: Self.videoPlaceholderID, dts: 0, pts: 0, duration: duration,
            isKeyframe: isKeyframe, data: payloadForTrack)
        try noteVideoPacketConverted(&state)
        enqueue(state.fixer.push(converted, pts: pts, dts: dts), timescale: timescale)
        video = state
    }

    /// The rate raw H.264 or HEVC is stamped at: `--framerate` when given, else the VUI timing
    /// of the first SPS, else `InputOptions.defaultFramerate`.
    func rawFrameRate(_ configuration: VideoCodec?) -> FrameRate {
        let explicit = options.framerate.flatMap { FrameRate(framesPerSecond: $0) }
        let timing: VUITiming? =
            switch configuration {
            case .h264(let record): (try? record.parsedSPS())?.timing
            case .hevc(let record): (try? record.parsedSPS())?.timing
            case nil: nil
            }
        return FrameRate.forFramesWithoutTimestamps(explicit: explicit, timing: timing, estimate: nil) ?? .fallback
    }

    func convertAudio(_ packet: UnsafeMutablePointer<AVPacket>) throws(IngestError) {
        guard var state = audio, !state.g711Failed, packet.pointee.size > 0, let data = packet.pointee.data else { return }
        let bytes = UnsafeRawBufferPointer(start: data, count: Int(packet.pointee.size))
        var stamp = packet.pointee.dts != hlsseg_nopts_value() ? packet.pointee.dts : packet.pointee.pts
        defer { audio = state }
        if let transcoder = state.g711 {
            try transcodeG711(bytes, stamp: stamp, transcoder: transcoder, state: &state)
        } else if state.codecID == AV_CODEC_ID_MP3 {
            try convertMP3(bytes, stamp: stamp, libavDuration: packet.pointee.duration, state: &state)
        } else if state.codecID == AV_CODEC_ID_OPUS {
            convertOpus(bytes, stamp: stamp, state: &state)
        } else if state.adts {
            var offset = 0
            var skipped = 0
            while offset < bytes.count {
                guard let header = try? ADTSHeader.parse(bytes[offset...]), offset + header.frameLength <= bytes.count,
                    header.frameLength > header.headerLength
                else {
                    skipped += 1
                    offset += 1
                    continue
                }
                if state.config == nil {
                    state.config = header.audioSpecificConfig
                    if state.timescale == 0 { state.timescale = UInt32(header.sampleRate) }
                    if state.channels <= 0 { state.channels = Int(header.channelConfiguration) }
                }
                let payload = copyBytes(
                    UnsafeRawBufferPointer(rebasing: bytes[(offset + header.headerLength)..<(offset + header.frameLength)]))
                // Frames after the first in one demuxer packet follow it by one frame each.
                appendAudio(payload, stamp: stamp, libavDuration: nil, state: &state)
                stamp = hlsseg_nopts_value()
                offset += header.frameLength
            }
            if skipped > 0 { noteGarbage(skipped) }
        } else {
            appendAudio(copyBytes(bytes), stamp: stamp, libavDuration: packet.pointee.duration, state: &state)
        }
    }

    /// G.711 packets: the transcoder places the first sample at the first packet's time and
    /// counts from there. A packet of impossible length ends the input (bad input); an encoder
    /// failure stops the audio with one warning, the video goes on.
    private func transcodeG711(
        _ bytes: UnsafeRawBufferPointer, stamp: Int64, transcoder: G711AACTranscoder, state: inout AudioStreamState
    ) throws(IngestError) {
        do throws(IngestError) {
            try transcoder.checkFrameLength(bytes.count)
        } catch {
            throw IngestError(error.code, "\(url): \(error.reason)")
        }
        let pts: Int64
        if stamp != hlsseg_nopts_value() {
            pts = Timescales.rescale(stamp, from: state.timeBase, to: state.timescale)
        } else {
            pts = state.g711NextPTS
        }
        var packets: [MediaPacket] = []
        do throws(IngestError) {
            try transcoder.transcode(copyBytes(bytes)[...], pts: pts, trackID: Self.audioPlaceholderID, into: &packets)
        } catch {
            warn("\(url): transcoding \(transcoder.law) audio to AAC failed (\(error.reason)); the stream goes on without audio")
            state.g711 = nil
            state.g711Failed = true
            return
        }
        state.g711NextPTS = pts + Int64(bytes.count / transcoder.channels)
        enqueue(packets, timescale: state.timescale)
    }

    /// At the end of the input: the samples still in a G.711 transcoder go out.
    func finishG711() {
        guard var state = audio, let transcoder = state.g711 else { return }
        var packets: [MediaPacket] = []
        do throws(IngestError) {
            try transcoder.finish(trackID: Self.audioPlaceholderID, into: &packets)
        } catch {
            warn("\(url): flushing the \(transcoder.law) to AAC transcoder failed (\(error.reason))")
        }
        state.g711 = nil
        audio = state
        enqueue(packets, timescale: state.timescale)
    }

    /// Queues one audio frame stamped `stamp` (the stream's time base; no value: it follows the
    /// previous frame), lasting `frameDuration` ticks when given, else the codec's frame length
    /// (or the container's `libavDuration` when its clock is exact).
    func appendAudio(_ payload: [UInt8], stamp: Int64, libavDuration: Int64?, frameDuration: Int64? = nil, state: inout AudioStreamState) {
        guard state.timescale > 0 else { return }
        if state.smoother == nil {
            state.smoother = AudioTimestampSmoother(tolerance: Timescales.tickSpan(of: state.timeBase, in: state.timescale))
        }
        let exactClock = state.smoother?.tolerance == 1
        var duration = frameDuration ?? state.frameDuration
        if frameDuration == nil, exactClock, let libavDuration, libavDuration > 0 {
            duration = Timescales.rescale(libavDuration, from: state.timeBase, to: state.timescale)
        }
        let converted = stamp == hlsseg_nopts_value() ? nil : Timescales.rescale(stamp, from: state.timeBase, to: state.timescale)
        let dts = state.smoother!.place(converted, duration: duration)
        enqueue(
            [MediaPacket(trackID: Self.audioPlaceholderID, dts: dts, pts: dts, duration: duration, isKeyframe: true, data: payload)],
            timescale: state.timescale)
    }

    func noteGarbage(_ count: Int) {
        if skippedGarbageBytes == 0 {
            warn("\(url): skipped \(count) bytes of garbage in the stream; later frames are kept")
        }
        skippedGarbageBytes += count
    }

    /// Damage: deliver what was read before it, then end.
    func stopAtDamage(_ reason: String) {
        releaseHeldVideo()
        finished = true
        endedWithDamage = true
        warn("\(url) is damaged or truncated (\(reason)); stopped there, everything read before it is kept")
    }

    /// The demuxer's end of file: also checks the container did not promise more.
    func finishAtEnd() {
        finishG711()
        releaseHeldVideo()
        finished = true
        if let reason = truncationAtEnd() {
            endedWithDamage = true
            warn("\(url) is truncated (\(reason)); everything read before the end is kept")
        }
    }

    private func releaseHeldVideo() {
        if var state = video {
            enqueue(state.fixer.flush(), timescale: state.timescale)
            video = state
        }
    }

    /// Ways a file can end early without libavformat reporting an error.
    private func truncationAtEnd() -> String? {
        if context.isMov {
            // The sample tables list every sample; fewer packets means the media data is cut.
            for (index, read, kind) in [(video?.index, video?.packetsRead, "video"), (audio?.index, audio?.packetsRead, "audio")] {
                guard let index, let read else { continue }
                let expected = Int(avformat_index_get_entries_count(context.stream(Int(index))))
                if read < expected { return "\(read) of \(expected) \(kind) samples present" }
            }
        }
        if context.formatName.hasPrefix("matroska"), let announced = context.headerDuration, let read = mediaTimeRead {
            // The Segment duration is the longest track's; allow for a track ending a little early.
            let covered = read.end - read.start
            if covered < announced - max(0.5, announced * 0.05) {
                return "the header announces \(formatSeconds(announced)) s, the data ends after \(formatSeconds(covered)) s"
            }
        }
        if context.formatName == "mpegts", let size = regularFileSize(url), size % 188 != 0, size % 192 != 0, size % 204 != 0 {
            return "it ends in the middle of a transport stream packet"
        }
        return nil
    }
}

/// Seconds with millisecond precision, for messages.
func formatSeconds(_ value: Double) -> String {
    let milliseconds = Int((value * 1000).rounded())
    let fraction = String(milliseconds % 1000)
    return "\(milliseconds / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
}

/// The one copy from libav's buffer into Swift memory.
func copyBytes(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
    [UInt8](unsafeUninitializedCapacity: bytes.count) { buffer, initialized in
        if let base = bytes.baseAddress, bytes.count > 0 {
            UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: base, byteCount: bytes.count)
        }
        initialized = bytes.count
    }
}

/// The size of `url` when it names a regular local file (plain path or `file:` URL); `nil` for
/// network URLs, pipes, devices.
func regularFileSize(_ url: String) -> Int? {
    guard let path = localPath(url) else { return nil }
    var info = stat()
    guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
    return Int(info.st_size)
}

func localPath(_ url: String) -> String? {
    if url.hasPrefix("file:") { return String(url.dropFirst(5)) }
    if url == "-" || url.contains("://") || url.hasPrefix("pipe:") { return nil }
    return url
}
