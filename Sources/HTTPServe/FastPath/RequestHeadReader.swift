import NIOCore

/// Cuts the bytes read from a connection into request heads (`RequestHead`), however they
/// arrive: one head over many reads, many heads in one read.
///
/// It gives up on the next head (`.unreadable`) as soon as that head cannot be one
/// `RequestHead` reads: a byte no such head contains (a TLS handshake, binary garbage, a bare
/// LF), more than `RequestHead.maxLength` bytes without the end of the head, or a complete head
/// outside the subset. The caller then hands everything buffered (`takeBuffered`) and every
/// later byte to NIO's decoder, which answers as it would have from the start: nothing waits
/// here for bytes the decoder would not have waited for, except the rest of a head that is
/// well-formed so far.
struct RequestHeadReader {
    enum Next {
        /// A whole head, taken off the buffer.
        case head(RequestHead)
        /// The buffer is empty or ends inside a head.
        case needMore
        /// The next head cannot be read here; the buffer still holds it, from its first byte.
        case unreadable
    }

    private var buffered: ByteBuffer?
    /// How many buffered bytes were searched for the end of the head without finding it.
    private var searched = 0

    mutating func append(_ bytes: ByteBuffer) {
        if buffered == nil {
            buffered = bytes
        } else {
            var bytes = bytes
            buffered!.writeBuffer(&bytes)
        }
    }

    mutating func next() -> Next {
        guard let buffer = buffered else { return .needMore }
        let end = buffer.withUnsafeReadableBytes { Self.endOfHead($0, searchingFrom: searched) }
        switch end {
        case .needMore:
            guard buffer.readableBytes <= RequestHead.maxLength else { return .unreadable }
            searched = buffer.readableBytes
            return .needMore
        case .unreadable:
            return .unreadable
        case .found(let length):
            guard let head = RequestHead(buffer.getSlice(at: buffer.readerIndex, length: length)!) else { return .unreadable }
            searched = 0
            if length == buffer.readableBytes {
                buffered = nil
            } else {
                buffered!.moveReaderIndex(forwardBy: length)
            }
            return .head(head)
        }
    }

    /// Everything buffered and not taken as a head; the reader is empty after it.
    mutating func takeBuffered() -> ByteBuffer? {
        defer {
            buffered = nil
            searched = 0
        }
        return buffered
    }

    private enum End {
        case found(length: Int)
        case needMore
        case unreadable
    }

    /// Looks for the CRLF CRLF ending the head at the start of `bytes`, from `start` on (the
    /// bytes before were looked at already, and are all allowed).
    private static func endOfHead(_ bytes: UnsafeRawBufferPointer, searchingFrom start: Int) -> End {
        var index = start
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\n"):
                guard index > 0, bytes[index - 1] == UInt8(ascii: "\r") else { return .unreadable }
                if index >= 3, bytes[index - 2] == UInt8(ascii: "\n") {
                    return .found(length: index + 1)
                }
            case UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: " ")...0x7E:
                break
            default:
                return .unreadable
            }
            index += 1
        }
        return .needMore
    }
}
