import AdvisorCore
import Platform
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `dbadvisor ask`: the questionnaire, in one of three forms. On a terminal, a full-screen-free
/// prompt in the style of gh and gum (arrow keys, space to toggle, `?` for help, back, skip);
/// with TERM=dumb or NO_COLOR, the same questions line by line with no escape codes; with
/// piped input, one answer per line in question order, no prompts at all.
enum Ask {
    /// How the questionnaire ended early.
    struct Stop: Error {
        var status: ExitStatus
        var message: String
    }

    static func run(_ inv: Invocation) throws -> String {
        try Commands.noPositionals(inv)
        let catalog = inv.catalog
        let flow = Questionnaire(catalog: catalog)
        var profile = Profile()
        // Questions a saved answers file records as skipped stay skipped (and --no-input
        // accepts them as answered).
        var skipped = Set<String>()
        if let path = inv.options["answers"] {
            let (loaded, record) = try Commands.loadAnswersWithRecord(path, inv: inv)
            profile = loaded
            for key in record?["skipped"]?.arrayValue?.compactMap(\.stringValue) ?? [] where catalog.question(key) != nil && profile[key] == nil {
                skipped.insert(key)
            }
        }
        let io = inv.io
        if let stackPath = inv.options["plan"] {
            return try planSession(stackPath: stackPath, inv: inv, flow: flow)
        }
        if inv.flags.contains("no-input") || io.environment["DBADVISOR_NO_INPUT"].map({ !$0.isEmpty }) == true {
            let missing = flow.remaining(after: profile, skipped: skipped)
            if !missing.isEmpty {
                throw CLIError.usage("Refusing to prompt (--no-input) with \(missing.count) question(s) unanswered: \(missing.map(\.key).joined(separator: ", ")). Give them as flags to 'dbadvisor recommend', or drop --no-input.", command: "ask")
            }
        } else if io.stdinIsTerminal && io.stderrIsTerminal {
            let plain = plainPrompts(inv)
            profile = plain ? try plainSession(flow: flow, profile: profile, skipped: &skipped, io: io)
                            : try richSession(flow: flow, profile: profile, skipped: &skipped, io: io)
        } else if io.stdinIsTerminal {
            // The questions are drawn on stderr: redirected (`ask 2>log`), they would not be
            // seen, and answers typed blind are not answers. Nothing is read.
            let missing = flow.remaining(after: profile, skipped: skipped)
            if !missing.isEmpty {
                throw CLIError.usage("ask shows its questions on standard error, which is not a terminal here (redirected?), so nothing was asked. Keep standard error on the terminal (redirect standard output instead: dbadvisor ask > result.txt), pipe the answers in one per line, or give them as flags to 'dbadvisor recommend'.", command: "ask")
            }
        } else {
            profile = try pipedSession(flow: flow, profile: profile, skipped: &skipped, io: io)
        }
        return try finish(profile: profile, skipped: skipped, inv: inv, flow: flow)
    }

    /// Line-by-line prompts with no escape codes: TERM=dumb, NO_COLOR or --no-color.
    static func plainPrompts(_ inv: Invocation) -> Bool {
        inv.io.environment["TERM"] == "dumb" || inv.io.environment["NO_COLOR"].map { !$0.isEmpty } == true || inv.flags.contains("no-color")
    }

