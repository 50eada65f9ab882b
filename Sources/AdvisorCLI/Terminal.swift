#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Platform

// State the signal handlers need. A C signal handler cannot reach actor-isolated state, and
// may only call async-signal-safe functions: tcsetattr, write and _exit.
/// The terminal settings to restore. glibc's tcgetattr writes a struct termios of 60 bytes
/// where Swift's imported `termios` is shorter (AddressSanitizer caught the overflow), so the
/// settings live in buffers large enough for either, aligned for the C struct.
private let termiosBytes = 256
nonisolated(unsafe) private let savedTermios = UnsafeMutableRawPointer.allocate(byteCount: termiosBytes, alignment: 16)
    .bindMemory(to: termios.self, capacity: 1)
nonisolated(unsafe) private let rawTermios = UnsafeMutableRawPointer.allocate(byteCount: termiosBytes, alignment: 16)
    .bindMemory(to: termios.self, capacity: 1)
nonisolated(unsafe) private var rawModeActive: sig_atomic_t = 0
nonisolated(unsafe) private var windowResized: sig_atomic_t = 0
/// Set when the process continues after a stop (Ctrl-Z, then fg): the frame is drawn afresh.
nonisolated(unsafe) private var continued: sig_atomic_t = 0
/// Whether SIGTSTP was ignored when we started (a shell without job control): it stays so.
nonisolated(unsafe) private var suspendIgnored: sig_atomic_t = 0
nonisolated(unsafe) private var terminalFD: Int32 = STDIN_FILENO
/// Whether the signal handler may send escape codes (not with TERM=dumb or NO_COLOR).
nonisolated(unsafe) var signalMayUseEscapes: sig_atomic_t = 1

private func restoreFromSignal(_ signal: Int32) {
    if rawModeActive != 0 {
        tcsetattr(terminalFD, TCSAFLUSH, savedTermios)
    }
    // Show the cursor and end the line, so the shell prompt starts clean.
    let reset: [UInt8] = signalMayUseEscapes != 0 ? Array("\u{1B}[?25h\u{1B}[0m\n".utf8) : [0x0A]
    _ = reset.withUnsafeBufferPointer { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    _exit(128 + signal)
}

private let showCursorAndEndLine: StaticString = "\u{1B}[?25h\r\n"
private let hideCursor: StaticString = "\u{1B}[?25l"

private func writeStatic(_ text: StaticString) {
    _ = write(STDERR_FILENO, text.utf8Start, text.utf8CodeUnitCount)
}

/// SIGTSTP (Ctrl-Z, or `kill -TSTP`): the terminal goes back to how the shell left it, the
/// cursor shows, and only then the process stops; on SIGCONT `continueFromSignal` takes over.
/// Only async-signal-safe calls: tcsetattr, write, sigaction, sigprocmask, kill.
private func suspendFromSignal(_ signal: Int32) {
    let savedErrno = errno
    if rawModeActive != 0 {
        tcsetattr(terminalFD, TCSADRAIN, savedTermios)
        if signalMayUseEscapes != 0 { writeStatic(showCursorAndEndLine) } else { writeStatic("\r\n") }
    }
    defaultSignal(SIGTSTP)
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGTSTP)
    sigprocmask(SIG_UNBLOCK, &set, nil)
    kill(getpid(), SIGTSTP)          // stops here until SIGCONT
    sigprocmask(SIG_BLOCK, &set, nil) // the handler's own mask until it returns
    installSuspendHandler()
    errno = savedErrno
}

/// SIGCONT: raw mode again, cursor hidden, and the next key read is a redraw.
private func continueFromSignal(_ signal: Int32) {
    let savedErrno = errno
    if rawModeActive != 0 {
        tcsetattr(terminalFD, TCSADRAIN, rawTermios)
        if signalMayUseEscapes != 0 { writeStatic(hideCursor) }
        continued = 1
    }
    errno = savedErrno
}

private func installSuspendHandler() {
    handleSignal(SIGTSTP) { suspendFromSignal($0) }
}

/// A key press, decoded from the bytes a terminal sends.
enum Key: Equatable {
    case up, down, left, right, enter, space, backspace, tab, escape
    /// Ctrl-U (clear the field) and Ctrl-W (delete the last word).
    case clearField, deleteWord
    case interrupt, endOfInput, suspend
    case character(Character)
    case resize
    /// The process continued after a stop: the screen below the frame is the shell's now.
    case redraw
}

/// Where key bytes come from: a terminal (with timeouts) or, in the fuzz target, a buffer.
protocol KeyBytes {
    /// The next byte; nil when none arrives within `milliseconds` (or the input ended).
    mutating func byte(within milliseconds: Int32) -> UInt8?
    /// Puts a byte back, to be read next (a byte that began the next key).
    mutating func unread(_ byte: UInt8)
}

