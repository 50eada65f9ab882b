#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Installs `handler` for each of `signals`, with an empty mask and no flags: without
/// SA_RESTART, a read waiting for input returns at once (EINTR) when one arrives. The handler
/// may only call async-signal-safe functions (write, tcsetattr, _exit) and set flags.
public func handleSignals(_ signals: [Int32], with handler: @convention(c) (Int32) -> Void) {
    var action = sigaction()
    #if os(Linux)
    action.__sigaction_handler.sa_handler = handler
    #else
    action.__sigaction_u.__sa_handler = handler
    #endif
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0
    for signal in signals { sigaction(signal, &action, nil) }
}
