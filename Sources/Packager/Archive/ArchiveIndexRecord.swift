/// One entry of an archive index file (`<root>/.hlsseg/index/<stream>.idx`), and the bytes it is
/// written as.
///
/// ```
/// file      := header record*
/// header    := "HLSSEGIX" version:u32                       12 bytes, version 1
/// record    := length:u16 check:u16 body[length] crc:u32    check = ~length, crc = CRC-32 of body
/// body      := kind:u8 …
///   kind 1, a segment:
///             sequence:i64 date:i64 durationMicroseconds:u32 size:i64 flags:u8
///             [prefix:str suffix:str]   if flags.uriTemplate and not flags.sameTemplate
///             [uri:str]                 if not flags.uriTemplate
///             [initURI:str]             if not flags.sameInit
///             [playlist:str]            if not flags.samePlaylist
///   kind 2, retired through: sequence:i64   (retention: every segment up to it is gone)
/// str       := length:u16 UTF-8 bytes
/// ```
/// Integers are big-endian. A segment URI that contains its sequence number in decimal
/// (`seg1234567.m4s`) is written as the text around the number (a "template"); the init URI,
/// the playlist and the template are left out when they are those of the previous segment
/// record, so a typical record is 38 bytes. Each record checks itself twice: the length by its
/// complement (a damaged length is corruption, not a record running past the end of the file)
/// and the body by its CRC. A file that ends inside its last record (a crash while appending)
/// has a torn tail: readers stop before it and writers cut it off.
public enum ArchiveIndexRecord: Sendable, Equatable {
    case segment(ArchiveSegment)
    /// Every segment with a sequence number up to this one is gone (retention).
    case retired(through: Int)

    /// The file's first bytes.
    static let header: [UInt8] = Array("HLSSEGIX".utf8) + [0, 0, 0, 1]
    /// Bytes before and after a record's body.
    static let framing = 8
    /// Longest body: the length is 16 bits.
    static let maxBodyLength = Int(UInt16.max)

    enum Kind: UInt8 {
        case segment = 1
        case retired = 2
    }

    struct Flags: OptionSet {
        let rawValue: UInt8
        static let discontinuity = Flags(rawValue: 1 << 0)
        /// The date is the segment's own `EXT-X-PROGRAM-DATE-TIME` (not counted on from another's).
        static let dated = Flags(rawValue: 1 << 1)
        static let uriTemplate = Flags(rawValue: 1 << 2)
        static let sameTemplate = Flags(rawValue: 1 << 3)
        static let sameInit = Flags(rawValue: 1 << 4)
        static let samePlaylist = Flags(rawValue: 1 << 5)
    }
}

/// A segment URI that holds its sequence number in decimal: the text before and after it.
struct ArchiveURITemplate: Hashable, Sendable {
    var prefix: String
    var suffix: String

    /// The template of `uri` for `sequenceNumber` (its last decimal occurrence), nil when `uri`
    /// does not contain the number.
    init?(uri: String, sequenceNumber: Int) {
        guard sequenceNumber >= 0 else { return nil }
        let number = Array(String(sequenceNumber).utf8)
        let bytes = Array(uri.utf8)
        guard bytes.count >= number.count else { return nil }
        var start = bytes.count - number.count
        while start >= 0 {
            if bytes[start..<(start + number.count)].elementsEqual(number) {
                // A longer number around it ("seg112.m4s" for 12) is not this one.
                let before = start > 0 ? bytes[start - 1] : 0
                let after = start + number.count < bytes.count ? bytes[start + number.count] : 0
                if !(0x30...0x39).contains(after), !(0x31...0x39).contains(before) {
                    prefix = String(decoding: bytes[..<start], as: UTF8.self)
                    suffix = String(decoding: bytes[(start + number.count)...], as: UTF8.self)
                    return
                }
            }
            start -= 1
        }
        return nil
    }

    init(prefix: String, suffix: String) {
        self.prefix = prefix
        self.suffix = suffix
    }

    func uri(_ sequenceNumber: Int) -> String { prefix + String(sequenceNumber) + suffix }
}

/// What the records before the next one said: the strings a segment record may leave out.
struct ArchiveRecordContext: Sendable {
    var template: ArchiveURITemplate?
    var initURI: String?
    var playlist: String?
}

