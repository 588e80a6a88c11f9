import Foundation
import Logging
import Segmenter
import Synchronization

/// A live stream defined by a URL (`rtsp://`, `srt://`, `http://`, a file with `realtime`),
/// read with libavformat on its own thread. When the input ends or fails it is opened again
/// after a backoff; each attempt is one publisher of the stream, so the hub continues the
/// playlist after a discontinuity (or ends it when the gap outlasts the idle timeout).
public struct PulledSource: Sendable {
    public let streamName: String
    public let url: String
    public let options: InputOptions
    public let backoff: Backoff
    /// Stop after this many attempts (nil: until cancelled). Tests use a small number.
    public let maximumAttempts: Int?

    public init(
        streamName: String, url: String, options: InputOptions = InputOptions(), backoff: Backoff = Backoff(), maximumAttempts: Int? = nil
    ) {
        self.streamName = streamName
        self.url = url
        var options = options
        options.dropsUnsupportedAudio = true  // a live stream keeps its video whatever audio the camera sends
        self.options = options
        self.backoff = backoff
        self.maximumAttempts = maximumAttempts
    }

    /// Runs until the task is cancelled (or `maximumAttempts` are used up).
    public func run(handler: any PublishHandler, logger: Logger) async {
        var backoff = backoff
        var attempt = 0
        while !Task.isCancelled {
            attempt += 1
            let started = ContinuousClock.now
            let request = PublishRequest(app: "pull", streamName: streamName, remoteAddress: url, trusted: true)
            switch await handler.publish(request) {
            case .refuse(let refusal):
                logger.warning("pull \(streamName): \(refusal.reason)")
            case .accept(let sink):
                switch await Self.read(url: url, options: options, sink: sink, logger: logger) {
                case .endOfInput:
                    sink.finish(reason: nil)
                    logger.info("pull \(streamName): \(url) ended")
                case .stopped:
                    sink.finish(reason: "stopped")
                    logger.info("pull \(streamName): \(url) stopped")
                case .failed(let reason):
                    sink.finish(reason: reason)
                    logger.warning("pull \(streamName): \(url) ended: \(reason)")
                }
            }
            if let maximumAttempts, attempt >= maximumAttempts { return }
            let delay = backoff.delay(afterRunning: ContinuousClock.now - started)
            logger.info("pull \(streamName): reopening \(url) in \(delay)")
            do { try await Task.sleep(for: delay) } catch { return }
        }
    }

    /// Why one attempt's reading ended.
    enum End: Equatable {
        /// libavformat's end of input, with everything the container promised read.
        case endOfInput
        /// The task was cancelled (the server shuts down).
        case stopped
        /// Opening or reading failed, or the input ended damaged or cut short.
        case failed(String)
    }

    /// Reads the input to its end on a dedicated thread (libavformat blocks); returns why it ended.
    static func read(url: String, options: InputOptions, sink: LiveMediaQueue, logger: Logger) async -> End {
        let stop = StopFlag()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let thread = Thread {
                    continuation.resume(returning: readBlocking(url: url, options: options, sink: sink, stop: stop, logger: logger))
                }
                thread.name = "hlsseg-pull"
                thread.start()
            }
        } onCancel: {
            stop.set()
        }
    }

    private static func readBlocking(url: String, options: InputOptions, sink: LiveMediaQueue, stop: StopFlag, logger: Logger) -> End {
        do {
            let input = try LibAVInput(url: url, options: options, logger: logger)
            send(.tracks(input.tracks), to: sink)
            while !stop.isSet, let event = try input.nextEvent() {
                send(event, to: sink)
            }
            if stop.isSet { return .stopped }
            // Damage ends the input like its end does; the reason is the input's last warning.
            if input.endedWithDamage { return .failed(input.warnings.last ?? "the input is damaged or cut short") }
            return .endOfInput
        } catch {
            return .failed("\(error)")
        }
    }
}

/// Queues `event`; when the queue is full, this reading thread waits for room (a file read
/// with `realtime` off would otherwise queue the whole file).
private func send(_ event: MediaEvent, to sink: LiveMediaQueue) {
    guard !sink.send(event) else { return }
    let room = DispatchSemaphore(value: 0)
    sink.whenRoom { room.signal() }
    room.wait()
}

/// Set once from a cancellation handler, read by the reading thread.
private final class StopFlag: Sendable {
    private let flag = Mutex(false)
    func set() { flag.withLock { $0 = true } }
    var isSet: Bool { flag.withLock { $0 } }
}