extension Key {
    /// The key that `first` begins, reading any further bytes of it from `input`. nil for
    /// bytes that make no key: an invalid or cut-off UTF-8 sequence, a control character
    /// with no meaning here. A lone Esc is Esc because nothing follows it within 30 ms.
    static func decode<Input: KeyBytes>(first: UInt8, from input: inout Input) -> Key? {
        switch first {
        case 0x03: return .interrupt
        case 0x04: return .endOfInput
        case 0x1A: return .suspend
        case 0x0D, 0x0A: return .enter
        case 0x20: return .space
        case 0x09: return .tab
        case 0x7F, 0x08: return .backspace
        case 0x15: return .clearField
        case 0x17: return .deleteWord
        case 0x1B: return decodeEscape(from: &input)
        case 0x00..<0x20: return nil
        default: return decodeCharacter(first: first, from: &input)
        }
    }

    private static func decodeEscape<Input: KeyBytes>(from input: inout Input) -> Key {
        guard let b1 = input.byte(within: 30) else { return .escape }
        guard b1 == UInt8(ascii: "[") || b1 == UInt8(ascii: "O") else {
            // Esc then an ordinary key (Alt-x): Esc, and the key is read next.
            input.unread(b1)
            return .escape
        }
        guard var b2 = input.byte(within: 30) else { return .escape }
        // Skip parameters such as "1;5" in ESC [ 1 ; 5 A (bounded: a sequence is short).
        var skipped = 0
        while b2 >= 0x30 && b2 <= 0x3F, skipped < 16, let more = input.byte(within: 30) { b2 = more; skipped += 1 }
        switch b2 {
        case UInt8(ascii: "A"): return .up
        case UInt8(ascii: "B"): return .down
        case UInt8(ascii: "C"): return .right
        case UInt8(ascii: "D"): return .left
        default: return .escape
        }
    }

    private static func decodeCharacter<Input: KeyBytes>(first: UInt8, from input: inout Input) -> Key? {
        let length = first >= 0xF8 ? 0 : first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC0 ? 2 : first >= 0x80 ? 0 : 1
        guard length > 0 else { return nil }
        var bytes = [first]
        while bytes.count < length, let next = input.byte(within: 30) {
            guard next & 0xC0 == 0x80 else { input.unread(next); return nil }
            bytes.append(next)
        }
        guard bytes.count == length, let text = String(validating: bytes, as: UTF8.self), text.unicodeScalars.count == 1,
              let scalar = text.unicodeScalars.first, scalar.value >= 0x20, !(0x7F..<0xA0).contains(scalar.value) else { return nil }
        return .character(Character(scalar))
    }
}

/// A typed answer being edited: the text left and right of the cursor. Keys insert at the
/// cursor, ←/→ move it, Backspace, Ctrl-U and Ctrl-W delete before it; nothing else.
struct LineEditor: Equatable {
    /// The longest answer the field takes, in characters (an answer is a short value).
    static let maxLength = 200
    private(set) var before = ""
    private(set) var after = ""

    init(_ text: String = "") { before = String(text.prefix(Self.maxLength)) }

    var text: String { before + after }
    var isEmpty: Bool { before.isEmpty && after.isEmpty }
    /// The cursor as a byte offset into `text`.
    var cursor: Int { before.utf8.count }

    /// Applies an editing key; returns false for a key that is not one.
    mutating func apply(_ key: Key) -> Bool {
        switch key {
        case let .character(c):
            if before.count + after.count < Self.maxLength { before.append(c) }
        case .space:
            if before.count + after.count < Self.maxLength { before.append(" ") }
        case .backspace:
            if !before.isEmpty { before.removeLast() }
        case .clearField:
            before = ""
            after = ""
        case .deleteWord:
            while before.last == " " { before.removeLast() }
            while let last = before.last, last != " " { before.removeLast() }
        case .left:
            guard let last = before.popLast() else { return false }
            after = String(last) + after
        case .right:
            guard let first = after.first else { return false }
            after.removeFirst()
            before.append(first)
        default:
            return false
        }
        return true
    }
}

/// The controlling terminal in raw mode: keys one at a time, no echo, restored on every exit.
final class RawTerminal {
    private let fd: Int32
    fileprivate var pending: [UInt8] = []

    init?(fd: Int32 = STDIN_FILENO) {
        guard isatty(fd) == 1 else { return nil }
        self.fd = fd
        terminalFD = fd
        guard tcgetattr(fd, savedTermios) == 0 else { return nil }
        installHandlers()
    }

