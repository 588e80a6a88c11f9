/// The one rule for stream names (docs/ingest.md, "Stream names"), used by every entry point:
/// the live hub's admission (RTMP, WebSocket, pulled sources), the `streams:` keys of
/// `hlsseg.yml`, the HTTP routes that take a stream name (`/hls/<stream>/…`,
/// `/api/streams/<name>`, `/ingest/<stream>`) and `hlsseg serve --demo-name`.
///
/// A stream name becomes a folder name under the root and a URL path component, so it is
/// plain ASCII that needs neither escaping nor decoding: letters `A–Z a–z`, digits, `.`, `_`,
/// `-`; not starting with a dot (hidden folders, and `.`/`..`); 1 to `maximumLength` bytes.
/// It lives in Ingest because every module with an entry point imports Ingest.
public enum StreamName {
    /// Longest name taken, in bytes: room for any camera or channel name, and short enough that
    /// `<root>/<name>/<file>` stays far below file-system path limits.
    public static let maximumLength = 64

    /// The rule in words, for error messages.
    public static let rule = "letters A-Z a-z, digits, . _ -, not starting with a dot, at most \(maximumLength) bytes"

    /// Whether `name` follows the rule.
    public static func isValid(_ name: some StringProtocol) -> Bool {
        let bytes = name.utf8
        guard !bytes.isEmpty, bytes.count <= maximumLength, bytes.first != UInt8(ascii: ".") else { return false }
        return bytes.allSatisfy(isNameByte)
    }

    /// Why `name` is refused, for logs and replies to publishers; nil when it follows the rule.
    /// Quotes at most 80 characters of the name.
    public static func refusalReason(_ name: some StringProtocol) -> String? {
        isValid(name) ? nil : "stream name \"\(name.prefix(80))\" is not allowed (\(rule))"
    }

    /// The bytes a stream name may contain: ASCII letters, digits, `.`, `_`, `-`.
    public static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }
}
