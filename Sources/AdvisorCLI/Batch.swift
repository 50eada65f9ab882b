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

        enum Line { case text([UInt8]), tooLong(Int) }

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

        let catalog = inv.catalog
        var engine = Engine(catalog: catalog)
        engine.prerenderReasons()
        engine.prepareRequirementFacts()
        let csv = inv.format == .csv
        // A CSV row shows the pick, the confidence level, the runner-up and the decisive
        // reason: no what-if, warning, why-not, estimate or migration, so none is worked out.
        let withWhatIf = inv.flags.contains("what-if") && !csv
        // What-if judges each class of candidate answers once for the whole run (as `plan`).
        if withWhatIf { engine.prepareWhatIfs() }
        var reader = LineReader(fd: fd)
        var lineNumber = 0, answered = 0
        var failedLines: [Int] = []
        let queue = OutputQueue(fd: inv.io.stdoutDescriptor, fallback: inv.io.writeOut)
        if csv { try queue.append(csvHeader) }
        let progress = inv.io.stderrIsTerminal
        var lastProgress = monotonicSeconds()
        // Fleets repeat workload shapes, and the engine is deterministic: an answer is computed
        // once per profile and reused, found first by the line's bytes around its id (no
        // parsing), then by the parsed profile. Both caches are bounded, so memory stays flat.
        var byLine: [LineScan.LineKey: Rendered] = [:]
        var byProfile: [Profile: Rendered] = [:]
        let cacheLimit = 512
        /// The line being written, its capacity kept from one line to the next.
        var text: [UInt8] = []

        /// One answer: the id (as JSON text) leads the object, as if it had been its first member.
        func emit(_ rendered: Rendered, id: UnsafeRawBufferPointer?, idText: String?) throws {
            if csv {
                try queue.append(csvField(idText ?? "") + "," + String(lineNumber) + ",")
                try queue.append(rendered, from: 0)
            } else if let id {
                try queue.append(#"{"id":"#)
                try queue.append(id)
                try queue.append(",")
                try queue.append(rendered, from: 1)
            } else {
                try queue.append(rendered, from: 0)
            }
        }

        reader.willRead = { try queue.flush() }
        installStopHandlers()
        /// After SIGINT or SIGTERM: what is queued (whole lines only) is written, then the
        /// summary, and the exit status is 130 or 143.
        func stopIfSignalled() throws {
            guard batchStopSignal != 0 else { return }
            try queue.flush()
            inv.io.writeErr((progress ? "\r" : "") + "batch: stopped by a signal after \(lineNumber) line(s), \(answered) answered\n")
            throw Ask.Stop(status: batchStopSignal == SIGTERM ? .terminated : .interrupted, message: "")
        }
        while let line = try reader.next() {
            try stopIfSignalled()
            lineNumber += 1
            var bytes: [UInt8]
            switch line {
            case let .tooLong(count):
                failedLines.append(lineNumber)
                try queue.append(errorLine(lineNumber, id: nil, "the line is \(count) bytes long, more than the 16 MB a profile may take", csv: csv))
                continue
            case let .text(b): bytes = b
            }
            if bytes.last == 0x0D { bytes.removeLast() }
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            let scanned = bytes.withUnsafeBytes { LineScan.scan($0) }
            if let scanned, let hit = byLine[scanned.key] {
                answered += 1
                try bytes.withUnsafeBytes { all in
                    let id = scanned.id.map { UnsafeRawBufferPointer(rebasing: all[$0]) }
                    let idText = csv ? scanned.id.map { String(decoding: all[$0.lowerBound + 1..<$0.upperBound - 1], as: UTF8.self) } : nil
                    try emit(hit, id: id, idText: idText)
                }
            } else {
                switch parse(bytes, catalog: catalog) {
                case let .success((profile, id, idSource)):
                    answered += 1
                    let rendered: Rendered
                    if let hit = byProfile[profile] {
                        rendered = hit
                    } else {
                        // A CSV row: the ranking, with the pick's reasons alone written out.
                        let recommendation = csv ? engine.rowRanking(profile) : engine.recommend(profile, withWhatIf: withWhatIf)
                        text.removeAll(keepingCapacity: true)
                        if csv {
                            text.append(contentsOf: (csvTail(recommendation) + "\n").utf8)
                        } else {
                            // Written straight into bytes: the same bytes as Render.json's tree.
                            Render.writeJSON(recommendation, catalog: catalog, to: &text)
                            text.append(0x0A)
                        }
                        rendered = Rendered(text)
                        if byProfile.count >= cacheLimit { byProfile.removeAll(keepingCapacity: true) }
                        byProfile[profile] = rendered
                    }
                    // Stored by the line's key only when the scan saw the id the parser saw.
                    if let scanned, (scanned.id == nil) == (id == nil) {
                        if byLine.count >= cacheLimit { byLine.removeAll(keepingCapacity: true) }
                        byLine[scanned.key] = rendered
                    }
                    if let id {
                        try Array(idJSON(id, source: idSource).utf8).withUnsafeBytes { try emit(rendered, id: $0, idText: idText(id, source: idSource)) }
                    } else {
                        try emit(rendered, id: nil, idText: nil)
                    }
                case let .failure(error):
                    failedLines.append(lineNumber)
                    try queue.append(errorLine(lineNumber, id: error.id, idSource: error.idSource, error.message, csv: csv))
                }
            }
            if queue.pendingBytes >= 1 << 18 { try queue.flush() }
            if progress && lineNumber % 1024 == 0 && monotonicSeconds() - lastProgress > 0.5 {
                try queue.flush()
                inv.io.writeErr("\r\(lineNumber) lines…")
                lastProgress = monotonicSeconds()
            }
        }
        try stopIfSignalled()
        try queue.flush()
        var summary = (progress ? "\r" : "") + "batch: \(lineNumber) line(s), \(answered) answered, \(failedLines.count) failed"
        if !failedLines.isEmpty {
            summary += " (line" + (failedLines.count > 1 ? "s " : " ") + failedLines.prefix(10).map(String.init).joined(separator: ", ") + (failedLines.count > 10 ? ", …" : "") + ")"
        }
        inv.io.writeErr(summary + "\n")
        if !failedLines.isEmpty { throw Ask.Stop(status: .batchLinesFailed, message: "") }
        return ""
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
    static func csvTail(_ r: Recommendation) -> String {
        let runnerUp = r.alternatives.first?.0
        let theirs = Set(runnerUp?.scoreFindings.map(\.rule) ?? [])
        let plus = r.pick.scoreFindings.filter { $0.weight > 0 }.sorted { $0.weight > $1.weight }
        let decisive = plus.first { !theirs.contains($0.rule) } ?? plus.first
        return [r.pick.service.id, r.confidence.level.rawValue, JSON.format(number: r.pick.score), runnerUp?.service.id ?? "",
                runnerUp.map { JSON.format(number: $0.score) } ?? "", decisive?.text ?? "", ""].map(csvField).joined(separator: ",")
    }

    /// RFC 4180: quote a field holding a comma, quote or line break; double inner quotes.
    /// A leading = + - @ is prefixed with ' so spreadsheets do not run it as a formula.
    /// Control characters (ESC, BEL, line breaks...) are shown as visible escapes (`\u{1b}`,
    /// `\n`), as in text output: a CSV file is read in terminals and spreadsheets alike.
    static func csvField(_ s: String) -> String {
        // Printable ASCII that needs neither quotes nor a formula guard (nearly every field)
        // is written as it is; the rest the careful way below.
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ",") && $0 != UInt8(ascii: "\"") }),
           !"=+-@".utf8.contains(s.utf8.first ?? 0) {
            return s
        }
        var value = s.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) ? s : Sanitize.forTerminal(s, limit: Int.max)
        if let first = value.first, "=+-@".contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacing("\"", with: "\"\"") + "\""
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
