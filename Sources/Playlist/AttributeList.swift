/// An attribute list (RFC 8216 §4.2): `NAME=VALUE` pairs separated by commas, where a value is
/// a quoted string (`"…"`, no `"` or line break inside) or an unquoted token.
struct AttributeList {
    struct Value {
        var text: Substring
        var quoted: Bool
    }

    private(set) var entries: [(name: Substring, value: Value)] = []

    /// Most attributes any tag we read has; more is garbage.
    static let maxAttributes = 64

    subscript(name: String) -> Value? {
        entries.last(where: { $0.name == name })?.value
    }

    /// Lenient: spaces around names and values are skipped; an unknown attribute is kept.
    init?(parsing text: Substring) {
        var rest = text[...]
        while true {
            rest = rest.drop(while: { $0 == " " || $0 == "\t" })
            if rest.isEmpty { return }
            guard let equals = rest.firstIndex(of: "=") else { return nil }
            let name = rest[..<equals].trimmingWhitespace()
            guard !name.isEmpty, name.utf8.allSatisfy(Self.isNameByte) else { return nil }
            rest = rest[rest.index(after: equals)...].drop(while: { $0 == " " || $0 == "\t" })
            let value: Value
            if rest.first == "\"" {
                let body = rest.dropFirst()
                guard let close = body.firstIndex(of: "\"") else { return nil }
                value = Value(text: body[..<close], quoted: true)
                rest = body[body.index(after: close)...].drop(while: { $0 == " " || $0 == "\t" })
            } else {
                let end = rest.firstIndex(of: ",") ?? rest.endIndex
                value = Value(text: rest[..<end].trimmingWhitespace(), quoted: false)
                rest = rest[end...]
            }
            guard entries.count < Self.maxAttributes else { return nil }
            entries.append((name, value))
            if rest.isEmpty { return }
            guard rest.first == "," else { return nil }
            rest = rest.dropFirst()
        }
    }

    private static func isNameByte(_ c: UInt8) -> Bool {
        (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == 0x2D || (c >= 0x61 && c <= 0x7A)
    }

    /// A quoted-string for writing: `"` and line breaks cannot appear inside, so they are
    /// percent-encoded (they can only come from a URI).
    static func quoted(_ text: String) -> String {
        var out = "\""
        for c in text.unicodeScalars {
            switch c {
            case "\"": out += "%22"
            case "\n": out += "%0A"
            case "\r": out += "%0D"
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }
}
