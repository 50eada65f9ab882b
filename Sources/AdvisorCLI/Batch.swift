import AdvisorCore
import Platform
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `dbadvisor batch`: JSON Lines of profiles in, one recommendation per line out, streaming.
/// Input is read in chunks and each line is answered and written before the next is read, so
/// memory stays flat and output starts before the input ends.
enum Batch {
    /// Lines of a stream, read in fixed-size chunks. A line longer than `maxLine` is reported
    /// (and skipped to its end) instead of being held in memory.
    struct LineReader {
        let fd: Int32
        var buffer: [UInt8] = []
        var start = 0
        var finished = false
        /// Bytes from `start` up to here hold no line break: a long line is scanned once as it
        /// arrives, not again after every read (which made a line of n chunks cost n² / 2).
        var searched = 0
        let maxLine: Int
        /// Called before each read of the input, which may block: pending output goes out
        /// first, so a slow producer sees its answers at once (output starts before input ends).
        var willRead: (() throws -> Void)? = nil

        init(fd: Int32, maxLine: Int = 16 * 1_048_576) {
            self.fd = fd
            self.maxLine = maxLine
        }

        enum Line: Sendable { case text([UInt8]), tooLong(Int) }

        mutating func next() throws -> Line? {
            var skipping = false
            var skipped = 0
            while true {
                if let newline = buffer[max(start, searched)...].firstIndex(of: 0x0A) {
                    let line = Array(buffer[start..<newline])
                    start = newline + 1
                    searched = start
                    if skipping { return .tooLong(skipped + line.count) }
                    return .text(line)
                }
                if finished {
                    guard start < buffer.count || skipping else { return nil }
                    let line = Array(buffer[start...])
                    start = buffer.count
                    searched = start
                    if skipping { return .tooLong(skipped + line.count) }
                    return .text(line)
                }
                if buffer.count - start > maxLine {
                    skipped += buffer.count - start
                    buffer.removeAll(keepingCapacity: true)
                    start = 0
                    skipping = true
                }
                searched = buffer.count
                if start > 0 && start > buffer.count / 2 {
                    buffer.removeFirst(start)
                    searched -= start
                    start = 0
                }
                try willRead?()
                var chunk = [UInt8](repeating: 0, count: 1 << 16)
                let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 {
                    if errno == EINTR {
                        // SIGINT or SIGTERM: no further line is read (see `batchStopSignal`).
                        if batchStopSignal != 0 { return nil }
                        continue
                    }
                    // Input that cannot be read is 66, as a missing file; 74 is for output.
                    throw CLIError.noInput("cannot read the input: \(String(cString: strerror(errno)))")
                }
                if n == 0 { finished = true } else { buffer.append(contentsOf: chunk[0..<n]) }
            }
        }
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
        let csv = inv.format == .csv
        // A CSV row shows the pick, the confidence level, the runner-up and the decisive
        // reason: no what-if, warning, why-not, estimate or migration, so none is worked out.
        let withWhatIf = inv.flags.contains("what-if") && !csv
        /// An engine prepared for many profiles.
        func engine(_ catalog: Catalog) -> Engine {
            var engine = Engine(catalog: catalog)
            engine.prerenderReasons()
            engine.prepareRequirementFacts()
            // What-if judges each class of candidate answers once for the whole run (as `plan`).
            if withWhatIf { engine.prepareWhatIfs() }
            return engine
        }
        // Each worker answers its share of a round on its own thread, with its own caches,
        // buffers, engine and copy of the catalog: threads that shared the catalog's objects
        // would contend for their reference counts on every line. A worker is made the first
        // time a round needs it (a short input makes one).
        var workers = [Worker(engine: engine(inv.catalog), csv: csv, withWhatIf: withWhatIf)]
        var snapshot: String? = nil
        func makeWorkers(_ count: Int) {
            while workers.count < count {
                if snapshot == nil { snapshot = CatalogSnapshot.encode(catalog: inv.catalog) }
                let copy = (try? Catalog.load(snapshot: snapshot!)) ?? inv.catalog
                workers.append(Worker(engine: engine(copy), csv: csv, withWhatIf: withWhatIf))
            }
        }
        var reader = LineReader(fd: fd)
        /// Lines read and not yet answered: one round.
        var pending: [Pending] = []
        /// The number of the last line read, and of the last line whose answer is written.
        var lineNumber = 0, lastWritten = 0, answered = 0
        var failed = FailedLines()
        let queue = OutputQueue(fd: inv.io.stdoutDescriptor, fallback: inv.io.writeOut)
        if csv { try queue.append(csvHeader) }
        let progress = inv.io.stderrIsTerminal
        var lastProgress = monotonicSeconds()

