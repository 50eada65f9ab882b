import AdvisorCLI
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// A closed pipe must not kill the process: writes fail with EPIPE and the CLI stops quietly.
signal(SIGPIPE, SIG_IGN)
exit(CLI.run(Array(CommandLine.arguments.dropFirst()), io: .standard()))
