import AdvisorCore
import Platform
import BundledCatalog
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The output formats, a closed set: each command declares the ones it supports.
public enum OutputFormat: String, Sendable, CaseIterable {
    case text, json, markdown, csv
}

/// One option, declared once: the parser, usage, help, completions and the manual all read this.
public struct OptionSpec: Sendable {
    public var name: String
    public var valueName: String?
    public var help: String
    public var values: [String]
    public var defaultValue: String?
    /// A profile key (one per question): usage shows them as one group, `[--<key> <value> ...]`.
    public var isProfileKey = false
    /// A one-letter alias (`-v`), for a flag.
    public var short: Character? = nil

    public var isFlag: Bool { valueName == nil }
    /// Whether the value is a path (completion offers files).
    public var takesPath: Bool { valueName == "file" || valueName == "dir" }
}

/// One positional argument, declared once.
public struct ArgumentSpec: Sendable {
    public enum Completes: Sendable { case nothing, services, files, words([String]) }

    public var name: String
    public var help: String
    public var optional = false
    public var repeats = false
    /// What completion offers for it.
    public var completes: Completes = .nothing

    /// As usage shows it: <service>, [<file>], <services> ...
    public var usage: String {
        let word = "<\(name)>" + (repeats ? " ..." : "")
        return optional ? "[\(word)]" : word
    }
}

/// One command, declared once: parsing, usage, help, completions and the manual are all
/// generated from this.
public struct CommandSpec: Sendable {
    public var name: String
    public var abstract: String
    public var arguments: [ArgumentSpec]
    /// The command's own options; `options` adds --format (when it has formats) and the
    /// global options.
    public var own: [OptionSpec]
    /// The formats it writes, the default first; empty when it has no --format.
    public var formats: [OutputFormat]
    public var examples: [String]
    /// Whether it takes a profile as --<key> <value> options (one per question of the catalog).
    public var readsProfile: Bool
    public var run: @Sendable (Invocation) throws -> String

    init(name: String, abstract: String, arguments: [ArgumentSpec] = [], options: [OptionSpec] = [], readsProfile: Bool = false,
         formats: [OutputFormat] = [], formatHelp: String = "Output format.", examples: [String],
         run: @escaping @Sendable (Invocation) throws -> String) {
        self.name = name
        self.readsProfile = readsProfile
        self.abstract = abstract
        self.arguments = arguments
        self.formats = formats
        self.examples = examples
        self.run = run
        var own = options
        if !formats.isEmpty {
            own.append(OptionSpec(name: "format", valueName: "format", help: formatHelp, values: formats.map(\.rawValue), defaultValue: formats[0].rawValue))
        }
        self.own = own
    }

    /// Every option it accepts: its own, then the global ones.
    public var options: [OptionSpec] { own + CLI.globalOptions }

    /// The usage line, from the declaration.
    public var usage: String {
        var parts = ["dbadvisor", name] + arguments.map(\.usage)
        for o in options where !o.isProfileKey {
            parts.append("[--\(o.name)" + (o.valueName.map { " <\($0)>" } ?? "") + "]")
            if o.name == "answers" && readsProfile { parts.append("[--<key> <value> ...]") }
        }
        return parts.joined(separator: " ")
    }
}

/// A parsed command line: the options given and the positional arguments.
public struct Invocation: Sendable {
    public var command: CommandSpec
    public var options: [String: String]
    public var flags: Set<String>
    public var positionals: [String]
    public var io: IO
    public var catalog: Catalog
    public var style: Style
    /// The --catalog directory, for commands that load the catalog themselves (lint).
    public var catalogDirectory: String? = nil

    /// The output format: the one given, else the command's default (text for a command
    /// without --format). The parser refused any other value.
    public var format: OutputFormat {
        options["format"].flatMap(OutputFormat.init(rawValue:)) ?? command.formats.first ?? .text
    }
}

public let toolVersion = "0.1.0"

