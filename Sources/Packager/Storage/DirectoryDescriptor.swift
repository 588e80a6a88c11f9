#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An open directory, closed when the last `OutputDirectory` holding it goes. Every file
/// operation of an `OutputDirectory` is relative to it (`openat`, `renameat`, `unlinkat`, …), so
/// what a path resolved to when the directory was opened is what is written, whatever is
/// renamed or swapped in under that path later.
final class DirectoryDescriptor: Sendable {
    let value: Int32

    init(_ value: Int32) { self.value = value }

    deinit { close(value) }
}
