/// What the memory attack on an RTMP server sends after the handshake: Set Chunk Size
/// `chunkSize`, then the first `sent` bytes of `streams` video messages of `length` bytes each,
/// on chunk streams 6, 7, …, interleaved chunk by chunk. The messages are never finished.
/// Written byte by byte from the RTMP specification (§5.3, §5.4.1), not with the product's
/// encoder, so that the end-to-end tests that send it stay independent of the code under test.
public enum RTMPPartialMessages {
    public static func bytes(chunkSize: Int, length: Int, sent: Int, streams: Int) -> [UInt8] {
        // Set Chunk Size: chunk stream 2, fmt 0, timestamp 0, length 4, type 1, message stream 0.
        var bytes: [UInt8] = [0x02, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0]
        bytes += [UInt8(chunkSize >> 24 & 0x7F), UInt8(chunkSize >> 16 & 0xFF), UInt8(chunkSize >> 8 & 0xFF), UInt8(chunkSize & 0xFF)]
        var offset = 0
        while offset < sent {
            let count = min(chunkSize, sent - offset)
            for stream in 0..<streams {
                let id = UInt8(6 + stream)
                if offset == 0 {  // fmt 0: timestamp 0, length, type 9 (video), message stream 1
                    bytes += [id, 0, 0, 0, UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF), 9, 1, 0, 0, 0]
                } else {
                    bytes.append(0xC0 | id)  // fmt 3: the next chunk of the same message
                }
                bytes += [UInt8](repeating: 0x27, count: count)
            }
            offset += count
        }
        return bytes
    }
}
