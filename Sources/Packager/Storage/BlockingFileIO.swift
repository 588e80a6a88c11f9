/// Where a packager's blocking file writes run: the segment (`writev`, `fsync`, rename) and the
/// playlist (`fsync` of the file and the folder).
///
/// `.inline` runs them on the packager's own thread: right for one stream (`hlsseg segment`).
/// A live server with many streams passes threads of its own (`init(submit:)`): on Swift's
/// cooperative pool (one thread per core) a stream waiting in `fsync` held a pool thread, and
/// when the disk was slow every other stream's packets waited behind it. Only the writes move;
/// the packaging work stays on the pool, so this costs one thread hand-off per segment (its
/// file and then the playlist listing it, in one job), not one per packet.
public struct BlockingFileIO: Sendable {
    private let submit: (@Sendable (@escaping @Sendable () -> Void) -> Void)?

    public static let inline = BlockingFileIO(optionalSubmit: nil)

    /// `submit` runs the closure it is given once, on a thread that may block.
    public init(submit: @escaping @Sendable (@escaping @Sendable () -> Void) -> Void) {
        self.submit = submit
    }

    private init(optionalSubmit: (@Sendable (@escaping @Sendable () -> Void) -> Void)?) {
        self.submit = optionalSubmit
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
}
