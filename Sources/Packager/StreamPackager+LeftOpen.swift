import Playlist

/// Playlists that a run which never finished (a crash, a kill, a power cut) left without
/// `EXT-X-ENDLIST`, while no publisher came back to continue them.
extension StreamPackager {
    /// The playlist of `directory` when a stream with `configuration` left it open: it parses,
    /// has segments and no `EXT-X-ENDLIST`, and is not VOD. Returns its bytes, to be handed to
    /// `endPlaylistLeftOpen` (nil: there is nothing to end).
    public static func playlistLeftOpen(
        in directory: OutputDirectory, configuration: PackagerConfiguration
    ) throws(PackagerError) -> [UInt8]? {
        guard !configuration.flags.contains(.omitEndlist), let bytes = try directory.read(configuration.playlistName),
            let playlist = try? PlaylistParser.parseMedia(String(decoding: bytes, as: UTF8.self)),
            !playlist.endList, playlist.playlistType != .vod, !playlist.segments.isEmpty
        else { return nil }
        return bytes
    }

    /// Ends the playlist left open (`playlistLeftOpen`) as an idle stream is ended: its text
    /// with `#EXT-X-ENDLIST` added, written atomically; every segment stays as listed. Nothing
    /// is written when the playlist is no longer `leftOpen` (another writer, such as an
    /// `hlsseg segment` run into the same folder, has changed it since): returns false.
    public static func endPlaylistLeftOpen(
        _ leftOpen: [UInt8], in directory: OutputDirectory, configuration: PackagerConfiguration
    ) throws(PackagerError) -> Bool {
        guard try directory.read(configuration.playlistName) == leftOpen else { return false }
        var ended = leftOpen
        if let last = ended.last, last != UInt8(ascii: "\n") { ended.append(UInt8(ascii: "\n")) }
        ended += Array("#EXT-X-ENDLIST\n".utf8)
        try directory.rewrite([ended], to: configuration.playlistName)
        try directory.removeSpare(of: configuration.playlistName)
        return true
    }
}
