#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Installs `handler` for each of `signals`, with an empty mask and no flags: without
/// SA_RESTART, a read waiting for input returns at once (EINTR) when one arrives. The handler
/// may only call async-signal-safe functions (write, tcsetattr, _exit) and set flags.
public func handleSignals(_ signals: [Int32], with handler: @convention(c) (Int32) -> Void) {
    for signal in signals { handleSignal(signal, with: handler) }
}

/// Installs `handler` for one signal (no array: safe to call from inside a signal handler).
public func handleSignal(_ signal: Int32, with handler: @convention(c) (Int32) -> Void) {
    install(signal, handler)
}

/// Puts `signal` back to its default action (async-signal-safe).
public func defaultSignal(_ signal: Int32) {
    install(signal, SIG_DFL)
}

/// One sigaction: `handler` (or SIG_DFL), an empty mask, no flags. The handler's field is
/// named differently by Glibc and Darwin.
private func install(_ signal: Int32, _ handler: (@convention(c) (Int32) -> Void)?) {
    var action = sigaction()
    #if os(Linux)
    action.__sigaction_handler.sa_handler = handler
    #else
    action.__sigaction_u.__sa_handler = handler
    #endif
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0
    sigaction(signal, &action, nil)
}

/// Whether `signal` is ignored (as a shell without job control leaves SIGTSTP).
public func signalIsIgnored(_ signal: Int32) -> Bool {
    var current = sigaction()
    sigaction(signal, nil, &current)
    #if os(Linux)
    let handler = current.__sigaction_handler.sa_handler
    #else
    let handler = current.__sigaction_u.__sa_handler
    #endif
    return unsafeBitCast(handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
}
