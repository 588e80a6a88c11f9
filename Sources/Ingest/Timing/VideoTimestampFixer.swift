import Segmenter

/// Fills in video timestamps the container left out, in the output timescale.
///
/// - Both missing (raw Annex-B `.h264`): `dts = pts = ` previous `dts` + frame duration. Raw
///   H.264 carries no presentation order, so streams with B-frames come out with `pts == dts`
///   (decode order) — ffmpeg's `-c copy` does the same; players reorder by picture order count.
/// - Only `pts` missing: `pts = dts`.
/// - Only `dts` missing after the first known `dts`: previous `dts` + its duration, never past `pts`.
/// - Only `dts` missing at the start (mkv: libavformat derives dts from pts only once it has
///   seen as many frames as the stream reorders): the packets are held until the first known
///   `dts`, then back-filled one frame duration apart before it.
struct VideoTimestampFixer {
    /// Packets held waiting for the first known dts, at most this many (a few reorder depths);
    /// past it they are stamped from their pts as a last resort.
    static let maximumHeldPackets = 64

    let defaultFrameDuration: Int64
    private var lastDTS: Int64?
    private var lastDuration: Int64
    private var held: [MediaPacket] = []

    init(defaultFrameDuration: Int64) {
        self.defaultFrameDuration = max(1, defaultFrameDuration)
        lastDuration = self.defaultFrameDuration
    }

    /// Takes a packet whose `dts`/`pts` fields are ignored in favour of `dts`/`pts` here
    /// (nil = missing); returns the packets now ready, in decode order.
    mutating func push(_ packet: MediaPacket, pts: Int64?, dts: Int64?) -> [MediaPacket] {
        var packet = packet
        let duration = packet.duration ?? lastDuration
        switch (dts, pts) {
        case (let dts?, _):
            packet.dts = dts
            packet.pts = pts ?? dts
            var ready = backfill(before: dts, frameDuration: duration)
            lastDTS = dts
            lastDuration = duration
            ready.append(packet)
            return ready
        case (nil, let pts?):
            if let last = lastDTS {
                packet.dts = min(last + lastDuration, pts)
                packet.pts = pts
                lastDTS = packet.dts
                lastDuration = duration
                return [packet]
            }
            packet.pts = pts
            held.append(packet)
            if held.count >= Self.maximumHeldPackets { return flush() }
            return []
        case (nil, nil):
            let next = lastDTS.map { $0 + lastDuration } ?? 0
            packet.dts = next
            packet.pts = next
            lastDTS = next
            lastDuration = duration
            return [packet]
        }
    }

    /// Releases held packets at the end of the stream: their dts come from the sorted pts,
    /// shifted back by the reorder depth seen among them.
    mutating func flush() -> [MediaPacket] {
        guard !held.isEmpty else { return [] }
        let presentation = held.map(\.pts)
        let sorted = presentation.sorted()
        var depth = 0
        for (index, pts) in presentation.enumerated() {
            depth = max(depth, presentation[..<index].filter { $0 > pts }.count)
        }
        let frame = lastDuration
        var ready = held
        for index in ready.indices { ready[index].dts = sorted[index] - Int64(depth) * frame }
        held.removeAll()
        lastDTS = ready.last?.dts
        return ready
    }

    private mutating func backfill(before dts: Int64, frameDuration: Int64) -> [MediaPacket] {
        guard !held.isEmpty else { return [] }
        var ready = held
        held.removeAll()
        let count = Int64(ready.count)
        for index in ready.indices {
            let filled = dts - (count - Int64(index)) * frameDuration
            ready[index].dts = min(filled, ready[index].pts)
        }
        return ready
    }
}