/// The program: argument parsing, dispatch, and the one place errors become messages and statuses.
public enum CLI {
    static let catalogOption = OptionSpec(name: "catalog", valueName: "dir", help: "Use the catalog in this directory instead of the bundled one.", values: [], defaultValue: nil)
    static let noColorOption = OptionSpec(name: "no-color", valueName: nil, help: "Never colour the output (also: NO_COLOR=1).", values: [], defaultValue: nil)
    static let helpOption = OptionSpec(name: "help", valueName: nil, help: "Show help information.", values: [], defaultValue: nil)
    static let colorOption = OptionSpec(name: "color", valueName: "when", help: "Colour the text output: on a terminal only (auto), always, or never. NO_COLOR=1 means never and wins over FORCE_COLOR=1, which means always.", values: ["auto", "always", "never"], defaultValue: "auto")
    /// Accepted by every command, before or after the subcommand's name.
    static let globalOptions = [catalogOption, colorOption, noColorOption]
    static let recordHelp = "Output format; markdown writes an architecture decision record."

    /// Every command, in the order help lists them.
    static func commands(catalog: Catalog?) -> [CommandSpec] {
        let profileOptions = (catalog?.questions ?? []).map { q in
            OptionSpec(name: q.key, valueName: q.kind == .set ? "list" : q.kind == .size ? "size" : q.kind == .rate ? "rate" : q.kind == .percent ? "percent" : "value",
                       help: q.prompt + (q.kind == .set ? " Comma-separated." : "") + (q.kind.isTyped ? " " + q.hint : ""),
                       values: q.valueNames, defaultValue: nil, isProfileKey: true)
        }
        let answers = OptionSpec(name: "answers", valueName: "file", help: "Read answers from a JSON file ('-' for stdin); flags override it.", values: [], defaultValue: nil)
        let save = OptionSpec(name: "save", valueName: "file", help: "Write the answers to this JSON answers file at the end.", values: [], defaultValue: nil)
        let noInput = OptionSpec(name: "no-input", valueName: nil, help: "Never prompt; fail if a question is unanswered (also: DBADVISOR_NO_INPUT=1).", values: [], defaultValue: nil)
        let prefill = OptionSpec(name: "answers", valueName: "file", help: "Pre-fill answers from a JSON file; only the rest are asked.", values: [], defaultValue: nil)
        let verbose = OptionSpec(name: "verbose", valueName: nil, help: "The full report: every reason, trade-off, alternative, ruled-out service and estimate.", values: [], defaultValue: nil, short: "v")
        let planOption = OptionSpec(name: "plan", valueName: "file", help: "Build a stack instead: name each component and answer its questions, then say which feed which; writes the stack file and prints the plan.", values: [], defaultValue: nil)
        return [
            CommandSpec(name: "ask", abstract: "Answer the questionnaire interactively, then get the recommendation (the default on a terminal).",
                        options: [prefill, save, noInput, planOption, verbose], formats: [.text, .json],
                        examples: ["dbadvisor ask --save workload.json", "printf 'relational\\n\\n\\n' | dbadvisor ask"],
                        run: Ask.run),
            CommandSpec(name: "recommend", abstract: "Recommend a service for a workload profile given as flags and/or an answers file.",
                        options: [answers] + profileOptions + [verbose], readsProfile: true, formats: [.text, .json, .markdown], formatHelp: recordHelp,
                        examples: ["dbadvisor recommend --data-shape key-value --throughput 200k --traffic spiky",
                                   "echo '{\"data-shape\":\"relational\"}' | dbadvisor recommend --answers - --format json"],
                        run: Commands.recommend),
            CommandSpec(name: "why", abstract: "Explain, rule by rule, why a service is or is not the pick for a profile, and what would make it the pick.",
                        arguments: [ArgumentSpec(name: "service", help: "A service id (see 'dbadvisor services').", completes: .services)],
                        options: [answers] + profileOptions, readsProfile: true, formats: [.text, .json],
                        examples: ["dbadvisor why dynamodb --data-shape document --max-item-size 2MB", "dbadvisor why aurora-dsql --data-shape relational --features extensions"],
                        run: Commands.why),
            CommandSpec(name: "batch", abstract: "Recommend for every profile of a JSON Lines file (or stdin), one result line per input line, streaming.",
                        arguments: [ArgumentSpec(name: "file", help: "A JSON Lines file of profiles, or '-' (the default) for standard input.", optional: true, completes: .files)],
                        options: [OptionSpec(name: "what-if", valueName: nil, help: "Also compute what-if for every line: which single answers would change the pick (more work per line).", values: [], defaultValue: nil),
                                  OptionSpec(name: "jobs", valueName: "n", help: "Answer lines on N threads at once (1 to 256); the output is the same, in input order. Default: one per processor online, at most 8.", values: [], defaultValue: nil)],
                        formats: [.json, .csv], formatHelp: "Output: JSON Lines, or CSV for spreadsheets (id, line, service, confidence, score, runner_up, runner_up_score, decisive_reason, error).",
                        examples: ["dbadvisor batch fleet.jsonl > picks.jsonl", "dbadvisor batch --format csv fleet.jsonl > picks.csv"],
                        run: Batch.run),
            CommandSpec(name: "lint", abstract: "Check a catalog: schema, references, sources, every rule's examples, and an exhaustive sweep of the answer space.",
                        formats: [.text, .json],
                        examples: ["dbadvisor lint", "dbadvisor lint --catalog ./my-catalog"], run: Lint.run),
            CommandSpec(name: "schema", abstract: "Print the JSON Schema of the JSON output, of a batch error line, and of an answers file.",
                        arguments: [ArgumentSpec(name: "which", help: "recommendation, batch-error or answers; all three when omitted.", optional: true, completes: .words(["recommendation", "batch-error", "answers"]))],
                        examples: ["dbadvisor schema recommendation > recommendation.schema.json"], run: Commands.schema),
            CommandSpec(name: "completion", abstract: "Print a shell completion script (bash, zsh or fish) for commands, options, values and service ids.",
                        arguments: [ArgumentSpec(name: "shell", help: "bash, zsh or fish.", completes: .words(["bash", "zsh", "fish"]))],
                        examples: ["dbadvisor completion bash > /etc/bash_completion.d/dbadvisor", "dbadvisor completion zsh > \"${fpath[1]}/_dbadvisor\""], run: Generated.completion),
            CommandSpec(name: "man", abstract: "Print the manual page (mdoc), generated from the same declarations as --help.",
                        examples: ["dbadvisor man > dbadvisor.1 && man -l dbadvisor.1"], run: Generated.manual),
            CommandSpec(name: "plan", abstract: "Plan several workloads of one system: a pick per component, and what joins them.",
                        arguments: [ArgumentSpec(name: "stack", help: "A stack file: JSON with components (name + profile) and flows (from, to); '-' for stdin.", completes: .files)],
                        formats: [.text, .json, .markdown], formatHelp: recordHelp,
                        examples: ["dbadvisor plan Tests/Fixtures/stacks/ecommerce.json", "dbadvisor plan stack.json --format markdown > DESIGN.md"], run: PlanCommand.run),
            CommandSpec(name: "services", abstract: "List the services in the catalog.", formats: [.text, .json],
                        examples: ["dbadvisor services", "dbadvisor services --format json"], run: Commands.services),
            CommandSpec(name: "prices", abstract: "List the unit prices cost estimates use, each with its Region, source, date and origin.",
                        arguments: [ArgumentSpec(name: "service", help: "Only this service's prices (a service id, or data-transfer); or 'import' followed by AWS Price List offer files, whose prices are written to the price overlay ($XDG_DATA_HOME/dbadvisor/prices.json, else ~/.local/share/dbadvisor/prices.json) that later runs lay over the catalog's; delete that file to go back.", optional: true, completes: .services),
                                    ArgumentSpec(name: "file", help: "After 'import': AWS Price List offer files (per-Region JSON of the Bulk API).", optional: true, repeats: true, completes: .files)],
                        options: [OptionSpec(name: "region", valueName: "region", help: "Only this Region's prices (us-east-1's, with a note, where the table has none for it).", values: catalog?.question("region")?.valueNames ?? [], defaultValue: nil)],
                        formats: [.text, .json],
                        examples: ["dbadvisor prices", "dbadvisor prices dynamodb", "dbadvisor prices aurora-postgresql --region eu-central-1 --format json", "dbadvisor prices import AmazonRDS-eu-central-1.json AmazonDynamoDB-eu-central-1.json"], run: Commands.prices),
            CommandSpec(name: "show", abstract: "Show every fact the catalog holds about one service, with its source and date.",
                        arguments: [ArgumentSpec(name: "service", help: "A service id (see 'dbadvisor services').", completes: .services)], formats: [.text, .json],
                        examples: ["dbadvisor show qldb"], run: Commands.show),
            CommandSpec(name: "compare", abstract: "Compare services side by side, facts aligned by kind.",
                        arguments: [ArgumentSpec(name: "services", help: "Two or more service ids.", repeats: true, completes: .services)], formats: [.text, .json],
                        examples: ["dbadvisor compare dynamodb keyspaces documentdb"], run: Commands.compare),
            CommandSpec(name: "questions", abstract: "Print the questionnaire: every profile key, its values and help.",
                        formats: [.text, .json], examples: ["dbadvisor questions --format json"], run: Commands.questions),
        ]
    }

