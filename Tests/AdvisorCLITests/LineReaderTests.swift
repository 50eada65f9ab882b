@testable import AdvisorCLI
import Foundation
import Testing

/// Batch reads the next round's lines ahead while the threads answer (`nextBuffered`,
/// `readIfReady`), and the rest with `next`: mixed in any order, the three give the lines
/// `next` alone gives, in the same order, a line skipped for its length and a last line
/// without a break included.
@Suite struct LineReaderTests {
    /// A line as the tests compare it (a long one by its length and its first bytes: a
    /// failure names it without printing it).
    static func described(_ line: Batch.LineReader.Line?) -> String? {
        switch line {
        case let .text(bytes)? where bytes.count > 60: return "text of \(bytes.count) bytes " + String(decoding: bytes.prefix(40), as: UTF8.self)
        case let .text(bytes)?: return "text " + String(decoding: bytes, as: UTF8.self)
        case let .tooLong(n)?: return "too long \(n)"
        case nil: return nil
        }
    }

    /// Every line of the file at `path`, by `next` alone (`maxLine`: skipped beyond).
    static func plainLines(_ path: String, maxLine: Int) throws -> [String] {
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        var reader = Batch.LineReader(fd: fd, maxLine: maxLine)
        var nextAlone: BatchEquivalenceTests.Random? = nil
        return try read(&reader, steps: &nextAlone).lines
    }

    /// The lines `reader` gives, and how many of them `nextBuffered` gave: by `next` alone
    /// (`steps` nil), or each step one of the three at random, as batch calls them (and where
    /// it does not: a read asked for while the buffer holds whole lines reads nothing).
    static func read(_ reader: inout Batch.LineReader, steps: inout BatchEquivalenceTests.Random?) throws -> (lines: [String], readAhead: Int) {
        var lines: [String] = []
        var readAhead = 0
        while true {
            switch steps?.next(10) ?? 9 {
            case 0..<5:
                if let line = described(reader.nextBuffered()) {
                    lines.append(line)
                    readAhead += 1
                }
            case 5..<8: _ = reader.readIfReady()
            default:
                guard let line = try described(reader.next()) else { return (lines, readAhead) }
                lines.append(line)
            }
        }
    }

    /// The first line where `lines` and `expected` differ, named (not the whole lists); nil
    /// when they are the same.
    static func firstDifference(_ lines: [String], _ expected: [String]) -> String? {
        func at(_ list: [String], _ k: Int) -> String { k < list.count ? list[k] : "no line" }
        guard let k = (0..<max(lines.count, expected.count)).first(where: { at(lines, $0) != at(expected, $0) }) else { return nil }
        return "line \(k + 1): \(at(lines, k)) against \(at(expected, k))"
    }

    @Test(arguments: [1, 2, 3, 4, 5])
    func readingAheadGivesTheLinesNextGives(seed: UInt64) throws {
        // Lines of many lengths across several 64 KB reads: empty, CRLF, longer than maxLine
        // (300 bytes) with and without their break in the same read, and a last line
        // without a break.
        var random = BatchEquivalenceTests.Random(state: seed &* 0x9E37_79B9_7F4A_7C15)
        var text = ""
        for i in 0..<3_000 {
            switch random.next(20) {
            case 0: text += "\n"
            case 1: text += "{\"id\":\"\(i)\"}\r\n"
            case 2: text += String(repeating: "x", count: 301 + random.next(70_000)) + "\n"
            default: text += "{\"id\":\"\(i)\",\"pad\":\"" + String(repeating: "p", count: random.next(250)) + "\"}\n"
            }
        }
        text += "{\"id\":\"last\"}"
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-line-reader-\(getpid())-\(seed).jsonl")
        try text.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let plain = try Self.plainLines(url.path, maxLine: 300)
        #expect(plain.contains { $0.hasPrefix("too long") } && plain.last == "text {\"id\":\"last\"}")

        let fd = open(url.path, O_RDONLY)
        defer { close(fd) }
        var reader = Batch.LineReader(fd: fd, maxLine: 300)
        var steps: BatchEquivalenceTests.Random? = random
        let (lines, readAhead) = try Self.read(&reader, steps: &steps)
        let difference = Self.firstDifference(lines, plain)
        #expect(difference == nil, "\(difference ?? "")")
        #expect(readAhead > plain.count / 2, "most lines were read ahead (\(readAhead) of \(plain.count))")
    }

