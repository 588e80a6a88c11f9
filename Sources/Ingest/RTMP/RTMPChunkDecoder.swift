import Segmenter

/// Reassembles RTMP messages from the chunk stream (RTMP specification §5.3), a plain state
/// machine: bytes in (any split, one byte at a time included), complete messages out.
///
/// ```
/// chunk         = basic-header message-header [extended-timestamp] chunk-data
/// basic-header  = fmt(2 bits) cs-id(6 bits)          ; cs-id 2…63
///               | fmt 0b000000 cs-id-minus-64(8)      ; 64…319
///               | fmt 0b000001 cs-id-minus-64(16 LE)  ; 64…65 599
/// message-header, by fmt:
///   0: timestamp(24) length(24) type-id(8) message-stream-id(32 LE)
///   1: timestamp-delta(24) length(24) type-id(8)
///   2: timestamp-delta(24)
///   3: (none: continuation, or a new message repeating the previous header and delta)
/// extended-timestamp = 32 bits, present when the 24-bit field is 0xFFFFFF (also in fmt 3
///                      chunks of such a chunk stream, as ffmpeg, librtmp and OBS write it)
/// ```
/// Set Chunk Size (type 1) and Abort (type 2) change how the following chunks are read and are
/// applied here; they are also returned, like every other message.
///
/// What a peer can make the decoder hold is bounded: a message may announce at most
/// `maximumMessageLength` bytes, and the unfinished messages plus a chunk cut by a read may take
/// at most `maximumBufferedBytes` (checked at each chunk and at the end of each read), and at
/// most what the connection's share of a budget shared with other connections allows (checked
/// at the end of each read, while the decoder has a share).
public struct RTMPChunkDecoder: Sendable {
    /// What the headers of one chunk stream said last, and how far its current message is.
    struct ChunkStream: Sendable {
        var id: UInt32
        var timestamp: UInt32 = 0
        /// The last 24-bit timestamp field (0xFFFFFF: an extended timestamp follows).
        var timestampField: UInt32 = 0
        /// What a fmt 3 chunk starting a new message adds to the timestamp.
        var delta: UInt32 = 0
        var length = 0
        var typeID: UInt8 = 0
        var messageStreamID: UInt32 = 0
        /// Payload bytes of the current message received so far; nil between messages.
        var received: Int? = nil
    }

    public static let defaultChunkSize = 128

    public private(set) var chunkSize = RTMPChunkDecoder.defaultChunkSize
    /// Largest message a peer may announce; a larger one is an error (`limitExceeded`).
    public internal(set) var maximumMessageLength: Int
    /// Most bytes of unfinished messages and of a chunk cut by a read; more is an error
    /// (`limitExceeded`).
    public internal(set) var maximumBufferedBytes: Int
    /// This connection's part of a budget shared with other connections, held at the buffered
    /// byte count after each read; nil: no shared budget (a publishing connection).
    var budgetShare: RTMPBufferBudget.Share?
    /// The limits are the ones before a publish is accepted (named so in errors).
    var limitsBeforePublish = false
    /// Every byte taken so far (for Acknowledgement messages).
    public private(set) var bytesReceived: UInt64 = 0
    /// The chunk streams in use, in order of first use. Publishers use a handful (control,
    /// commands, audio, video), so a linear search is cheaper than hashing, and there are at
    /// most `RTMPLimits.maximumChunkStreams`.
    private var streams: [ChunkStream] = []
    /// Payloads of messages spread over several chunks, at the index of their chunk stream in
    /// `streams`. Kept apart so that a chunk's bytes are appended in place: the array inside a
    /// copied `ChunkStream` would be shared with the stored one, and each append would copy
    /// the whole message so far.
    private var partials: [[UInt8]] = []
    /// The start of a chunk that a read ended inside; most reads end on a chunk boundary and
    /// are decoded straight from the caller's bytes.
    private var pending: [UInt8] = []
    private var bufferedMessageBytes = 0

    /// Bytes held now: unfinished messages and the start of a chunk a read ended inside.
    public var bufferedBytes: Int { bufferedMessageBytes + pending.count }

    /// A decoder for messages of at most `maximumMessageLength` bytes, holding at most
    /// `maximumBufferedBytes` (default: two such messages) of unfinished ones.
    public init(maximumMessageLength: Int = RTMPLimits.defaultMaximumMessageSize, maximumBufferedBytes: Int? = nil) {
        self.maximumMessageLength = maximumMessageLength
        self.maximumBufferedBytes = maximumBufferedBytes ?? RTMPLimits.maximumBufferedBytes(maximumMessageSize: maximumMessageLength)
    }

