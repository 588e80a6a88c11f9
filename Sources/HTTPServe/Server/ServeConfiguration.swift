/// Everything `hlsseg serve` can be told; the defaults are what the command line uses.
public struct ServeConfiguration: Sendable {
    /// The folder whose subfolders are streams: `<root>/<name>/index.m3u8` is served at
    /// `/hls/<name>/index.m3u8`.
    public var root: String
    /// The web page (`index.html`, `player.html`, …) served at `/`; nil serves no page.
    public var www: String?
    /// Address to listen on. Loopback by default: pass `0.0.0.0` to serve other machines.
    public var host: String
    /// TCP port; 0 picks a free one (see `HLSServer.onServerRunning`).
    public var port: Int
    /// `Access-Control-Allow-Origin` on every response; nil sends no CORS headers.
    public var corsOrigin: String?
    /// `max-age` of a playlist that has `EXT-X-ENDLIST` (it may still be replaced by a restart).
    public var endedPlaylistMaxAge: Int
    /// `max-age` of segments and init files, which never change once written.
    public var immutableMaxAge: Int
    /// A connection with no request for this long is closed, so idle clients hold nothing.
    public var idleTimeoutSeconds: Int64
    /// The playlist file name the stream list and API look for in each stream folder.
    public var playlistName: String
    /// Files up to this size are kept in memory (checked against inode, size and mtime on
    /// every request); larger ones are streamed from disk.
    public var maxCachedFileSize: Int
    /// Total bytes kept in the in-memory file cache.
    public var cacheCapacity: Int
    /// Answer `GET`/`HEAD /hls/<stream>/<file>` for cached files on the connection's event
    /// loop, ahead of NIO's HTTP/1 codec and Hummingbird's router (`StreamFileFastPath`). Same
    /// responses either way; off only to compare the two paths (tests) or to rule it out.
    public var streamFastPath: Bool
    /// The longest stretch one `/api/streams/<name>/export.mp4` request may ask for, seconds.
    public var exportMaxDuration: Double

    public init(
        root: String, www: String? = nil, host: String = "127.0.0.1", port: Int = 8080,
        corsOrigin: String? = "*", endedPlaylistMaxAge: Int = 10, immutableMaxAge: Int = 31_536_000,
        idleTimeoutSeconds: Int64 = 60, playlistName: String = "index.m3u8",
        maxCachedFileSize: Int = 8 << 20, cacheCapacity: Int = 256 << 20, streamFastPath: Bool = true,
        exportMaxDuration: Double = 4 * 3600
    ) {
        self.root = root
        self.www = www
        self.host = host
        self.port = port
        self.corsOrigin = corsOrigin
        self.endedPlaylistMaxAge = endedPlaylistMaxAge
        self.immutableMaxAge = immutableMaxAge
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.playlistName = playlistName
        self.maxCachedFileSize = maxCachedFileSize
        self.cacheCapacity = cacheCapacity
        self.streamFastPath = streamFastPath
        self.exportMaxDuration = exportMaxDuration
    }
}

/// Limits on what a client may send. Each is far above what a player needs.
enum RequestLimits {
    /// Longest request target accepted: stream paths are short; longer ones are probes (414).
    static let maxTargetLength = 2048
    /// One header line: cookies of a big site fit, a megabyte header does not.
    static let maxHeaderFieldSize = 8 * 1024
    /// All header lines together.
    static let maxHeaderListSize = 32 * 1024
    /// Number of header lines.
    static let maxHeaderFieldCount = 100
    /// Deepest www/ path (`/a/b/c/d/file`): the page is flat; deeper paths are probes.
    static let maxWWWDepth = 6
}
