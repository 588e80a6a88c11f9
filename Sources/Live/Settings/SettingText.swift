/// A duration or size as `hlsseg.yml` holds it: text (`7d`, `50GB`) or a bare number (`3600`,
/// read as seconds or bytes). Kept as text, so that one parser (`DurationText`, `ByteSize`)
/// judges both forms and its message quotes what the file says.
public struct SettingText: Decodable, Sendable, Equatable, ExpressibleByStringLiteral {
    public var text: String

    public init(_ text: String) {
        self.text = text
    }

    public init(stringLiteral text: String) {
        self.text = text
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self.text = text
        } else if let whole = try? container.decode(Int64.self) {
            text = String(whole)
        } else {
            // A JSON number with a fraction; YAML scalars all arrive as text above.
            text = String(try container.decode(Double.self))
        }
    }
}
