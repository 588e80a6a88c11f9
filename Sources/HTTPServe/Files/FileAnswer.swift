import Hummingbird

/// The answer to a file request before it goes on the wire: status, header fields and where
/// the body comes from.
///
/// `FileResponder.answer` makes it; the Hummingbird route turns it into a `Response` and the
/// event-loop fast path (`StreamFileFastPath`) writes it straight to the channel, so both
/// send the same status and headers from one piece of code.
struct FileAnswer {
    enum Body {
        /// No body (HEAD, 304, 416, refusals).
        case empty
        /// Bytes held in memory (the file cache or its gzip encoding), already sliced to the range.
        case bytes(ByteBuffer)
        /// Too big for the cache: stream these bytes of the file from disk.
        case file(path: String, range: ClosedRange<Int>?)
    }

    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: Body

    /// A refused request: no header fields, no body, exactly what `HTTPError(status)` answers.
    static func refusal(_ status: HTTPResponse.Status) -> FileAnswer {
        FileAnswer(status: status, headers: [:], body: .empty)
    }

    /// The Hummingbird response when no disk read is needed; nil for `.file`.
    ///
    /// `Response.init` adds `Content-Length: 0` to bodiless answers that have none (304,
    /// refusals); both paths go through it so both send that header the same way.
    var inMemoryResponse: Response? {
        switch body {
        case .empty: Response(status: status, headers: headers)
        case .bytes(let bytes): Response(status: status, headers: headers, body: ResponseBody(byteBuffer: bytes))
        case .file: nil
        }
    }
}
