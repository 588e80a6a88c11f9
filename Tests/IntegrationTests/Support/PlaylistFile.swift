import Foundation
import TestSupport

/// A media playlist read line by line, independently of the product's own `Playlist` module,
/// so a bug shared by its writer and parser cannot hide here.
struct PlaylistFile: Sendable {
    struct Entry: Sendable, Equatable {
        var uri: String
        var duration: Double
    }

    var text: String
    var version: Int?
    var targetDuration: Int?
    var mediaSequence: Int?
    var playlistType: String?
    var mapURIs: [String] = []
    var entries: [Entry] = []
    var hasEndList = false
    /// `#EXT-X-ENDLIST` is the last tag line.
    var endListIsLast = false

    init(contentsOf url: URL) throws {
        try self.init(text: String(decoding: Data(contentsOf: url), as: UTF8.self))
    }

    init(text: String) throws {
        self.text = text
        let lines = text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard lines.first == "#EXTM3U" else { throw HarnessError("playlist does not start with #EXTM3U:\n\(text)") }
        var pendingDuration: Double?
        for line in lines.dropFirst() {
            if line.hasPrefix("#") {
                let (tag, value) = Self.split(line)
                switch tag {
                case "#EXT-X-VERSION": version = Int(value)
                case "#EXT-X-TARGETDURATION": targetDuration = Int(value)
                case "#EXT-X-MEDIA-SEQUENCE": mediaSequence = Int(value)
                case "#EXT-X-PLAYLIST-TYPE": playlistType = value
                case "#EXT-X-MAP":
                    guard let uri = Self.attribute("URI", in: value) else {
                        throw HarnessError("EXT-X-MAP without URI: \(line)")
                    }
                    mapURIs.append(uri)
                case "#EXTINF":
                    let number = value.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
                    guard let duration = Double(number), duration >= 0 else {
                        throw HarnessError("bad EXTINF: \(line)")
                    }
                    pendingDuration = duration
                case "#EXT-X-ENDLIST": hasEndList = true
                default: break
                }
                endListIsLast = tag == "#EXT-X-ENDLIST"
            } else {
                guard let duration = pendingDuration else { throw HarnessError("URI without EXTINF: \(line)") }
                entries.append(Entry(uri: line, duration: duration))
                pendingDuration = nil
                endListIsLast = false
            }
        }
    }

    var totalDuration: Double { entries.reduce(0) { $0 + $1.duration } }

    private static func split(_ line: String) -> (String, String) {
        guard let colon = line.firstIndex(of: ":") else { return (line, "") }
        return (String(line[..<colon]), String(line[line.index(after: colon)...]))
    }

    /// The value of `name` in an attribute list (`URI="init.mp4",BYTERANGE="…"`).
    private static func attribute(_ name: String, in list: String) -> String? {
        var rest = Substring(list)
        while !rest.isEmpty {
            guard let equals = rest.firstIndex(of: "=") else { return nil }
            let key = rest[..<equals].trimmingCharacters(in: .whitespaces)
            rest = rest[rest.index(after: equals)...]
            var value: Substring
            if rest.first == "\"" {
                let body = rest.dropFirst()
                guard let close = body.firstIndex(of: "\"") else { return nil }
                value = body[..<close]
                rest = body[body.index(after: close)...]
            } else {
                let end = rest.firstIndex(of: ",") ?? rest.endIndex
                value = rest[..<end]
                rest = rest[end...]
            }
            if rest.first == "," { rest = rest.dropFirst() }
            if key == name { return String(value) }
        }
        return nil
    }
}