    /// Takes more bytes; returns the messages they complete, in order.
    public mutating func receive(_ bytes: some Collection<UInt8>) throws(IngestError) -> [RTMPMessage] {
        var messages: [RTMPMessage] = []
        try receive(bytes, into: &messages)
        return messages
    }

    /// Takes more bytes; appends the messages they complete to `messages`, in order (the
    /// server reuses one array for every read).
    public mutating func receive(_ bytes: some Collection<UInt8>, into messages: inout [RTMPMessage]) throws(IngestError) {
        bytesReceived &+= UInt64(bytes.count)
        if pending.isEmpty,
            let result = bytes.withContiguousStorageIfAvailable({ input in
                Result { () throws(IngestError) in
                    let consumed = try decodeChunks(in: input, into: &messages)
                    // Most reads end on a chunk boundary: then `pending` is not even looked at.
                    if consumed < input.count { pending.append(contentsOf: UnsafeBufferPointer(rebasing: input[consumed...])) }
                }
            })
        {
            try result.get()
        } else {
            pending.append(contentsOf: bytes)
            let result = pending.withUnsafeBufferPointer { input in
                Result { () throws(IngestError) in try decodeChunks(in: input, into: &messages) }
            }
            pending.removeFirst(try result.get())
        }
        try checkBufferedBytes()
    }

    private func bufferedBytesExceeded() -> IngestError {
        IngestError(
            .limitExceeded,
            limitsBeforePublish
                ? "RTMP: more than \(maximumBufferedBytes) bytes of unfinished messages before a publish was accepted (only commands are expected then)"
                : "RTMP: more than \(maximumBufferedBytes) bytes of unfinished messages (twice --rtmp-max-message-size)")
    }

    /// After a read: what is held fits `maximumBufferedBytes` and the budget share. `pending`
    /// grows by whole reads while a large chunk arrives, so it is counted here, not per chunk.
    private func checkBufferedBytes() throws(IngestError) {
        let buffered = bufferedMessageBytes + pending.count
        guard buffered <= maximumBufferedBytes else {
            throw bufferedBytesExceeded()
        }
        if let budgetShare, !budgetShare.hold(buffered) {
            throw IngestError(
                .serverBusy,
                "RTMP: the \(budgetShare.budget.capacity) bytes that connections waiting to publish may hold together are in use (--rtmp-pending-buffer-budget)"
            )
        }
    }

    /// Decodes every whole chunk at the start of `input`; returns how many bytes they took.
    private mutating func decodeChunks(
        in input: UnsafeBufferPointer<UInt8>, into messages: inout [RTMPMessage]
    ) throws(IngestError) -> Int {
        var position = 0
        while let message = try nextChunk(in: input, at: &position) {
            if let message {
                try apply(message)
                messages.append(message)
            }
        }
        return position
    }

