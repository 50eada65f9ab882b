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

    /// A body to run, boxed for the thread's start routine, which takes the box over (it is
    /// released when the body returns).
    fileprivate final class Job: @unchecked Sendable {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    #if os(Linux)
    fileprivate static let threadMain: @convention(c) (UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? = { raw in
        Unmanaged<Job>.fromOpaque(raw!).takeRetainedValue().body()
        return nil
    }
    #else
    fileprivate static let threadMain: @convention(c) (UnsafeMutableRawPointer) -> UnsafeMutableRawPointer? = { raw in
        Unmanaged<Job>.fromOpaque(raw).takeRetainedValue().body()
        return nil
    }
    #endif
}

extension Threads {
    /// Threads kept for many runs (a batch's rounds): a thread started for every round would
    /// begin each with cold caches (its allocator's among them). Workers wait on a condition
    /// variable between runs. SIGINT and SIGTERM are blocked in them, so they reach the calling
    /// thread (whose handler sets a flag the bodies may read). The threads end when the pool is
    /// released.
    public final class Pool {
        private let state = PoolState()
        private var threads: [pthread_t] = []

        public init() {}

        deinit {
            state.stop()
            for thread in threads { pthread_join(thread, nil) }
        }

        /// Starts `body(k)` for k in 1..<count on the pool's threads (started the first time
        /// they are needed) and returns at once, leaving the calling thread free (say, to write
        /// what an earlier run made); `finish` waits for them. Returns how many were started:
        /// fewer than `count - 1` when the system refuses threads, and a caller whose bodies
        /// claim their work from a shared counter then simply does more of it itself. One
        /// `begin` at a time, each ended by `finish`.
        @discardableResult
        public func begin(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) -> Int {
            guard count > 1 else { return 0 }
            while threads.count < count - 1, start() {}
            let onWorkers = min(count - 1, threads.count)
            if onWorkers > 0 { state.post(body, workers: onWorkers) }
            return onWorkers
        }

        /// Waits until every body `begin` started has returned.
        public func finish() {
            state.waitForWorkers()
        }

        /// Starts one more worker; false if the system refuses.
        private func start() -> Bool {
            let index = threads.count + 1
            var blocked = sigset_t(), previous = sigset_t()
            sigemptyset(&blocked)
            sigaddset(&blocked, SIGINT)
            sigaddset(&blocked, SIGTERM)
            pthread_sigmask(SIG_BLOCK, &blocked, &previous)
            defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
            var attributes = pthread_attr_t()
            pthread_attr_init(&attributes)
            defer { pthread_attr_destroy(&attributes) }
            // The main thread's stack size (8 MB), not the platform's default for a new thread
            // (512 KB on Darwin): deeply nested input is parsed on these threads too.
            pthread_attr_setstacksize(&attributes, 8 << 20)
            let state = self.state
            let box = Unmanaged.passRetained(Job { state.serve(index) })
            #if os(Linux)
            var thread = pthread_t()
            guard pthread_create(&thread, &attributes, Threads.threadMain, box.toOpaque()) == 0 else { box.release(); return false }
            threads.append(thread)
            #else
            var thread: pthread_t? = nil
            guard pthread_create(&thread, &attributes, Threads.threadMain, box.toOpaque()) == 0, let started = thread else { box.release(); return false }
            threads.append(started)
            #endif
            return true
        }
    }

    /// What a pool's threads share, under one mutex; each thread holds it until it ends.
    final class PoolState: @unchecked Sendable {
        private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        private let wake = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
        private let finished = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
        /// Bumped by each run; a worker that has not seen it looks whether it takes part.
        private var generation = 0
        private var body: (@Sendable (Int) -> Void)? = nil
        /// This run's bodies on workers: 1...workers.
        private var workers = 0
        private var remaining = 0
        private var stopping = false

        init() {
            pthread_mutex_init(lock, nil)
            pthread_cond_init(wake, nil)
            pthread_cond_init(finished, nil)
        }

        deinit {
            pthread_cond_destroy(finished)
            pthread_cond_destroy(wake)
            pthread_mutex_destroy(lock)
            lock.deallocate()
            wake.deallocate()
            finished.deallocate()
        }

        func post(_ body: @escaping @Sendable (Int) -> Void, workers: Int) {
            pthread_mutex_lock(lock)
            self.body = body
            self.workers = workers
            remaining = workers
            generation += 1
            pthread_cond_broadcast(wake)
            pthread_mutex_unlock(lock)
        }

        func waitForWorkers() {
            pthread_mutex_lock(lock)
            while remaining > 0 { pthread_cond_wait(finished, lock) }
            body = nil
            pthread_mutex_unlock(lock)
        }

        func stop() {
            pthread_mutex_lock(lock)
            stopping = true
            pthread_cond_broadcast(wake)
            pthread_mutex_unlock(lock)
        }

        /// A worker's life: wait for a run it takes part in, run its body, say so; until stopped.
        func serve(_ k: Int) {
            var seen = 0
            pthread_mutex_lock(lock)
            while true {
                while generation == seen && !stopping { pthread_cond_wait(wake, lock) }
                if stopping { break }
                seen = generation
                guard k <= workers, let body else { continue }
                pthread_mutex_unlock(lock)
                body(k)
                pthread_mutex_lock(lock)
                remaining -= 1
                if remaining == 0 { pthread_cond_signal(finished) }
            }
            pthread_mutex_unlock(lock)
        }
    }
}
