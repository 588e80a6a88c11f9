/// A segment URI as the index keeps it: a template around the sequence number, or the text.
enum ArchiveSegmentURI: Hashable, Sendable {
    case template(ArchiveURITemplate)
    case verbatim(String)

    init(uri: String, sequenceNumber: Int) {
        self = ArchiveURITemplate(uri: uri, sequenceNumber: sequenceNumber).map(Self.template) ?? .verbatim(uri)
    }

    func uri(_ sequenceNumber: Int) -> String {
        switch self {
        case .template(let template): template.uri(sequenceNumber)
        case .verbatim(let uri): uri
        }
    }
}

/// A segment record as read: the fields of `ArchiveSegment`, with the URI as the file has it,
/// and whether the date was the segment's own.
struct DecodedSegment: Sendable {
    var sequenceNumber: Int
    var date: Int64
    var durationMicroseconds: UInt32
    var size: Int
    var discontinuity: Bool
    var dated: Bool
    var uri: ArchiveSegmentURI
    var initURI: String
    var playlist: String

    var segment: ArchiveSegment {
        ArchiveSegment(
            sequenceNumber: sequenceNumber, uri: uri.uri(sequenceNumber), initURI: initURI, date: date,
            duration: Double(durationMicroseconds) / 1_000_000, size: size, discontinuity: discontinuity, playlist: playlist)
    }
}

/// Where reading an index file's bytes stopped.
public enum ArchiveIndexScanEnd: Sendable, Equatable {
    /// After the last whole record, at the end of the bytes.
    case complete
    /// The bytes end inside a record that starts at this offset (a crash while appending, or an
    /// append still under way), or only zeros follow it (a power cut after the file grew).
    case tornTail(at: Int)
    /// Damaged bytes at this offset: a record whose length, checksum or contents are wrong.
    case corrupt(at: Int, reason: String)
}

/// Reads records (`ArchiveIndexRecord`'s layout) from a buffer, keeping the context the next
/// record may refer to.
struct ArchiveRecordDecoder {
    var context = ArchiveRecordContext()

    enum Decoded {
        case segment(DecodedSegment)
        case retired(Int)
    }

    /// Reads the records in `bytes[from...]` (`from` just after the header or a record), calling
    /// `body` for each; returns where it stopped and why, and the offset after the last whole
    /// record.
    mutating func decode(
        _ bytes: UnsafeRawBufferPointer, from start: Int, _ body: (Decoded) throws(PackagerError) -> Void
    ) throws(PackagerError) -> (end: ArchiveIndexScanEnd, consumed: Int) {
        var offset = start
        let count = bytes.count
        while offset < count {
            guard offset + 4 <= count else { return (tail(bytes, at: offset), offset) }
            let length = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
            let check = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            guard length ^ check == 0xFFFF else {
                if Self.isZeros(bytes, from: offset) { return (.tornTail(at: offset), offset) }
                return (.corrupt(at: offset, reason: "a record length that does not check"), offset)
            }
            let end = offset + 4 + length + 4
            guard end <= count else { return (.tornTail(at: offset), offset) }
            let bodyBytes = UnsafeRawBufferPointer(rebasing: bytes[(offset + 4)..<(offset + 4 + length)])
            let stored = UInt32(bytes[end - 4]) << 24 | UInt32(bytes[end - 3]) << 16 | UInt32(bytes[end - 2]) << 8 | UInt32(bytes[end - 1])
            guard CRC32.checksum(bodyBytes) == stored else {
                // The last record with a wrong checksum: its bytes did not all reach the disk.
                if end == count { return (.tornTail(at: offset), offset) }
                return (.corrupt(at: offset, reason: "a record whose checksum does not match"), offset)
            }
            guard let decoded = read(bodyBytes) else {
                return (.corrupt(at: offset, reason: "a record whose contents cannot be read"), offset)
            }
            try body(decoded)
            offset = end
        }
        return (.complete, offset)
    }

    private func tail(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> ArchiveIndexScanEnd { .tornTail(at: offset) }

    private static func isZeros(_ bytes: UnsafeRawBufferPointer, from offset: Int) -> Bool {
        bytes[offset...].allSatisfy { $0 == 0 }
    }

    /// One record's body; nil when it is not one this format has.
    private mutating func read(_ body: UnsafeRawBufferPointer) -> Decoded? {
        var reader = BodyReader(bytes: body)
        guard let kind = reader.byte() else { return nil }
        switch ArchiveIndexRecord.Kind(rawValue: kind) {
        case .retired:
            guard let through = reader.int64(), reader.isAtEnd, let value = Int(exactly: through) else { return nil }
            return .retired(value)
        case .segment:
            guard let sequence = reader.int64(), let date = reader.int64(), let micros = reader.uint32(), let size = reader.int64(),
                size >= 0, let flagByte = reader.byte()
            else { return nil }
            let flags = ArchiveIndexRecord.Flags(rawValue: flagByte)
            let sequenceNumber = Int(sequence)
            let uri: ArchiveSegmentURI
            if flags.contains(.uriTemplate) {
                if flags.contains(.sameTemplate) {
                    guard let template = context.template else { return nil }
                    uri = .template(template)
                } else {
                    guard let prefix = reader.string(), let suffix = reader.string() else { return nil }
                    let template = ArchiveURITemplate(prefix: prefix, suffix: suffix)
                    context.template = template
                    uri = .template(template)
                }
            } else {
                guard let text = reader.string() else { return nil }
                uri = .verbatim(text)
            }
            if !flags.contains(.sameInit) {
                guard let text = reader.string() else { return nil }
                context.initURI = text
            }
            if !flags.contains(.samePlaylist) {
                guard let text = reader.string() else { return nil }
                context.playlist = text
            }
            guard reader.isAtEnd, let initURI = context.initURI, let playlist = context.playlist else { return nil }
            return .segment(
                DecodedSegment(
                    sequenceNumber: sequenceNumber, date: date, durationMicroseconds: micros, size: Int(size),
                    discontinuity: flags.contains(.discontinuity), dated: flags.contains(.dated), uri: uri, initURI: initURI,
                    playlist: playlist))
        case nil:
            return nil
        }
    }

    /// Big-endian reads that return nil past the end.
    private struct BodyReader {
        let bytes: UnsafeRawBufferPointer
        var offset = 0

        var isAtEnd: Bool { offset == bytes.count }

        mutating func byte() -> UInt8? {
            guard offset < bytes.count else { return nil }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func uint32() -> UInt32? {
            guard offset + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for index in offset..<(offset + 4) { value = value << 8 | UInt32(bytes[index]) }
            offset += 4
            return value
        }

        mutating func int64() -> Int64? {
            guard offset + 8 <= bytes.count else { return nil }
            var value: UInt64 = 0
            for index in offset..<(offset + 8) { value = value << 8 | UInt64(bytes[index]) }
            offset += 8
            return Int64(bitPattern: value)
        }

        mutating func string() -> String? {
            guard offset + 2 <= bytes.count else { return nil }
            let length = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
            guard offset + 2 + length <= bytes.count else { return nil }
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(offset + 2)..<(offset + 2 + length)]), as: UTF8.self)
            offset += 2 + length
            return text
        }
    }
}