    /// The recommendation, the command that reproduces it, and the saved answers file.
    static func finish(profile: Profile, skipped: Set<String>, inv: Invocation, flow: Questionnaire) throws -> String {
        let catalog = inv.catalog
        let recommendation = flow.engine.recommend(profile)
        if let path = inv.options["save"] {
            var members = profile.json(order: catalog.questions).objectValue ?? []
            // Every question left unanswered (skipped, or not reached because the session was
            // stopped) is recorded as skipped, in questionnaire order, so that
            // `ask --answers FILE --no-input` replays the same session.
            let skippedKeys = catalog.questions.filter { q in
                profile[q.key] == nil && (skipped.contains(q.key) || flow.isRelevant(q, given: profile))
            }.map(\.key)
            members.append(("_dbadvisor", .object([("catalogVersion", .string(catalog.version)), ("recommendation", .string(recommendation.pick.service.id)),
                                                   ("skipped", .array(skippedKeys.map(JSON.string)))])))
            let text = JSON.object(members).prettyText() + "\n"
            do {
                try FileSystem.writeAtomically(Array(text.utf8), to: path)
            } catch {
                throw CLIError(status: .ioError, message: "cannot write the answers to '\(Sanitize.forTerminal(path))': \(error)")
            }
        }
        let command = flow.commandLine(for: profile)
        if inv.format == .json {
            inv.io.writeErr("Reproduce with: \(command) --format json\n")
            return Render.json(recommendation, catalog: catalog).compactText() + "\n"
        }
        var out = Render.text(recommendation, catalog: catalog, width: inv.io.width, style: inv.style, verbose: inv.flags.contains("verbose"))
        out += "\n" + inv.style.bold("Reproduce with") + "\n" + CLI.wrapCommand(command, width: inv.io.width) + "\n"
        if let path = inv.options["save"] { out += "Answers saved to \(Sanitize.forTerminal(path, limit: 400)).\n" }
        return out
    }

    // MARK: a stack, one component at a time

    /// `ask --plan FILE`: names a component, asks its questionnaire, repeats; then asks which
    /// components feed which, writes the stack file and prints the plan.
    static func planSession(stackPath: String, inv: Invocation, flow: Questionnaire) throws -> String {
        let io = inv.io
        guard io.stdinIsTerminal && io.stderrIsTerminal else {
            throw CLIError.usage("ask --plan builds a stack on a terminal; without one, write the stack file by hand (see Tests/Fixtures/stacks/ecommerce.json) and run 'dbadvisor plan FILE'.", command: "ask")
        }
        let plain = plainPrompts(inv)
        installPlainInterruptHandlers()
        func prompt(_ text: String) throws -> String {
            io.writeErr(text)
            guard let line = try readLine(io: io) else {
                throw Stop(status: .cancelled, message: "Cancelled: end of input before the stack was finished; nothing was written.")
            }
            return line.trimmedSpaces
        }
        var components: [(String, Profile)] = []
        while true {
            let name = try prompt("\nComponent \(components.count + 1) name (for example orders, cart, sessions; empty to finish): ")
            if name.isEmpty {
                if components.isEmpty { io.writeErr("A stack needs at least one component.\n"); continue }
                break
            }
            if components.contains(where: { $0.0 == name }) { io.writeErr("'\(Sanitize.forTerminal(name))' is already a component.\n"); continue }
            io.writeErr("Questions for \(Sanitize.forTerminal(name)):\n")
            var skipped = Set<String>()
            let profile = plain ? try plainSession(flow: flow, profile: Profile(), skipped: &skipped, io: io)
                                : try richSession(flow: flow, profile: Profile(), skipped: &skipped, io: io)
            installPlainInterruptHandlers()
            components.append((name, profile))
        }
        var flows: [(String, String)] = []
        if components.count > 1 {
            let names = components.map(\.0)
            while true {
                let line = try prompt("\nWhich components feed which? from>to, separated by commas (components: \(names.joined(separator: ", ")); empty for none): ")
                var parsed: [(String, String)] = []
                var problem: String? = nil
                for part in line.split(separator: ",") {
                    let ends = part.split(separator: ">").map { $0.trimmedSpaces }
                    if ends.count == 2, ends[0] == ends[1], names.contains(ends[0]) {
                        problem = Stack.selfFlowMessage(ends[0])
                        break
                    }
                    guard ends.count == 2, names.contains(ends[0]), names.contains(ends[1]) else {
                        problem = "'\(Sanitize.forTerminal(String(part)))' is not from>to between two different components"
                        break
                    }
                    parsed.append((ends[0], ends[1]))
                }
                if let problem { io.writeErr("  \(problem)\n"); continue }
                flows = parsed
                break
            }
        }
        let stackJSON = JSON.object([
            ("name", .string(stackName(stackPath))),
            ("components", .array(components.map { .object([("name", .string($0.0)), ("profile", $0.1.json(order: inv.catalog.questions))]) })),
            ("flows", .array(flows.map { .object([("from", .string($0.0)), ("to", .string($0.1))]) })),
        ])
        do {
            try FileSystem.writeAtomically(Array((stackJSON.prettyText() + "\n").utf8), to: stackPath)
        } catch {
            throw CLIError(status: .ioError, message: "cannot write the stack to '\(Sanitize.forTerminal(stackPath))': \(error)")
        }
        guard case let .success(stack) = Stack.parse(stackJSON, catalog: inv.catalog) else {
            throw CLIError(status: .software, message: "the stack just written does not read back")
        }
        let plan = flow.engine.plan(stack)
        let out = inv.format == .json ? String(decoding: PlanCommand.jsonBytes(plan, catalog: inv.catalog), as: UTF8.self) : PlanCommand.text(plan, catalog: inv.catalog, width: io.width, style: inv.style)
        return out + (inv.format == .json ? "" : "\nStack saved to \(Sanitize.forTerminal(stackPath, limit: 400)); replan with: dbadvisor plan \(Sanitize.forTerminal(stackPath, limit: 400))\n")
    }

