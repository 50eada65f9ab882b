import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The C library's close(2), out of reach of `PseudoTerminal.close()`.
private func closeDescriptor(_ fd: Int32) { _ = close(fd) }

/// Drives `dbadvisor ask` through a pseudo-terminal, as a person at a keyboard would.
final class PseudoTerminal: @unchecked Sendable {
    let master: Int32
    let slave: Int32
    private var collected = Data()
    private let lock = NSLock()
    private let reader = DispatchGroup()

    init?() {
        var m: Int32 = 0, s: Int32 = 0
        var size = winsize(ws_row: 40, ws_col: 100, ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&m, &s, nil, nil, &size) == 0 else { return nil }
        master = m
        slave = s
        reader.enter()
        Thread.detachNewThread { [self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = read(master, &buffer, buffer.count)
                if n <= 0 { break }
                lock.withLock { collected.append(contentsOf: buffer[0..<n]) }
            }
            reader.leave()
        }
    }

    var output: String { lock.withLock { String(decoding: collected, as: UTF8.self) } }

    func send(_ keys: String, pause: Double = 0.25) {
        _ = keys.utf8CString.withUnsafeBufferPointer { write(master, $0.baseAddress, $0.count - 1) }
        Thread.sleep(forTimeInterval: pause)
    }

    /// Waits until `text` appears in the output, up to `timeout` seconds.
    @discardableResult
    func waitFor(_ text: String, timeout: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if output.contains(text) { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    /// Whether the slave side has canonical mode and echo on, as a shell expects.
    var isCooked: Bool {
        // glibc writes more bytes than Swift's imported termios holds: use a larger buffer.
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: 256, alignment: 16)
        defer { buffer.deallocate() }
        let t = buffer.bindMemory(to: termios.self, capacity: 1)
        tcgetattr(slave, t)
        return t.pointee.c_lflag & tcflag_t(ICANON) != 0 && t.pointee.c_lflag & tcflag_t(ECHO) != 0
    }

    func close() {
        closeDescriptor(slave)
        closeDescriptor(master)
    }
}

func startAsk(_ pty: PseudoTerminal, bin: String, args: [String] = ["ask"]) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: bin)
    process.arguments = args
    var env = ProcessInfo.processInfo.environment
    env["TERM"] = "xterm-256color"
    env.removeValue(forKey: "NO_COLOR")
    env.removeValue(forKey: "COLUMNS")
    process.environment = env
    let handle = FileHandle(fileDescriptor: pty.slave, closeOnDealloc: false)
    process.standardInput = handle
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
    return process
}

/// Starts `dbadvisor` with `args` on a fresh pseudo-terminal (cooked, as a shell leaves it)
/// and hands both to `body`; records an issue instead when either is missing.
func withAsk(_ args: [String] = ["ask"], _ body: (PseudoTerminal, Process) throws -> Void) throws {
    guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return }
    guard let pty = PseudoTerminal() else { Issue.record("no pseudo-terminal"); return }
    defer { pty.close() }
    #expect(pty.isCooked)
    try body(pty, try startAsk(pty, bin: bin, args: args))
}

func waitForExit(_ process: Process, timeout: Double = 20) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    if process.isRunning { process.terminate(); return false }
    return true
}

@Suite(.serialized) struct QuestionnaireTests {
    static let up = "\u{1B}[A", down = "\u{1B}[B", left = "\u{1B}[D", enter = "\r", backspace = "\u{7F}"