    private func installHandlers() {
        unblockSignals()
        handleSignals([SIGINT, SIGTERM, SIGHUP, SIGQUIT]) { restoreFromSignal($0) }
        handleSignals([SIGWINCH]) { _ in windowResized = 1 }
        // Job control: a shell without it starts us with SIGTSTP ignored, and it stays so.
        if signalIsIgnored(SIGTSTP) {
            suspendIgnored = 1
        } else {
            installSuspendHandler()
        }
        handleSignal(SIGCONT) { continueFromSignal($0) }
    }

    /// Ctrl-Z: raw mode hides it from the terminal driver, so it arrives as a byte and the
    /// process group is stopped as the driver would have (the handler restores the terminal
    /// first). Nothing happens when SIGTSTP was ignored at start.
    func suspend() {
        guard suspendIgnored == 0 else { return }
        kill(0, SIGTSTP)
    }

    /// Raw mode: no line buffering, no echo, Ctrl-C and Ctrl-D arrive as bytes.
    func enterRawMode() {
        UnsafeMutableRawPointer(rawTermios).copyMemory(from: savedTermios, byteCount: termiosBytes)
        rawTermios.pointee.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG | IEXTEN)
        rawTermios.pointee.c_iflag &= ~tcflag_t(IXON | ICRNL | INLCR)
        withUnsafeMutableBytes(of: &rawTermios.pointee.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        tcsetattr(fd, TCSAFLUSH, rawTermios)
        rawModeActive = 1
    }

    /// Back to the settings the terminal had before.
    func restore() {
        if rawModeActive != 0 {
            tcsetattr(fd, TCSAFLUSH, savedTermios)
            rawModeActive = 0
        }
    }

    deinit { restore() }

    /// The terminal's width in columns.
    var width: Int {
        var size = winsize()
        if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 80
    }

    fileprivate func readByte(timeoutMilliseconds: Int32) -> UInt8?? {
        if !pending.isEmpty { return pending.removeFirst() }
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, timeoutMilliseconds)
        if ready == 0 { return .some(nil) }
        if ready < 0 { return errno == EINTR ? .some(nil) : nil }
        var byte: UInt8 = 0
        let n = read(fd, &byte, 1)
        if n == 1 { return byte }
        if n < 0 && errno == EINTR { return .some(nil) }
        return nil
    }

    /// Waits for the next key; reports a window resize as `.resize` and a continue after a
    /// stop as `.redraw`.
    func readKey() -> Key {
        while true {
            if continued != 0 {
                continued = 0
                windowResized = 0
                return .redraw
            }
            if windowResized != 0 {
                windowResized = 0
                return .resize
            }
            guard let next = readByte(timeoutMilliseconds: 200) else { return .endOfInput }
            guard let byte = next else { continue }
            var input = TerminalBytes(terminal: self)
            if let key = Key.decode(first: byte, from: &input) { return key }
        }
    }

    /// The terminal as a `KeyBytes`: a byte that does not arrive within the wait is none.
    private struct TerminalBytes: KeyBytes {
        let terminal: RawTerminal
        mutating func byte(within milliseconds: Int32) -> UInt8? {
            guard let next = terminal.readByte(timeoutMilliseconds: milliseconds), let byte = next else { return nil }
            return byte
        }
        mutating func unread(_ byte: UInt8) { terminal.pending.insert(byte, at: 0) }
    }
}

/// Installs handlers that restore nothing but still end cleanly (exit 130 on Ctrl-C) when no
/// raw mode is active, for the line-by-line questionnaire.
func installPlainInterruptHandlers() {
    unblockSignals()
    handleSignals([SIGINT, SIGTERM, SIGHUP]) { restoreFromSignal($0) }
}

/// A parent may start us with signals blocked (some process launchers do); the questionnaire
/// must still hear Ctrl-C, SIGTERM and window resizes.
func unblockSignals() {
    var set = sigset_t()
    sigemptyset(&set)
    for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH, SIGTSTP, SIGCONT] { sigaddset(&set, signal) }
    sigprocmask(SIG_UNBLOCK, &set, nil)
}

// MARK: display width

/// Columns a character takes on a terminal: 2 for East Asian Wide and Fullwidth characters
/// (CJK, most emoji) and emoji presentation sequences, 0 for combining marks and format
/// characters on their own, 1 otherwise (East Asian Ambiguous counts 1, as terminals outside
/// CJK locales draw it). Control characters take 0; text is sanitized before it is drawn.
func displayWidth(_ c: Character) -> Int {
    let scalars = c.unicodeScalars
    guard let first = scalars.first else { return 0 }
    let v = first.value
    if v < 0x20 || (0x7F..<0xA0).contains(v) { return 0 }
    if v < 0x300 { return 1 }
    if isWide(v) { return 2 }
    // An emoji with the emoji presentation selector, or a flag (two regional indicators).
    if scalars.count > 1, first.properties.isEmoji, scalars.contains("\u{FE0F}") { return 2 }
    if (0x1F1E6...0x1F1FF).contains(v) { return scalars.count > 1 ? 2 : 1 }
    switch first.properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format: return 0
    default: break
    }
    if (0x1160...0x11FF).contains(v) || (0xD7B0...0xD7FF).contains(v) { return 0 }  // Hangul medial and final jamo
    return 1
}