        /// Answers the lines read so far, on up to `jobs` threads (a share is at least
        /// `minimumShare` lines, so a trickle from a pipe starts no thread), and queues their
        /// answers in input order. After a signal, only the answers up to the first line a
        /// worker did not finish are written: whole lines, none skipped.
        func answerPending() throws {
            guard !pending.isEmpty else { return }
            let round = pending
            pending.removeAll(keepingCapacity: true)
            let used = min(jobs, max(1, round.count / Worker.minimumShare))
            let bounds = (0...used).map { $0 * round.count / used }
            makeWorkers(used)
            let ready = workers
            Threads.run(used) { k in ready[k].answer(round[bounds[k]..<bounds[k + 1]]) }
            for k in 0..<used {
                let worker = workers[k]
                try queue.write(worker.out)
                answered += worker.answered
                failed.add(worker.failed)
                if worker.done > 0 { lastWritten = round[bounds[k] + worker.done - 1].number }
                if worker.done < bounds[k + 1] - bounds[k] { break }
            }
            if queue.pendingBytes >= 1 << 18 { try queue.flush() }
            if progress && monotonicSeconds() - lastProgress > 0.5 {
                try queue.flush()
                inv.io.writeErr("\r\(lastWritten) lines…")
                lastProgress = monotonicSeconds()
            }
        }

        installStopHandlers()
        /// After SIGINT or SIGTERM: what is queued (whole lines only) is written, then the
        /// summary, and the exit status is 130 or 143.
        func stopIfSignalled() throws {
            guard batchStopSignal != 0 else { return }
            try queue.flush()
            inv.io.writeErr((progress ? "\r" : "") + "batch: stopped by a signal after \(lastWritten) line(s), \(answered) answered\n")
            throw Ask.Stop(status: batchStopSignal == SIGTERM ? .terminated : .interrupted, message: "")
        }
        // Before a read that may wait, the lines already read are answered and written: a
        // slow producer sees its answers at once (output starts before input ends). A signal
        // that came while they were answered stops the run here, before the read waits.
        reader.willRead = {
            try answerPending()
            try stopIfSignalled()
            try queue.flush()
        }
        while let line = try reader.next() {
            try stopIfSignalled()
            lineNumber += 1
            pending.append(Pending(number: lineNumber, line: line))
            if pending.count >= Worker.roundLimit { try answerPending() }
        }
        try stopIfSignalled()
        try answerPending()
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

    /// A line read and waiting for its round.
    struct Pending: Sendable {
        var number: Int
        var line: LineReader.Line
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

        /// Another's, whose lines all come after these.
        mutating func add(_ other: FailedLines) {
            count += other.count
            first += other.first.prefix(FailedLines.named - first.count)
        }
    }

    /// Answers lines on one thread: its share of each round, into its own buffer. Its engine
    /// shares the tables of every other worker's (read only); its caches are its own.
    final class Worker: @unchecked Sendable {
        /// The fewest lines a thread is started for.
        static let minimumShare = 8
        /// Lines read before a round is answered even if more could be read without waiting.
        static let roundLimit = 4_096
        static let defaultJobLimit = 8
        static let jobLimit = 256
        /// Entries of the cache: a fleet repeats workload shapes.
        static let cacheLimit = 512

        let engine: Engine
        let catalog: Catalog
        let csv: Bool
        let withWhatIf: Bool
        // Fleets repeat workload shapes, and the engine is deterministic: an answer is
        // computed once per line and reused for a line with the same bytes around its id, found
        // without parsing. The cache is bounded, so memory stays flat. (A cache by parsed
        // profile cost a fleet of distinct profiles a sixth of a CSV row, for lines that
        // differ in spelling alone.)
        var byLine: [LineScan.LineKey: Rendered] = [:]
        /// The answer being written, its capacity kept from one line to the next.
        var text: [UInt8] = []
        /// This round's share: its answers in order, how many lines were answered and
        /// failed, and how many of its lines it got through (all, unless a signal came).
        var out: [UInt8] = []
        var answered = 0
        var failed = FailedLines()
        var done = 0

        init(engine: Engine, csv: Bool, withWhatIf: Bool) {
            self.engine = engine
            catalog = engine.catalog
            self.csv = csv
            self.withWhatIf = withWhatIf
        }

        /// Answers `lines` in order, stopping before a line once SIGINT or SIGTERM came.
        func answer(_ lines: ArraySlice<Pending>) {
            out.removeAll(keepingCapacity: true)
            answered = 0
            failed = FailedLines()
            done = 0
            for line in lines {
                if batchStopSignal != 0 { return }
                answer(line)
                done += 1
            }
        }

