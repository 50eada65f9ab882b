import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

// Issue 17, the terminal class and piped memory: every width from one column, wide
// characters, job control, a redirected drawing stream, and answers piped by the megabyte.

extension PseudoTerminal {
    /// Sets the window size on the pty, as a terminal emulator does on a resize; the kernel
    /// signals the terminal's foreground group, and `pid` is signalled too in case the child
    /// is not in it (a test runner's children need not be).
    func resize(columns: UInt16, rows: UInt16 = 40, pid: Int32) {
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
        kill(pid, SIGWINCH)
    }

    /// Output after the first `marker` counted from the end (the last frame drawn after it).
    func output(after marker: String) -> String {
        let out = output
        guard let range = out.range(of: marker, options: .backwards) else { return "" }
        return String(out[range.upperBound...])
    }
}

/// The text of `s` as a terminal shows it: CSI escape sequences and carriage returns removed
/// (the pty turns each "\n" into "\r\n", so "\r\n" arrives as "\r\r\n").
func withoutEscapes(_ s: String) -> String {
    var out = ""
    var iterator = s.unicodeScalars.makeIterator()
    while let c = iterator.next() {
        if c == "\u{1B}" {
            guard let next = iterator.next() else { break }
            if next == "[" { while let p = iterator.next(), !(0x40...0x7E).contains(p.value) {} }
            continue
        }
        if c != "\r" { out.unicodeScalars.append(c) }
    }
    return out
}

/// A process's state letter from /proc (R, S, T for stopped, ...).
func processState(_ pid: Int32) -> Character? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return nil }
    return stat[stat.index(close, offsetBy: 2)...].first
}

func waitUntil(timeout: Double = 10, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() { return true }
        Thread.sleep(forTimeInterval: 0.05)
    }
    return condition()
}

@Suite(.serialized) struct HostileTerminalTests {
    static let down = "\u{1B}[B", enter = "\r"

    /// Down to one column and back up, redrawing at each width: no trap, the questionnaire
    /// goes on, and at the end the terminal is cooked with the cursor shown.
    @Test func everyWidthFromOneColumnUp() throws {
        try withAsk { pty, process in
            #expect(pty.waitFor("What does the data look like?"))
            for columns: UInt16 in [1, 2, 3, 4, 5, 8, 13, 1] {
                pty.resize(columns: columns, pid: process.processIdentifier)
                pty.send(Self.down, pause: 0.3)           // a key after the resize: a redraw
                #expect(process.isRunning, "exited at \(columns) columns: \(pty.output.suffix(400))")
            }
            // At one column every line of the frame is "…" or one narrow character.
            let frame = withoutEscapes(pty.output(after: "\u{1B}[J"))
            for line in frame.split(separator: "\n") {
                #expect(line.count <= 1, "a line wider than one column: \(line.debugDescription) in \(frame.debugDescription)")
            }
            pty.send(Self.enter)                          // answers at one column
            pty.resize(columns: 100, pid: process.processIdentifier)
            #expect(pty.waitFor("How fast must a typical read answer?"))
            pty.send("\u{04}")
            #expect(waitForExit(process))
            #expect(process.terminationStatus == 1)
            #expect(pty.isCooked)
            #expect(!pty.output.contains("Fatal error"))
            // The cursor is shown again after it was last hidden.
            let out = pty.output
            let shown = out.range(of: "\u{1B}[?25h", options: .backwards)?.lowerBound
            let hidden = out.range(of: "\u{1B}[?25l", options: .backwards)?.lowerBound
            #expect(shown != nil && hidden != nil && shown! > hidden!)
        }
    }

