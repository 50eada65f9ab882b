@testable import AdvisorCLI
import Dispatch
import Foundation
import Synchronization
import Testing

/// A stop asked for just before batch waits for input ends the wait: the reader waits on the
/// input and on the stop handler's wake pipe at once. Here the input is a pipe that stays
/// open and empty, as a producer that has nothing to say (before, this read waited for input
/// that never came).
@Suite(.timeLimit(.minutes(1))) struct BatchWakeTests {
    /// A pipe's two ends.
    static func pipeEnds() throws -> (read: Int32, write: Int32) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw CocoaError(.fileReadUnknown) }
        // Not inherited by the processes other tests start meanwhile.
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        return (ends[0], ends[1])
    }

    @Test func aStopWithAByteInTheWakePipeEndsAWaitOnIdleInput() throws {
        let input = try Self.pipeEnds(), wake = try Self.pipeEnds()
        defer { for fd in [input.read, input.write, wake.read, wake.write] { close(fd) } }
        var byte: UInt8 = 1
        #expect(write(wake.write, &byte, 1) == 1)
        var reader = Batch.LineReader(fd: input.read)
        reader.wake = wake.read
        reader.stopRequested = { true }
        #expect(try reader.next() == nil)
    }

    final class Flag: Sendable { let raised = Atomic<Int32>(0) }

    /// The race itself: the reader is already waiting on idle input when the stop comes (the
    /// flag, then the handler's byte, from another thread). Were the wait not ended, a line
    /// sent five seconds later ends it, and the test fails instead of hanging.
    @Test func aStopWhileWaitingEndsTheWait() throws {
        let input = try Self.pipeEnds(), wake = try Self.pipeEnds()
        defer { for fd in [input.read, input.write, wake.read, wake.write] { close(fd) } }
        _ = fcntl(wake.read, F_SETFL, fcntl(wake.read, F_GETFL) | O_NONBLOCK)
        let flag = Flag()
        let returned = DispatchSemaphore(value: 0), finished = DispatchSemaphore(value: 0)
        let (wakeWriter, inputWriter) = (wake.write, input.write)
        Thread {
            usleep(100_000)
            flag.raised.store(1, ordering: .relaxed)
            var byte: UInt8 = 1
            _ = write(wakeWriter, &byte, 1)
            if returned.wait(timeout: .now() + 5) == .timedOut {
                let line = Array("{}\n".utf8)
                _ = line.withUnsafeBytes { write(inputWriter, $0.baseAddress, $0.count) }
            }
            finished.signal()
        }.start()
        var reader = Batch.LineReader(fd: input.read)
        reader.wake = wake.read
        reader.stopRequested = { flag.raised.load(ordering: .relaxed) != 0 }
        let line = try reader.next()
        returned.signal()
        finished.wait()
        #expect(line == nil, "the wait went on until input came")
    }

    @Test func aWakeWithoutAStopReadsOn() throws {
        let input = try Self.pipeEnds(), wake = try Self.pipeEnds()
        defer { for fd in [input.read, input.write, wake.read, wake.write] { close(fd) } }
        for fd in [wake.read] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        var byte: UInt8 = 1
        #expect(write(wake.write, &byte, 1) == 1)
        let line = Array("{\"id\":\"a\"}\n".utf8)
        #expect(line.withUnsafeBytes { write(input.write, $0.baseAddress, $0.count) } == line.count)
        var reader = Batch.LineReader(fd: input.read)
        reader.wake = wake.read
        reader.stopRequested = { false }
        guard case let .text(bytes)? = try reader.next() else {
            Issue.record("no line")
            return
        }
        #expect(bytes == Array(line.dropLast()))
    }
}
