import Playlist
import Segmenter

/// What the multivariant playlist (`PackagerConfiguration.multivariantPlaylistName`, FFmpeg's
/// `master_pl_name`) says of the one variant a packager writes, gathered segment by segment:
///
/// - BANDWIDTH: the peak segment bit rate (RFC 8216 §4.3.4.2), taken per segment;
/// - AVERAGE-BANDWIDTH: all segment bytes over all segment time;
/// - CODECS: every codec any init file of the stream declared, in order of appearance
///   (a mid-stream codec change adds the new one; §4.3.4.2 wants every format of every segment);
/// - RESOLUTION: the largest video size.
///
/// The file is rewritten when the first segment is listed, whenever CODECS or RESOLUTION change
/// or the peak rises by more than `rewriteGrowth` over the written one, and once more at the
/// end with the final figures: a player reading it mid-stream sees values that held for every
/// segment so far, within that margin.
struct VariantSummary: Sendable {
    /// A peak this much above the written BANDWIDTH makes the file be rewritten; smaller rises
    /// only reach it at the end (a player's rate choice does not hinge on a few percent).
    static let rewriteGrowth = 1.1

    private(set) var peakBitsPerSecond = 0
    private var totalBytes = 0
    private var totalSeconds = 0.0
    private(set) var codecs: [String] = []
    private(set) var resolution: Resolution?
    /// What the file on disk says (nil: nothing written yet).
    private var written: VariantStream?

    /// Notes one listed segment of `bytes` lasting `seconds`, under an init file for `tracks`.
    mutating func add(bytes: Int, seconds: Double, tracks: [Track]) {
        totalBytes += bytes
        totalSeconds += seconds
        if seconds > 0 { peakBitsPerSecond = max(peakBitsPerSecond, Int((Double(bytes) * 8 / seconds).rounded(.up))) }
        for track in tracks {
            if !codecs.contains(track.format.codecs) { codecs.append(track.format.codecs) }
            if case .video(_, let width, let height, _) = track.format,
                width * height > (resolution.map { $0.width * $0.height } ?? 0)
            {
                resolution = Resolution(width: width, height: height)
            }
        }
    }

    /// The variant as it stands, pointing at `uri`.
    func variant(uri: String) -> VariantStream {
        VariantStream(
            uri: uri, bandwidth: max(1, peakBitsPerSecond),
            averageBandwidth: totalSeconds > 0 ? max(1, Int((Double(totalBytes) * 8 / totalSeconds).rounded())) : nil,
            codecs: codecs.isEmpty ? nil : codecs.joined(separator: ","), resolution: resolution)
    }

    /// The multivariant playlist's text when it is due to be written (see the type's rules),
    /// noting it as written; nil when the file on disk is good enough. `final`: the last
    /// write, always made.
    mutating func textToWrite(uri: String, independentSegments: Bool, final: Bool) -> String? {
        let current = variant(uri: uri)
        if let written, !final, written.codecs == current.codecs, written.resolution == current.resolution,
            Double(current.bandwidth) <= Double(written.bandwidth) * Self.rewriteGrowth
        {
            return nil
        }
        written = current
        return PlaylistWriter.write(MultivariantPlaylist(independentSegments: independentSegments, variants: [current]))
    }
}
