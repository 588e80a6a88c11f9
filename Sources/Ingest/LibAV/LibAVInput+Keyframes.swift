import CLibAV
import Logging
import Segmenter

extension LibAVInput {
    /// Presentation times, in seconds on the stream's own clock (packet `pts` / timescale), of
    /// every video keyframe — when they can be known before reading: from a complete demuxer
    /// index (mp4/mov), otherwise by pre-scanning a regular local file with a second, video-only
    /// reader. `nil` for network URLs, pipes and inputs without video. Lets the packager choose an
    /// `EXT-X-TARGETDURATION` that never has to change.
    public func keyframePresentationTimes() -> [Double]? {
        guard let video else { return nil }
        if let fromIndex = keyframeTimesFromIndex(video) { return fromIndex }
        guard regularFileSize(url) != nil else { return nil }
        return keyframeTimesByScanning()
    }

    /// Where the container says the media ends, in seconds on the stream clock (the clock of
    /// `keyframePresentationTimes()`); `nil` when the header does not say.
    public var announcedEndTime: Double? { context.headerEndTime }

    /// The mov index holds every sample (complete when its count equals the stream's frame
    /// count). Its timestamps are decode times, the same as the packets' dts; a keyframe's
    /// presentation time adds the stream's composition delay. That delay is taken from the
    /// first video packet (pts − dts): for the keyframes of usual encodes (x264 with B-frames:
    /// an IDR is decoded `delay` frames before it is shown) it is the same for every keyframe.
    private func keyframeTimesFromIndex(_ video: VideoStreamState) -> [Double]? {
        guard context.isMov else { return nil }
        let stream = context.stream(Int(video.index))
        let count = Int(avformat_index_get_entries_count(stream))
        guard count > 0, Int64(count) == stream.pointee.nb_frames else { return nil }
        guard let delay = compositionDelay() else { return nil }
        var times: [Double] = []
        for entryIndex in 0..<count {
            guard let entry = avformat_index_get_entry(stream, Int32(entryIndex)) else { return nil }
            guard entry.pointee.flags & AVINDEX_KEYFRAME != 0 else { continue }
            let dts = Timescales.rescale(entry.pointee.timestamp, from: video.timeBase, to: video.timescale)
            times.append(Double(dts + delay) / Double(video.timescale))
        }
        return times
    }

    /// pts − dts of the first video packet, reading ahead (into `pending`) if none was read yet.
    private func compositionDelay() -> Int64? {
        while firstVideoCompositionDelay == nil && !finished {
            do { try readAndConvert() } catch { return nil }
        }
        return firstVideoCompositionDelay
    }

    /// A second, video-only reader over the same file, taking timestamps and keyframe flags
    /// exactly as `nextPacket()` would.
    private func keyframeTimesByScanning() -> [Double]? {
        var scanOptions = options
        scanOptions.realtime = false
        scanOptions.media = [.video]
        // Silent: whatever the scan finds wrong, the real reader reports itself.
        let silent = Logger(label: logger.label, factory: { _ in SwiftLogNoOpLogHandler() })
        guard let scanner = try? LibAVInput(url: url, options: scanOptions, logger: silent, metadataOnly: true),
            let timescale = scanner.tracks.first?.format.timescale
        else { return nil }
        var times: [Double] = []
        while let packet = try? scanner.nextPacket() {
            if packet.isKeyframe { times.append(Double(packet.pts) / Double(timescale)) }
        }
        return times
    }
}