    /// Runs the program with `arguments` (without the program name) and returns the exit status.
    public static func run(_ arguments: [String], io: IO) -> Int32 {
        do {
            let output = try execute(arguments, io: io)
            do {
                try io.writeOut(output)
            } catch let error as WriteError {
                // The reader went away (`| head`): stop quietly, as cat and jq do.
                if error.code == EPIPE { return ExitStatus.success.rawValue }
                io.writeErr("dbadvisor: error: cannot write the output: \(String(cString: strerror(error.code)))\n")
                return ExitStatus.ioError.rawValue
            }
            return ExitStatus.success.rawValue
        } catch let error as CLIError {
            var text = "Error: \(error.message)\n"
            if let command = error.usageOf {
                text += wrap("Usage: \(usageLine(command: command))", width: io.width, indent: 7, firstIndent: 0) + "\n  See 'dbadvisor \(command == "dbadvisor" ? "" : command + " ")--help' for more information.\n"
            }
            io.writeErr(text)
            return error.status.rawValue
        } catch let error as WriteError {
            if error.code == EPIPE { return ExitStatus.success.rawValue }
            io.writeErr("dbadvisor: error: cannot write the output: \(String(cString: strerror(error.code)))\n")
            return ExitStatus.ioError.rawValue
        } catch let stop as Ask.Stop {
            io.writeErr(stop.message.isEmpty ? "" : stop.message + "\n")
            return stop.status.rawValue
        } catch let error as CatalogError {
            var text = "Error: the catalog cannot be used; \(error.problems.count) problem(s):\n"
            for problem in error.problems.prefix(200) { text += "  \(Sanitize.forTerminal(problem.description, limit: 400))\n" }
            io.writeErr(text)
            return ExitStatus.dataError.rawValue
        } catch {
            io.writeErr("dbadvisor: internal error: \(error)\nThis is a bug; please report it with the command line that caused it.\n")
            return ExitStatus.software.rawValue
        }
    }