/// Writes records (`ArchiveIndexRecord`'s layout).
struct ArchiveRecordEncoder {
    var context = ArchiveRecordContext()

    /// The bytes of `record`, with its framing; `.invalidConfiguration` for a string or body
    /// too long for the format, or a duration it cannot hold.
    mutating func encode(_ record: ArchiveIndexRecord) throws(PackagerError) -> [UInt8] {
        switch record {
        case .retired(let through):
            var body: [UInt8] = [ArchiveIndexRecord.Kind.retired.rawValue]
            Self.append(Int64(through), to: &body)
            return Self.framed(body)
        case .segment(let segment):
            let micros = (segment.duration * 1_000_000).rounded()
            guard micros >= 0, micros <= Double(UInt32.max) else {
                throw PackagerError(.invalidConfiguration, "segment \(segment.uri): a duration of \(segment.duration) s cannot be indexed")
            }
            return try encode(ArchiveIndexBuilder.decoded(segment, dated: true))
        }
    }

    /// The bytes of a segment record.
    mutating func encode(_ segment: DecodedSegment) throws(PackagerError) -> [UInt8] {
        var body: [UInt8] = []
        body.reserveCapacity(48)
        body.append(ArchiveIndexRecord.Kind.segment.rawValue)
        Self.append(Int64(segment.sequenceNumber), to: &body)
        Self.append(segment.date, to: &body)
        let durationMicros = segment.durationMicroseconds
        for shift in stride(from: 24, through: 0, by: -8) { body.append(UInt8(truncatingIfNeeded: durationMicros >> UInt32(shift))) }
        Self.append(Int64(segment.size), to: &body)
        var flags: ArchiveIndexRecord.Flags = []
        if segment.dated { flags.insert(.dated) }
        if segment.discontinuity { flags.insert(.discontinuity) }
        var template: ArchiveURITemplate?
        if case .template(let value) = segment.uri {
            template = value
            flags.insert(.uriTemplate)
            if value == context.template { flags.insert(.sameTemplate) }
        }
        if segment.initURI == context.initURI { flags.insert(.sameInit) }
        if segment.playlist == context.playlist { flags.insert(.samePlaylist) }
        body.append(flags.rawValue)
        switch segment.uri {
        case .template(let template):
            if !flags.contains(.sameTemplate) {
                try Self.append(template.prefix, to: &body)
                try Self.append(template.suffix, to: &body)
            }
        case .verbatim(let uri):
            try Self.append(uri, to: &body)
        }
        if !flags.contains(.sameInit) { try Self.append(segment.initURI, to: &body) }
        if !flags.contains(.samePlaylist) { try Self.append(segment.playlist, to: &body) }
        guard body.count <= ArchiveIndexRecord.maxBodyLength else {
            throw PackagerError(.invalidConfiguration, "an archive index record of \(body.count) bytes is too long")
        }
        context.template = template ?? context.template
        context.initURI = segment.initURI
        context.playlist = segment.playlist
        return Self.framed(body)
    }

    private static func framed(_ body: [UInt8]) -> [UInt8] {
        let length = UInt16(body.count)
        var out: [UInt8] = []
        out.reserveCapacity(body.count + ArchiveIndexRecord.framing)
        out += [UInt8(length >> 8), UInt8(length & 0xFF), UInt8(~length >> 8), UInt8(~length & 0xFF)]
        out += body
        let crc = CRC32.checksum(body)
        out += [UInt8(crc >> 24), UInt8((crc >> 16) & 0xFF), UInt8((crc >> 8) & 0xFF), UInt8(crc & 0xFF)]
        return out
    }

    private static func append(_ value: Int64, to body: inout [UInt8]) {
        let bits = UInt64(bitPattern: value)
        for shift in stride(from: 56, through: 0, by: -8) { body.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
    }

    private static func append(_ text: String, to body: inout [UInt8]) throws(PackagerError) {
        let bytes = Array(text.utf8)
        guard bytes.count <= Int(UInt16.max) else {
            throw PackagerError(.invalidConfiguration, "a name of \(bytes.count) bytes cannot be indexed")
        }
        body += [UInt8(bytes.count >> 8), UInt8(bytes.count & 0xFF)]
        body += bytes
    }
}