    /// A stack's name from its file: the file name without its directory or extension.
    static func stackName(_ path: String) -> String {
        var name = path.split(separator: "/").last.map(String.init) ?? path
        if let dot = name.lastIndex(of: "."), dot != name.startIndex { name = String(name[..<dot]) }
        return name
    }

    // MARK: piped

    /// The longest line piped `ask` reads, in bytes: an answer is a value name, a list of
    /// them or a number, far shorter; a longer line is refused, never held in memory whole.
    static let maxPipedLine = 65_536

    /// One answer per line in question order; an empty line skips; end of input stops asking.
    /// The input is read as it comes, one line at a time (memory stays flat however long it is).
    static func pipedSession(flow: Questionnaire, profile start: Profile, skipped: inout Set<String>, io: IO) throws -> Profile {
        var reader = PipedLines(io: io, maxLine: maxPipedLine)
        var profile = start
        while let question = flow.remaining(after: profile, skipped: skipped).first {
            guard let line = try reader.next() else { break }
            switch flow.parse(line: line, for: question) {
            case let .success(answer?): profile[question.key] = answer
            case .success(nil): skipped.insert(question.key)
            case let .failure(error):
                throw CLIError.data("line \(reader.lineNumber) answers '\(question.key)': \(error.message)")
            }
        }
        // What follows the last answer may only be blank lines.
        while let line = try reader.next() {
            if !line.trimmedSpaces.isEmpty {
                throw CLIError.data("line \(reader.lineNumber): more answers than questions (every question is answered or skipped by then)")
            }
        }
        return profile
    }

    /// The lines of piped answers, read in chunks from standard input (or, for a test's IO
    /// with no descriptor, from what `readStdin` returns): a byte-order mark at the start and
    /// a CR before each LF are dropped; a line longer than `maxLine` bytes or not UTF-8 is an
    /// error naming its number.
    struct PipedLines {
        let fd: Int32?
        let maxLine: Int
        private var buffer: [UInt8] = []
        private var start = 0
        private var finished = false
        private(set) var lineNumber = 0

        init(io: IO, maxLine: Int) {
            fd = io.stdinDescriptor
            self.maxLine = maxLine
            if fd == nil {
                buffer = (try? io.readStdin()) ?? []
                finished = true
            }
        }

        mutating func next() throws -> String? {
            var searched = start
            while true {
                if let newline = buffer[searched...].firstIndex(of: 0x0A) {
                    return try take(upTo: newline, skip: 1)
                }
                searched = buffer.count
                if buffer.count - start > maxLine {
                    throw CLIError.data("line \(lineNumber + 1) of the answers is longer than \(maxLine) bytes; each line holds one short answer")
                }
                if finished {
                    return start < buffer.count ? try take(upTo: buffer.count, skip: 0) : nil
                }
                if start > 0 {
                    buffer.removeFirst(start)
                    searched -= start
                    start = 0
                }
                var chunk = [UInt8](repeating: 0, count: 1 << 16)
                let n = chunk.withUnsafeMutableBytes { read(fd!, $0.baseAddress, $0.count) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw CLIError.noInput("cannot read the answers on standard input: \(String(cString: strerror(errno)))")
                }
                if n == 0 { finished = true } else { buffer.append(contentsOf: chunk[0..<n]) }
            }
        }