/// Columns a string takes on a terminal.
func displayWidth(_ s: some StringProtocol) -> Int {
    var total = 0
    for c in s { total += displayWidth(c) }
    return total
}

/// `s` if it fits in `columns`; else as much of its start as fits with "…" in the last
/// column. Never wider than `columns` (nothing at all for 0).
func fitting(_ s: String, columns: Int) -> String {
    guard columns > 0 else { return "" }
    if displayWidth(s) <= columns { return s }
    var out = ""
    var used = 0
    for c in s {
        let w = displayWidth(c)
        if used + w > columns - 1 { break }
        out.append(c)
        used += w
    }
    return out + "…"
}

/// `s` if it fits in `columns`; else "…" and as much of its end as fits (a field being
/// typed, whose end is where the cursor is).
func fittingEnd(_ s: String, columns: Int) -> String {
    guard columns > 0 else { return "" }
    if displayWidth(s) <= columns { return s }
    var kept: [Character] = []
    var used = 0
    for c in s.reversed() {
        let w = displayWidth(c)
        if used + w > columns - 1 { break }
        kept.append(c)
        used += w
    }
    return "…" + String(kept.reversed())
}

/// East Asian Wide (W) and Fullwidth (F) code points, from the Unicode Character Database
/// (EastAsianWidth.txt, Unicode 14.0, as Python's unicodedata has it), with unassigned code
/// points joined to their neighbours and the CJK ideograph blocks wide throughout.
private let wideRanges: [ClosedRange<UInt32>] = [
    0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0...0x23F0,
    0x23F3...0x23F3, 0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F...0x267F,
    0x2693...0x2693, 0x26A1...0x26A1, 0x26AA...0x26AB, 0x26BD...0x26BE, 0x26C4...0x26C5,
    0x26CE...0x26CE, 0x26D4...0x26D4, 0x26EA...0x26EA, 0x26F2...0x26F3, 0x26F5...0x26F5,
    0x26FA...0x26FA, 0x26FD...0x26FD, 0x2705...0x2705, 0x270A...0x270B, 0x2728...0x2728,
    0x274C...0x274C, 0x274E...0x274E, 0x2753...0x2755, 0x2757...0x2757, 0x2795...0x2797,
    0x27B0...0x27B0, 0x27BF...0x27BF, 0x2B1B...0x2B1C, 0x2B50...0x2B50, 0x2B55...0x2B55,
    0x2E80...0x303E, 0x3041...0x3247, 0x3250...0x4DBF, 0x4E00...0xA4C6, 0xA960...0xA97C,
    0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6B, 0xFF01...0xFF60,
    0xFFE0...0xFFE6, 0x16FE0...0x1B2FB, 0x1F004...0x1F004, 0x1F0CF...0x1F0CF, 0x1F18E...0x1F18E,
    0x1F191...0x1F19A, 0x1F200...0x1F320, 0x1F32D...0x1F335, 0x1F337...0x1F37C, 0x1F37E...0x1F393,
    0x1F3A0...0x1F3CA, 0x1F3CF...0x1F3D3, 0x1F3E0...0x1F3F0, 0x1F3F4...0x1F3F4, 0x1F3F8...0x1F43E,
    0x1F440...0x1F440, 0x1F442...0x1F4FC, 0x1F4FF...0x1F53D, 0x1F54B...0x1F54E, 0x1F550...0x1F567,
    0x1F57A...0x1F57A, 0x1F595...0x1F596, 0x1F5A4...0x1F5A4, 0x1F5FB...0x1F64F, 0x1F680...0x1F6C5,
    0x1F6CC...0x1F6CC, 0x1F6D0...0x1F6D2, 0x1F6D5...0x1F6DF, 0x1F6EB...0x1F6EC, 0x1F6F4...0x1F6FC,
    0x1F7E0...0x1F7F0, 0x1F90C...0x1F93A, 0x1F93C...0x1F945, 0x1F947...0x1F9FF, 0x1FA70...0x1FAF6,
    0x20000...0x3FFFD,
]

private func isWide(_ v: UInt32) -> Bool {
    guard v >= 0x1100 else { return false }
    var low = 0, high = wideRanges.count - 1
    while low <= high {
        let mid = (low + high) / 2
        if v < wideRanges[mid].lowerBound { high = mid - 1 } else if v > wideRanges[mid].upperBound { low = mid + 1 } else { return true }
    }
    return false
}
