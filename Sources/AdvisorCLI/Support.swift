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
    try writeAll(fd, Array(text.utf8))
}

/// Every byte of `bytes` to `fd` (`FileSystem.writeAll`): a failed write throws its errno,
/// EPIPE included, which the caller treats as the reader going away.
func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
    if let code = FileSystem.writeAll(fd, bytes) { throw WriteError(code: code) }
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
    // `line.count` (characters), kept as words are added instead of counted again for each
    // word. Where the line's last byte and the added piece's first byte are both ASCII, the
    // join is a character boundary (a space or the indent always sits at it, so never the
    // "\r" "\n" pair), and the counts add; any other join (a combining mark after the space,
    // say) is counted again in full.
    var lineCount = line.utf8.count
    var lineHasWord = false
    for word in spaceSeparatedWords(text) {
        // An ASCII word has a character per byte, but for "\r\n".
        let wordCount = word.utf8.allSatisfy { $0 < 0x80 && $0 != 0x0D } ? word.utf8.count : word.count
        if lineHasWord && lineCount + 1 + wordCount > width {
            lines.append(line)
            line = String(repeating: " ", count: indent)
            lineCount = indent
            lineHasWord = false
        }
        let addsUp = (line.utf8.last ?? 0) < 0x80 && (word.utf8.first ?? 0) < 0x80
        if lineHasWord { line += " " }
        line += word
        lineCount = addsUp ? lineCount + (lineHasWord ? 1 : 0) + wordCount : line.count
        lineHasWord = true
    }
    lines.append(line)
    return lines.joined(separator: "\n")
}

/// The words of `text` between spaces: what `text.split(separator: " ")` gives (empty words
/// left out), found byte by byte instead of character by character. A space byte is the
/// character " " unless the scalar after it extends it (a combining mark, a joiner) or the
/// one before it is a prefix that takes it in; when every space's neighbours are scalars that
/// can do neither (ASCII, Latin letters, punctuation, dashes, quotes, arrows, symbols), the
/// bytes decide, else the characters do.
func spaceSeparatedWords(_ text: String) -> [Substring] {
    let cut = text.utf8.withContiguousStorageIfAvailable { bytes -> [Range<Int>]? in
        /// Whether the scalar whose first byte is at `i` can neither extend a space before it
        /// nor take in a space after it.
        func standsApart(_ i: Int) -> Bool {
            let lead = bytes[i]
            if lead < 0x80 { return true }
            var value = UInt32(lead), length = 1
            if lead >= 0xF0 { value &= 0x07; length = 4 } else if lead >= 0xE0 { value &= 0x0F; length = 3 } else { value &= 0x1F; length = 2 }
            guard i + length <= bytes.count else { return false }
            for k in 1..<length { value = value << 6 | UInt32(bytes[i + k] & 0x3F) }
            return (0xA0...0x2FF).contains(value) || (0x2010...0x2027).contains(value) || (0x2030...0x205E).contains(value)
                || (0x20A0...0x20C0).contains(value) || (0x2100...0x23FF).contains(value) || (0x2500...0x27BF).contains(value)
        }
        var ranges: [Range<Int>] = []
        var start = 0
        for i in 0..<bytes.count where bytes[i] == 0x20 {
            if i + 1 < bytes.count, !standsApart(i + 1) { return nil }
            if i > 0 {
                var lead = i - 1
                while lead > 0, bytes[lead] & 0xC0 == 0x80 { lead -= 1 }
                if !standsApart(lead) { return nil }
            }
            if i > start { ranges.append(start..<i) }
            start = i + 1
        }
        if bytes.count > start { ranges.append(start..<bytes.count) }
        return ranges
    }
    guard let ranges = cut ?? nil else { return text.split(separator: " ", omittingEmptySubsequences: true) }
    let utf8 = text.utf8
    return ranges.map { text[utf8.index(utf8.startIndex, offsetBy: $0.lowerBound)..<utf8.index(utf8.startIndex, offsetBy: $0.upperBound)] }
}

/// The lines of `text`: what `text.split(separator: "\n", omittingEmptySubsequences: false)`
/// gives, found byte by byte: a line-feed byte is the character "\n" unless a carriage return
/// comes before it ("\r\n" is one character); nothing else joins a line feed.
func lineFeedSeparatedLines(_ text: String) -> [Substring] {
    let cut = text.utf8.withContiguousStorageIfAvailable { bytes -> [Range<Int>] in
        var ranges: [Range<Int>] = []
        var start = 0
        for i in 0..<bytes.count where bytes[i] == 0x0A && (i == 0 || bytes[i - 1] != 0x0D) {
            ranges.append(start..<i)
            start = i + 1
        }
        ranges.append(start..<bytes.count)
        return ranges
    }
    guard let ranges = cut else { return text.split(separator: "\n", omittingEmptySubsequences: false) }
    let utf8 = text.utf8
    return ranges.map { text[utf8.index(utf8.startIndex, offsetBy: $0.lowerBound)..<utf8.index(utf8.startIndex, offsetBy: $0.upperBound)] }
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
    let lines = lineFeedSeparatedLines(wrap(text, width: width, indent: indent, firstIndent: firstIndent)).map(String.init)
    guard lines.count > maxLines else { return lines.map { clip($0, width: width) }.joined(separator: "\n") }
    var kept = Array(lines.prefix(maxLines))
    kept[maxLines - 1] = clip(kept[maxLines - 1] + " …", width: width)
    if !kept[maxLines - 1].hasSuffix("…") { kept[maxLines - 1] += "…" }
    return kept.joined(separator: "\n")
}
