/// A slice of an export file: bytes in memory (the header) or a range of a segment file.
public enum ExportPiece: Sendable, Equatable {
    case bytes(ArraySlice<UInt8>)
    case file(path: String, offset: UInt64, length: UInt64)

    public var length: UInt64 {
        switch self {
        case .bytes(let bytes): UInt64(bytes.count)
        case .file(_, _, let length): length
        }
    }
}
