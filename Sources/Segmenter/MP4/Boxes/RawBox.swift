/// One box as found in the input: its type and its body (the bytes after the header), not yet
/// interpreted. Containers split their body into `RawBox`es and parse the children they know;
/// boxes nobody asked for (udta, edts, free, sgpd…) are skipped, as ISO/IEC 14496-12 §4.2 asks
/// of readers.
///
/// ```
/// aligned(8) class Box (unsigned int(32) boxtype) {
///   unsigned int(32) size;
///   unsigned int(32) type = boxtype;
///   if (size==1) { unsigned int(64) largesize; }
///   else if (size==0) { // box extends to end of file }
/// }
/// ```
/// `body` is a slice of the caller's bytes: its indices are offsets in the buffer parsed.
public struct RawBox: Sendable, Equatable {
    public var type: FourCC
    public var body: ArraySlice<UInt8>
    /// 1 for a top-level box, 2 for its children, and so on.
    public var depth: Int
    /// Bytes of the header in the input: 8, or 16 with a 64-bit `largesize`.
    public var headerSize: Int

    public init(type: FourCC, body: ArraySlice<UInt8>, depth: Int = 1, headerSize: Int = 8) {
        self.type = type
        self.body = body
        self.depth = depth
        self.headerSize = headerSize
    }

    /// Where the box starts in the input (its size field).
    public var startIndex: Int { body.startIndex - headerSize }

    /// Writes the box unchanged (32-bit size).
    public func write(into writer: inout ByteWriter) {
        writer.box(type) { $0.write(body) }
    }

    /// The boxes laid out one after another in `bytes`, each at `depth`. Throws `.truncated`
    /// when a header or a body runs past `bytes`, `.invalidValue` for a size smaller than its
    /// header and `.limitExceeded` past `MP4Limits.maxNestingDepth` or `maxBoxesPerContainer`.
    public static func sequence(in bytes: ArraySlice<UInt8>, depth: Int = 1) throws -> [RawBox] {
        guard depth <= MP4Limits.maxNestingDepth else {
            throw SegmenterError(.limitExceeded, "boxes nested deeper than \(MP4Limits.maxNestingDepth) levels")
        }
        var reader = ByteReader(bytes)
        var boxes: [RawBox] = []
        while !reader.isAtEnd {
            guard boxes.count < MP4Limits.maxBoxesPerContainer else {
                throw SegmenterError(.limitExceeded, "more than \(MP4Limits.maxBoxesPerContainer) boxes side by side")
            }
            guard let size32 = reader.readUInt32(), let type = reader.readFourCC() else {
                throw SegmenterError(.truncated, "a box header is cut short (\(reader.remaining) bytes left)")
            }
            var headerSize = 8
            var size: Int
            switch size32 {
            case 1:
                guard let large = reader.readUInt64() else {
                    throw SegmenterError(.truncated, "the 64-bit size of box '\(type)' is cut short")
                }
                headerSize = 16
                // A size beyond Int.max cannot fit in the input either.
                size = Int(exactly: large) ?? Int.max
            case 0:
                size = headerSize + reader.remaining  // to the end of the enclosing bytes
            default:
                size = Int(size32)
            }
            guard size >= headerSize else {
                throw SegmenterError(.invalidValue, "box '\(type)' declares \(size) bytes, less than its \(headerSize)-byte header")
            }
            guard let body = reader.readBytes(size - headerSize) else {
                throw SegmenterError(.truncated, "box '\(type)' declares \(size) bytes; only \(reader.remaining + headerSize) remain")
            }
            boxes.append(RawBox(type: type, body: body, depth: depth, headerSize: headerSize))
        }
        return boxes
    }
}

extension Array where Element == RawBox {
    /// The first child of `type`, parsed; nil when there is none.
    func parseFirst<B: MP4Box>(_: B.Type) throws -> B? {
        try first { B.accepts($0.type) }.map(B.init(parsing:))
    }

    /// The first child of `type`, parsed; `.missingBox` when there is none.
    func parseRequired<B: MP4Box>(_: B.Type, in parent: FourCC) throws -> B {
        guard let box = try parseFirst(B.self) else {
            throw SegmenterError(.missingBox, "'\(parent)' has no '\(B.boxType)' box")
        }
        return box
    }

    /// Takes the first child of `type` out, parsed: a sample entry's configuration box, which
    /// the entry writes before the children it keeps as they are; `.missingBox` when there is none.
    mutating func removeRequired<B: MP4Box>(_: B.Type, inSampleEntry entry: FourCC) throws -> B {
        guard let index = firstIndex(where: { B.accepts($0.type) }) else {
            throw SegmenterError(.missingBox, "'\(entry)' sample entry has no '\(B.boxType)' box")
        }
        return try B(parsing: remove(at: index))
    }

    /// Every child of `type`, parsed, in order.
    func parseAll<B: MP4Box>(_: B.Type) throws -> [B] {
        try filter { B.accepts($0.type) }.map(B.init(parsing:))
    }
}
