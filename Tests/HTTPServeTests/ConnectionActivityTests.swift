import NIOCore
import Testing

@testable import HTTPServe

/// The idle / graceful-shutdown rules of a fast-path connection, without I/O.
@Suite("connection activity: idle timeout and graceful shutdown")
struct ConnectionActivityTests {
    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
    static func at(_ seconds: Int64) -> NIODeadline { start + .seconds(seconds) }

    @Test func idleAfterTheTimeoutSinceTheLastActivity() {
        var state = ConnectionActivity(idleTimeout: .seconds(10), now: Self.start)
        #expect(state.becameActive(now: Self.start) == .schedule(Self.at(10)))
        // A request at 4 s, answered at once.
        state.readHead(now: Self.at(4))
        state.readBodyOrEnd(isEnd: true, now: Self.at(4))
        #expect(state.wroteEnd(now: Self.at(4), isActive: true) == .schedule(Self.at(14)))
        // The timer armed at the start fires at 10 s: not idle yet, wait until 14 s.
        #expect(state.timerFired(now: Self.at(10), isActive: true) == .schedule(Self.at(14)))
        #expect(state.timerFired(now: Self.at(14), isActive: true) == .close)
    }

    @Test func aRequestBeingAnsweredIsNotIdle() {
        var state = ConnectionActivity(idleTimeout: .seconds(10), now: Self.start)
        state.readHead(now: Self.at(1))
        state.readBodyOrEnd(isEnd: true, now: Self.at(1))
        #expect(state.timerFired(now: Self.at(30), isActive: true) == .none)
        #expect(state.wroteEnd(now: Self.at(31), isActive: true) == .schedule(Self.at(41)))
        // Half a request read and then nothing: idle.
        state.readHead(now: Self.at(32))
        #expect(state.timerFired(now: Self.at(42), isActive: true) == .close)
    }

    @Test func noTimeoutNoTimer() {
        var state = ConnectionActivity(idleTimeout: nil, now: Self.start)
        #expect(state.becameActive(now: Self.start) == .none)
        state.readHead(now: Self.at(1))
        #expect(state.wroteEnd(now: Self.at(1), isActive: true) == .none)
        #expect(state.timerFired(now: Self.at(100), isActive: true) == .none)
    }

    @Test func gracefulShutdownWaitsForTheOutstandingResponse() {
        var idle = ConnectionActivity(idleTimeout: .seconds(10), now: Self.start)
        #expect(idle.quiesce() == .close)

        var busy = ConnectionActivity(idleTimeout: .seconds(10), now: Self.start)
        busy.readHead(now: Self.at(1))
        busy.readHead(now: Self.at(1))  // pipelined
        #expect(busy.quiesce() == .none)
        #expect(busy.wroteEnd(now: Self.at(2), isActive: true) == .none)
        #expect(busy.wroteEnd(now: Self.at(2), isActive: true) == .close)
    }
}
