import AdvisorCore
import Platform
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `dbadvisor batch`: JSON Lines of profiles in, one recommendation per line out, streaming.
/// Input is read in chunks; the lines read (a round, at most `Worker.roundLimit(csv:jobs:)`,
/// or fewer before a read that would wait) are answered on `--jobs` threads and written in
/// input order while the next round is answered (all of them before a read that would wait),
/// so memory stays flat and output starts before the input ends.
enum Batch {
    /// Lines of a stream, read in fixed-size chunks. A line longer than `maxLine` is reported
    /// by its length (and skipped to its end instead of being held in memory), wherever the
    /// reads end: its break in the read that takes it past the limit, in a later one, or none.
    struct LineReader {
        let fd: Int32
        var buffer: [UInt8] = []
        var start = 0
        var finished = false
        /// Bytes from `start` up to here hold no line break: a long line is scanned once as it
        /// arrives, not again after every read (which made a line of n chunks cost n² / 2).
        var searched = 0
        let maxLine: Int
        /// Called before a read of the input that would wait (nothing to read yet): pending
        /// output goes out first, so a slow producer sees its answers at once (output starts
        /// before input ends).
        var willRead: (() throws -> Void)? = nil
        /// The read end of the stop handler's wake pipe (-1: none). A signal that comes after
        /// the last look at the stop flag and before a read that then waits for idle input
        /// would otherwise leave that read waiting; the reader waits on both, and the byte the
        /// handler writes wakes it. It must not block (it is drained after each wake).
        var wake: Int32 = -1
        /// Whether SIGINT or SIGTERM asked batch to stop (see `batchStopSignal`).
        var stopRequested: () -> Bool = { batchStopSignal.load(ordering: .relaxed) != 0 }

        /// One read of the input into the room given: `read(2)` of `fd` (tests give another).
        var readInput: (UnsafeMutableRawBufferPointer) -> Int
        /// The error of a read made ahead (`readIfReady`), reported by `next` where it would
        /// read: some errors come back from one read only (a reset connection, then the end).
        private var failedAhead: Int32? = nil

        init(fd: Int32, maxLine: Int = 16 * 1_048_576) {
            self.fd = fd
            self.maxLine = maxLine
            readInput = { room in read(fd, room.baseAddress, room.count) }
        }

        enum Line: Sendable { case text([UInt8]), tooLong(Int) }

        mutating func next() throws -> Line? {
            // The bytes of a line too long already dropped from the buffer (nil: none).
            var skipped: Int? = nil
            while true {
                if let range = takeWholeLine() { return line(range, after: skipped) }
                if finished {
                    guard start < buffer.count || skipped != nil else { return nil }
                    let range = start..<buffer.count
                    start = buffer.count
                    searched = start
                    return line(range, after: skipped)
                }
                if buffer.count - start > maxLine {
                    skipped = (skipped ?? 0) + buffer.count - start
                    buffer.removeAll(keepingCapacity: true)
                    start = 0
                }
                searched = buffer.count
                compact()
                // Pending answers go out before a read that would wait; input already there
                // (always, from a file) is read at once, so answering and writing go on side by side.
                if !Batch.inputReady(fd) { try willRead?() }
                if wake >= 0 {
                    // Until the input can be read, or the handler's byte arrives. Any failure
                    // of poll itself leaves it to the read to wait and report.
                    var waiting = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
                    let ready = poll(&waiting, 2, -1)
                    // SIGINT or SIGTERM: no further line is read.
                    if stopRequested() { return nil }
                    if ready < 0 && errno == EINTR { continue }
                    if ready > 0 && waiting[1].revents != 0 {
                        if waiting[1].revents & Int16(POLLNVAL | POLLERR | POLLHUP) != 0 {
                            // The pipe is gone (closed elsewhere): plain reads from here on,
                            // where a signal still ends a read that waits, as EINTR.
                            wake = -1
                        } else {
                            Batch.drain(wake)
                        }
                        if waiting[0].revents == 0 { continue }
                    }
                }
                if let failure = failedAhead {
                    failedAhead = nil
                    try willRead?()
                    throw Batch.readFailed(failure)
                }
                let n = readOnce()
                if n < 0 {
                    if errno == EINTR {
                        // SIGINT or SIGTERM: no further line is read (see `batchStopSignal`).
                        if stopRequested() { return nil }
                        continue
                    }
                    // The lines read before it are answered and written first, as before
                    // any read that would wait.
                    let failure = errno
                    try willRead?()
                    throw Batch.readFailed(failure)
                }
            }
        }

        /// The next line if the buffer holds it whole, up to its line break, without reading:
        /// for reading ahead while the threads answer (one held whole but longer than
        /// `maxLine` is too long, as `next` says). A line not yet whole, a last line without
        /// a break and a line whose start was dropped for its length are left to `next`,
        /// which returns the same lines in the same order.
        mutating func nextBuffered() -> Line? {
            takeWholeLine().map { line($0, after: nil) }
        }