        private mutating func take(upTo end: Int, skip: Int) throws -> String {
            var slice = buffer[start..<end]
            start = end + skip
            lineNumber += 1
            if end - slice.startIndex > maxLine {
                throw CLIError.data("line \(lineNumber) of the answers is longer than \(maxLine) bytes; each line holds one short answer")
            }
            // A byte-order mark, as Windows editors write, is not part of the first answer.
            if lineNumber == 1, slice.starts(with: [0xEF, 0xBB, 0xBF]) { slice = slice.dropFirst(3) }
            if slice.last == 0x0D { slice = slice.dropLast() }
            guard let text = String(validating: slice, as: UTF8.self) else {
                throw CLIError.data("line \(lineNumber) of the answers on standard input is not valid UTF-8")
            }
            return text
        }
    }

    // MARK: plain, line by line

    static func plainSession(flow: Questionnaire, profile start: Profile, skipped: inout Set<String>, io: IO) throws -> Profile {
        signalMayUseEscapes = 0
        installPlainInterruptHandlers()
        var profile = start
        var visited: [String] = []
        var offeredStop = false
        io.writeErr("Answer each question with a number or a value name. Empty line: skip. '<': back. '?': help.\n")
        while let question = flow.remaining(after: profile, skipped: skipped).first {
            if !offeredStop, !visited.isEmpty, flow.questionsThatCouldChangePick(profile, remaining: flow.remaining(after: profile, skipped: skipped)).isEmpty {
                offeredStop = true
                let pick = flow.engine.pick(profile)
                io.writeErr("\nNo remaining answer alone would change the pick (\(pick)). Stop here? [Y/n] ")
                let reply = try readLine(io: io)?.lowercased() ?? ""
                if reply.isEmpty || reply.hasPrefix("y") { break }
            }
            let total = visited.count + flow.remaining(after: profile, skipped: skipped).count
            var text = "\nQuestion \(visited.count + 1) of \(total)\(question.isCore ? " (core)" : ""): \(question.prompt)\n  \(question.hint)\n"
            for (i, v) in question.values.enumerated() { text += "  \(i + 1)) \(v.value)\(v.label.lowercased() == v.value.replacing("-", with: " ") ? "" : "  \(v.label)")\n" }
            text += question.kind == .set ? "Answer (numbers or names, comma-separated): " : question.kind == .choice ? "Answer: " : "Answer (\(question.example ?? "")): "
            io.writeErr(text)
            guard let line = try readLine(io: io) else {
                throw Stop(status: .cancelled, message: "Cancelled: end of input before the questionnaire finished; nothing was recommended.")
            }
            let trimmed = line.trimmedSpaces
            if trimmed == "?" {
                io.writeErr(helpText(question, width: io.width, style: Style(enabled: false)))
                continue
            }
            if trimmed == "<" {
                if let previous = visited.popLast() {
                    profile[previous] = nil
                    skipped.remove(previous)
                } else {
                    io.writeErr("This is the first question.\n")
                }
                continue
            }
            switch flow.parse(line: line, for: question) {
            case let .success(answer?):
                profile[question.key] = answer
                visited.append(question.key)
            case .success(nil):
                skipped.insert(question.key)
                visited.append(question.key)
            case let .failure(error):
                io.writeErr("  \(error.message)\n")
            }
        }
        io.writeErr("\n")
        return profile
    }

    static func readLine(io: IO) throws -> String? {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let n = read(STDIN_FILENO, &byte, 1)
            if n == 0 { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if byte == 0x0A {
                // A CRLF line ending (a Windows terminal or a pasted file) ends the line too.
                if bytes.last == 0x0D { bytes.removeLast() }
                return String(decoding: bytes, as: UTF8.self)
            }
            bytes.append(byte)
        }
    }

    static func helpText(_ q: Question, width: Int, style st: Style) -> String {
        var out = wrap(q.help, width: width, indent: 2, firstIndent: 2) + "\n"
        for v in q.values where !v.help.isEmpty {
            out += wrap("\(st.bold(v.value)): \(v.help)", width: width + (st.enabled ? 8 : 0), indent: 6, firstIndent: 4) + "\n"
        }
        if let example = q.example { out += "    Example: \(example)\n" }
        return out
    }

