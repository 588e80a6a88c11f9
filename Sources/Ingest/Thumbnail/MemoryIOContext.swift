import CLibAV

/// Bytes in memory as a libavformat input: an `AVIOContext` whose read and seek callbacks
/// walk the concatenation of `parts` (an fMP4 init segment, then one media segment), so the
/// two files are demuxed as one fragmented MP4 without being copied into one array or
/// written to a temporary file.
///
/// The context is seekable (the mov demuxer looks for an `mfra` at the end when it can seek)
/// and answers `AVSEEK_SIZE`. Not thread-safe: it belongs to the one format context reading it.
final class MemoryIOContext {
    /// The read buffer libavformat fills from the callbacks; the bytes are read from memory,
    /// so its size only sets how many bytes one callback copies.
    static let bufferSize = 32 * 1024

    /// What the callbacks read, reached from C through the context's `opaque` pointer. Kept
    /// alive by the `MemoryIOContext` that owns the context.
    final class Source {
        let parts: [[UInt8]]
        let size: Int
        var position = 0

        init(parts: [[UInt8]]) {
            self.parts = parts
            self.size = parts.reduce(0) { $0 + $1.count }
        }

        /// Copies up to `count` bytes at `position` into `buffer`; 0 at the end.
        func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) -> Int {
            var copied = 0
            var partStart = 0
            for part in parts {
                let partEnd = partStart + part.count
                if position < partEnd, copied < count {
                    let offset = position - partStart
                    let length = min(count - copied, part.count - offset)
                    part.withUnsafeBufferPointer { bytes in
                        (buffer + copied).update(from: bytes.baseAddress! + offset, count: length)
                    }
                    copied += length
                    position += length
                }
                partStart = partEnd
            }
            return copied
        }

        /// `whence` as `lseek`'s (`SEEK_SET`, `SEEK_CUR`, `SEEK_END`), or `AVSEEK_SIZE`.
        func seek(offset: Int64, whence: Int32) -> Int64 {
            if whence & AVSEEK_SIZE != 0 { return Int64(size) }
            let base: Int
            switch whence & ~AVSEEK_FORCE {
            case SEEK_SET: base = 0
            case SEEK_CUR: base = position
            case SEEK_END: base = size
            default: return Int64(hlsseg_averror(EINVAL))
            }
            let target = Int64(base) + offset
            guard target >= 0, target <= Int64(size) else { return Int64(hlsseg_averror(EINVAL)) }
            position = Int(target)
            return target
        }
    }

    let pointer: UnsafeMutablePointer<AVIOContext>
    private let source: Source

    init(parts: [[UInt8]]) throws(IngestError) {
        let source = Source(parts: parts)
        guard let buffer = av_malloc(Self.bufferSize) else {
            throw IngestError(.readFailed, "cannot allocate \(Self.bufferSize) bytes for reading a segment")
        }
        let opaque = Unmanaged.passUnretained(source).toOpaque()
        let context = avio_alloc_context(
            buffer.assumingMemoryBound(to: UInt8.self), Int32(Self.bufferSize), 0, opaque,
            { opaque, buffer, size in
                guard let opaque, let buffer, size > 0 else { return hlsseg_averror(EINVAL) }
                let source = Unmanaged<Source>.fromOpaque(opaque).takeUnretainedValue()
                let count = source.read(into: buffer, count: Int(size))
                return count == 0 ? hlsseg_averror_eof() : Int32(count)
            },
            nil,
            { opaque, offset, whence in
                guard let opaque else { return Int64(hlsseg_averror(EINVAL)) }
                return Unmanaged<Source>.fromOpaque(opaque).takeUnretainedValue().seek(offset: offset, whence: whence)
            })
        guard let context else {
            av_free(buffer)
            throw IngestError(.readFailed, "cannot allocate a libavformat I/O context")
        }
        self.pointer = context
        self.source = source
    }

    deinit {
        // libavformat may have replaced the buffer it was given; the context owns the current one.
        av_freep(&pointer.pointee.buffer)
        var freeing: UnsafeMutablePointer<AVIOContext>? = pointer
        avio_context_free(&freeing)
    }
}
