/// The server side of the RTMP handshake (Adobe RTMP specification 1.0, §5.2), "simple" variant:
///
/// ```
/// client                          server
/// C0 (1 byte: version 3)    ──▶
/// C1 (1536: time, zero, random) ──▶
///                           ◀──  S0 (version 3), S1 (1536: time, zero, random), S2 (echo of C1)
/// C2 (1536: echo of S1)     ──▶
/// ```
/// ffmpeg and OBS check the digest of S1 only when they play, never when they publish, so the
/// simple handshake (S1 with a zero version field) is enough for publishers.
public struct RTMPHandshake: Sendable {
    public static let version: UInt8 = 3
    public static let packetLength = 1536

    enum State { case waitingForC0C1, waitingForC2, done }

    private var state = State.waitingForC0C1
    private var buffer: [UInt8] = []
    private let serverRandom: [UInt8]

    public init(random: [UInt8]? = nil) {
        var generator = SystemRandomNumberGenerator()
        serverRandom = random ?? (0..<(Self.packetLength - 8)).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    public var isComplete: Bool { state == .done }

    /// Takes bytes from the client; returns what to send back and, once C2 is in, the bytes
    /// after it (the first chunks), which belong to the chunk decoder.
    public mutating func receive(_ bytes: some Collection<UInt8>) throws(IngestError) -> (reply: [UInt8], rest: [UInt8]) {
        if state == .done { return ([], Array(bytes)) }
        buffer.append(contentsOf: bytes)
        var reply: [UInt8] = []
        if state == .waitingForC0C1 {
            guard let version = buffer.first else { return ([], []) }
            guard version == Self.version else {
                throw IngestError(
                    .invalidStream, "RTMP handshake: client asked for version \(version), not 3 (not an RTMP client, or RTMPE)")
            }
            guard buffer.count >= 1 + Self.packetLength else { return ([], []) }
            let c1 = buffer[1..<(1 + Self.packetLength)]
            buffer.removeFirst(1 + Self.packetLength)
            reply.append(Self.version)
            reply += [0, 0, 0, 0, 0, 0, 0, 0]  // S1: time 0, zero (no digest: the simple handshake)
            reply += serverRandom
            reply += c1  // S2: the echo of C1
            state = .waitingForC2
        }
        if state == .waitingForC2 {
            guard buffer.count >= Self.packetLength else { return (reply, []) }
            let rest = Array(buffer[Self.packetLength...])
            buffer = []
            state = .done
            return (reply, rest)
        }
        return (reply, [])
    }
}