        /// One answer: the id (as JSON text) leads the object, as if it had been its first member.
        func emit(_ rendered: Rendered, lineNumber: Int, id: UnsafeRawBufferPointer?, idText: String?) {
            let all = UnsafeRawBufferPointer(rendered.bytes)
            if csv {
                writeCSVField(idText ?? "", to: &out)
                out.append(contentsOf: ("," + String(lineNumber) + ",").utf8)
                out.append(contentsOf: all)
            } else if let id {
                out.append(contentsOf: #"{"id":"#.utf8)
                out.append(contentsOf: id)
                out.append(UInt8(ascii: ","))
                if all.count > 1 { out.append(contentsOf: all[1...]) }
            } else {
                out.append(contentsOf: all)
            }
        }

        func answer(_ pending: Pending) {
            let lineNumber = pending.number
            var bytes: [UInt8]
            switch pending.line {
            case let .tooLong(count):
                failed.add(lineNumber)
                out.append(contentsOf: errorLine(lineNumber, id: nil, "the line is \(count) bytes long, more than the 16 MB a profile may take", csv: csv).utf8)
                return
            case let .text(b): bytes = b
            }
            if bytes.last == 0x0D { bytes.removeLast() }
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
            let scanned = bytes.withUnsafeBytes { LineScan.scan($0) }
            if let scanned, let hit = byLine[scanned.key] {
                answered += 1
                bytes.withUnsafeBytes { all in
                    let id = scanned.id.map { UnsafeRawBufferPointer(rebasing: all[$0]) }
                    let idText = csv ? scanned.id.map { String(decoding: all[$0.lowerBound + 1..<$0.upperBound - 1], as: UTF8.self) } : nil
                    emit(hit, lineNumber: lineNumber, id: id, idText: idText)
                }
                return
            }
            switch parse(bytes, catalog: catalog) {
            case let .success((profile, id, idSource)):
                answered += 1
                text.removeAll(keepingCapacity: true)
                if csv {
                    // A CSV row: the ranking, with the decisive reason alone written out.
                    writeCSVTail(engine.row(profile), to: &text)
                    text.append(0x0A)
                } else {
                    // Written straight into bytes: the same bytes as Render.json's tree.
                    Render.writeJSON(engine.recommend(profile, withWhatIf: withWhatIf), catalog: catalog, to: &text)
                    text.append(0x0A)
                }
                let rendered = Rendered(text)
                // Stored by the line's key only when the scan saw the id the parser saw.
                if let scanned, (scanned.id == nil) == (id == nil) {
                    if byLine.count >= Worker.cacheLimit { byLine.removeAll(keepingCapacity: true) }
                    byLine[scanned.key] = rendered
                }
                if let id {
                    Array(idJSON(id, source: idSource).utf8).withUnsafeBytes { emit(rendered, lineNumber: lineNumber, id: $0, idText: idText(id, source: idSource)) }
                } else {
                    emit(rendered, lineNumber: lineNumber, id: nil, idText: nil)
                }
            case let .failure(error):
                failed.add(lineNumber)
                out.append(contentsOf: errorLine(lineNumber, id: error.id, idSource: error.idSource, error.message, csv: csv).utf8)
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
        let fields = [r.pick, r.confidence.rawValue, JSON.format(number: r.score), r.runnerUp ?? "",
                      r.runnerUpScore.map { JSON.format(number: $0) } ?? "", r.decisive ?? "", ""]
        for (k, field) in fields.enumerated() {
            if k > 0 { out.append(UInt8(ascii: ",")) }
            writeCSVField(field, to: &out)
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
        if !value.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            value = value.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) ? value : Sanitize.forTerminal(value, limit: Int.max)
        }
        value.withUTF8 { bytes in
            let formula = bytes.first.map { $0 == UInt8(ascii: "=") || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "@") } ?? false
            let quoted = bytes.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
            if quoted { out.append(UInt8(ascii: "\"")) }
            if formula { out.append(UInt8(ascii: "'")) }
            if quoted {
                for b in bytes {
                    out.append(b)
                    if b == UInt8(ascii: "\"") { out.append(b) }
                }
                out.append(UInt8(ascii: "\""))
            } else {
                out.append(contentsOf: bytes)
            }
        }
    }
}

/// The signal (SIGINT, SIGTERM) that asked batch to stop, or 0. Set by the handler; read
/// between lines, so a line being written is finished and no line is cut.
nonisolated(unsafe) var batchStopSignal: sig_atomic_t = 0

/// SIGINT and SIGTERM end batch between lines (exit 130 or 143) instead of killing it in the
/// middle of one. Without SA_RESTART, a read waiting for input returns at once (EINTR). A
/// second signal, if the output pipe blocks for good, ends the process at once.
func installStopHandlers() {
    unblockSignals()
    handleSignals([SIGINT, SIGTERM]) { signal in
        if batchStopSignal != 0 { _exit(128 + signal) }
        batchStopSignal = signal
    }
}