    /// swift-argument-parser's wording: "Please provide one of 'a', 'b' or 'c'." below six
    /// values, a bullet list from six on.
    static func provideOneOf(_ values: [String]) -> String {
        let quoted = values.map { "'\($0)'" }
        if quoted.count >= 6 { return "Please provide one of the following:\n" + values.map { "  - \($0)" }.joined(separator: "\n") }
        if quoted.count <= 1 { return "Please provide \(quoted.first ?? "a value")." }
        return "Please provide one of \(quoted.dropLast().joined(separator: ", ")) or \(quoted.last!)."
    }

    /// A command line wrapped to the width with shell continuations, so that it still pastes.
    static func wrapCommand(_ command: String, width: Int) -> String {
        // Two columns are kept for the " \" that ends each wrapped line.
        wrap(command, width: width - 2, indent: 6, firstIndent: 2).split(separator: "\n").joined(separator: " \\\n")
    }

    static func usageLine(command: String) -> String {
        if let spec = commands(catalog: nil).first(where: { $0.name == command }) { return spec.usage }
        return "dbadvisor [--catalog <dir>] [--color <when>] [--no-color] <subcommand> [options]"
    }

    static func loadCatalog(directory: String?) throws -> Catalog {
        let catalog: Catalog
        if let directory {
            // Validated against the bundled schema, never the directory's own (untrusted) one.
            catalog = try CatalogDirectory.load(directory, schema: BundledCatalog.files()[Catalog.schemaFile])
        } else {
            // The embedder validated the bundled catalog when the binary was built, and wrote
            // the snapshot it is built from here (no JSON text read, nothing validated again).
            catalog = try Catalog.load(snapshot: BundledCatalog.snapshot)
        }
        // Kept until the process exits, which frees everything at once: taking the catalog's
        // few thousand objects apart one by one on the way out costs more than building them.
        retained.withLock { $0.append(catalog) }
        return catalog
    }

