import Packager

extension RetentionService {
    /// Removes the files of segments the archive retired before the server stopped (a crash
    /// between `retire` and the removal of the files): in every stream folder, the files named
    /// by the stream's segment file template (`PackagerConfiguration.segmentFilename`) whose
    /// number is at most the archive's `retiredThrough` and below its oldest kept segment. Each
    /// folder is listed once, on `fileThread`, while the passes run.
    func removeLeftovers() async {
        for stream in archive.streams() {
            guard !Task.isCancelled, let retired = archive.retiredThrough(stream: stream) else { continue }
            let kept = archive.segments(of: stream)
            let below = kept.count > 0 ? min(retired + 1, kept[0].sequenceNumber) : retired + 1
            let template = configuration.packager(for: stream).segmentFilename
            do {
                let removed = try await onFileThread { () throws -> Int in
                    guard let directory = try streamDirectory(stream) else { return 0 }
                    var removed = 0
                    for name in try directory.fileNames() {
                        guard let number = template.number(in: name), number < below else { continue }
                        try directory.remove(name)
                        removed += 1
                    }
                    return removed
                }
                if removed > 0 {
                    logger.info("retention \(stream): removed \(removed) segment files the archive had retired before the server stopped")
                }
            } catch {
                logger.warning("retention \(stream): cannot remove the files of segments retired before the server stopped: \(error)")
            }
        }
    }
}
