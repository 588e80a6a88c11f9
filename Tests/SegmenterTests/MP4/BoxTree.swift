/// A minimal box walker for tests: type, payload and children of container boxes.
struct BoxTree {
    static let containers: Set<String> = ["moov", "trak", "mdia", "minf", "dinf", "stbl", "mvex", "moof", "traf"]

    var type: String
    var payload: ArraySlice<UInt8>
    var children: [BoxTree]

    static func parse(_ bytes: [UInt8]) -> [BoxTree] { parse(bytes[...]) }

    static func parse(_ bytes: ArraySlice<UInt8>) -> [BoxTree] {
        var boxes: [BoxTree] = []
        var index = bytes.startIndex
        while index + 8 <= bytes.endIndex {
            let size = bytes[index..<index + 4].reduce(0) { $0 << 8 | Int($1) }
            let type = String(decoding: bytes[index + 4..<index + 8], as: UTF8.self)
            guard size >= 8, index + size <= bytes.endIndex else { break }
            let payload = bytes[index + 8..<index + size]
            boxes.append(BoxTree(type: type, payload: payload, children: containers.contains(type) ? parse(payload) : []))
            index += size
        }
        return boxes
    }

    func first(_ path: String) -> BoxTree? {
        var current: BoxTree? = self
        for type in path.split(separator: "/") {
            current = current?.children.first { $0.type == type }
        }
        return current
    }
}