    // MARK: rich

    static func richSession(flow: Questionnaire, profile start: Profile, skipped: inout Set<String>, io: IO) throws -> Profile {
        guard let terminal = RawTerminal() else { return try plainSession(flow: flow, profile: start, skipped: &skipped, io: io) }
        signalMayUseEscapes = 1
        terminal.enterRawMode()
        let screen = Screen(io: io, terminal: terminal)
        screen.write("\u{1B}[?25l")
        defer {
            screen.write("\u{1B}[?25h")
            terminal.restore()
        }
        var profile = start
        var visited: [(key: String, answer: Answer?)] = []
        var offeredStop = false
        var preselect: Answer? = nil
        while let question = flow.remaining(after: profile, skipped: skipped).first {
            let remaining = flow.remaining(after: profile, skipped: skipped)
            if !offeredStop, !visited.isEmpty, flow.questionsThatCouldChangePick(profile, remaining: remaining).isEmpty {
                offeredStop = true
                let pick = flow.catalog.service(flow.engine.pick(profile))?.name ?? ""
                if try screen.confirm("No remaining answer alone would change the pick (\(pick)). Stop here?", details: "\(remaining.count) optional question(s) left; they would only sharpen the reasoning.") {
                    break
                }
            }
            let progress = "Question \(visited.count + 1) of \(visited.count + remaining.count)" + (question.isCore ? " · core" : "")
            let outcome: Screen.Outcome
            do {
                outcome = try screen.ask(question, progress: progress, preselect: preselect, canGoBack: !visited.isEmpty, flow: flow)
            } catch let stop as Ask.Stop where stop.status == .interrupted && !profile.isEmpty {
                // Ctrl-C keeps what was answered: the command that reproduces it, then 130.
                throw Ask.Stop(status: .interrupted, message: "Interrupted. The answers so far, as a command:\n" + CLI.wrapCommand(flow.commandLine(for: profile), width: io.width))
            }
            preselect = nil
            switch outcome {
            case let .answer(answer):
                profile[question.key] = answer
                visited.append((question.key, answer))
                screen.summarize(question, answer: answer.text)
            case .skip:
                skipped.insert(question.key)
                visited.append((question.key, nil))
                screen.summarize(question, answer: "skipped")
            case .back:
                if let previous = visited.popLast() {
                    profile[previous.key] = nil
                    skipped.remove(previous.key)
                    preselect = previous.answer
                    screen.unsummarize()
                }
            }
        }
        screen.clear()
        return profile
    }
}

/// The rich questionnaire's drawing: a frame of lines on stderr, redrawn in place.
final class Screen {
    enum Outcome { case answer(Answer), skip, back }

    let io: IO
    let terminal: RawTerminal
    private var drawn: [Int] = []          // display length of each line of the current frame
    private var summaries: [Int] = []      // display lengths of the one-line summaries printed
    private var width: Int

    init(io: IO, terminal: RawTerminal) {
        self.io = io
        self.terminal = terminal
        width = terminal.width
    }

    func write(_ s: String) { io.writeErr(s) }

    /// Rows the frame occupies now; after a resize the terminal may have re-wrapped long lines.
    private func rows(_ lengths: [Int]) -> Int {
        lengths.reduce(0) { $0 + max(1, ($1 + width - 1) / max(1, width)) }
    }

    /// Columns a line may take: one short of the width, so that no terminal wraps it early
    /// (at least one: a 1-column terminal shows "…" for every line that does not fit).
    private var columns: Int { max(1, width - 1) }

    /// Erases the current frame and leaves the cursor where it began.
    func clear() {
        let n = rows(drawn)
        if n > 0 { write("\r" + (n > 1 ? "\u{1B}[\(n - 1)A" : "") + "\u{1B}[J") }
        drawn = []
    }

    /// Draws `lines` (each cut to the width, so nothing wraps) in place of the current frame.
    func draw(_ lines: [(text: String, style: (String) -> String)]) {
        clear()
        var out = ""
        var lengths: [Int] = []
        for (i, line) in lines.enumerated() {
            let cut = fitting(line.text, columns: columns)
            lengths.append(displayWidth(cut))
            out += line.style(cut) + (i < lines.count - 1 ? "\r\n" : "")
        }
        write(out)
        drawn = lengths
    }