    private static let retained = Mutex<[Catalog]>([])

    /// The bundled schema, which the price overlay is checked against: by every run that lays
    /// it, and by `prices import` before it writes one.
    static func overlaySchema() throws -> JSON {
        do { return try JSONParser.parse(BundledCatalog.files()[Catalog.schemaFile] ?? []) } catch {
            throw CLIError.data("The bundled schema is not valid JSON: \(error)")
        }
    }

    /// The prices `prices import` wrote (PriceOverlay), laid over the catalog's, when the file
    /// exists. One that cannot be used stops every command (65) with how to remove it.
    static func layPriceOverlay(over catalog: inout Catalog, io: IO) throws {
        guard let path = PriceOverlay.path(environment: io.environment), FileSystem.kind(path) == .file else { return }
        let bytes: [UInt8]
        do { bytes = try FileSystem.readFile(path, limit: 64 * 1_048_576) } catch {
            throw CLIError.noInput("The price overlay '\(Sanitize.forTerminal(path))' cannot be read (\(error)); remove it to use the catalog's prices.")
        }
        switch PriceOverlay.read(bytes, file: path, schema: try overlaySchema(), catalog: catalog) {
        case let .success(prices): catalog.prices = PriceOverlay.apply(prices, to: catalog.prices)
        case let .failure(error):
            let shown = error.problems.prefix(5).map { "  " + Sanitize.forTerminal($0.description) }.joined(separator: "\n")
            throw CLIError.data("The price overlay '\(Sanitize.forTerminal(path))' cannot be used (\(error.problems.count) problem(s)):\n\(shown)\nRemove it (rm '\(Sanitize.forTerminal(path))') to use the catalog's prices, or import offer files again.")
        }
    }

