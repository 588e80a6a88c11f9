import CMimalloc

#if canImport(Glibc)
    import Glibc
#endif

/// The executable links mimalloc, whose `malloc` and `free` then serve the whole process
/// (libswiftCore, SwiftNIO, libavformat alike): the dynamic linker finds them in the executable's
/// libraries before glibc's.
///
/// Why: a live stream's frames are allocated on the RTMP event loop and freed on the packager's
/// threads once their segment is written. glibc takes such a free back to the arena of the
/// allocating thread under its lock; mimalloc queues it to the owning page without one, which
/// costs less CPU per frame (measured with bench/live-load/ab.sh: docs/benchmarks.md).
enum MemoryAllocator {
    /// "mimalloc 2.0.9", or what went wrong: a build whose `malloc` is not mimalloc's works
    /// the same, only slower, so this is logged rather than refused.
    static var inUse: String {
        let version = mi_version()
        guard let probe = malloc(64) else { return "unknown (malloc failed)" }
        defer { free(probe) }
        let name = "mimalloc \(version / 100).\(version / 10 % 10).\(version % 10)"
        return mi_is_in_heap_region(probe) ? name : "another malloc (\(name) is linked but not in use)"
    }
}
