import AdvisorCore
import Platform
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The documented exit statuses (sysexits where one fits).
public enum ExitStatus: Int32, Sendable {
    case success = 0
    /// The questionnaire ended at end of input (Ctrl-D) before it finished.
    case cancelled = 1
    /// `batch` answered every line it could, but some lines failed.
    case batchLinesFailed = 2
    case usage = 64
    case dataError = 65
    case noInput = 66
    case software = 70
    case ioError = 74
    case interrupted = 130
    /// SIGTERM (128 + 15).
    case terminated = 143
}

/// An error that ends a command: its message for stderr and its exit status.
public struct CLIError: Error, Sendable {
    public var status: ExitStatus
    public var message: String
    /// The command whose usage line follows a usage error, if any.
    public var usageOf: String?

    public static func usage(_ message: String, command: String? = nil) -> CLIError {
        CLIError(status: .usage, message: message, usageOf: command)
    }

    public static func data(_ message: String) -> CLIError { CLIError(status: .dataError, message: message) }
    public static func noInput(_ message: String) -> CLIError { CLIError(status: .noInput, message: message) }
}

/// Where the program's text goes. Commands build their whole output first and hand it over
/// in one piece, so that an error never leaves half a result on stdout.
public struct IO: Sendable {
    public var writeOut: @Sendable (String) throws -> Void
    public var writeErr: @Sendable (String) -> Void
    public var readStdin: @Sendable () throws -> [UInt8]
    public var environment: [String: String]
    public var stdoutIsTerminal: Bool
    public var stderrIsTerminal: Bool
    public var stdinIsTerminal: Bool
    public var terminalWidth: Int?
    /// The descriptor behind `writeOut`, when it is a real one: bulk output (batch) writes
    /// there directly, with writev, instead of building strings.
    public var stdoutDescriptor: Int32? = nil
    /// The descriptor behind `readStdin`, when it is a real one: piped `ask` reads it a
    /// line at a time instead of whole.
    public var stdinDescriptor: Int32? = nil

    public init(writeOut: @escaping @Sendable (String) throws -> Void, writeErr: @escaping @Sendable (String) -> Void,
                readStdin: @escaping @Sendable () throws -> [UInt8], environment: [String: String],
                stdoutIsTerminal: Bool, stderrIsTerminal: Bool, stdinIsTerminal: Bool, terminalWidth: Int?) {
        self.writeOut = writeOut
        self.writeErr = writeErr
        self.readStdin = readStdin
        self.environment = environment
        self.stdoutIsTerminal = stdoutIsTerminal
        self.stderrIsTerminal = stderrIsTerminal
        self.stdinIsTerminal = stdinIsTerminal
        self.terminalWidth = terminalWidth
    }

    /// The real process streams.
    public static func standard() -> IO {
        let env = currentEnvironment()
        var width: Int? = nil
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { width = Int(size.ws_col) }
        var io = IO(
            writeOut: { text in try writeAll(STDOUT_FILENO, text) },
            writeErr: { text in try? writeAll(STDERR_FILENO, text) },
            readStdin: { try readAll(STDIN_FILENO) },
            environment: env,
            stdoutIsTerminal: isatty(STDOUT_FILENO) == 1,
            stderrIsTerminal: isatty(STDERR_FILENO) == 1,
            stdinIsTerminal: isatty(STDIN_FILENO) == 1,
            terminalWidth: width
        )
        io.stdoutDescriptor = STDOUT_FILENO
        io.stdinDescriptor = STDIN_FILENO
        return io
    }

    /// Columns available for text: COLUMNS, then the terminal's width, then 80.
    public var width: Int {
        if let text = environment["COLUMNS"], let n = Int(text), n > 0 { return max(40, min(n, 500)) }
        if stdoutIsTerminal, let w = terminalWidth { return max(40, min(w, 500)) }
        return 80
    }
}

/// The variables dbadvisor reads (`dbadvisor help environment`), looked up one by one
/// rather than copying the whole environment (a test checks the list against the help).
public let readEnvironmentVariables = ["NO_COLOR", "FORCE_COLOR", "TERM", "COLUMNS", "DBADVISOR_NO_INPUT", "XDG_DATA_HOME", "HOME"]

func currentEnvironment() -> [String: String] {
    var env: [String: String] = [:]
    for name in readEnvironmentVariables {
        if let value = getenv(name) { env[name] = String(cString: value) }
    }
    return env
}

