import Foundation

/// A `Range: bytes=…` header (RFC 9110 §14.1.2) against a representation of `size` bytes.
enum ByteRangeRequest: Equatable {
    /// No usable range: serve the whole file (absent, not `bytes`, malformed, or several ranges,
    /// which the RFC lets a server answer with the full representation).
    case whole
    /// Serve these bytes with 206.
    case partial(ClosedRange<Int>)
    /// 416 with `Content-Range: bytes */size`.
    case unsatisfiable

    init(header: String?, size: Int) {
        guard let header else {
            self = .whole
            return
        }
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard trimmed.lowercased().hasPrefix("bytes=") else {
            self = .whole
            return
        }
        let spec = trimmed.dropFirst("bytes=".count).trimmingCharacters(in: .whitespaces)
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else {
            self = .whole
            return
        }
        let first = spec[..<dash].trimmingCharacters(in: .whitespaces)
        let last = spec[spec.index(after: dash)...].trimmingCharacters(in: .whitespaces)
        if first.isEmpty {
            // Suffix range: the last N bytes.
            guard let count = Int(last), count >= 0, last.allSatisfy(\.isASCIIDigit) else {
                self = .whole
                return
            }
            guard count > 0, size > 0 else {
                self = .unsatisfiable
                return
            }
            self = .partial(max(0, size - count)...(size - 1))
            return
        }
        guard first.allSatisfy(\.isASCIIDigit), let start = Int(first) else {
            self = .whole
            return
        }
        var end = size - 1
        if !last.isEmpty {
            guard last.allSatisfy(\.isASCIIDigit), let value = Int(last) else {
                self = .whole
                return
            }
            guard value >= start else {
                self = .whole
                return
            }  // invalid: ignored per RFC 9110
            end = min(value, size - 1)
        }
        guard start < size else {
            self = .unsatisfiable
            return
        }
        self = .partial(start...end)
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