    /// A typed answer of wide characters in a narrow terminal: the field line is cut by
    /// display width (each ideograph two columns), ends where the cursor is, and never wraps.
    @Test func wideCharactersNeverOverflowTheWidth() throws {
        try withAsk { pty, process in
            #expect(pty.waitFor("What does the data look like?"))
            pty.send(Self.enter)                      // relational
            #expect(pty.waitFor("How fast must a typical read answer?"))
            pty.send(Self.enter)
            #expect(pty.waitFor("What consistency does the workload need?"))
            pty.send(Self.enter)
            #expect(pty.waitFor("How much data will be stored?"))
            pty.resize(columns: 21, pid: process.processIdentifier)
            pty.send(String(repeating: "漢", count: 30))
            pty.send("x", pause: 0.5)
            let frame = withoutEscapes(pty.output(after: "\u{1B}[J"))
            let lines = frame.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count > 3)
            for line in lines {
                // Counted here independently: an ideograph 2 columns, anything else 1.
                let columns = line.reduce(0) { $0 + ($1 == "漢" ? 2 : 1) }
                #expect(columns <= 20, "\(columns) columns: \(line.debugDescription)")
            }
            let field = lines.first { $0.contains("▏") }
            #expect(field.map { $0.hasPrefix("…") && $0.contains("漢x▏") } == true, "\(lines)")
            pty.send("\u{03}")
            #expect(waitForExit(process))
            #expect(pty.isCooked)
        }
    }

    /// SIGTSTP (Ctrl-Z, or kill -TSTP): the terminal is cooked with the cursor shown before
    /// the process stops; SIGCONT (fg): raw again and the question drawn afresh.
    @Test func suspendRestoresTheTerminalAndContinueRedraws() throws {
        try withAsk { pty, process in
            let pid = process.processIdentifier
            #expect(pty.waitFor("What does the data look like?"))
            #expect(!pty.isCooked)
            kill(pid, SIGTSTP)
            #expect(waitUntil { processState(pid) == "T" }, "state \(String(describing: processState(pid)))")
            #expect(pty.isCooked)
            #expect(pty.output.unicodeScalars.filter { $0 != "\r" }.map(String.init).joined().hasSuffix("\u{1B}[?25h\n"), "\(pty.output.suffix(40).debugDescription)")
            let before = pty.output.components(separatedBy: "What does the data look like?").count
            kill(pid, SIGCONT)
            #expect(waitUntil { pty.output.components(separatedBy: "What does the data look like?").count > before })
            #expect(waitUntil { !pty.isCooked })
            // Keys work as before: the first question is answered and the next one drawn.
            pty.send(Self.enter)
            #expect(pty.waitFor("How fast must a typical read answer?"))
            // Twice over: the handler is in place again after the first stop.
            kill(pid, SIGTSTP)
            #expect(waitUntil { processState(pid) == "T" })
            #expect(pty.isCooked)
            kill(pid, SIGCONT)
            #expect(waitUntil { !pty.isCooked })
            pty.send("\u{03}")
            #expect(waitForExit(process))
            #expect(process.terminationStatus == 130)
            #expect(pty.isCooked)
        }
    }

    /// `ask 2>log` on a terminal: the questions would go to the log, so nothing is asked and
    /// nothing is waited for; exit 64 with the way out. With every answer given, no prompt is
    /// needed and the recommendation comes as usual.
    @Test func refusesToAskBlindWhenStderrIsNotATerminal() throws {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return }
        guard let pty = PseudoTerminal() else { Issue.record("no pseudo-terminal"); return }
        defer { pty.close() }
        func run(_ args: [String]) throws -> (status: Int32, err: String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: bin)
            process.arguments = args
            var env = ProcessInfo.processInfo.environment
            env["TERM"] = "xterm-256color"
            env.removeValue(forKey: "NO_COLOR")
            process.environment = env
            let handle = FileHandle(fileDescriptor: pty.slave, closeOnDealloc: false)
            process.standardInput = handle
            process.standardOutput = handle
            let err = Pipe()
            process.standardError = err
            try process.run()
            let exited = waitForExit(process, timeout: 10)
            #expect(exited, "ask waited for input with stderr redirected")
            // A binary that waits is stopped, so that its status can be read and the tests go on.
            if !exited { process.terminate(); process.waitUntilExit() }
            return (process.terminationStatus, String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
        }
        let refused = try run(["ask"])
        #expect(refused.status == 64)
        #expect(refused.err.contains("standard error, which is not a terminal"), "\(refused.err)")
        #expect(pty.isCooked)
        let dir = try scratch("blind")
        defer { try? FileManager.default.removeItem(at: dir) }
        let answers = dir.appendingPathComponent("a.json").path
        // A complete answers file (every question recorded as answered or skipped) needs no prompt.
        let saved = try runBinary(bin, ["ask", "--save", answers], stdin: "relational\n")
        #expect(saved.status == 0)
        let replay = try run(["ask", "--answers", answers])
        #expect(replay.status == 0, "\(replay.err)")
        #expect(pty.output.contains("Recommended:"))
    }
}

/// Piped `ask` reads its answers a line at a time: memory stays flat however much is piped,
/// and a line over the documented maximum is refused with its number.
@Suite struct PipedAskMemoryTests {
    /// Writes `chunks` to a running `ask`'s stdin, then reads its peak RSS (VmHWM) while it
    /// still waits for the end of input, then closes the input.
    func peakRSS(feeding chunks: Int, of chunk: [UInt8], after first: String) throws -> (kilobytes: Int, status: Int32, err: String) {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return (0, -1, "") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: bin)
        process.arguments = ["ask"]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let fd = input.fileHandleForWriting.fileDescriptor
        func send(_ bytes: [UInt8]) {
            var offset = 0
            while offset < bytes.count {
                let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                if n <= 0 { return }
                offset += n
            }
        }
        send(Array(first.utf8))
        for _ in 0..<chunks { send(chunk) }
        Thread.sleep(forTimeInterval: 0.3)
        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        let hwm = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
            .flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? -1
        try input.fileHandleForWriting.close()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        _ = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (hwm, process.terminationStatus, String(decoding: err, as: UTF8.self))
    }

    /// 20 MB of blank lines after the answers (allowed, and skipped): memory does not grow
    /// with the input. Reading it whole held about 50 bytes per byte (a gigabyte here).
    @Test func twentyMegabytesOfLinesInFlatMemory() throws {
        // Lines of 999 spaces: 20,000 of them, each read and skipped.
        let chunk = Array((String(repeating: " ", count: 999) + "\n").utf8) + []
        let megabyte = Array([[UInt8]](repeating: chunk, count: 1_000).joined())
        let r = try peakRSS(feeding: 20, of: megabyte, after: "relational\n")
        #expect(r.kilobytes > 0 && r.kilobytes < 100_000, "peak RSS \(r.kilobytes) kB")
        #expect(r.status == 0, "\(r.err)")
    }

    /// One 20 MB line: refused as too long (exit 65, its number and the limit named) without
    /// being held whole.
    @Test func anOverlongLineIsRefusedWithItsNumber() throws {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return }
        let dir = try scratch("longline")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("in")
        var data = Data("relational\n".utf8)
        data.append(Data(repeating: UInt8(ascii: "x"), count: 20_000_000))
        try data.write(to: file)
        let r = try shell("\"$1\" ask < '\(file.path)'", bin: bin)
        #expect(r.status == 65)
        #expect(r.err.contains("line 2 of the answers is longer than 65536 bytes"), "\(r.err)")
        #expect(r.out.isEmpty)
        // Within the limit, a long line is read and judged as an answer like any other.
        try Data(("relational\n" + String(repeating: " ", count: 60_000) + "\n").utf8).write(to: file)
        #expect(try shell("\"$1\" ask < '\(file.path)'", bin: bin).status == 0)
    }
}
