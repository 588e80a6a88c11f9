/// The init segments one plan reads, each looked up in the cache once: a recording names the
/// same `init.mp4` for every segment, and a look-up opens and `fstat`s the file to check the
/// cached version is current.
final class InitSectionLookup {
    private let cache: SegmentIndexCache
    private var sections: [String: InitSection] = [:]

    init(cache: SegmentIndexCache) { self.cache = cache }

    func section(at path: String) throws(ExportError) -> InitSection {
        if let known = sections[path] { return known }
        let section = try cache.initSection(at: path)
        sections[path] = section
        return section
    }

    /// The codec configuration in force for segment `index`: segments naming the same init
    /// segment share it without comparing.
    func configuration(_ recording: HLSRecording, _ index: Int) throws(ExportError) -> [UInt8] {
        try section(at: recording.segments[index].initPath).configuration
    }

    /// Whether segments `index - 1` and `index` have different configurations.
    func changes(_ recording: HLSRecording, at index: Int) throws(ExportError) -> Bool {
        let (before, after) = (recording.segments[index - 1].initPath, recording.segments[index].initPath)
        guard before != after else { return false }
        return try configuration(recording, index - 1) != configuration(recording, index)
    }
}
