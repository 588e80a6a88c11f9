/// FFmpeg's `hls_segment_filename` pattern: one `%d` or `%0Nd` replaced by the segment number;
/// `%%` is a literal percent sign.
public struct SegmentFilenameTemplate: Sendable, Equatable {
    /// Longest zero padding accepted; a 64-bit number has at most 20 digits.
    static let maxPadding = 20

    private let prefix: String
    private let suffix: String
    private let padding: Int

    public init(_ pattern: String) throws(PackagerError) {
        var prefix = ""
        var suffix = ""
        var padding: Int?
        var characters = Substring(pattern)
        while let character = characters.popFirst() {
            guard character == "%" else {
                if padding == nil { prefix.append(character) } else { suffix.append(character) }
                continue
            }
            if characters.first == "%" {
                characters.removeFirst()
                if padding == nil { prefix.append("%") } else { suffix.append("%") }
                continue
            }
            let digits = characters.prefix { $0.isASCII && $0.isNumber }
            characters.removeFirst(digits.count)
            guard characters.popFirst() == "d", padding == nil else {
                throw PackagerError(
                    .invalidConfiguration, "segment file name '\(pattern)' needs exactly one %d or %0Nd (use %% for a percent sign)")
            }
            let width = digits.isEmpty ? 0 : Int(digits) ?? Self.maxPadding + 1
            guard width <= Self.maxPadding else {
                throw PackagerError(.invalidConfiguration, "segment file name '\(pattern)': padding over \(Self.maxPadding) digits")
            }
            padding = width
        }
        guard let padding else {
            throw PackagerError(.invalidConfiguration, "segment file name '\(pattern)' needs a %d (or %0Nd) for the segment number")
        }
        guard !(prefix + suffix).contains("/") else {
            throw PackagerError(.invalidConfiguration, "segment file name '\(pattern)' must be a file name, not a path")
        }
        self.prefix = prefix
        self.suffix = suffix
        self.padding = padding
    }

    public func filename(for number: Int) -> String {
        let digits = String(number)
        let zeros = String(repeating: "0", count: max(0, padding - digits.count))
        return prefix + zeros + digits + suffix
    }

    /// The segment number in `filename` when it is a name this template makes (any number of
    /// digits, at least the padding); nil otherwise. Used to find segments an earlier run left.
    public func number(in filename: String) -> Int? {
        guard filename.hasPrefix(prefix), filename.hasSuffix(suffix),
            filename.count >= prefix.count + suffix.count + 1
        else { return nil }
        let digits = filename.dropFirst(prefix.count).dropLast(suffix.count)
        guard digits.count >= max(1, padding), digits.count <= 19, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return nil
        }
        return Int(digits)
    }
}
