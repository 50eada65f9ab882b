import AdvisorCLI
import AdvisorCore
import BundledCatalog
import Foundation
import Testing

/// The bundled catalog is loaded the fast way at run time (validated when the binary was
/// built, and read from the typed snapshot the embedder wrote then, not checked again:
/// `Catalog.load(snapshot:)`); a `--catalog DIR` is loaded through full validation. Both must
/// give the same catalog, and so the same answers. (`load(texts:validated: true)`, the
/// trusted parse of the bundled texts, must give it too.)
@Suite struct BundledLoadTests {
    /// Every stored property, recursively (class instances included), as text; dictionaries
    /// and sets in sorted order, so that two equal values built differently read the same.
    static func deep(_ value: Any, skipping skipped: Set<String> = []) -> String {
        let mirror = Mirror(reflecting: value)
        if mirror.children.isEmpty { return String(reflecting: value) }
        var parts = mirror.children.filter { !skipped.contains($0.label ?? "") }.map { "\($0.label ?? ""): \(deep($0.value))" }
        if mirror.displayStyle == .dictionary || mirror.displayStyle == .set { parts.sort() }
        return "\(mirror.subjectType)(" + parts.joined(separator: ", ") + ")"
    }

    static func loadBoth() throws -> (fast: Catalog, full: Catalog) {
        let fast = try Catalog.load(snapshot: BundledCatalog.snapshot)
        let files = BundledCatalog.files()
        let full = try Catalog.load(files: files, schema: files[Catalog.schemaFile])
        return (fast, full)
    }

    @Test func theFastLoadGivesTheCatalogFullValidationGives() throws {
        let (fast, full) = try Self.loadBoth()
        // Every stored property (CatalogDump), compared by bytes.
        let differences = CatalogDump.differences(CatalogDump.lines(fast), CatalogDump.lines(full))
        #expect(differences.isEmpty, "\(differences.joined(separator: "\n"))")
        #expect(!full.services.isEmpty && !full.rules.isEmpty && !full.questions.isEmpty)
        // The parsed files the trusted text load keeps are not part of what the catalog says.
        let texts = try Catalog.load(texts: BundledCatalog.texts(), validated: true)
        #expect(CatalogDump.differences(CatalogDump.lines(texts, skipping: ["parsedFiles"]), CatalogDump.lines(full, skipping: ["parsedFiles"])).isEmpty)
    }

    @Test func thePriceTablesAnswerTheSame() throws {
        let (fast, full) = try Self.loadBoth()
        #expect(!full.prices.isEmpty)
        #expect(fast.prices.isEmpty == full.prices.isEmpty)
        let services = Set(full.prices.prices.map(\.service)).union(full.serviceIDs).sorted() + ["no-such-service"]
        let keys = Set(full.prices.prices.map(\.key)).sorted()
        let regions = full.prices.regions + ["xx-nowhere-1"]
        var looked = 0
        for service in services {
            for key in keys {
                for region in regions {
                    let a = fast.prices.lookup(service, key, region: region), b = full.prices.lookup(service, key, region: region)
                    #expect(Self.deep(a as Any) == Self.deep(b as Any), "\(service) \(key) \(region)")
                    if b != nil { looked += 1 }
                }
            }
        }
        #expect(looked >= full.prices.prices.count)
        #expect(fast.prices.regions == full.prices.regions)
        #expect(fast.prices.prices.count == full.prices.prices.count)
        #expect(Self.deep(fast.prices.prices) == Self.deep(full.prices.prices))
    }

    @Test func recommendationsAndEstimatesAreTheSame() throws {
        let (fast, full) = try Self.loadBoth()
        let engines = (Engine(catalog: fast), Engine(catalog: full))
        var compared = 0
        for answers in BatchEquivalenceTests.profiles(150, catalog: full) {
            let json = JSON.object(answers.map { ($0.0, .string($0.1)) })
            guard case let .success((a, _)) = fast.parseProfile(json), case let .success((b, _)) = full.parseProfile(json) else { continue }
            let ra = engines.0.recommend(a), rb = engines.1.recommend(b)
            #expect(Self.deep(ra) == Self.deep(rb))
            #expect(Self.deep(engines.0.estimates(ra)) == Self.deep(engines.1.estimates(rb)))
            compared += 1
        }
        #expect(compared > 50)
    }

    /// Each command's output with the bundled catalog is the one `--catalog catalog/` gives.
    @Test func everyCommandSaysTheSameWithTheBundledCatalog() throws {
        let directory = packageRoot.appendingPathComponent("catalog").path
        let (_, full) = try Self.loadBoth()
        var commands: [[String]] = [
            ["services"], ["services", "--format", "json"], ["questions"], ["questions", "--format", "json"],
            ["prices"], ["prices", "--format", "json"], ["prices", "--region", "eu-central-1"],
            ["recommend", "--data-shape", "relational", "--consistency", "strong"],
            ["recommend", "--data-shape", "relational", "--consistency", "strong", "--format", "json"],
            ["recommend", "--data-shape", "key-value", "--data-size", "2TB", "--throughput", "40000", "--region", "eu-west-1", "--verbose"],
        ]
        for id in full.serviceIDs.prefix(4) + full.serviceIDs.suffix(2) {
            commands += [["show", id], ["why", id, "--data-shape", "relational"], ["prices", id, "--format", "json"]]
        }
        for command in commands {
            let bundled = runCLI(command), fromDirectory = runCLI(command + ["--catalog", directory])
            #expect(bundled.status == fromDirectory.status, "\(command)")
            #expect(bundled.out == fromDirectory.out, "\(command)")
            #expect(!bundled.out.isEmpty, "\(command)")
        }
    }
}