    /// Reads one chunk at `start` if it is all there, moving `start` past it: `nil` when more
    /// bytes are needed, `.some(nil)` for a chunk that did not complete a message. The fields
    /// are read in place from the caller's buffer (a `ByteReader` over it copies nothing).
    private mutating func nextChunk(
        in buffer: UnsafeBufferPointer<UInt8>, at start: inout Int
    ) throws(IngestError) -> RTMPMessage?? {
        var reader = ByteReader(UnsafeBufferPointer(rebasing: buffer[start...]))

        guard let first = reader.readUInt8() else { return nil }
        let format = first >> 6
        var chunkStreamID = UInt32(first & 0x3F)
        switch chunkStreamID {
        case 0:
            guard let byte = reader.readUInt8() else { return nil }
            chunkStreamID = 64 + UInt32(byte)
        case 1:
            guard let id = reader.readUInt16LittleEndian() else { return nil }
            chunkStreamID = 64 + UInt32(id)
        default: break
        }

        let headerLength = [11, 7, 3, 0][Int(format)]
        guard reader.remaining >= headerLength else { return nil }
        let known = slot(of: chunkStreamID)
        guard format == 0 || known != nil else {
            throw IngestError(.invalidStream, "RTMP: chunk of type \(format) on chunk stream \(chunkStreamID) before any full header")
        }
        if known == nil, streams.count >= RTMPLimits.maximumChunkStreams {
            throw IngestError(.limitExceeded, "RTMP: more than \(RTMPLimits.maximumChunkStreams) chunk streams in use")
        }
        var stream = known.map { streams[$0] } ?? ChunkStream(id: chunkStreamID)
        var field = stream.timestampField
        var newLength = stream.length
        var newType = stream.typeID
        var newStreamID = stream.messageStreamID
        // The whole message header is here (checked above): these reads cannot come up short.
        if format <= 2 {
            guard let timestamp = reader.readUInt24() else { return nil }
            field = timestamp
        }
        if format <= 1 {
            guard let length = reader.readUInt24(), let type = reader.readUInt8() else { return nil }
            newLength = Int(length)
            newType = type
        }
        if format == 0 {
            guard let id = reader.readUInt32LittleEndian() else { return nil }
            newStreamID = id
        }
        var fullField = field
        if field == 0xFFFFFF {
            guard let extended = reader.readUInt32() else { return nil }
            fullField = extended
        }

        let continuing = format == 3 && stream.received != nil
        if !continuing {
            guard newLength <= maximumMessageLength else {
                throw IngestError(
                    .limitExceeded,
                    "RTMP: message of \(newLength) bytes exceeds the limit of \(maximumMessageLength) bytes (--rtmp-max-message-size)")
            }
        }
        let have = continuing ? stream.received! : 0
        let payloadLength = min(chunkSize, newLength - have)
        guard let chunkBytes = reader.readBytes(payloadLength) else { return nil }

        // The whole chunk is here: commit.
        let index = known ?? add(stream)
        if !continuing {
            if let abandoned = stream.received {  // a new header abandons an unfinished message
                bufferedMessageBytes -= abandoned
                partials[index] = []
            }
            switch format {
            case 0:
                stream.timestamp = fullField
                stream.delta = fullField
            case 1, 2:
                stream.timestamp &+= fullField
                stream.delta = fullField
            default:
                stream.timestamp &+= stream.delta
            }
            stream.timestampField = field
            stream.length = newLength
            stream.typeID = newType
            stream.messageStreamID = newStreamID
        }
        let chunkPayload = UnsafeBufferPointer(rebasing: chunkBytes)
        start += reader.readerIndex
        let received = have + payloadLength
        let payload: [UInt8]
        if received == stream.length {
            if continuing {
                var whole = partials[index]  // capacity: the whole message
                partials[index] = []
                whole.append(contentsOf: chunkPayload)
                payload = whole
                bufferedMessageBytes -= have
            } else {
                payload = Array(chunkPayload)  // a message in one chunk never waits in `partials`
            }
            stream.received = nil
        } else {
            if continuing {
                partials[index].append(contentsOf: chunkPayload)
            } else {
                var first: [UInt8] = []
                // The whole message at once, but never more than may be buffered: a peer's
                // announced length alone does not make the decoder allocate.
                first.reserveCapacity(min(stream.length, maximumBufferedBytes))
                first.append(contentsOf: chunkPayload)
                partials[index] = first
            }
            bufferedMessageBytes += payloadLength
            stream.received = received
            streams[index] = stream
            guard bufferedMessageBytes <= maximumBufferedBytes else {
                throw bufferedBytesExceeded()
            }
            return .some(nil)
        }
        streams[index] = stream
        return .some(
            RTMPMessage(
                chunkStreamID: chunkStreamID, timestamp: stream.timestamp, typeID: stream.typeID,
                messageStreamID: stream.messageStreamID, payload: payload))
    }

    private mutating func apply(_ message: RTMPMessage) throws(IngestError) {
        switch message.typeID {
        case RTMPMessage.TypeID.setChunkSize:
            guard let field = ByteReader(message.payload).getUInt32(at: 0) else {
                throw IngestError(.invalidStream, "RTMP: Set Chunk Size shorter than 4 bytes")
            }
            let size = Int(field & 0x7FFF_FFFF)  // the top bit is reserved (0)
            guard size >= 1 else { throw IngestError(.invalidStream, "RTMP: Set Chunk Size 0") }
            guard size <= RTMPLimits.maximumChunkSize else {
                throw IngestError(.limitExceeded, "RTMP: Set Chunk Size \(size) outside 1…\(RTMPLimits.maximumChunkSize)")
            }
            chunkSize = size
        case RTMPMessage.TypeID.abort:
            guard let id = ByteReader(message.payload).getUInt32(at: 0) else {
                throw IngestError(.invalidStream, "RTMP: Abort shorter than 4 bytes")
            }
            if let index = slot(of: id), let dropped = streams[index].received {
                bufferedMessageBytes -= dropped
                partials[index] = []
                streams[index].received = nil
            }
        default: break
        }
    }

    private func slot(of id: UInt32) -> Int? {
        streams.firstIndex { $0.id == id }
    }

    private mutating func add(_ stream: ChunkStream) -> Int {
        streams.append(stream)
        partials.append([])
        return streams.count - 1
    }
}