    /// A line longer than `maxLine` is too long by its length, and one no longer is its text,
    /// wherever the reads end: reads of random sizes put a line's break in the read that takes
    /// it past the limit, in a later read, or nowhere (the last line). Lines of exactly the
    /// limit, one past it and around it; by `next` alone and by the three mixed as batch
    /// mixes them. (A line whose break came in the read that took it past the limit was
    /// taken as text.)
    @Test(arguments: [1, 2, 3])
    func aLineIsTooLongByItsLengthWhereverTheReadsEnd(seed: UInt64) throws {
        let maxLine = 300
        var random = BatchEquivalenceTests.Random(state: seed &* 0x2545_F491_4F6C_DD1D)
        var text: [UInt8] = []
        var expected: [String] = []
        for i in 0..<1_500 {
            let lengths = [0, maxLine - 1, maxLine, maxLine + 1, random.next(maxLine), maxLine + 1 + random.next(3 * maxLine)]
            // The last line is not empty (an empty one after the last break is no line).
            let length = max(lengths[random.next(lengths.count)], i == 1_499 ? 1 : 0)
            let label = Array("\(i):".utf8)
            let line = length < label.count ? [UInt8](repeating: UInt8(ascii: "x"), count: length)
                : label + [UInt8](repeating: UInt8(ascii: "x"), count: length - label.count)
            text += line
            // The last line has no break.
            if i < 1_499 { text.append(0x0A) }
            expected.append(Self.described(length > maxLine ? .tooLong(length) : .text(line))!)
        }
        #expect(expected.contains("too long \(maxLine + 1)") && expected.contains { $0.hasPrefix("text of \(maxLine) bytes") })

        for mixed in [false, true] {
            let fd = open("/dev/null", O_RDONLY)  // polled as ready; its reads are the script's
            defer { close(fd) }
            var reader = Batch.LineReader(fd: fd, maxLine: maxLine)
            let input = text
            var offset = 0
            var sizes = BatchEquivalenceTests.Random(state: seed &* 0x9E37_79B9_7F4A_7C15 ^ (mixed ? 1 : 2))
            reader.readInput = { room in
                let n = min(room.count, input.count - offset, 1 + sizes.next(2 * maxLine))
                input[offset..<offset + n].withUnsafeBytes { room.copyMemory(from: $0) }
                offset += n
                return n
            }
            var steps: BatchEquivalenceTests.Random? = mixed ? random : nil
            let difference = Self.firstDifference(try Self.read(&reader, steps: &steps).lines, expected)
            #expect(difference == nil, "mixed \(mixed), \(difference ?? "")")
        }
    }

    /// A read that fails while reading ahead is reported by `next`, where it would read, after
    /// the lines read before it: some errors come back from one read only (a reset
    /// connection, whose next read finds the end), and were lost as the end of input.
    @Test func aReadErrorMetAheadIsReportedByNext() throws {
        let fd = open("/dev/null", O_RDONLY)  // polled as ready; its reads are the script's
        defer { close(fd) }
        var reader = Batch.LineReader(fd: fd)
        let text = Array("{\"id\":\"1\"}\n{\"id\":\"2\"}\n".utf8)
        var reads = 0
        reader.readInput = { room in
            reads += 1
            switch reads {
            case 1:
                text.withUnsafeBytes { room.copyMemory(from: $0) }
                return text.count
            case 2:
                errno = ECONNRESET
                return -1
            default: return 0
            }
        }
        var lines: [String] = []
        while true {
            if let line = Self.described(reader.nextBuffered()) {
                lines.append(line)
            } else if !reader.readIfReady() {
                break
            }
        }
        #expect(lines == [#"text {"id":"1"}"#, #"text {"id":"2"}"#] && reads == 2)
        // Asked again (a later round), it reads nothing more: the end the next read would
        // find must not come before the error.
        #expect(!reader.readIfReady() && reads == 2)
        do {
            let line = try reader.next()
            Issue.record("no error: \(Self.described(line) ?? "the end of input")")
        } catch {
            #expect("\(error)".contains(String(cString: strerror(ECONNRESET))), "\(error)")
        }
    }
}
