/// Where a packager's blocking file writes run: the segment (`writev`, `fsync`, rename) and the
/// playlist (`fsync` of the file and the folder).
///
/// `.inline` runs them on the packager's own thread: right for one stream (`hlsseg segment`).
/// A live server with many streams passes threads of its own (`init(submit:prepare:)`): on
/// Swift's cooperative pool (one thread per core) a stream waiting in `fsync` would hold a pool
/// thread, and on a slow disk every other stream's packets would wait behind it. Only the writes
/// move; the packaging work stays on the pool, so this costs one thread hand-off per segment
/// (its file and then the playlist listing it, in one job), not one per packet.
public struct BlockingFileIO: Sendable {
    public typealias Submit = @Sendable (@escaping @Sendable () -> Void) -> Void

    private let submit: Submit?
    /// Where the next segment's file is made ahead of time (`PreparedFile`); nil: it is made when
    /// it is written.
    private let prepare: Submit?

    public static let inline = BlockingFileIO(optionalSubmit: nil, prepare: nil)

    /// `submit` runs the closure it is given once, on a thread that may block. `prepare`, when
    /// given, does the same for making the next segment's file ahead of time: threads apart from
    /// `submit`'s, because nothing waits for that work, and when the disk is slow it must not
    /// take a thread from the writes that streams wait for.
    public init(submit: @escaping Submit, prepare: Submit? = nil) {
        self.init(optionalSubmit: submit, prepare: prepare)
    }

    private init(optionalSubmit: Submit?, prepare: Submit?) {
        self.submit = optionalSubmit
        self.prepare = prepare
    }

    func run<Value: Sendable>(_ work: @escaping @Sendable () throws(PackagerError) -> Value) async throws(PackagerError) -> Value {
        guard let submit else { return try work() }
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Value, PackagerError>, Never>) in
            submit {
                do throws(PackagerError) {
                    continuation.resume(returning: .success(try work()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    /// Makes the file for segment `name` on the `prepare` threads and leaves it in `slot`;
    /// does nothing without them.
    func prepareFile(named name: String, in directory: OutputDirectory, into slot: PreparedFileSlot) {
        guard let prepare else { return }
        prepare { slot.put(directory.prepareFile(named: name)) }
    }

    /// Closes a file left in `slot` (the stream ended), on the `prepare` threads.
    func discardPreparedFile(in slot: PreparedFileSlot) {
        guard let prepare else { return }
        prepare { slot.put(nil) }
    }
}
