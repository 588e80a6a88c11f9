import CLibAV

/// An `AVPacket` freed with its owner.
final class OwnedPacket {
    let pointer: UnsafeMutablePointer<AVPacket>

    init() throws(IngestError) {
        guard let packet = av_packet_alloc() else { throw IngestError(.readFailed, "cannot allocate a packet") }
        pointer = packet
    }

    deinit {
        var freeing: UnsafeMutablePointer<AVPacket>? = pointer
        av_packet_free(&freeing)
    }
}
