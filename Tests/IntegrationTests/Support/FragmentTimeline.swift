import Foundation

/// The sample timeline of a fragmented MP4 (init + `moof`/`mdat` segments), read straight from
/// the boxes by the ISO/IEC 14496-12 rules: `pts = dts + composition offset`, signed in `trun`
/// version 1.
///
/// FFmpeg's mov demuxer is not used for this on purpose: for fragments it adds the largest
/// negative composition offset to every pts (its `dts_shift`) without moving dts, so it shows
/// B-frame video later than a browser's MSE does.
///
/// ```
/// moov
///   trak: tkhd (track_ID), mdia: mdhd (timescale), hdlr (vide | soun)
///   mvex: trex (default sample duration)
/// moof
///   traf: tfhd (track_ID, defaults), tfdt (base media decode time), trun (samples)
/// ```
struct FragmentTimeline {
    struct Sample: Equatable {
        var dts: Int64
        var pts: Int64
        var duration: Int64
    }

    struct Fragment: Equatable {
        var baseMediaDecodeTime: Int64
        var samples: [Sample]
    }

    struct Track {
        var id: UInt32
        var kind: StreamKind?
        var timescale: Int64
        var defaultDuration: Int64 = 0
        var fragments: [Fragment] = []

        var samples: [Sample] { fragments.flatMap(\.samples) }
    }

    private(set) var tracks: [UInt32: Track] = [:]

    func track(_ kind: StreamKind) -> Track? {
        tracks.values.filter { $0.kind == kind }.min { $0.id < $1.id }
    }

    init(contentsOf url: URL) throws {
        let bytes = [UInt8](try Data(contentsOf: url))
        try walk(bytes, 0..<bytes.count)
    }

    private static let containers: Set<String> = ["moov", "trak", "mdia", "minf", "stbl", "mvex", "moof", "traf"]

    private mutating func walk(_ bytes: [UInt8], _ range: Range<Int>, trackID: UInt32? = nil) throws {
        var offset = range.lowerBound
        var currentTrack = trackID
        while offset + 8 <= range.upperBound {
            var size = Int(try Self.u32(bytes, offset))
            let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
            var header = 8
            if size == 1 {
                size = Int(try Self.u64(bytes, offset + 8))
                header = 16
            } else if size == 0 {
                size = range.upperBound - offset
            }
            guard size >= header, offset + size <= range.upperBound else {
                throw HarnessError("bad box '\(type)' at \(offset) (size \(size))")
            }
            let body = offset + header..<offset + size
            switch type {
            case "trak":
                // tkhd comes first in a trak; read it to know whose mdhd/hdlr follow.
                try walk(bytes, body, trackID: nil)
            case "traf":
                try readTrackFragment(bytes, body)
            case _ where Self.containers.contains(type):
                try walk(bytes, body, trackID: currentTrack)
            case "tkhd":
                let version = bytes[body.lowerBound]
                let id = try Self.u32(bytes, body.lowerBound + (version == 1 ? 20 : 12))
                currentTrack = id
                tracks[id, default: Track(id: id, timescale: 1)].id = id
            case "mdhd":
                guard let id = currentTrack else { throw HarnessError("mdhd before tkhd") }
                let version = bytes[body.lowerBound]
                tracks[id]?.timescale = Int64(try Self.u32(bytes, body.lowerBound + (version == 1 ? 20 : 12)))
            case "hdlr":
                guard let id = currentTrack else { throw HarnessError("hdlr before tkhd") }
                let handler = String(decoding: bytes[body.lowerBound + 8..<body.lowerBound + 12], as: UTF8.self)
                tracks[id]?.kind = handler == "vide" ? .video : handler == "soun" ? .audio : nil
            case "trex":
                let id = try Self.u32(bytes, body.lowerBound + 4)
                tracks[id, default: Track(id: id, timescale: 1)].defaultDuration =
                    Int64(try Self.u32(bytes, body.lowerBound + 12))
            default:
                break
            }
            offset += size
        }
        return
    }

    private mutating func readTrackFragment(_ bytes: [UInt8], _ range: Range<Int>) throws {
        var id: UInt32?
        var defaultDuration: Int64?
        var baseTime: Int64?
        var samples: [Sample] = []
        var offset = range.lowerBound
        while offset + 8 <= range.upperBound {
            let size = Int(try Self.u32(bytes, offset))
            let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
            guard size >= 8, offset + size <= range.upperBound else { throw HarnessError("bad box in traf") }
            let body = offset + 8
            let version = bytes[body]
            let flags = try Self.u32(bytes, body) & 0x00FF_FFFF
            switch type {
            case "tfhd":
                id = try Self.u32(bytes, body + 4)
                var field = body + 8
                if flags & 0x01 != 0 { field += 8 }
                if flags & 0x02 != 0 { field += 4 }
                if flags & 0x08 != 0 { defaultDuration = Int64(try Self.u32(bytes, field)) }
            case "tfdt":
                baseTime = version == 1 ? Int64(bitPattern: try Self.u64(bytes, body + 4)) : Int64(try Self.u32(bytes, body + 4))
            case "trun":
                guard let id, let baseTime else { throw HarnessError("trun before tfhd/tfdt") }
                let fallback = defaultDuration ?? tracks[id]?.defaultDuration ?? 0
                var dts = baseTime + (samples.last.map { $0.dts + $0.duration - baseTime } ?? 0)
                let count = Int(try Self.u32(bytes, body + 4))
                var field = body + 8
                if flags & 0x01 != 0 { field += 4 }
                if flags & 0x04 != 0 { field += 4 }
                for _ in 0..<count {
                    var duration = fallback
                    var composition: Int64 = 0
                    if flags & 0x100 != 0 {
                        duration = Int64(try Self.u32(bytes, field))
                        field += 4
                    }
                    if flags & 0x200 != 0 { field += 4 }
                    if flags & 0x400 != 0 { field += 4 }
                    if flags & 0x800 != 0 {
                        let raw = try Self.u32(bytes, field)
                        composition = version == 1 ? Int64(Int32(bitPattern: raw)) : Int64(raw)
                        field += 4
                    }
                    samples.append(Sample(dts: dts, pts: dts + composition, duration: duration))
                    dts += duration
                }
            default:
                break
            }
            offset += size
        }
        guard let id, let baseTime else { throw HarnessError("traf without tfhd or tfdt") }
        tracks[id, default: Track(id: id, timescale: 1)].fragments.append(
            Fragment(baseMediaDecodeTime: baseTime, samples: samples))
    }

    private static func u32(_ bytes: [UInt8], _ at: Int) throws -> UInt32 {
        guard at >= 0, at + 4 <= bytes.count else { throw HarnessError("short read at \(at)") }
        return bytes[at..<at + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    private static func u64(_ bytes: [UInt8], _ at: Int) throws -> UInt64 {
        guard at >= 0, at + 8 <= bytes.count else { throw HarnessError("short read at \(at)") }
        return bytes[at..<at + 8].reduce(0) { $0 << 8 | UInt64($1) }
    }
}