        /// Reads once more where `next` would read (the buffer holds no whole line, the end of
        /// input is not reached, and what it holds is not longer than `maxLine`, which `next`
        /// skips), if the input has bytes now (a read that would not wait): for reading ahead.
        /// The buffer then holds what it would hold under `next` alone, so the lines are the
        /// same. False when nothing was read; a failed read's error is kept for `next` to
        /// report where it would read (one interrupted, or that would wait, is left to `next`
        /// to read again).
        mutating func readIfReady() -> Bool {
            // After a failed read, nothing more until `next` has reported it.
            guard !finished, failedAhead == nil, buffer.count - start <= maxLine else { return false }
            guard lineBreak() == nil, Batch.inputReady(fd) else { return false }
            compact()
            let n = readOnce()
            if n < 0, errno != EINTR, errno != EAGAIN, errno != EWOULDBLOCK { failedAhead = errno }
            return n > 0
        }

        /// Where the next line break lies in the buffer, if it holds one; when it holds none,
        /// the bytes looked through are remembered (`searched`), not looked through again.
        private mutating func lineBreak() -> Int? {
            guard let newline = buffer[max(start, searched)...].firstIndex(of: 0x0A) else {
                searched = buffer.count
                return nil
            }
            return newline
        }

        /// The line the buffer holds whole, taken: where its bytes lie, up to its break (valid
        /// until the buffer next changes: compacted, cleared or read into); nil when the buffer
        /// holds no whole line (`next` and `nextBuffered` both take lines so).
        private mutating func takeWholeLine() -> Range<Int>? {
            guard let newline = lineBreak() else { return nil }
            let range = start..<newline
            start = newline + 1
            searched = start
            return range
        }

        /// The line whose bytes lie at `range` of the buffer: its bytes, or its length when it
        /// is longer than `maxLine` (not copied; a CR before its break counts), counted with
        /// the `skipped` bytes before them (a line already too long, whose start was dropped):
        /// also a line whose break came in the read that took it past the limit.
        private func line(_ range: Range<Int>, after skipped: Int?) -> Line {
            if let skipped { return .tooLong(skipped + range.count) }
            return range.count > maxLine ? .tooLong(range.count) : .text(Array(buffer[range]))
        }

        /// Drops the lines already taken when they are more than half the buffer.
        private mutating func compact() {
            if start > 0 && start > buffer.count / 2 {
                buffer.removeFirst(start)
                searched -= start
                start = 0
            }
        }

        /// One read of the input: its bytes appended, or the end of input noted. The read's
        /// result (-1: `errno` says why).
        private mutating func readOnce() -> Int {
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let n = chunk.withUnsafeMutableBytes(readInput)
            if n == 0 { finished = true } else if n > 0 { buffer.append(contentsOf: chunk[0..<n]) }
            return n
        }
    }

    /// Input that cannot be read is 66, as a missing file; 74 is for output.
    static func readFailed(_ failure: Int32) -> CLIError {
        CLIError.noInput("cannot read the input: \(String(cString: strerror(failure)))")
    }

