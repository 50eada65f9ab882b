@testable import AdvisorCLI
import AdvisorCore
import Foundation
import Testing

/// One declaration per command drives usage, help, completions and the manual: every option
/// and argument of every command appears in each of them.
@Suite struct DeclarationTests {
    static let names = ["ask", "recommend", "why", "batch", "lint", "schema", "completion", "man", "plan", "services", "show", "compare", "questions"]

    @Test func everyOptionAppearsInUsageHelpCompletionsAndManual() {
        let bash = runCLI(["completion", "bash"]).out, zsh = runCLI(["completion", "zsh"]).out, fish = runCLI(["completion", "fish"]).out
        let man = runCLI(["man"]).out
        #expect(!bash.isEmpty && !zsh.isEmpty && !fish.isEmpty && !man.isEmpty)
        let catalog = try! CLI.loadCatalog(directory: nil)
        for name in Self.names {
            guard let spec = CLI.commands(catalog: catalog).first(where: { $0.name == name }) else {
                Issue.record("no command \(name)")
                continue
            }
            let help = runCLI([name, "--help"], env: ["COLUMNS": "1000"]).out
            // Usage is printed with a usage error; profile keys are one group there.
            for option in spec.options {
                #expect(help.contains("--\(option.name)"), "\(name) help lacks --\(option.name)")
                #expect(man.contains("Fl \\-\(option.name)"), "\(name) manual lacks --\(option.name)")
                #expect(bash.contains("--\(option.name)"), "\(name) bash completion lacks --\(option.name)")
                #expect(zsh.contains("'--\(option.name)"), "\(name) zsh completion lacks --\(option.name)")
                #expect(fish.contains("-n '__fish_seen_subcommand_from \(name)' -l \(option.name) "), "\(name) fish completion lacks --\(option.name)")
                if !option.isProfileKey { #expect(spec.usage.contains("--\(option.name)"), "\(name) usage lacks --\(option.name)") }
            }
            if spec.readsProfile { #expect(spec.usage.contains("[--<key> <value> ...]")) }
            for argument in spec.arguments {
                #expect(spec.usage.contains("<\(argument.name)>"), "\(name) usage lacks <\(argument.name)>")
                #expect(help.contains("<\(argument.name)>"), "\(name) help lacks <\(argument.name)>")
                #expect(man.contains("Ar \(argument.name)"), "\(name) manual lacks \(argument.name)")
            }
            #expect(help.contains("USAGE: \(spec.usage)"), "\(name) help shows another usage line")
        }
    }

    @Test func fileOptionsCompleteToFiles() {
        let bash = runCLI(["completion", "bash"]).out
        for option in ["answers", "save", "catalog", "plan"] {
            #expect(bash.contains("--\(option)) COMPREPLY=($(compgen -f"), "--\(option)")
        }
    }

    @Test func theManualAndHelpShareTheEnvironment() {
        let help = runCLI(["help", "environment"], env: ["COLUMNS": "1000"]).out
        let man = runCLI(["man"]).out
        for variable in ["NO_COLOR", "FORCE_COLOR", "TERM", "COLUMNS", "DBADVISOR_NO_INPUT"] {
            #expect(help.contains(variable) && man.contains(".It Ev \(variable)"), "\(variable)")
        }
        #expect(help.contains("When set and not empty, ask never prompts") && man.contains("When set and not empty, ask never prompts"))
    }

    @Test func globalOptionsWorkOnEitherSideOfTheSubcommand() {
        let dir = packageRoot.appendingPathComponent("catalog").path
        let before = runCLI(["--catalog", dir, "services"]), after = runCLI(["services", "--catalog", dir])
        #expect(before.status == 0 && before.out == after.out && before.out.contains("services"), "\(before.err)")
        let colour = runCLI(["--no-color", "--catalog=\(dir)", "show", "dynamodb"])
        #expect(colour.status == 0 && !colour.out.contains("\u{1B}["))
        let always = runCLI(["--color", "always", "services"])
        #expect(always.status == 0 && always.out.contains("\u{1B}["))
        let stray = runCLI(["--format", "json", "services"])
        #expect(stray.status == 64 && stray.err.contains("only --catalog, --color and --no-color may come before it"))
    }

    @Test func anUnsupportedFormatIsAUsageErrorNamingTheSupportedOnes() {
        let cases: [([String], String)] = [
            (["plan", "x.json", "--format", "csv"], "'text', 'json' or 'markdown'"),
            (["services", "--format", "markdown"], "'text' or 'json'"),
            (["batch", "--format", "text"], "'json' or 'csv'"),
            (["recommend", "--format", "csv"], "'text', 'json' or 'markdown'"),
        ]
        for (args, supported) in cases {
            let r = runCLI(args)
            #expect(r.status == 64 && r.out.isEmpty && r.err.contains(supported), "\(args): \(r.err)")
        }
    }

    /// What the generated bash completion offers, run in bash as on a Tab: COMP_WORDS holds
    /// the words typed (bash splits `--option=value` at '=' into three words), COMP_CWORD is
    /// the last, the word being completed.
    static func bashCompletions(_ words: [String]) throws -> [String] {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("dbadvisor-completion-\(UUID().uuidString).bash")
        try runCLI(["completion", "bash"]).out.write(to: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: script) }
        let array = words.map { "'" + $0.replacing("'", with: "'\\''") + "'" }.joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["bash", "--norc", "--noprofile", "-c",
                             "source \"$1\" && COMP_WORDS=(\(array)) && COMP_CWORD=\(words.count - 1) && _dbadvisor && printf '%s\\n' \"${COMPREPLY[@]}\"",
                             "bash", script.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "bash failed for \(words)")
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test func bashCompletionSkipsGlobalOptionsBeforeTheSubcommand() throws {
        let dir = packageRoot.appendingPathComponent("catalog").path
        // The subcommand, after global options with and without values (and --catalog=DIR).
        #expect(try Self.bashCompletions(["dbadvisor", "--catalog", dir, "--no-color", "rec"]) == ["recommend"])
        #expect(try Self.bashCompletions(["dbadvisor", "--color", "never", "--catalog", "=", dir, "sh"]) == ["show"])
        #expect(try Self.bashCompletions(["dbadvisor", "--color=never", "sh"]) == ["show"], "a word bash did not split")
        // Its arguments and options.
        let services = try Self.bashCompletions(["dbadvisor", "--catalog", "=", dir, "show", "dynamo"])
        #expect(!services.isEmpty && services.allSatisfy { $0.hasPrefix("dynamo") } && services.contains("dynamodb"), "\(services)")
        #expect(try Self.bashCompletions(["dbadvisor", "--no-color", "recommend", "--format", ""]) == ["text", "json", "markdown"])
        #expect(try Self.bashCompletions(["dbadvisor", "--no-color", "recommend", "--lat"]) == ["--latency"])
        #expect(try Self.bashCompletions(["dbadvisor", "--no-color", "help", "reco"]) == ["recommend"])
        // A global option's own value, before the subcommand, with or without '='.
        #expect(try Self.bashCompletions(["dbadvisor", "--color", "a"]) == ["auto", "always"])
        #expect(try Self.bashCompletions(["dbadvisor", "--no-color", "--color", "=", "n"]) == ["never"])
        #expect(try Self.bashCompletions(["dbadvisor", "--color", "="]) == ["auto", "always", "never"])
        // At the subcommand's place: the global options are still offered.
        let first = try Self.bashCompletions(["dbadvisor", "--no-color", "--"])
        #expect(first.contains("--catalog") && first.contains("--color") && first.contains("--help") && !first.contains("recommend"), "\(first)")
    }

    /// `-v` is offered exactly where the command accepts it, after global options too.
    @Test func bashCompletionOffersShortFlagsWhereAccepted() throws {
        let catalog = try CLI.loadCatalog(directory: nil)
        var withShort = 0
        for spec in CLI.commands(catalog: catalog) {
            let offered = try Self.bashCompletions(["dbadvisor", "--color", "never", spec.name, "-"])
            #expect(offered.contains("--help") && offered.contains("--catalog"), "\(spec.name): \(offered)")
            for option in spec.options {
                #expect(offered.contains("--\(option.name)"), "\(spec.name) lacks --\(option.name)")
            }
            let shorts = spec.options.compactMap(\.short).map { "-\($0)" }
            withShort += shorts.isEmpty ? 0 : 1
            #expect(offered.filter { !$0.hasPrefix("--") } == shorts, "\(spec.name): \(offered)")
        }
        #expect(withShort >= 2, "ask and recommend take -v")
        let zsh = runCLI(["completion", "zsh"]).out, fish = runCLI(["completion", "fish"]).out
        #expect(zsh.contains("'-v[") && fish.contains("-l verbose -s v "))
    }

    /// zsh and fish skip the same global options before the subcommand.
    @Test func zshAndFishKnowTheGlobalOptions() {
        let zsh = runCLI(["completion", "zsh"]).out, fish = runCLI(["completion", "fish"]).out
        #expect(zsh.contains("--catalog|--color) (( i += 2 ))") && zsh.contains("--catalog=*|--color=*|--no-color) (( i += 1 ))"))
        #expect(zsh.contains("shift $(( i - 1 )) words"))
        for option in ["catalog -r -F", "color -x -a 'auto always never'", "no-color -d"] {
            #expect(fish.split(separator: "\n").contains { $0.contains("-n 'not __fish_seen_subcommand_from ") && $0.contains("' -l \(option)") }, "\(option)")
        }
    }
}