    static func execute(_ given: [String], io: IO) throws -> String {
        // Global options may come before the subcommand, as in the AWS CLI: they are moved
        // after its name, where every command accepts them.
        var leading: [String] = []
        var rest = given[...]
        while let arg = rest.first {
            if arg == "--no-color" || arg.hasPrefix("--catalog=") || arg.hasPrefix("--color=") {
                leading.append(arg)
                rest = rest.dropFirst()
            } else if arg == "--catalog" || arg == "--color" {
                guard rest.count >= 2 else {
                    throw CLIError.usage("Missing value for '\(arg) <\(arg == "--catalog" ? "dir" : "when")>'", command: "dbadvisor")
                }
                leading += rest.prefix(2)
                rest = rest.dropFirst(2)
            } else {
                break
            }
        }
        var arguments = Array(rest)
        if let first = arguments.first, first.hasPrefix("-"), !["-h", "--help", "--version"].contains(first) {
            throw CLIError.usage("Unknown option '\(Sanitize.forTerminal(first))' before the subcommand; only --catalog, --color and --no-color may come before it.", command: "dbadvisor")
        }
        if !leading.isEmpty {
            if arguments.isEmpty {
                guard io.stdinIsTerminal && io.stderrIsTerminal else {
                    throw CLIError.usage("No command given, and standard input is not a terminal to ask questions on.", command: "dbadvisor")
                }
                arguments = ["ask"]
            }
            let first = arguments[0]
            // help takes a command name next: the global options go after everything else.
            arguments = first.hasPrefix("-") || first == "help" ? arguments + leading : [first] + leading + arguments.dropFirst()
        }
        // --catalog is found first: the command list and the flag values depend on the catalog.
        var catalogDirectory: String? = nil
        for (i, arg) in arguments.enumerated() {
            if arg == "--" { break }
            if arg == "--catalog" {
                guard i + 1 < arguments.count else { throw CLIError.usage("Missing value for '--catalog <dir>'", command: "dbadvisor") }
                catalogDirectory = arguments[i + 1]
            } else if arg.hasPrefix("--catalog=") {
                catalogDirectory = String(arg.dropFirst("--catalog=".count))
            }
        }

        guard let first = arguments.first else {
            // On a terminal, no arguments starts the questionnaire; otherwise never hang: usage, 64.
            if io.stdinIsTerminal && io.stderrIsTerminal {
                return try execute(["ask"], io: io)
            }
            throw CLIError.usage("No command given, and standard input is not a terminal to ask questions on.", command: "dbadvisor")
        }
        if first == "--version" {
            let catalog = try loadCatalog(directory: catalogDirectory)
            return "dbadvisor \(toolVersion) (catalog \(catalog.version), \(catalog.date))\n"
        }
        if first == "-h" || first == "--help" {
            return try help(command: nil, catalog: try? loadCatalog(directory: catalogDirectory), io: io)
        }
        if first == "help" {
            let catalog = try? loadCatalog(directory: catalogDirectory)
            // The first word after help that is not a global option or its value.
            var topic: String? = nil
            var rest = arguments.dropFirst()[...]
            while let word = rest.first {
                rest = rest.dropFirst()
                if word == "--catalog" || word == "--color" { rest = rest.dropFirst(); continue }
                if word.hasPrefix("-") { continue }
                topic = word
                break
            }
            return try help(command: topic, catalog: catalog, io: io)
        }
        let names = commands(catalog: nil).map(\.name)
        guard names.contains(first) else {
            var message = "Unknown command '\(Sanitize.forTerminal(first))'."
            if let near = Spelling.nearest(to: first, in: names) { message += " Did you mean '\(near)'?" }
            throw CLIError.usage(message, command: "dbadvisor")
        }
        // Help wins over every other argument, as in swift-argument-parser.
        if arguments.contains("-h") || arguments.contains("--help") {
            return try help(command: first, catalog: try? loadCatalog(directory: catalogDirectory), io: io)
        }
        if first == "lint" {
            let spec = commands(catalog: nil).first { $0.name == "lint" }!
            var invocation = try parse(Array(arguments.dropFirst()), spec: spec, io: io, catalog: Catalog.empty)
            invocation.catalogDirectory = catalogDirectory
            return try spec.run(invocation)
        }
        var catalog = try loadCatalog(directory: catalogDirectory)
        do {
            try layPriceOverlay(over: &catalog, io: io)
        } catch let error as CLIError where first == "prices" && arguments.dropFirst().first == "import" {
            // An overlay that cannot be used must not block the import that replaces it: the
            // import starts from the catalog's prices alone, and says so.
            io.writeErr("prices import: the existing overlay is not used (\(error.message.split(separator: "\n").first ?? "")); it is replaced by this import's prices.\n")
        }
        guard let spec = commands(catalog: catalog).first(where: { $0.name == first }) else {
            throw CLIError.usage("Unknown command '\(first)'", command: "dbadvisor")
        }
        var invocation = try parse(Array(arguments.dropFirst()), spec: spec, io: io, catalog: catalog)
        invocation.style = Style(enabled: colorEnabled(invocation, io: io))
        return try spec.run(invocation)
    }

    /// Colour for text output only. Order: --no-color / --color never / NO_COLOR turn it off;
    /// --color always / FORCE_COLOR turn it on; otherwise on a terminal that is not dumb.
    static func colorEnabled(_ inv: Invocation, io: IO) -> Bool {
        guard inv.format == .text else { return false }
        let env = io.environment
        if inv.flags.contains("no-color") || inv.options["color"] == "never" || (env["NO_COLOR"].map { !$0.isEmpty } ?? false) { return false }
        if inv.options["color"] == "always" || (env["FORCE_COLOR"].map { !$0.isEmpty && $0 != "0" } ?? false) { return true }
        return io.stdoutIsTerminal && env["TERM"] != "dumb"
    }