    /// Whether a read of `fd` would return at once (data, end of input or an error), not wait.
    static func inputReady(_ fd: Int32) -> Bool {
        var probe = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&probe, 1, 0) > 0
    }

    static func run(_ inv: Invocation) throws -> String {
        if inv.positionals.count > 1 { throw CLIError.usage("Unexpected argument '\(Sanitize.forTerminal(inv.positionals[1]))'", command: "batch") }
        let path = inv.positionals.first ?? "-"
        let fd: Int32
        if path == "-" {
            if inv.io.stdinIsTerminal {
                throw CLIError.usage("batch reads JSON Lines from a file or a pipe; standard input is a terminal. Give a FILE, or pipe the lines in.", command: "batch")
            }
            fd = STDIN_FILENO
        } else {
            try requireFile(path, what: "input file")
            fd = open(path, O_RDONLY)
            if fd < 0 { throw CLIError.noInput("input file '\(Sanitize.forTerminal(path))' cannot be read: \(String(cString: strerror(errno)))") }
        }
        defer { if fd != STDIN_FILENO { close(fd) } }

        let jobs = try jobCount(inv.options["jobs"])
        // Answers are made and freed by the thousand: freed memory is kept for the next round
        // rather than handed back and faulted in again (on one thread, 100,000 JSON lines took
        // some 220,000 page faults and 0.5 s of system time without this).
        Memory.keepFreedHeap(upTo: 64 << 20)
        let csv = inv.format == .csv
        // A CSV row shows the pick, the confidence level, the runner-up and the decisive
        // reason: no what-if, warning, why-not, estimate or migration, so none is worked out.
        let withWhatIf = inv.flags.contains("what-if") && !csv
        // Each worker answers the lines it claims on its own thread, with its own engine and
        // copy of the catalog, made on that thread the first time a round needs it (a short
        // input makes one): threads that shared the catalog's objects, or memory the reading
        // thread allocated, would contend for it on every line. If the copy cannot be made,
        // the worker shares the catalog, which is only slower.
        var workers = [Worker(catalog: .shared(inv.catalog), csv: csv, withWhatIf: withWhatIf)]
        var snapshot: String? = nil
        func makeWorkers(_ count: Int) {
            while workers.count < count {
                if snapshot == nil { snapshot = CatalogSnapshot.encode(catalog: inv.catalog) }
                workers.append(Worker(catalog: .copy(snapshot!, of: inv.catalog), csv: csv, withWhatIf: withWhatIf))
            }
        }
        /// The threads, kept from round to round.
        let pool = Threads.Pool()
        var reader = LineReader(fd: fd)
        /// Lines read and not yet answered: one round.
        var pending: [Pending] = []
        /// The number of the last line read, and of the last line whose answer is written.
        var lineNumber = 0, lastWritten = 0, answered = 0
        let roundLimit = Worker.roundLimit(csv: csv, jobs: jobs)
        var failed = FailedLines()
        let queue = OutputQueue(fd: inv.io.stdoutDescriptor, fallback: inv.io.writeOut)
        if csv { try queue.append(csvHeader) }
        // Progress on a terminal, unless the answers go to the same screen (it would be mixed in).
        let progress = inv.io.stderrIsTerminal && !inv.io.stdoutIsTerminal
        var lastProgress = monotonicSeconds()
        // Fleets repeat workload shapes, and the engine is deterministic: an answer is
        // reused for a later line with the same bytes around its id, found
        // as the line is read, without parsing; within a round, a line with the key of an
        // earlier one waits for that one's answer. The cache is bounded, so memory stays flat.
        // (A second cache, by parsed profile, cost a fleet of distinct profiles a sixth of a
        // CSV row, for lines that differ in spelling alone.)
        var byLine: [LineScan.LineKey: Rendered] = [:]
        /// An answer enters the cache only once its key has been read on two lines: a fleet of
        /// distinct profiles would otherwise keep 512 answers no line takes (a JSON answer is
        /// some 20 KB: 11 MB held, and each new answer written into memory the cache had pushed
        /// out). A shape that repeats is worked out again until its answer is written and
        /// cached (the lines of the round answered beside it miss it).
        var seen = LineScan.SeenKeys()
        /// This round's lines that are not in the cache, by key: the first of each (the others
        /// take its answer).
        var firstInRound: [LineScan.LineKey: Int] = [:]

        /// One JSON answer, in order: the id (as JSON text) leads the object, as if it had
        /// been its first member; the answer is queued where it lies, never copied.
        func emitJSON(_ rendered: Rendered, id: UnsafeRawBufferPointer?) throws {
            if let id {
                try queue.append(#"{"id":"#)
                try queue.append(id)
                try queue.append(",")
                try queue.append(rendered, from: 1)
            } else {
                try queue.append(rendered, from: 0)
            }
        }

        /// An answer taken from another line (the cache, or an earlier line of the round),
        /// with this line's id as its bytes show it (a CSV row: its own id and line cells, then
        /// the other row's tail).
        func emitReused(_ rendered: Rendered, _ line: Pending) throws {
            guard case let .text(bytes) = line.line, let scanned = line.scanned else { return }
            try bytes.withUnsafeBytes { all in
                let id = scanned.id.map { UnsafeRawBufferPointer(rebasing: all[$0]) }
                if csv {
                    var lead: [UInt8] = []
                    if let id = scanned.id { writeCSVField(String(decoding: all[id.lowerBound + 1..<id.upperBound - 1], as: UTF8.self), to: &lead) }
                    writeCSVLine(line.number, to: &lead)
                    try queue.append(lead)
                    try queue.append(rendered, from: rendered.tail)
                } else {
                    try emitJSON(rendered, id: id)
                }
            }
        }

        /// Queues a line's own answer (a CSV row whole, its id and line cells written by the
        /// worker) or error line; a reused one is `emitReused`'s.
        func queueOutcome(_ outcome: Outcome, _ line: Pending) throws {
            switch outcome {
            case let .answer(rendered, id, _):
                answered += 1
                if csv {
                    try queue.append(rendered, from: 0)
                } else if let id {
                    try id.withUnsafeBytes { try emitJSON(rendered, id: $0) }
                } else {
                    try emitJSON(rendered, id: nil)
                }
            case let .failed(text):
                failed.add(line.number)
                try queue.append(text)
            case .reused: break
            }
        }

        /// Rounds take turns: while the threads answer one, the reading thread writes the one
        /// before it (and then answers lines of this one too). Two rounds' lines and answers
        /// are held at most.
        let rounds = (Round(capacity: roundLimit), Round(capacity: roundLimit))
        /// The round answered and not yet written, if any (the next round is the other one).
        var answeredRound: Round? = nil

        /// Answers the lines read so far, on up to `jobs` threads (at least `minimumShare`
        /// lines each, so a trickle from a pipe starts no thread), each claiming the next line
        /// not yet claimed; meanwhile the reading thread writes the round answered before,
        /// with `readAhead` reads the next round's lines the input holds already (`readAheadLines()`),
        /// then claims lines too. This round is written by the next call or `writeAnswered`.
        /// Not with `readAhead` from within a read (`willRead`): the reader is in use.
        func answerPending(readAhead: Bool) throws {
            guard !pending.isEmpty else { return }
            let round = answeredRound === rounds.0 ? rounds.1 : rounds.0
            round.start(&pending)
            firstInRound.removeAll(keepingCapacity: true)
            let used = min(jobs, max(1, round.count / Worker.minimumShare))
            makeWorkers(used)
            let ready = workers
            pool.begin(used) { k in ready[k].answer(round) }
            var failure: (any Error)? = nil
            do { try writeAnswered() } catch { failure = error }
            // The reading thread's worker answers too, unless writing failed (the run ends).
            if failure == nil {
                // Only while other threads answer: alone, reading first gains nothing.
                if readAhead && used > 1 { readAheadLines() }
                workers[0].answer(round)
            }
            pool.finish()
            round.settle()
            if let failure { throw failure }
            answeredRound = round
        }

        /// Queues the answered round's answers in input order; after SIGINT or SIGTERM, only
        /// those before the first line no thread claimed: whole lines, none skipped. Only the
        /// reading thread's worker is used here (the others may be answering the next round).
        func writeAnswered() throws {
            guard let round = answeredRound else { return }
            answeredRound = nil
            defer { round.clear() }
            /// Answers of this round's lines, by position, for the lines that reuse them.
            var answers: [Int: Rendered] = [:]
            for at in 0..<round.answeredCount {
                let line = round.lines[at]
                let outcome = round.outcome(at)
                switch outcome {
                case let .answer(rendered, _, reusable):
                    try queueOutcome(outcome, line)
                    if reusable, let key = line.scanned?.key {
                        answers[at] = rendered
                        if seen.repeated(key) {
                            if byLine.count >= Worker.cacheLimit { byLine.removeAll(keepingCapacity: true) }
                            byLine[key] = rendered
                        }
                    }
                case .failed: try queueOutcome(outcome, line)
                case .reused:
                    if let rendered = line.hit ?? line.sameAs.flatMap({ answers[$0] }) {
                        answered += 1
                        try emitReused(rendered, line)
                    } else {
                        // The earlier line with the same key failed or had its id elsewhere
                        // than the scan saw: this one is answered on its own, here.
                        let worker = workers[0]
                        try queueOutcome(worker.outcome(line, engine: worker.engine, computing: true), line)
                    }
                }
                lastWritten = line.number
            }
            if queue.pendingBytes >= 1 << 18 { try queue.flush() }
            if progress && monotonicSeconds() - lastProgress > 0.5 {
                try queue.flush()
                inv.io.writeErr("\r\(lastWritten) lines…")
                lastProgress = monotonicSeconds()
            }
        }

        reader.wake = installStopHandlers()
        /// After SIGINT or SIGTERM: what is queued (whole lines only) is written, then the
        /// summary, and the exit status is 130 or 143.
        func stopIfSignalled() throws {
            let signal = batchStopSignal.load(ordering: .relaxed)
            guard signal != 0 else { return }
            try writeAnswered()
            try queue.flush()
            inv.io.writeErr((progress ? "\r" : "") + "batch: stopped by a signal after \(lastWritten) line(s), \(answered) answered, \(failed.count) failed\n")
            throw Ask.Stop(status: signal == SIGTERM ? .terminated : .interrupted, message: "")
        }
        // Before a read that would wait, the lines already read are answered and written: a
        // slow producer sees its answers at once (output starts before input ends). A signal
        // that came while they were answered stops the run here, before the read waits.
        reader.willRead = {
            try answerPending(readAhead: false)
            try writeAnswered()
            try stopIfSignalled()
            try queue.flush()
        }
        /// A line read: numbered, and unless blank, added to the round being read, with its
        /// cached answer or the earlier line of the round it repeats, if any.
        func take(_ line: LineReader.Line) {
            lineNumber += 1
            var next = Pending(number: lineNumber, line: line)
            if case var .text(bytes) = line {
                if bytes.last == 0x0D { bytes.removeLast() }
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }  // blank: skipped
                if let scanned = bytes.withUnsafeBytes({ LineScan.scan($0) }) {
                    next.scanned = scanned
                    seen.sight(scanned.key)
                    if let hit = byLine[scanned.key] {
                        next.hit = hit
                    } else if let first = firstInRound[scanned.key] {
                        next.sameAs = first
                    } else {
                        firstInRound[scanned.key] = pending.count
                    }
                }
                next.line = .text(bytes)
            }
            pending.append(next)
        }
        /// While the other threads answer a round, the next round's lines that the input holds
        /// already (read without waiting), up to a round, unless a stop was asked for: reading
        /// them after the round, the other threads waited (about 4% of a JSON line's
        /// instructions, the line's reading and scanning, were done by one thread alone).
        func readAheadLines() {
            while pending.count < roundLimit && batchStopSignal.load(ordering: .relaxed) == 0 {
                if let line = reader.nextBuffered() {
                    take(line)
                } else if !reader.readIfReady() {
                    break
                }
            }
        }
        while true {
            if pending.count >= roundLimit {
                try answerPending(readAhead: true)
                continue
            }
            guard let line = try reader.next() else { break }
            try stopIfSignalled()
            take(line)
        }
        try stopIfSignalled()
        try answerPending(readAhead: false)
        try writeAnswered()
        try stopIfSignalled()
        try queue.flush()
        var summary = (progress ? "\r" : "") + "batch: \(lineNumber) line(s), \(answered) answered, \(failed.count) failed"
        if failed.count > 0 {
            summary += " (line" + (failed.count > 1 ? "s " : " ") + failed.first.map(String.init).joined(separator: ", ") + (failed.count > failed.first.count ? ", …" : "") + ")"
        }
        inv.io.writeErr(summary + "\n")
        if failed.count > 0 { throw Ask.Stop(status: .batchLinesFailed, message: "") }
        return ""
    }

    /// `--jobs N`: threads that answer lines at once; by default one per processor online,
    /// at most `Worker.defaultJobLimit`.
    static func jobCount(_ text: String?) throws -> Int {
        guard let text else { return min(Threads.available, Worker.defaultJobLimit) }
        guard let n = Int(text), (1...Worker.jobLimit).contains(n) else {
            throw CLIError.usage("--jobs takes a whole number of threads from 1 to \(Worker.jobLimit); got '\(Sanitize.forTerminal(text, limit: 40))'", command: "batch")
        }
        return n
    }

    /// A line read and waiting for its round (its final CR removed; blank lines are skipped
    /// before they get here).
    struct Pending: Sendable {
        var number: Int
        var line: LineReader.Line
        /// The line's key and id, when the scan could read them (`LineScan.scan`).
        var scanned: (key: LineScan.LineKey, id: Range<Int>?)? = nil
        /// The answer of an earlier line with the same key, from the cache.
        var hit: Rendered? = nil
        /// The position in the round of an earlier line with the same key, not yet answered.
        var sameAs: Int? = nil
    }

    /// One round of lines, answered on several threads: each thread claims the next line no
    /// one has claimed (so a thread given slow lines does not hold the others up), and puts
    /// its outcome in the line's place. Reused from round to round.
    final class Round: @unchecked Sendable {
        /// The round's lines, set before the threads start and only read while they run.
        private(set) var lines: [Pending] = []
        private let claimed = Atomic<Int>(0)
        /// Each claimed line's outcome, by position (the first `answeredCount` are set once the
        /// threads are done).
        private var slots: UnsafeMutablePointer<Outcome>
        private var capacity: Int
        /// How many outcomes `slots` holds, from the first (`settle`).
        private var filled = 0

        init(capacity: Int) {
            self.capacity = max(capacity, 1)
            slots = .allocate(capacity: self.capacity)
        }

        deinit {
            slots.deinitialize(count: filled)
            slots.deallocate()
        }

        var count: Int { lines.count }

        /// Takes `pending`'s lines (leaving it empty, with this round's old room).
        func start(_ pending: inout [Pending]) {
            precondition(filled == 0 && lines.isEmpty, "a round started before it was written")
            swap(&lines, &pending)
            if lines.count > capacity {
                slots.deallocate()
                capacity = lines.count
                slots = .allocate(capacity: capacity)
            }
            claimed.store(0, ordering: .relaxed)
        }

        /// The next line no thread has claimed, if any.
        func claim() -> Int? {
            let at = claimed.add(1, ordering: .relaxed).oldValue
            return at < lines.count ? at : nil
        }

        /// A claimed line's outcome, put by the thread that claimed it.
        func put(_ outcome: Outcome, at: Int) {
            (slots + at).initialize(to: outcome)
        }

        /// Once every thread is done: counts the lines answered, all of them, or after a signal
        /// those claimed before it (the first lines: claims go in order).
        func settle() {
            filled = min(claimed.load(ordering: .relaxed), lines.count)
        }

        /// The lines answered (`settle`).
        var answeredCount: Int { filled }

        func outcome(_ at: Int) -> Outcome { slots[at] }

        /// Drops the lines and outcomes, for the next round.
        func clear() {
            slots.deinitialize(count: filled)
            filled = 0
            lines.removeAll(keepingCapacity: true)
        }
    }

    /// The failed lines' count and the first ten of their numbers (what the summary names):
    /// memory stays flat however many lines fail.
    struct FailedLines {
        static let named = 10
        var count = 0
        var first: [Int] = []

        mutating func add(_ line: Int) {
            count += 1
            if first.count < FailedLines.named { first.append(line) }
        }
    }

    /// What a worker made of one line.
    enum Outcome {
        /// Its answer: a JSON object without the id, and the id as JSON text; or a CSV row
        /// whole, its id and line cells first (`Rendered.tail` says where the rest starts). And
        /// whether another line with the same bytes around its id may take this answer (the
        /// scan saw the id the parser saw).
        case answer(Rendered, id: [UInt8]?, reusable: Bool)
        /// Its error line, whole.
        case failed([UInt8])
        /// Left to the reading thread: the answer of another line (`hit`, `sameAs`).
        case reused
    }

    /// Works out answers on one thread: the lines it claims of each round. Its engine shares nothing
    /// with the others' (each has its own copy of the catalog).
    final class Worker: @unchecked Sendable {
        /// The fewest lines a thread is started for.
        static let minimumShare = 8
        /// Lines read before a round is answered even if more could be read without waiting:
        /// a round's answers are held until it is written, while the next round is answered
        /// (two rounds at most). A JSON line's is about 20 KB, so a round gives each thread
        /// 96 of them, about 2 MB: with rounds written side by side, 32 a thread took 7% more
        /// wall time and 4% more CPU (medians of six runs, 100,000 fleet lines), 64 about as
        /// much as 32 (before that, 512 a thread measured slower than one line at a time). A
        /// CSV row's is about 0.3 KB.
        static func roundLimit(csv: Bool, jobs: Int) -> Int { csv ? 512 : 96 * jobs }
        static let defaultJobLimit = 8
        static let jobLimit = 256
        /// Entries of the line cache: a fleet repeats workload shapes.
        static let cacheLimit = 512

        /// The catalog a worker answers from: the one loaded, or a copy of it read from its
        /// snapshot (on the worker's thread).
        enum Source { case shared(Catalog), copy(String, of: Catalog) }
        let source: Source
        /// Made from `source` the first time the worker answers.
        var prepared: Engine? = nil
        let csv: Bool
        let withWhatIf: Bool
        /// The CSV row being written, its capacity kept from one line to the next.
        var text: [UInt8] = []
        /// Reads the simple lines (and keeps their answers' memo), made with the engine.
        var lineReader = ProfileLineReader(catalog: .empty)
        /// The reasons written for earlier JSON lines, with their JSON, made with the engine.
        var reasons = ReasonMemo.off
        /// Which rules fire, kept by the classes of the answers they read, made with the engine.
        var firings = FiringMemo.off
        /// Writes a JSON line, its buffer kept from one line to the next.
        var writer = JSONBytes()
        /// Where a JSON line's estimates are worked out, kept from one line to the next, made
        /// with the engine.
        var estimates: EstimateWorkspace? = nil

        init(catalog source: Source, csv: Bool, withWhatIf: Bool) {
            self.source = source
            self.csv = csv
            self.withWhatIf = withWhatIf
        }

        /// The engine, prepared for many profiles.
        var engine: Engine {
            if let prepared { return prepared }
            let catalog: Catalog
            switch source {
            case let .shared(loaded): catalog = loaded
            case let .copy(snapshot, loaded): catalog = (try? Catalog.load(snapshot: snapshot)) ?? loaded
            }
            var engine = Engine(catalog: catalog)
            engine.prerenderReasons()
            engine.prepareRequirementFacts()
            engine.prepareEstimates()
            // What-if judges each class of candidate answers once for the whole run (as `plan`).
            if withWhatIf { engine.prepareWhatIfs() }
            prepared = engine
            lineReader = ProfileLineReader(catalog: catalog)
            // A CSV row shows no answer's text: one a reason says is written when it is read.
            lineReader.writesTexts = !csv
            estimates = engine.estimateWorkspace()
            // A JSON line's firing words are kept in its reason memo; a CSV row's here.
            if csv { firings = FiringMemo(engine: engine) } else { reasons = ReasonMemo(engine: engine) }
            return engine
        }

        /// Answers the round's lines it claims, one at a time, until none is left or SIGINT or
        /// SIGTERM came (a claimed line is always answered).
        func answer(_ round: Round) {
            let engine = self.engine
            let lines = round.lines
            while batchStopSignal.load(ordering: .relaxed) == 0, let at = round.claim() {
                round.put(outcome(lines[at], engine: engine, computing: false), at: at)
            }
        }

        /// One line's outcome; a line that takes another's answer is left `reused` unless
        /// `computing`.
        func outcome(_ pending: Pending, engine: Engine, computing: Bool) -> Outcome {
            let lineNumber = pending.number
            let bytes: [UInt8]
            switch pending.line {
            case let .tooLong(count):
                return .failed(Array(errorLine(lineNumber, id: nil, "the line is \(count) bytes long, more than the 16 MB a profile may take", csv: csv).utf8))
            case let .text(b): bytes = b
            }
            if !computing, pending.hit != nil || pending.sameAs != nil { return .reused }
            // Most lines are flat objects of plain strings: read without a JSON tree, answers
            // from the memo; any other line is parsed in full (and any error comes from there).
            let simple = bytes.withUnsafeBytes { lineReader.read($0) }
            if csv, let simple {
                // A CSV row: the id cell (a plain string's text: printable, no escape), the
                // line's, then the ranking with the decisive reason alone written out.
                text.removeAll(keepingCapacity: true)
                if let id = simple.id {
                    bytes.withUnsafeBytes { writeCSVCell(UnsafeRawBufferPointer(rebasing: $0[id.lowerBound + 1..<id.upperBound - 1]), to: &text) }
                }
                writeCSVLine(lineNumber, to: &text)
                let tail = text.count
                writeCSVTail(engine.row(simple, memo: &firings), to: &text)
                text.append(0x0A)
                let reusable = pending.scanned.map { ($0.id == nil) == (simple.id == nil) } ?? false
                return .answer(Rendered(text, tail: tail), id: nil, reusable: reusable)
            }
            if let simple {
                // A JSON line (a CSV row read so is written above), written straight into
                // bytes: the same bytes as Render.json's tree. Its id, when it has one, is a
                // plain string (printable ASCII without a quote or backslash: nothing to
                // escape), so its JSON is its bytes as the line has them, quotes included; the
                // string made of them and written again came to the same bytes.
                // Reused by the line's key only when the scan saw the id the reader saw.
                let reusable = pending.scanned.map { ($0.id == nil) == (simple.id == nil) } ?? false
                writer.recommendation(engine.recommend(simple.profile, answers: simple.answers, withWhatIf: withWhatIf, memo: &reasons, onlyShown: true, withEstimates: false),
                                      catalog: engine.catalog, engine: engine, estimates: estimates!, line: simple)
                return .answer(writer.line(), id: simple.id.map { Array(bytes[$0]) }, reusable: reusable)
            }
            switch parse(bytes, catalog: engine.catalog) {
            case let .success((profile, id, idSource)):
                // Reused by the line's key only when the scan saw the id the parser saw.
                let reusable = pending.scanned.map { ($0.id == nil) == (id == nil) } ?? false
                if !csv {
                    writer.recommendation(engine.recommend(profile, withWhatIf: withWhatIf, memo: &reasons, onlyShown: true, withEstimates: false), catalog: engine.catalog, engine: engine, estimates: estimates!)
                    return .answer(writer.line(), id: id.map { Array(idJSON($0, source: idSource).utf8) }, reusable: reusable)
                }
                text.removeAll(keepingCapacity: true)
                if let id { writeCSVField(idText(id, source: idSource), to: &text) }
                writeCSVLine(lineNumber, to: &text)
                let tail = text.count
                writeCSVTail(engine.row(profile, memo: &firings), to: &text)
                text.append(0x0A)
                return .answer(Rendered(text, tail: tail), id: nil, reusable: reusable)
            case let .failure(error):
                return .failed(Array(errorLine(lineNumber, id: error.id, idSource: error.idSource, error.message, csv: csv).utf8))
            }
        }
    }

    struct LineError: Error {
        var id: JSON?
        /// The id's text in the line, as written.
        var idSource: String? = nil
        var message: String
    }

    /// The profile, the id, and the id's text as written in the line.
    static func parse(_ bytes: [UInt8], catalog: Catalog) -> Result<(Profile, JSON?, String?), LineError> {
        let json: JSON
        let idSource: String?
        do {
            (json, idSource) = try JSONParser.parse(bytes, capturing: "id")
        } catch let error as JSONParseError {
            return .failure(LineError(id: nil, message: "not valid JSON: \(error)"))
        } catch {
            return .failure(LineError(id: nil, message: "not valid JSON"))
        }
        let id = json["id"]
        if let id, id.stringValue == nil, id.numberValue == nil {
            return .failure(LineError(id: nil, message: "\"id\" must be a string or a number"))
        }
        switch catalog.parseProfile(json) {
        case let .success((profile, _)):
            return .success((profile, id, idSource))
        case let .failure(error):
            return .failure(LineError(id: id, idSource: idSource, message: error.message))
        }
    }

    static func errorLine(_ line: Int, id: JSON?, idSource: String? = nil, _ message: String, csv: Bool) -> String {
        if csv {
            return [id.map { idText($0, source: idSource) } ?? "", String(line), "", "", "", "", "", "", message].map(csvField).joined(separator: ",") + "\n"
        }
        return #"{"line":"# + String(line) + (id.map { #","id":"# + idJSON($0, source: idSource) } ?? "")
            + #","error":"# + JSON.string(message).compactText() + "}\n"
    }

    /// The id as JSON text. A number is echoed as it was written (`1234567890123456789`,
    /// `1e16`, `1e-7`): as a Double it would come back rounded or respelled, and no longer
    /// match the line it answers. A string is written afresh (escaped where needed).
    static func idJSON(_ id: JSON, source: String?) -> String {
        if case .number = id, let source { return source }
        return id.compactText()
    }

    /// The id as a CSV cell: a string's text, a number as written.
    static func idText(_ id: JSON, source: String? = nil) -> String { id.stringValue ?? idJSON(id, source: source) }

    static let csvHeader = "id,line,service,confidence,score,runner_up,runner_up_score,decisive_reason,error\n"

    /// The CSV columns after id and line: service, confidence, score, runner_up,
    /// runner_up_score, decisive_reason (the heaviest reason the pick has and the runner-up
    /// lacks, else its heaviest), error (empty).
    static func csvTail(_ r: RowSummary) -> String {
        var out: [UInt8] = []
        writeCSVTail(r, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The same, written into `out`.
    static func writeCSVTail(_ r: RowSummary, to out: inout [UInt8]) {
        let comma = UInt8(ascii: ",")
        writeCSVField(r.pick, to: &out)
        out.append(comma)
        writeCSVField(r.confidence.rawValue, to: &out)
        out.append(comma)
        writeCSVNumber(r.score, to: &out)
        out.append(comma)
        if let runnerUp = r.runnerUp { writeCSVField(runnerUp, to: &out) }
        out.append(comma)
        if let score = r.runnerUpScore { writeCSVNumber(score, to: &out) }
        out.append(comma)
        if let decisive = r.decisive { writeCSVField(decisive, to: &out) }
        // The error column, empty.
        out.append(comma)
    }

    /// `writeCSVField(JSON.format(number: n))`: a whole number's digits written as they are
    /// made (a score is a sum of whole weights), behind ' when negative.
    static func writeCSVNumber(_ n: Double, to out: inout [UInt8]) {
        guard n == n.rounded(), abs(n) < 1e15 else { return writeCSVField(JSON.format(number: n), to: &out) }
        var value = Int64(n)
        if value < 0 { out.append(contentsOf: [UInt8(ascii: "'"), UInt8(ascii: "-")]) }
        value = abs(value)
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { digits in
            repeat {
                digits[15 - count] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
                count += 1
            } while value > 0
            out.append(contentsOf: digits[(16 - count)...])
        }
    }

    /// RFC 4180: quote a field holding a comma, quote or line break; double inner quotes.
    /// A leading = + - @ is prefixed with ' so spreadsheets do not run it as a formula.
    /// Control characters (ESC, BEL, line breaks...) are shown as visible escapes (`\u{1b}`,
    /// `\n`), as in text output: a CSV file is read in terminals and spreadsheets alike.
    static func csvField(_ s: String) -> String {
        var out: [UInt8] = []
        writeCSVField(s, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The same, written into `out`.
    static func writeCSVField(_ s: String, to out: inout [UInt8]) {
        // Printable ASCII is written as it is (nearly every field); anything else is made
        // visible first, as text output does.
        var value = s
        let printable = value.withUTF8 { bytes in
            for b in bytes where b < 0x20 || b >= 0x7F { return false }
            return true
        }
        if !printable {
            value = value.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) ? value : Sanitize.forTerminal(value, limit: Int.max)
        }
        value.withUTF8 { writeCSVCell(UnsafeRawBufferPointer($0), to: &out) }
    }

    /// The line's number as its cell, then the comma before the next (the id's cell, before
    /// it, may be empty).
    static func writeCSVLine(_ number: Int, to out: inout [UInt8]) {
        out.append(UInt8(ascii: ","))
        out.append(contentsOf: String(number).utf8)
        out.append(UInt8(ascii: ","))
    }

    /// A cell from bytes that need no making visible (no control character): quoted and
    /// guarded against formulas as `writeCSVField` says.
    static func writeCSVCell(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        let formula = bytes.first.map { $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "@") } ?? false
        let quoted = bytes.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        if quoted { out.append(UInt8(ascii: "\"")) }
        if formula { out.append(UInt8(ascii: "'")) }
        if quoted {
            // Each run up to and with a quote copied whole, the quote then doubled (a reason
            // with a comma, most decisive reasons, went byte by byte).
            var start = 0
            for i in bytes.indices where bytes[i] == UInt8(ascii: "\"") {
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start...i]))
                out.append(UInt8(ascii: "\""))
                start = i + 1
            }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start...]))
            out.append(UInt8(ascii: "\""))
        } else {
            out.append(contentsOf: bytes)
        }
    }
}

