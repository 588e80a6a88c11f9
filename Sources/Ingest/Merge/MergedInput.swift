import Logging
import Segmenter

/// Several inputs read as one, as `ffmpeg -i a.h264 -i b.aac -c copy` does: video from the first
/// input that has video, audio from the first that has audio, packets interleaved by time.
/// Track IDs are assigned here: video 1 and audio 2 when both exist, otherwise 1.
///
/// When the tracks come from different inputs, each input's clock is shifted so that its first
/// packet presents at 0 (ffmpeg does the same by subtracting each input's start time), so a
/// transport stream starting at 1.4 s lines up with an `.aac` file starting at 0.
///
/// Not `Sendable`, for the same reason as `LibAVInput`, whose instances it owns.
public final class MergedInput {
    /// Video first, then audio; the latest description after a `.tracks` event.
    public private(set) var tracks: [Track]
    /// Stop when the first of the streams ends (`-shortest`): the other streams deliver only
    /// packets that start before that stream's end.
    public let shortest: Bool

    private final class Source {
        let input: LibAVInput
        /// IDs this source's packets carry for the tracks taken from it; other tracks are dropped.
        var wanted: Set<UInt32>
        var peeked: MediaPacket?
        /// Tracks of this source that changed before `peeked` (see `LibAVInput.nextEvent()`).
        var changedTracks: [Track] = []
        var ended = false
        /// Subtracted from every timestamp, per track ID, once the first packet is seen.
        var offsets: [UInt32: Int64]?

        init(input: LibAVInput, wanted: Set<UInt32>) {
            self.input = input
            self.wanted = wanted
        }
    }

    private let sources: [Source]
    private let inputs: [LibAVInput]
    private let timescales: [UInt32: UInt32]
    private let alignStarts: Bool
    private let videoSource: Source?
    /// Under `shortest`, the media time (seconds) at which the first stream to end ended.
    private var cutoff: Double?
    private var pacer: RealtimePacer?

    /// Takes tracks from already opened inputs.
    public init(inputs: [LibAVInput], shortest: Bool = false, realtime: Bool = false) throws(IngestError) {
        let videoInput = inputs.first { $0.tracks.contains { $0.format.isVideo } }
        let audioInput = inputs.first { $0.tracks.contains { !$0.format.isVideo } }
        guard videoInput != nil || audioInput != nil else {
            throw IngestError(.noUsableStream, "none of the inputs has a video or audio stream")
        }
        let videoID: UInt32? = videoInput == nil ? nil : 1
        let audioID: UInt32? = audioInput == nil ? nil : (videoInput == nil ? 1 : 2)
        // Tracks an input has but does not contribute get an ID no chosen track uses, and are dropped.
        let unused = UInt32.max - 1
        var sources: [Source] = []
        var tracks: [Track] = []
        var timescales: [UInt32: UInt32] = [:]
        var videoSource: Source?
        for input in inputs where input === videoInput || input === audioInput {
            let givesVideo = input === videoInput
            let givesAudio = input === audioInput
            input.assignTrackIDs(video: givesVideo ? videoID : unused, audio: givesAudio ? audioID : unused)
            let source = Source(input: input, wanted: Set([givesVideo ? videoID : nil, givesAudio ? audioID : nil].compactMap { $0 }))
            if givesVideo { videoSource = source }
            sources.append(source)
            for track in input.tracks where source.wanted.contains(track.id) {
                tracks.append(track)
                timescales[track.id] = track.format.timescale
            }
        }
        self.tracks = tracks.sorted { $0.id < $1.id }
        self.timescales = timescales
        self.sources = sources
        self.inputs = inputs
        self.videoSource = videoSource
        self.shortest = shortest
        alignStarts = sources.count > 1
        pacer = realtime ? RealtimePacer() : nil
    }

    /// Opens `urls` in order, each asked only for the kinds of stream still missing (so a VP9
    /// video in an input whose audio is all we take does not fail the open), and merges them.
    public convenience init(
        urls: [String], options: InputOptions = InputOptions(), shortest: Bool = false,
        logger: Logger = Logger(label: "hlsseg.ingest")
    ) throws(IngestError) {
        var opened: [LibAVInput] = []
        var missing = options.media
        for url in urls {
            guard !missing.isEmpty else { break }
            var inputOptions = options
            inputOptions.realtime = false  // paced here, over the merged stream
            inputOptions.media = missing
            let input: LibAVInput
            do {
                input = try LibAVInput(url: url, options: inputOptions, logger: logger)
            } catch  where error.code == .noUsableStream && !opened.isEmpty {
                continue  // e.g. a second input with only the kind already taken
            }
            for track in input.tracks { missing.remove(track.format.isVideo ? .video : .audio) }
            opened.append(input)
        }
        try self.init(inputs: opened, shortest: shortest, realtime: options.realtime)
    }

