#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Threads on POSIX threads directly (no Dispatch: the binary links nothing it does not use,
/// and a one-shot command starts no thread at all).
public enum Threads {
    /// The processors online, at least 1.
    public static var available: Int { max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    /// Runs `body(k)` for k in 0..<count, each on its own thread but k = 0, which runs on the
    /// calling thread, and returns when every one has returned. SIGINT and SIGTERM are blocked
    /// in the new threads, so they reach the calling thread (whose handler sets a flag the
    /// bodies may read). A thread that cannot be started runs its body on the calling thread.
    public static func run(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        guard count > 1 else {
            if count == 1 { body(0) }
            return
        }
        // The new threads inherit the mask in force when they are created.
        var blocked = sigset_t(), previous = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGINT)
        sigaddset(&blocked, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        var started: [(thread: pthread_t, box: Unmanaged<Job>)] = []
        var inline: [Int] = []
        for k in 1..<count {
            let box = Unmanaged.passRetained(Job { body(k) })
            #if os(Linux)
            var thread = pthread_t()
            #else
            var thread: pthread_t? = nil
            #endif
            if pthread_create(&thread, nil, threadMain, box.toOpaque()) == 0 {
                #if os(Linux)
                started.append((thread, box))
                #else
                started.append((thread!, box))
                #endif
            } else {
                box.release()
                inline.append(k)
            }
        }
        pthread_sigmask(SIG_SETMASK, &previous, nil)
        body(0)
        for k in inline { body(k) }
        for (thread, box) in started {
            pthread_join(thread, nil)
            box.release()
        }
    }

    /// A body to run, boxed for the thread's start routine.
    private final class Job: @unchecked Sendable {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    #if os(Linux)
    private static let threadMain: @convention(c) (UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? = { raw in
        Unmanaged<Job>.fromOpaque(raw!).takeUnretainedValue().body()
        return nil
    }
    #else
    private static let threadMain: @convention(c) (UnsafeMutableRawPointer) -> UnsafeMutableRawPointer? = { raw in
        Unmanaged<Job>.fromOpaque(raw).takeUnretainedValue().body()
        return nil
    }
    #endif
}
