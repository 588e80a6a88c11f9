/// The one error type of the Playlist module. `code` is stable (tests and logs compare it);
/// `reason` says what was wrong in words a user can act on; `line` is the 1-based line of the
/// playlist text where the problem was found (0 when it is not about one line).
public struct PlaylistError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// The text does not start with `#EXTM3U`: it is not an HLS playlist.
        case missingHeader
        /// A known tag has a value that does not follow RFC 8216 (e.g. `#EXT-X-PLAYLIST-TYPE:LIVE`).
        case invalidTag
        /// A number (duration, sequence number, bandwidth) is not a valid decimal number.
        case invalidNumber
        /// A date-time is not ISO 8601 (`2026-11-21T19:35:55.123Z`).
        case invalidDate
        /// An attribute list (`NAME=VALUE,…`) is malformed or lacks a required attribute.
        case invalidAttribute
        /// `#EXTINF` or `#EXT-X-STREAM-INF` is not followed by a URI line.
        case missingURI
        /// A URI line is not preceded by `#EXTINF`.
        case missingDuration
        /// A multivariant tag in a media playlist, or the other way round.
        case wrongPlaylistKind
        /// A hostile-input limit was exceeded (line length, segment count, tag count).
        case limitExceeded
    }

    public var code: Code
    public var reason: String
    public var line: Int

    public init(_ code: Code, _ reason: String, line: Int) {
        self.code = code
        self.reason = reason
        self.line = line
    }

    public var description: String {
        line > 0 ? "line \(line): \(reason)" : reason
    }
}