    /// True when any input stopped at damage.
    public var endedWithDamage: Bool { inputs.contains { $0.endedWithDamage } }

    /// The inputs' warnings, in input order.
    public var warnings: [String] { inputs.flatMap(\.warnings) }

    /// The next event across inputs: packets by time (ties: input order), a source's `.tracks`
    /// (with every track, `tracks`) just before its next packet; `nil` at the end.
    public func nextEvent() throws(IngestError) -> MediaEvent? {
        var best: (source: Source, time: Double)?
        for source in sources {
            guard let packet = try peek(source) else { continue }
            let time = seconds(packet.dts, packet.trackID)
            if best == nil || time < best!.time { best = (source, time) }
        }
        guard let (source, time) = best else { return nil }
        if let cutoff, time >= cutoff { return nil }
        if !source.changedTracks.isEmpty {
            let changed = source.changedTracks
            source.changedTracks = []
            tracks = tracks.map { track in changed.first { $0.id == track.id } ?? track }
            return .tracks(tracks)
        }
        let packet = source.peeked!
        source.peeked = nil
        if var pacer {
            pacer.wait(untilMediaTime: time)
            self.pacer = pacer
        }
        return .packet(packet)
    }

    /// The next packet, passing over track changes (`tracks` describes the latest): for
    /// readers that only time or count packets.
    public func nextPacket() throws(IngestError) -> MediaPacket? {
        while let event = try nextEvent() {
            if case .packet(let packet) = event { return packet }
        }
        return nil
    }

    /// Where the video keyframes present and where the video ends (seconds, on the merged clock),
    /// when the input can tell before it is read; see `LibAVInput.keyframePresentationTimes()`.
    public func keyframePlan() -> (keyframeTimes: [Double], endTime: Double?)? {
        guard let videoSource, let times = videoSource.input.keyframePresentationTimes() else { return nil }
        let end = videoSource.input.announcedEndTime
        guard alignStarts else { return (times, end) }
        guard (try? peek(videoSource)) != nil, let offsets = videoSource.offsets,
            let videoTrack = tracks.first(where: { $0.format.isVideo })
        else { return (times, end) }
        let shift = Double(offsets[videoTrack.id] ?? 0) / Double(videoTrack.format.timescale)
        return (times.map { $0 - shift }, end.map { $0 - shift })
    }

    private func seconds(_ ticks: Int64, _ trackID: UInt32) -> Double {
        Double(ticks) / Double(timescales[trackID] ?? 1)
    }

    /// The source's next wanted packet, shifted onto the merged clock; notes its end.
    private func peek(_ source: Source) throws(IngestError) -> MediaPacket? {
        if let peeked = source.peeked { return peeked }
        guard !source.ended else { return nil }
        while let event = try source.input.nextEvent() {
            switch event {
            case .tracks(let tracks):
                for track in tracks where source.wanted.contains(track.id) && !self.tracks.contains(track) {
                    source.changedTracks.removeAll { $0.id == track.id }
                    source.changedTracks.append(track)
                }
            case .packet(let packet):
                guard source.wanted.contains(packet.trackID) else { continue }
                source.peeked = shifted(packet, in: source)
                return source.peeked
            }
        }
        source.ended = true
        if shortest && cutoff == nil {
            cutoff = lastEnd[ObjectIdentifier(source)] ?? 0
        }
        return nil
    }

    /// Per source, the latest media end time delivered (seconds), for `shortest`.
    private var lastEnd: [ObjectIdentifier: Double] = [:]

    private func shifted(_ packet: MediaPacket, in source: Source) -> MediaPacket {
        var packet = packet
        if alignStarts {
            if source.offsets == nil {
                let start = seconds(packet.pts, packet.trackID)
                var offsets: [UInt32: Int64] = [:]
                for id in source.wanted {
                    offsets[id] = Int64((start * Double(timescales[id] ?? 1)).rounded())
                }
                source.offsets = offsets
            }
            let offset = source.offsets?[packet.trackID] ?? 0
            packet.dts -= offset
            packet.pts -= offset
        }
        let end = seconds(packet.pts + (packet.duration ?? 0), packet.trackID)
        lastEnd[ObjectIdentifier(source)] = max(lastEnd[ObjectIdentifier(source)] ?? end, end)
        return packet
    }
}
