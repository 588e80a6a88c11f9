import Ingest

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a request path was refused.
enum PathRejection: Error, Equatable {
    /// Malformed or hostile (`..`, `%2e`, `%2f`, NUL, backslash, empty segment): 400.
    case badRequest
    /// Well formed but not something we serve (hidden or temp file, folder, outside the root): 404.
    case notFound
}

/// Checks raw (still percent-encoded) request paths before anything touches the disk.
///
/// Every path component is a plain *file* name (`[A-Za-z0-9._~-]`, RFC 3986's unreserved
/// characters), so any percent sign is refused outright instead of decoded: `%2e%2e`, `%2f`,
/// `%00` never reach a path join. A name starting with a dot is hidden (the packager's
/// `.seg3.m4s.tmp` temp files) and answers 404, as does anything that is not a regular file.
///
/// This file-name rule is wider than the stream-name rule on purpose: it also covers the
/// www/ page's files and segment names made from an `hls_segment_filename` template, which
/// may contain `~` and have no length limit. A component that names a stream (the first one
/// under `/hls/`) must also follow `StreamName`, the one rule for stream names.
enum SafePath {
    /// `/hls/<stream>/<file>` → (stream, file).
    static func hlsComponents(_ rawPath: String) -> Result<(stream: String, file: String), PathRejection> {
        guard rawPath.hasPrefix("/hls/") else { return .failure(.notFound) }
        let rest = rawPath.utf8.dropFirst("/hls/".count)
        let parts = rest.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        for part in parts {
            if let rejection = check(Substring(part)) { return .failure(rejection) }
        }
        guard parts.count == 2 else { return .failure(.notFound) }
        // Well formed, but a folder that cannot be a stream is not served.
        guard StreamName.isValid(Substring(parts[0])) else { return .failure(.notFound) }
        return .success((String(Substring(parts[0])), String(Substring(parts[1]))))
    }

    /// `/a/b.js` → ["a", "b.js"]; `/` → ["index.html"].
    static func wwwComponents(_ rawPath: String) -> Result<[String], PathRejection> {
        guard rawPath.hasPrefix("/") else { return .failure(.badRequest) }
        if rawPath == "/" { return .success(["index.html"]) }
        let parts = rawPath.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        for part in parts {
            if let rejection = check(part) { return .failure(rejection) }
        }
        guard parts.count <= RequestLimits.maxWWWDepth else { return .failure(.notFound) }
        return .success(parts.map(String.init))
    }

    /// The bytes a served file or folder name may contain: letters, digits, `.`, `_`, `-`, `~`.
    static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"),
            UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    /// One path segment: nil when it may be used as a file name.
    static func check(_ part: Substring) -> PathRejection? {
        let bytes = part.utf8
        if bytes.isEmpty { return .badRequest }
        guard bytes.allSatisfy(isNameByte) else { return .badRequest }
        guard bytes.first == UInt8(ascii: ".") else { return nil }
        // `.` and `..` are hostile; other names starting with a dot are hidden files.
        return bytes.count == 1 || (bytes.count == 2 && bytes.last == UInt8(ascii: ".")) ? .badRequest : .notFound
    }

    /// The canonical form of `path` (symlinks resolved), or nil when it does not exist.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Joins `components` under `base` (canonical) and checks the result is a regular file
    /// that, after following any symlinks, is still inside `base`. One `lstat` per component
    /// in the common case (no symlinks); `realpath` only when a link is met.
    static func resolveFile(base: String, components: [String]) -> String? {
        resolve(base: base, components: components)?.path
    }

    /// As `resolveFile`, with the identity of the file found (from the same `lstat`/`stat`).
    static func resolve(base: String, components: [String]) -> (path: String, version: FileVersion)? {
        var path = base
        var version: FileVersion?
        for (index, component) in components.enumerated() {
            path.append("/")
            path.append(component)
            var info = stat()
            guard lstat(path, &info) == 0 else { return nil }
            let type = info.st_mode & S_IFMT
            if type == S_IFLNK {
                guard let real = realPath(path), real.hasPrefix(base + "/") else { return nil }
                var target = stat()
                guard stat(real, &target) == 0 else { return nil }
                let targetType = target.st_mode & S_IFMT
                let isLast = index == components.count - 1
                guard isLast ? targetType == S_IFREG : targetType == S_IFDIR else { return nil }
                if isLast { version = FileVersion(target) }
            } else if index == components.count - 1 {
                guard type == S_IFREG else { return nil }
                version = FileVersion(info)
            } else {
                guard type == S_IFDIR else { return nil }
            }
        }
        guard let version else { return nil }
        return (path, version)
    }
}