/// The signal (SIGINT, SIGTERM) that asked batch to stop, or 0. Set by the handler; read
/// between lines, by the reading thread and the workers, so a line being written is finished
/// and no line is cut. An atomic: threads other than the handler's read it.
let batchStopSignal = Atomic<Int32>(0)

/// SIGINT and SIGTERM end batch between lines (exit 130 or 143) instead of killing it in the
/// middle of one. Without SA_RESTART, a read waiting for input returns at once (EINTR). A
/// second signal, if the output pipe blocks for good, ends the process at once.
/// Returns the read end of the wake pipe the handler writes a byte to (-1 if no pipe could
/// be made: a signal then still stops a read that is waiting, as EINTR).
func installStopHandlers() -> Int32 {
    unblockSignals()
    // Every global the handler reads is made here, before it can run.
    _ = batchStopSignal.load(ordering: .relaxed)
    // One pipe for the process's life (batch runs more than once in the tests); a byte left
    // from an earlier run is drained. Both ends never block, and neither is inherited.
    if batchWakeWriter.load(ordering: .relaxed) < 0 {
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) == 0 {
            // Never as standard input, output or error: with one of them closed (`<&-`), the
            // pipe would take its number, and batch would read the pipe as its input.
            for k in 0..<2 where ends[k] < 3 {
                let moved = fcntl(ends[k], F_DUPFD_CLOEXEC, Int32(3))
                close(ends[k])
                ends[k] = moved
            }
        }
        if ends[0] >= 3 && ends[1] >= 3 {
            for end in ends {
                _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
                _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            }
            batchWakeReader.store(ends[0], ordering: .relaxed)
            batchWakeWriter.store(ends[1], ordering: .relaxed)
        } else {
            for end in ends where end >= 0 { close(end) }
        }
    }
    let wake = batchWakeReader.load(ordering: .relaxed)
    if wake >= 0 { Batch.drain(wake) }
    handleSignals([SIGINT, SIGTERM]) { signal in
        if batchStopSignal.load(ordering: .relaxed) != 0 { _exit(128 + signal) }
        batchStopSignal.store(signal, ordering: .relaxed)
        let writer = batchWakeWriter.load(ordering: .relaxed)
        if writer >= 0 {
            // errno as the interrupted code left it.
            let saved = errno
            var byte: UInt8 = 1
            _ = write(writer, &byte, 1)
            errno = saved
        }
    }
    return wake
}

/// The stop handler's wake pipe: its ends once made (-1 before). Atomics, set before the
/// handler is installed, so the handler reads them without waiting on an initializer.
let batchWakeReader = Atomic<Int32>(-1)
let batchWakeWriter = Atomic<Int32>(-1)

extension Batch {
    /// Reads whatever waits in a non-blocking pipe.
    static func drain(_ fd: Int32) {
        var sink = [UInt8](repeating: 0, count: 64)
        while sink.withUnsafeMutableBytes({ read(fd, $0.baseAddress, $0.count) }) > 0 {}
    }
}
