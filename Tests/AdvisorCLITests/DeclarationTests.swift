@testable import AdvisorCLI
import AdvisorCore
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
}
