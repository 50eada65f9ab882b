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

/// A key press, decoded from the bytes a terminal sends.
enum Key: Equatable {
    case up, down, left, right, enter, space, backspace, tab, escape
    /// Ctrl-U (clear the field) and Ctrl-W (delete the last word).
    case clearField, deleteWord
    case interrupt, endOfInput, suspend
    case character(Character)
    case resize
}

/// The controlling terminal in raw mode: keys one at a time, no echo, restored on every exit.
final class RawTerminal {
    private let fd: Int32
    private var pending: [UInt8] = []

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

    private func readByte(timeoutMilliseconds: Int32) -> UInt8?? {
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

    /// Waits for the next key; reports a window resize as `.resize`.
    func readKey() -> Key {
        while true {
            if windowResized != 0 {
                windowResized = 0
                return .resize
            }
            guard let next = readByte(timeoutMilliseconds: 200) else { return .endOfInput }
            guard let byte = next else { continue }
            switch byte {
            case 0x03: return .interrupt
            case 0x04: return .endOfInput
            case 0x1A: return .suspend
            case 0x0D, 0x0A: return .enter
            case 0x20: return .space
            case 0x09: return .tab
            case 0x7F, 0x08: return .backspace
            case 0x15: return .clearField
            case 0x17: return .deleteWord
            case 0x1B: return readEscape()
            default:
                return decodeCharacter(first: byte)
            }
        }
    }

    private func readEscape() -> Key {
        // A lone Esc has nothing after it within a short wait; a sequence arrives at once.
        guard let second = readByte(timeoutMilliseconds: 30), let b1 = second else { return .escape }
        guard b1 == UInt8(ascii: "[") || b1 == UInt8(ascii: "O") else { return .escape }
        guard let third = readByte(timeoutMilliseconds: 30), var b2 = third else { return .escape }
        // Skip parameters such as "1;5" in ESC [ 1 ; 5 A.
        while (b2 >= 0x30 && b2 <= 0x3F), let more = readByte(timeoutMilliseconds: 30), let m = more { b2 = m }
        switch b2 {
        case UInt8(ascii: "A"): return .up
        case UInt8(ascii: "B"): return .down
        case UInt8(ascii: "C"): return .right
        case UInt8(ascii: "D"): return .left
        default: return .escape
        }
    }

    private func decodeCharacter(first: UInt8) -> Key {
        var bytes = [first]
        let length = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC0 ? 2 : 1
        while bytes.count < length, let next = readByte(timeoutMilliseconds: 30), let b = next { bytes.append(b) }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let character = text.first, text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0 != "\u{FFFD}" }) else {
            return .character("\u{FFFD}")
        }
        return .character(character)
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
    for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH] { sigaddset(&set, signal) }
    sigprocmask(SIG_UNBLOCK, &set, nil)
}