    func summarize(_ q: Question, answer: String) {
        clear()
        let line = "✔ \(q.prompt) \(answer)"
        if displayWidth(line) <= columns {
            write("\u{1B}[32m✔\u{1B}[0m \(q.prompt) \u{1B}[36m\(answer)\u{1B}[0m\r\n")
            summaries.append(displayWidth(line))
        } else {
            // The answer is what the line is for: the prompt gives way first.
            let room = columns - displayWidth("✔  \(answer)")
            let cut = room >= 6 ? "✔ " + fitting(q.prompt, columns: room) + " " + answer : fitting(line, columns: columns)
            write(cut + "\r\n")
            summaries.append(displayWidth(cut))
        }
    }

    func unsummarize() {
        clear()
        if let last = summaries.popLast() {
            let n = max(1, (last + width - 1) / max(1, width))
            write("\u{1B}[\(n)A\r\u{1B}[J")
        }
    }

    private func handleCommon(_ key: Key) throws {
        switch key {
        case .interrupt:
            clear()
            throw Ask.Stop(status: .interrupted, message: "")
        case .endOfInput:
            clear()
            throw Ask.Stop(status: .cancelled, message: "Cancelled: end of input before the questionnaire finished; nothing was recommended.")
        case .resize:
            // Lines drawn at the old width may now wrap; rows() counts them at the new width
            // when the frame is cleared, so the redraw lands in place.
            width = terminal.width
        case .suspend:
            terminal.suspend()
        case .redraw:
            // Back from a stop (fg): the shell wrote below the old frame, which stays as it
            // is; the frame is drawn afresh on a new line, in raw mode again.
            drawn = []
            summaries = []
            width = terminal.width
        default: break
        }
    }

    func confirm(_ question: String, details: String) throws -> Bool {
        var yes = true
        while true {
            draw([
                ("? \(question)", { "\u{1B}[1m\($0)\u{1B}[0m" }),
                ("  \(details)", { "\u{1B}[2m\($0)\u{1B}[0m" }),
                (yes ? "❯ Yes, show the recommendation    No, keep answering" : "  Yes, show the recommendation  ❯ No, keep answering", { $0 }),
                ("  ←/→ choose · enter confirm · y/n", { "\u{1B}[2m\($0)\u{1B}[0m" }),
            ])
            let key = terminal.readKey()
            try handleCommon(key)
            switch key {
            case .left, .right, .tab, .up, .down: yes.toggle()
            case .character("y"), .character("Y"): clear(); return true
            case .character("n"), .character("N"): clear(); return false
            case .enter: clear(); return yes
            default: break
            }
        }
    }