    /// Holding Backspace on an empty typed answer edits nothing else: no earlier answer changes.
    @Test func backspaceOnAnEmptyFieldChangesNoEarlierAnswer() throws {
        try withAsk { pty, process in
            #expect(pty.waitFor("What does the data look like?"))
            pty.send(Self.enter)                      // relational
            #expect(pty.waitFor("How fast must a typical read answer?"))
            pty.send("2")
            pty.send(Self.enter)                      // single-digit-ms
            #expect(pty.waitFor("What consistency does the workload need?"))
            pty.send(Self.enter)                      // acid-transactions
            #expect(pty.waitFor("How much data will be stored?"))
            for _ in 0..<6 { pty.send(Self.backspace, pause: 0.05) }
            pty.send("\u{15}")                        // Ctrl-U on an empty field
            pty.send("3")                             // typed into this field, not an earlier one
            pty.send(Self.backspace)
            pty.send("2TB")
            pty.send(Self.enter)
            #expect(pty.waitFor("What is the peak request rate?"))
            pty.send("s")                             // s skips a typed answer
            for _ in 0..<20 where process.isRunning { pty.send(Self.enter, pause: 0.3) }
            #expect(waitForExit(process))
            let out = unwrappedCommands(pty.output)
            #expect(out.contains("dbadvisor recommend --data-shape relational --latency single-digit-ms --consistency acid-transactions --data-size 2TB"), "\(out.suffix(1500))")
            #expect(!out.contains("--throughput"))
        }
    }

    @Test func walkThroughWithArrowsHelpSkipInvalidSizeAndBack() throws {
        try withAsk { pty, process in
            #expect(pty.waitFor("What does the data look like?"))
            pty.send(Self.down)                       // relational → key-value
            pty.send(Self.enter)
            #expect(pty.waitFor("How fast must a typical read answer?"))
            pty.send("?")                             // help for this question
            #expect(pty.waitFor("Under a millisecond"))
            pty.send("2")                             // jump to single-digit-ms
            pty.send(Self.enter)
            #expect(pty.waitFor("What consistency does the workload need?"))
            pty.send("s")                             // skip
            #expect(pty.waitFor("How much data will be stored?"))
            pty.send("20xTB")
            pty.send(Self.enter)                      // invalid: re-asked with the reason
            #expect(pty.waitFor("is not a unit"))
            for _ in 0..<3 { pty.send(Self.backspace, pause: 0.05) }
            pty.send("TB")
            pty.send(Self.enter)
            #expect(pty.waitFor("What is the peak request rate?"))
            pty.send(Self.left)                       // back to the size, kept as typed
            #expect(pty.waitFor("❯ 20TB"))
            pty.send(Self.enter)
            #expect(pty.waitFor("What is the peak request rate?"))
            pty.send("500k")
            pty.send(Self.enter)
            // Accept every remaining question (Enter takes the default or skips; an offer to stop
            // early is accepted the same way) until the recommendation appears.
            for _ in 0..<20 where process.isRunning {
                pty.send(Self.enter, pause: 0.3)
            }
            #expect(waitForExit(process))
            #expect(process.terminationStatus == 0)
            let out = unwrappedCommands(pty.output)
            #expect(out.contains("Recommended: Amazon DynamoDB (dynamodb)"), "\(out.suffix(2000))")
            #expect(out.contains("Reproduce with"))
            #expect(out.contains("dbadvisor recommend --data-shape key-value --latency single-digit-ms --data-size 20TB --throughput 500k"))
            #expect(pty.isCooked)
        }
    }

    @Test func ctrlCExits130AndRestoresTheTerminal() throws {
        try withAsk { pty, process in
            #expect(pty.waitFor("What does the data look like?"))
            pty.send(Self.enter)
            #expect(pty.waitFor("How fast must a typical read answer?"))
            #expect(!pty.isCooked)                    // raw while asking
            pty.send("\u{03}")
            #expect(waitForExit(process))
            #expect(process.terminationStatus == 130)
            #expect(pty.isCooked)
            #expect(!pty.output.contains("Fatal error"))
            // The answers so far are kept as the command that reproduces them.
            #expect(pty.output.contains("dbadvisor recommend --data-shape relational"), "\(pty.output.suffix(600))")
        }
    }

    @Test func ctrlDEndsWithAMessageAndNonZeroStatus() throws {
        try withAsk { pty, process in
            #expect(pty.waitFor("What does the data look like?"))
            pty.send("\u{04}")
            #expect(waitForExit(process))
            #expect(process.terminationStatus == 1)
            #expect(pty.output.contains("end of input"))
            #expect(pty.isCooked)
        }
    }

    @Test func sigtermRestoresTheTerminal() throws {
        try withAsk { pty, process in
            #expect(pty.waitFor("What does the data look like?"))
            process.terminate()
            #expect(waitForExit(process))
            #expect(process.terminationStatus == 143)
            #expect(pty.isCooked)
        }
    }

