import Foundation

#if canImport(Glibc)
    import Glibc

    private let systemWrite = Glibc.write
#elseif canImport(Darwin)
    import Darwin

    private let systemWrite = Darwin.write
#endif

/// Writes an `ExportFile` to a path: to a hidden temporary name in the same folder, fsynced,
/// then renamed over the path, so the path only ever holds a complete file. On any error the
/// temporary file is removed and nothing is left under the path.
public struct ExportWriter: Sendable {
    /// Bytes copied per read and write.
    public static let bufferSize = 1 << 20

    public init() {}

    /// `progress` is called with the bytes written so far after each buffer.
    public func write(_ file: ExportFile, to path: String, progress: (UInt64) -> Void = { _ in }) throws(ExportError) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let temporary = (folder as NSString).appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard descriptor >= 0 else {
            throw ExportError(.unwritableOutput, "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        var closed = false
        do throws(ExportError) {
            try copy(file, into: descriptor, path: path, progress: progress)
            guard fsync(descriptor) == 0 else { throw ExportError(.unwritableOutput, "cannot write \(path): \(Self.errorText())") }
            closed = true
            guard close(descriptor) == 0 else { throw ExportError(.unwritableOutput, "cannot write \(path): \(Self.errorText())") }
            guard rename(temporary, path) == 0 else {
                throw ExportError(.unwritableOutput, "cannot rename the finished file to \(path): \(Self.errorText())")
            }
        } catch {
            if !closed { close(descriptor) }
            unlink(temporary)
            throw error
        }
        // The rename itself is durable once the folder is synced.
        let folderDescriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folderDescriptor >= 0 {
            fsync(folderDescriptor)
            close(folderDescriptor)
        }
    }

    private func copy(_ file: ExportFile, into descriptor: Int32, path: String, progress: (UInt64) -> Void) throws(ExportError) {
        var written: UInt64 = 0
        try Self.writeAll(descriptor, file.header[...], path: path)
        written += UInt64(file.header.count)
        progress(written)
        var buffer = [UInt8](repeating: 0, count: Self.bufferSize)
        var source: ReadableFile?
        for range in file.ranges {
            let sourcePath = file.paths[Int(range.source)]
            if source?.path != sourcePath {
                guard let opened = ReadableFile(path: sourcePath) else {
                    throw ExportError(.missingSegment, "segment \(sourcePath) disappeared while exporting")
                }
                source = opened
            }
            var done: UInt64 = 0
            while done < range.length {
                let count = Int(min(UInt64(buffer.count), range.length - done))
                let complete = buffer.withUnsafeMutableBytes {
                    source!.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[..<count]), at: range.offset + done)
                }
                guard complete else {
                    throw ExportError(.missingSegment, "segment \(sourcePath) was cut short while exporting")
                }
                try Self.writeAll(descriptor, buffer[..<count], path: path)
                done += UInt64(count)
                written += UInt64(count)
            }
            progress(written)
        }
    }

    private static func writeAll(_ descriptor: Int32, _ bytes: ArraySlice<UInt8>, path: String) throws(ExportError) {
        var offset = 0
        while offset < bytes.count {
            let result = bytes.withUnsafeBytes { systemWrite(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if result < 0, errno == EINTR { continue }
            guard result > 0 else { throw ExportError(.unwritableOutput, "cannot write \(path): \(errorText())") }
            offset += result
        }
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }
}