    func ask(_ q: Question, progress: String, preselect: Answer?, canGoBack: Bool, flow: Questionnaire) throws -> Outcome {
        var showHelp = false
        // A long list with no natural first answer (the Regions) starts on Skip: Enter never
        // picks its first entry by accident.
        var cursor = q.kind.isTyped || q.values.count <= 20 ? 0 : q.values.count
        var selected = Set<String>()
        var field = LineEditor()
        var error: String? = nil
        switch preselect {
        case let .choice(v)?: cursor = q.valueNames.firstIndex(of: v) ?? 0
        case let .set(vs)?: selected = Set(vs)
        case let a?: field = LineEditor(a.text)
        default: break
        }
        let isText = q.kind.isTyped
        let dim: (String) -> String = { "\u{1B}[2m\($0)\u{1B}[0m" }
        let plain: (String) -> String = { $0 }
        while true {
            var lines: [(text: String, style: (String) -> String)] = []
            // Text that may not fit wraps onto more lines (a word wider than the screen is cut).
            func wrapped(_ text: String, indent: Int, firstIndent: Int, _ style: @escaping (String) -> String) {
                for line in wrap(text, width: max(1, columns), indent: indent, firstIndent: firstIndent).split(separator: "\n", omittingEmptySubsequences: false) {
                    lines.append((String(line), style))
                }
            }
            wrapped(progress + (canGoBack ? " · ← back" : "") + " · ? help · Ctrl-C quit", indent: 0, firstIndent: 0, dim)
            wrapped("? \(q.prompt)", indent: 2, firstIndent: 0, { "\u{1B}[1m\($0)\u{1B}[0m" })
            wrapped(q.hint, indent: 2, firstIndent: 2, dim)
            if showHelp {
                for line in Ask.helpText(q, width: max(20, columns), style: Style(enabled: false)).split(separator: "\n") {
                    lines.append((String(line), { "\u{1B}[36m\($0)\u{1B}[0m" }))
                }
            }
            if isText {
                // A field wider than the screen shows its end, where the cursor is.
                let shown = fittingEnd("❯ \(field.before)", columns: max(1, columns - 2)) + "▏"
                lines.append((fitting(shown + field.after, columns: columns), plain))
                if let error { wrapped("✗ \(error)", indent: 4, firstIndent: 2, { "\u{1B}[31m\($0)\u{1B}[0m" }) }
                wrapped("enter accept · s or empty enter skips · e.g. \(q.example ?? "")", indent: 2, firstIndent: 2, dim)
            } else {
                let skipIndex = q.values.count
                for (i, v) in q.values.enumerated() {
                    let mark = q.kind == .set ? (selected.contains(v.value) ? "[x] " : "[ ] ") : ""
                    let pointer = i == cursor ? "❯ " : "  "
                    let label = v.label.lowercased() == v.value.replacing("-", with: " ") ? "" : "  " + v.label
                    let number = String(i + 1)
                    let text = "\(pointer)\(mark)\(String(repeating: " ", count: String(q.values.count).count - number.count))\(number). \(v.value)\(label)"
                    lines.append((text, i == cursor ? { "\u{1B}[36m\($0)\u{1B}[0m" } : plain))
                }
                lines.append(((cursor == skipIndex ? "❯ " : "  ") + "Skip (I don't know)", cursor == skipIndex ? { "\u{1B}[36m\($0)\u{1B}[0m" } : dim))
                if let error { wrapped("✗ \(error)", indent: 4, firstIndent: 2, { "\u{1B}[31m\($0)\u{1B}[0m" }) }
                wrapped(q.kind == .set ? "↑/↓ or 1-\(min(9, q.values.count)) move · space tick · enter confirm · s skip" : "↑/↓ move · 1-\(min(9, q.values.count)) jump · enter select · s skip", indent: 2, firstIndent: 2, dim)
            }
            draw(lines)
            let key = terminal.readKey()
            try handleCommon(key)
            error = nil
            if case .character("?") = key { showHelp.toggle(); continue }
            if isText {
                switch key {
                // No size, rate or percentage starts with s: on an empty field it skips, as everywhere.
                case .character("s") where field.isEmpty: return .skip
                // ← on an empty field goes back; with text, it moves the cursor.
                case .left where field.isEmpty: if canGoBack { return .back }
                case .escape: field = LineEditor()
                case .enter:
                    switch flow.parse(line: field.text, for: q) {
                    case let .success(answer?): return .answer(answer)
                    case .success(nil): return .skip
                    case let .failure(e): error = e.message
                    }
                // Editing keys edit the field and nothing else: held down, they stop at empty.
                default: _ = field.apply(key)
                }
                continue
            }
            let count = q.values.count + 1
            switch key {
            case .up, .character("k"): cursor = (cursor + count - 1) % count
            case .down, .character("j"), .tab: cursor = (cursor + 1) % count
            case .left, .character("b"): if canGoBack { return .back }
            case .character("s"): return .skip
            // A number jumps to a value; space ticks it (two keys, two actions).
            case let .character(c) where c.isNumber:
                if let n = Int(String(c)), n >= 1, n <= q.values.count { cursor = n - 1 }
            case .space:
                if q.kind == .set, cursor < q.values.count {
                    let v = q.values[cursor].value
                    if selected.contains(v) { selected.remove(v) } else { selected.insert(v) }
                }
            case .enter, .right:
                if cursor == q.values.count { return .skip }
                if q.kind == .choice { return .answer(.choice(q.values[cursor].value)) }
                // Nothing ticked means none of these: the question is skipped, not answered.
                if selected.isEmpty { return .skip }
                return .answer(.set(q.valueNames.filter(selected.contains)))
            default: break
            }
        }
    }
}
