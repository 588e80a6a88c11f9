#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reading back what an earlier run left (for `append_list`).
extension OutputDirectory {
    /// Largest file read back whole: playlists and init files are small; anything bigger is not ours.
    static let maxReadSize = 64 << 20

    /// The bytes of `name`, or nil when there is no such file. A symbolic link is refused.
    public func read(_ name: String) throws(PackagerError) -> [UInt8]? {
        try Self.checkPlainName(name)
        let descriptor = openat(self.descriptor.value, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            if errno == ELOOP { throw Self.symbolicLinkError(filePath(name)) }
            throw PackagerError(.writeFailed, "cannot open '\(filePath(name))': \(Self.errnoText())")
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { readBytes(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw PackagerError(.writeFailed, "cannot read '\(filePath(name))': \(Self.errnoText())")
            }
            if count == 0 { return bytes }
            bytes += buffer[..<count]
            guard bytes.count <= Self.maxReadSize else {
                throw PackagerError(.invalidConfiguration, "'\(filePath(name))' is larger than \(Self.maxReadSize) bytes")
            }
        }
    }

    /// The size in bytes of the file `name` (not followed when it is a link); nil when there is
    /// no such file.
    public func fileSize(_ name: String) -> Int? {
        guard (try? Self.checkPlainName(name)) != nil else { return nil }
        var status = stat()
        guard fstatat(descriptor.value, name, &status, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
        return Int(status.st_size)
    }

    /// Whether `name` is a whole fMP4 media segment: top-level boxes that fill the file exactly,
    /// among them a `moof` and an `mdat`. Only box headers are read. A file that a power cut
    /// caught before it reached the disk (missing, empty, cut short, or zeros where the
    /// headers were) fails; damage inside a sample's bytes cannot be seen this way.
    public func holdsCompleteSegment(_ name: String) -> Bool {
        guard (try? Self.checkPlainName(name)) != nil else { return false }
        let descriptor = openat(self.descriptor.value, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return false }
        let size = Int64(status.st_size)
        var offset: Int64 = 0
        var types: Set<String> = []
        var header = [UInt8](repeating: 0, count: 16)
        while offset < size {
            let count = header.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, 16, off_t(offset)) }
            guard count >= 8 else { return false }
            var boxSize = header[0..<4].reduce(Int64(0)) { $0 << 8 | Int64($1) }
            if boxSize == 1 {  // 64-bit size after the type
                guard count == 16 else { return false }
                boxSize = header[8..<16].reduce(Int64(0)) { $0 << 8 | Int64($1) }
            }
            let type = header[4..<8]
            // Size 0 ("to the end of the file") is never written here; zeros mean lost data.
            guard boxSize >= 8, type.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return false }
            types.insert(String(decoding: type, as: UTF8.self))
            offset += boxSize
        }
        return offset == size && types.contains("moof") && types.contains("mdat")
    }

    /// The names of the entries in the directory (without `.` and `..`), unsorted.
    public func fileNames() throws(PackagerError) -> [String] {
        // A descriptor of its own: `closedir` closes it, and the listing starts at the beginning.
        let listed = openat(descriptor.value, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard listed >= 0, let stream = fdopendir(listed) else {
            let text = Self.errnoText()
            if listed >= 0 { close(listed) }
            throw PackagerError(.writeFailed, "cannot list '\(path)': \(text)")
        }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}

/// The C `read`, under a name an `OutputDirectory` method cannot shadow.
private func readBytes(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
