import HTTPTypes

/// A file requested as `/hls/<stream>/<file>`, found on disk under the stream root.
struct StreamFile {
    /// Canonical path of the file (inside the root, symlinks checked).
    let path: String
    /// The stream's folder name as requested.
    let stream: String
    /// The file name as requested (decides Content-Type and caching rules).
    let name: String
    /// The identity the path check saw (saves the cache a `stat`).
    let version: FileVersion

    var kind: ServedFileKind { .forStreamFile(name) }

    enum Lookup {
        case found(StreamFile)
        /// The status answering the request: 400 for hostile paths, 404 for anything not served.
        case refused(HTTPResponse.Status)
    }

    /// Checks a raw request path (`SafePath`) and resolves it under `root`. Used by the
    /// Hummingbird route and the event-loop fast path alike.
    static func locate(rawPath: String, root: String) -> Lookup {
        switch SafePath.hlsComponents(rawPath) {
        case .failure(let rejection): return .refused(rejection == .badRequest ? .badRequest : .notFound)
        case .success(let (stream, file)):
            guard let (path, version) = SafePath.resolve(base: root, components: [stream, file]) else {
                return .refused(.notFound)
            }
            return .found(StreamFile(path: path, stream: stream, name: file, version: version))
        }
    }
}