    @Test func plainModeHasNoEscapeCodes() throws {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return }
        let r = try runBinary(bin, ["ask"], stdin: "relational\n\n\n")
        #expect(r.status == 0)
        #expect(r.out.hasPrefix("Recommended: "))
        #expect(!r.out.contains("\u{1B}") && !r.err.contains("\u{1B}"))
        let none = try runBinary(bin, [], stdin: "")
        #expect(none.status == 64 && none.out.isEmpty && none.err.contains("Usage:"))
    }

    /// The printed command line reproduces the questionnaire's answers byte for byte.
    @Test func reproducingCommandGivesIdenticalJSON() throws {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return }
        let answers = "2\n2\n3\n20TB\n500k\n1,2\nprimary\n\n\nspiky\nmulti-region-active\n"
        let saved = FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: saved) }
        let asked = try runBinary(bin, ["ask", "--format", "json", "--save", saved], stdin: answers)
        #expect(asked.status == 0, "\(asked.err)")
        let line = asked.err.components(separatedBy: "\n").first { $0.hasPrefix("Reproduce with: ") } ?? ""
        let command = line.dropFirst("Reproduce with: dbadvisor ".count).split(separator: " ").map(String.init)
        let replay = try runBinary(bin, command)
        #expect(replay.status == 0)
        #expect(replay.out == asked.out)
        let fromFile = try runBinary(bin, ["recommend", "--answers", saved, "--format", "json"])
        #expect(fromFile.out == asked.out)
    }
}

@Suite(.serialized) struct StackQuestionnaireTests {
    /// ask --plan through a pseudo-terminal: two components, one flow, then the plan.
    @Test func buildsAStackOneComponentAtATime() throws {
        let stackFile = FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-stack-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: stackFile) }
        try withAsk(["ask", "--plan", stackFile]) { pty, process in
            func answerUntil(_ marker: String) {
                for _ in 0..<30 where !pty.output.contains(marker) { pty.send("\r", pause: 0.2) }
            }
            #expect(pty.waitFor("Component 1 name"))
            pty.send("orders\r")
            #expect(pty.waitFor("What does the data look like?"))
            answerUntil("Component 2 name")           // relational, then defaults and skips
            pty.send("sessions\r")
            #expect(pty.waitFor("Questions for sessions"))
            pty.send("\u{1B}[B")                      // key-value
            pty.send("\r")
            #expect(pty.waitFor("How fast must a typical read answer?"))
            pty.send("1")                             // microseconds
            pty.send("\r")
            answerUntil("Component 3 name")
            pty.send("\r")                            // no more components
            #expect(pty.waitFor("Which components feed which?"))
            pty.send("orders>sessions\r")
            #expect(waitForExit(process))
            #expect(process.terminationStatus == 0)
            #expect(pty.output.contains("What joins them") && pty.output.contains("orders → sessions"))
            let saved = try String(contentsOfFile: stackFile, encoding: .utf8)
            #expect(saved.contains(#""name": "orders""#) && saved.contains(#""from": "orders""#))
            #expect(pty.isCooked)
        }
    }

    @Test func refusesWithoutATerminal() throws {
        guard let bin = binaryPath() else { Issue.record("build dbadvisor first"); return }
        let r = try runBinary(bin, ["ask", "--plan", "/tmp/never-written.json"], stdin: "orders\n")
        #expect(r.status == 64 && r.out.isEmpty && r.err.contains("write the stack file by hand"))
    }
}

/// The reproducing command is wrapped to the terminal with shell continuations (" \" at a
/// line's end, the next indented): joined back into one line, as the shell reads it.
func unwrappedCommands(_ text: String) -> String {
    var out = ""
    var joining = false
    // "\r\n" is one Character in Swift: made "\n" before splitting.
    for raw in text.replacing("\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false) {
        var line = Substring(raw)
        if joining { line = line.drop { $0 == " " } }
        joining = line.hasSuffix(" \\")
        out += joining ? String(line.dropLast(2)) + " " : String(line) + "\n"
    }
    return out
}
