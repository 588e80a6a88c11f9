/// Reads the tracks back out of an initialization segment: ours, or one another tool wrote
/// (FFmpeg's hls muxer, Apple's packagers). Used to describe a stream (API) and to compare
/// codec configurations when a stream resumes.
///
/// ```
/// moov
///   trak (per track)
///     tkhd                     track_ID
///     mdia
///       mdhd                   timescale
///       hdlr                   vide / soun
///       minf > stbl > stsd     avc1|avc3 (width, height, avcC) / mp4a (channels, rate, esds)
/// ```
/// Tracks of other kinds (subtitles, timed metadata) are skipped; an H.264 or AAC track whose
/// configuration does not parse is an error.
extension InitSegment {

    public static func tracks(parsing bytes: [UInt8]) throws -> [Track] {
        guard let moov = try boxes(in: bytes[...]).first(where: { $0.type == "moov" }) else {
            throw SegmenterError(.invalidValue, "no moov box: not an MP4 initialization segment")
        }
        return try boxes(in: moov.body).filter { $0.type == "trak" }.compactMap(track)
    }

    struct Box {
        var type: String
        var body: ArraySlice<UInt8>
    }

    /// The boxes laid out one after another in `bytes` (32-bit sizes, and 64-bit `largesize`).
    static func boxes(in bytes: ArraySlice<UInt8>) throws -> [Box] {
        var reader = ByteReader(bytes)
        var boxes: [Box] = []
        while !reader.isAtEnd {
            guard let size32 = reader.readUInt32(), let type = reader.readBytes(4) else {
                throw SegmenterError(.truncated, "a box header is cut short")
            }
            var headerSize = 8
            var size = Int(size32)
            if size32 == 1 {
                guard let large = reader.readUInt64(), let exact = Int(exactly: large) else {
                    throw SegmenterError(.truncated, "a 64-bit box size is cut short")
                }
                size = exact
                headerSize = 16
            } else if size32 == 0 {
                size = headerSize + reader.remaining  // to the end of the enclosing data
            }
            guard size >= headerSize, let body = reader.readBytes(size - headerSize) else {
                throw SegmenterError(.truncated, "box '\(String(decoding: type, as: UTF8.self))' runs past its parent")
            }
            boxes.append(Box(type: String(decoding: type, as: UTF8.self), body: body))
        }
        return boxes
    }

    static func child(_ type: String, of body: ArraySlice<UInt8>) throws -> Box? {
        try boxes(in: body).first { $0.type == type }
    }

    static func path(_ types: [String], in body: ArraySlice<UInt8>) throws -> Box? {
        var current = Box(type: "", body: body)
        for type in types {
            guard let next = try child(type, of: current.body) else { return nil }
            current = next
        }
        return current
    }

    private static func track(_ trak: Box) throws -> Track? {
        guard let tkhd = try child("tkhd", of: trak.body), let mdhd = try path(["mdia", "mdhd"], in: trak.body),
            let stsd = try path(["mdia", "minf", "stbl", "stsd"], in: trak.body)
        else { return nil }
        let tkhdReader = ByteReader(tkhd.body)
        let mdhdReader = ByteReader(mdhd.body)
        // Version 1 boxes carry 64-bit times, moving the fields after them.
        let tkhdIDOffset = tkhdReader.getUInt8(at: 0) == 1 ? 20 : 12
        let mdhdTimescaleOffset = mdhdReader.getUInt8(at: 0) == 1 ? 20 : 12
        guard let id = tkhdReader.getUInt32(at: tkhdIDOffset), let timescale = mdhdReader.getUInt32(at: mdhdTimescaleOffset),
            timescale > 0
        else {
            throw SegmenterError(.truncated, "tkhd or mdhd is cut short")
        }
        // stsd: version/flags, entry_count, then the sample entries; the first one describes the track.
        guard stsd.body.count > 8, let entry = try boxes(in: stsd.body.dropFirst(8)).first else { return nil }
        switch entry.type {
        case "avc1", "avc3":
            return Track(id: id, format: try videoFormat(entry.body, timescale: timescale))
        case "mp4a":
            guard let format = try audioFormat(entry.body, timescale: timescale) else { return nil }
            return Track(id: id, format: format)
        default:
            return nil
        }
    }