/// A write to stdout failed: the reader went away (EPIPE) or the device is full.
public struct WriteError: Error, Sendable {
    public var code: Int32
}

func writeAll(_ fd: Int32, _ text: String) throws {
    var bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeMutableBytes { buffer in
            write(fd, buffer.baseAddress! + offset, buffer.count - offset)
        }
        if n < 0 {
            if errno == EINTR { continue }
            throw WriteError(code: errno)
        }
        offset += n
    }
    bytes.removeAll()
}

func readAll(_ fd: Int32, limit: Int = 256 * 1_048_576) throws -> [UInt8] {
    do {
        return try FileSystem.readAll(fd, limit: limit)
    } catch let error as FileSystem.Failure {
        // Input that cannot be read (stdin closed, EIO) is 66 as an unreadable file is; 74 is for output.
        throw CLIError.noInput("cannot read standard input: \(error)")
    } catch {
        throw CLIError.data("standard input is larger than \(limit / 1_048_576) MB")
    }
}

/// Refuses (exit 66) a path that names nothing, or a directory, where a file is wanted.
func requireFile(_ path: String, what: String) throws {
    switch FileSystem.kind(path) {
    case .missing: throw CLIError.noInput("\(what) '\(Sanitize.forTerminal(path))' does not exist")
    case .directory: throw CLIError.noInput("\(what) '\(Sanitize.forTerminal(path))' is a directory, not a file")
    case .file: break
    }
}

/// Reads a file named on the command line, or stdin for "-".
func readInput(_ path: String, io: IO, what: String) throws -> [UInt8] {
    if path == "-" { return try io.readStdin() }
    try requireFile(path, what: what)
    do {
        return try FileSystem.readFile(path)
    } catch let error as FileSystem.Failure {
        throw CLIError.noInput("\(what) '\(Sanitize.forTerminal(path))' cannot be read: \(error)")
    } catch {
        throw CLIError.data("\(what) '\(Sanitize.forTerminal(path))' is larger than 256 MB")
    }
}

/// Colour and text styling, on only when stdout is a terminal and NO_COLOR is not set.
public struct Style: Sendable {
    public var enabled: Bool

    public func bold(_ s: String) -> String { enabled ? "\u{1B}[1m\(s)\u{1B}[0m" : s }
    public func dim(_ s: String) -> String { enabled ? "\u{1B}[2m\(s)\u{1B}[0m" : s }
    public func yellow(_ s: String) -> String { enabled ? "\u{1B}[33m\(s)\u{1B}[0m" : s }
    public func red(_ s: String) -> String { enabled ? "\u{1B}[31m\(s)\u{1B}[0m" : s }
}

/// Word-wraps `text` to `width` columns, indenting continuation lines by `indent` spaces.
func wrap(_ text: String, width: Int, indent: Int = 0, firstIndent: Int? = nil) -> String {
    var lines: [String] = []
    var line = String(repeating: " ", count: firstIndent ?? indent)
    var lineHasWord = false
    for word in text.split(separator: " ", omittingEmptySubsequences: true) {
        if lineHasWord && line.count + 1 + word.count > width {
            lines.append(line)
            line = String(repeating: " ", count: indent)
            lineHasWord = false
        }
        if lineHasWord { line += " " }
        line += word
        lineHasWord = true
    }
    lines.append(line)
    return lines.joined(separator: "\n")
}

func pad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
}

/// One line cut to `width` columns, ending in an ellipsis when it does not fit.
func clip(_ s: String, width: Int) -> String {
    guard s.count > width else { return s }
    return String(s.prefix(max(0, width - 1))) + "…"
}

/// Word-wrapped like `wrap`, but at most `maxLines` lines; the last ends in an ellipsis
/// when text was left out.
func wrap(_ text: String, width: Int, indent: Int, firstIndent: Int? = nil, maxLines: Int) -> String {
    let lines = wrap(text, width: width, indent: indent, firstIndent: firstIndent).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    guard lines.count > maxLines else { return lines.map { clip($0, width: width) }.joined(separator: "\n") }
    var kept = Array(lines.prefix(maxLines))
    kept[maxLines - 1] = clip(kept[maxLines - 1] + " …", width: width)
    if !kept[maxLines - 1].hasSuffix("…") { kept[maxLines - 1] += "…" }
    return kept.joined(separator: "\n")
}
