/// Names the one stream-name rule (`Ingest.StreamName`, docs/ingest.md "Stream names") accepts
/// and refuses. Every entry point's test runs the same table, so that the rule cannot drift
/// apart again between the hub, the HTTP routes and `--demo-name`.
public enum StreamNameTable {
    /// The longest name taken: 64 bytes.
    public static let longest = String(repeating: "a", count: 64)

    public static let accepted: [String] = [
        "cam1", "Cam-1_a.b", "a", "0", "_x", "-x", "a..b", "x.", "abc-DEF_123", longest,
    ]

    /// With why each is refused.
    public static let refused: [(name: String, why: String)] = [
        ("", "empty"),
        (".", "a dot first"),
        ("..", "a dot first"),
        (".hidden", "a dot first"),
        (longest + "a", "65 bytes"),
        ("a~b", "~ is a file-name character, not a stream-name one"),
        ("é", "not ASCII"),
        ("名前", "not ASCII"),
        ("a b", "space"),
        ("a/b", "slash"),
        ("a\\b", "backslash"),
        ("a%2fb", "percent"),
        ("a+b", "plus"),
        ("a:b", "colon"),
        ("a\u{0}b", "NUL"),
    ]
}