    /// VisualSampleEntry: 78 bytes of fields (width at 24, height at 26), then child boxes.
    private static func videoFormat(_ entry: ArraySlice<UInt8>, timescale: UInt32) throws -> TrackFormat {
        let reader = ByteReader(entry)
        guard entry.count >= 78, let width = reader.getUInt16(at: 24), let height = reader.getUInt16(at: 26) else {
            throw SegmenterError(.truncated, "avc1 sample entry is cut short")
        }
        guard let avcC = try child("avcC", of: entry.dropFirst(78)) else {
            throw SegmenterError(.invalidValue, "avc1 sample entry without avcC")
        }
        let record = try AVCDecoderConfigurationRecord(parsing: avcC.body)
        return .video(codec: .h264(record), width: Int(width), height: Int(height), timescale: timescale)
    }

    /// AudioSampleEntry: 28 bytes of fields (channelcount at 16), then child boxes. Not AAC → nil.
    private static func audioFormat(_ entry: ArraySlice<UInt8>, timescale: UInt32) throws -> TrackFormat? {
        let reader = ByteReader(entry)
        guard entry.count >= 28, let channels = reader.getUInt16(at: 16) else {
            throw SegmenterError(.truncated, "mp4a sample entry is cut short")
        }
        guard let esds = try child("esds", of: entry.dropFirst(28)), esds.body.count > 4,
            let configBytes = try decoderSpecificInfo(esds.body.dropFirst(4))
        else { return nil }
        let asc = try AudioSpecificConfig(parsing: Array(configBytes))
        let channelCount = asc.channelConfiguration == 0 ? Int(channels) : (asc.channelConfiguration == 7 ? 8 : Int(asc.channelConfiguration))
        return .audio(codec: .aac(asc), sampleRate: asc.sampleRate, channels: channelCount, timescale: timescale)
    }

    /// The AudioSpecificConfig inside an ES_Descriptor (ISO/IEC 14496-1 §7.2.6.5), walking the
    /// descriptors by their tags and sizes; nil when the stream is not MPEG-4 audio (0x40).
    static func decoderSpecificInfo(_ bytes: ArraySlice<UInt8>) throws -> ArraySlice<UInt8>? {
        var reader = ByteReader(bytes)
        guard reader.readUInt8() == 3, let esBody = try readDescriptorBody(&reader) else {
            throw SegmenterError(.invalidValue, "esds does not start with an ES_Descriptor")
        }
        var es = ByteReader(esBody)
        guard es.skip(2), let flags = es.readUInt8() else { throw SegmenterError(.truncated, "ES_Descriptor is cut short") }
        if flags & 0x80 != 0 { guard es.skip(2) else { throw SegmenterError(.truncated, "ES_Descriptor is cut short") } }
        if flags & 0x40 != 0 {
            guard let length = es.readUInt8(), es.skip(Int(length)) else { throw SegmenterError(.truncated, "ES_Descriptor URL is cut short") }
        }
        if flags & 0x20 != 0 { guard es.skip(2) else { throw SegmenterError(.truncated, "ES_Descriptor is cut short") } }
        while let tag = es.readUInt8() {
            guard let body = try readDescriptorBody(&es) else { break }
            guard tag == 4 else { continue }
            // DecoderConfigDescriptor: objectTypeIndication, then 12 bytes, then sub-descriptors.
            guard body.first == 0x40 else { return nil }
            var config = ByteReader(body)
            guard config.skip(13) else { throw SegmenterError(.truncated, "DecoderConfigDescriptor is cut short") }
            while let subtag = config.readUInt8() {
                guard let subbody = try readDescriptorBody(&config) else { break }
                if subtag == 5 { return subbody }
            }
            return nil
        }
        return nil
    }

    /// A descriptor's size (up to four 7-bit groups) and body.
    private static func readDescriptorBody(_ reader: inout ByteReader) throws -> ArraySlice<UInt8>? {
        var size = 0
        for _ in 0..<4 {
            guard let byte = reader.readUInt8() else { throw SegmenterError(.truncated, "a descriptor size is cut short") }
            size = size << 7 | Int(byte & 0x7f)
            if byte & 0x80 == 0 { break }
        }
        guard let body = reader.readBytes(size) else { throw SegmenterError(.truncated, "a descriptor runs past esds") }
        return body
    }
}
