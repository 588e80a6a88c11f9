import CompressNIO
import NIOCore

/// gzip (RFC 1952) for playlists, made by the system's zlib through CompressNIO: one member,
/// no file name or time stamp, DEFLATE (RFC 1951), CRC-32 and length trailer.
///
/// Playlists repeat the same lines (`#EXTINF:2.000000,` / `seg123.m4s`) and shrink about ten
/// times. Level 6, zlib's default: level 9 makes playlists only 5–15 % smaller for two to
/// four times the work; level 1 is faster but up to a tenth larger, and each version is
/// compressed once (`CachedFile.gzip` keeps the result) and then sent to every client.
enum Gzip {
    /// Largest input compressed; bigger files are sent as they are (playlists are far smaller).
    static let maxInputSize = 16 << 20

    /// gzip framing, level 6, a 32 KiB window (`windowBits` 15, the most DEFLATE allows; the
    /// library names it after the compressor's memory) and zlib's default memory level 8.
    static let algorithm = CompressionAlgorithm.gzip(
        configuration: ZlibConfiguration(
            windowSize: .window128k, compressionLevel: .compressionLevel6, memoryLevel: .defaultMemoryLevel))

    /// The gzip stream of `input`'s readable bytes, in a buffer of exactly its size (the cache
    /// keeps it beside the identity bytes). Throws `CompressNIOError` when zlib cannot set up
    /// its state (out of memory).
    static func compress(_ input: ByteBuffer) throws -> ByteBuffer {
        var input = input
        // Sized by zlib's deflateBound, about the input's size: copied out so that the cache
        // does not hold the unused rest.
        let compressed = try input.compress(with: algorithm)
        return ByteBuffer(bytes: compressed.readableBytesView)
    }

    /// `compress(_:)` for an array.
    static func compress(_ input: [UInt8]) throws -> [UInt8] {
        Array(try compress(ByteBuffer(bytes: input)).readableBytesView)
    }
}