    static func parse(_ arguments: [String], spec: CommandSpec, io: IO, catalog: Catalog) throws -> Invocation {
        var options: [String: String] = [:]
        var flags = Set<String>()
        var positionals: [String] = []
        var i = 0
        var onlyPositionals = false
        while i < arguments.count {
            let arg = arguments[i]
            i += 1
            if onlyPositionals || arg == "-" || !arg.hasPrefix("-") {
                positionals.append(arg)
                continue
            }
            if arg == "--" {
                onlyPositionals = true
                continue
            }
            guard arg.hasPrefix("--") else {
                if arg.count == 2, let flag = spec.options.first(where: { $0.short == arg.last && $0.isFlag }) {
                    flags.insert(flag.name)
                    continue
                }
                throw CLIError.usage("Unknown option '\(Sanitize.forTerminal(arg))'", command: spec.name)
            }
            var name = String(arg.dropFirst(2))
            var inlineValue: String? = nil
            if let eq = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
            }
            guard let option = spec.options.first(where: { $0.name == name }) else {
                var message = "Unknown option '--\(Sanitize.forTerminal(name))'."
                if let near = Spelling.nearest(to: name, in: spec.options.map(\.name)) { message += " Did you mean '--\(near)'?" }
                throw CLIError.usage(message, command: spec.name)
            }
            if option.isFlag {
                if inlineValue != nil { throw CLIError.usage("The flag '--\(name)' takes no value", command: spec.name) }
                flags.insert(name)
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard i < arguments.count else {
                    throw CLIError.usage("Missing value for '--\(name) <\(option.valueName ?? "value")>'", command: spec.name)
                }
                value = arguments[i]
                i += 1
            }
            if options[name] != nil {
                throw CLIError.usage("The option '--\(name)' is given more than once", command: spec.name)
            }
            if !option.values.contains(value), name == "format" || name == "color" {
                throw CLIError.usage("The value '\(Sanitize.forTerminal(value))' is invalid for '--\(name) <\(option.valueName ?? "value")>'. \(provideOneOf(option.values))", command: spec.name)
            }
            options[name] = value
        }
        return Invocation(command: spec, options: options, flags: flags, positionals: positionals, io: io, catalog: catalog, style: Style(enabled: false))
    }

    /// Help in swift-argument-parser's layout: OVERVIEW, USAGE, ARGUMENTS, OPTIONS, SUBCOMMANDS.
    static func help(command: String?, catalog: Catalog?, io: IO) throws -> String {
        let width = io.width
        let all = commands(catalog: catalog)
        func entry(_ label: String, _ text: String) -> String {
            let column = 26
            // Too narrow for a second column of at least 30: the text goes below its label.
            if width - column < 30 {
                return "  \(label)\n" + wrap(text, width: width, indent: 6) + "\n"
            }
            if label.count + 2 >= column {
                return "  \(label)\n" + wrap(text, width: width, indent: column) + "\n"
            }
            let body = wrap(text, width: width, indent: column)
            return "  " + pad(label, column - 2) + body.dropFirst(column) + "\n"
        }
        guard let name = command else {
            var out = wrap("OVERVIEW: Recommends the AWS database service that fits a workload, and shows why.", width: width, indent: 2, firstIndent: 0) + "\n\n"
            out += wrap("USAGE: \(usageLine(command: "dbadvisor"))", width: width, indent: 9, firstIndent: 0) + "\n\n"
            out += "OPTIONS:\n"
            out += wrap("Global: accepted before or after the subcommand.", width: width, indent: 2, firstIndent: 2) + "\n"
            for option in globalOptions {
                var text = option.help
                if !option.values.isEmpty { text += " (values: " + option.values.joined(separator: ", ") + (option.defaultValue.map { "; default: \($0)" } ?? "") + ")" }
                out += entry("--\(option.name)" + (option.valueName.map { " <\($0)>" } ?? ""), text)
            }
            out += entry("--version", "Show the version.")
            out += entry("-h, --help", "Show help information.")
            out += "\nSUBCOMMANDS:\n"
            for c in all { out += entry(c.name, c.abstract) }
            out += "\nEXAMPLES:\n"
            out += wrapCommand("dbadvisor recommend --data-shape relational --consistency acid-transactions", width: width) + "\n"
            out += wrapCommand("dbadvisor show dynamodb", width: width) + "\n"
            out += "\nEXIT STATUS:\n"
            for (code, text) in exitStatusTable { out += entry(code, text) }
            out += "\n" + wrap("See 'dbadvisor help <subcommand>' for detailed help, 'dbadvisor help environment' for the environment variables it reads, 'dbadvisor help exit-codes' for the exit statuses, 'dbadvisor man' for the manual, and README.md in the source for the catalog format. AWS's own guide:", width: width, indent: 2, firstIndent: 2) + "\n"
            out += "  https://docs.aws.amazon.com/decision-guides/latest/databases-on-aws-how-to-choose/databases-on-aws-how-to-choose.html\n"
            return out
        }
        if name == "exit-codes" {
            return "EXIT STATUS:\n" + exitStatusTable.map { entry($0.0, $0.1) }.joined()
        }
        if name == "environment" {
            return "ENVIRONMENT:\n" + environmentTable.map { entry($0.0, $0.1) }.joined()
        }
        guard let spec = all.first(where: { $0.name == name }) else {
            var message = "Unknown command '\(Sanitize.forTerminal(name))'."
            if let near = Spelling.nearest(to: name, in: all.map(\.name)) { message += " Did you mean '\(near)'?" }
            throw CLIError.usage(message, command: "dbadvisor")
        }
        var out = wrap("OVERVIEW: \(spec.abstract)", width: width, indent: 2, firstIndent: 0) + "\n\n"
            + wrap("USAGE: \(usageLine(command: spec.name))", width: width, indent: 9, firstIndent: 0) + "\n\n"
        if !spec.arguments.isEmpty {
            out += "ARGUMENTS:\n"
            for a in spec.arguments { out += entry("<\(a.name)>", a.help) }
            out += "\n"
        }
        out += "OPTIONS:\n"
        for option in spec.options + [helpOption] {
            let label = option.name == "help" ? "-h, --help" : (option.short.map { "-\($0), " } ?? "") + "--\(option.name)" + (option.valueName.map { " <\($0)>" } ?? "")
            var text = option.help
            var extras: [String] = []
            if !option.values.isEmpty { extras.append("values: " + option.values.joined(separator: ", ")) }
            if let d = option.defaultValue { extras.append("default: \(d)") }
            if !extras.isEmpty { text += " (\(extras.joined(separator: "; ")))" }
            out += entry(label, text)
        }
        if !spec.examples.isEmpty {
            out += "\nEXAMPLES:\n"
            for example in spec.examples { out += wrapCommand(example, width: width) + "\n" }
        }
        return out
    }

    static let environmentTable: [(String, String)] = [
        ("NO_COLOR", "When set and not empty, no colour (wins over FORCE_COLOR)."),
        ("FORCE_COLOR", "When set, not empty and not 0, colour even when stdout is not a terminal."),
        ("TERM", "dumb: no escape codes; the questionnaire asks line by line."),
        ("COLUMNS", "The width text output and help wrap to (else the terminal's, else 80)."),
        ("DBADVISOR_NO_INPUT", "When set and not empty, ask never prompts (as --no-input)."),
        ("XDG_DATA_HOME", "Where the price overlay lives: $XDG_DATA_HOME/dbadvisor/prices.json (when absolute)."),
        ("HOME", "Without XDG_DATA_HOME, the price overlay is ~/.local/share/dbadvisor/prices.json."),
    ]

    static let exitStatusTable: [(String, String)] = [
        ("0", "Success."),
        ("1", "The questionnaire ended at end of input (Ctrl-D) before it finished."),
        ("2", "batch or plan: some lines or components failed (each is reported); the rest were answered."),
        ("64", "Usage error: unknown command or option, bad option value."),
        ("65", "Bad data: malformed JSON, unknown key or value in answers, a catalog that fails validation."),
        ("66", "An input file is missing or unreadable."),
        ("70", "Internal error (a bug)."),
        ("74", "The output could not be written."),
        ("130", "Interrupted."),
    ]
}
