@testable import AdvisorCLI
import Foundation
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
