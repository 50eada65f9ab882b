// libFuzzer target: a custom catalog directory (`--catalog DIR`), validated against the
// bundled schema only. The directory holds the small catalog (`smallCatalog`) and its own
// catalog.schema.json; the input replaces one file, chosen by the first byte, or adds one.
// The directory's own schema goes through the directory loader from disk, with the oracle
// that it never changes the outcome (whatever it holds, the small catalog loads unchanged);
// any other file goes through the load the directory loader makes once it has read the files
// (bundled schema, validator kept across runs), which loads or fails with problems, without
// a trap or unbounded work.
import Foundation

let customDirectory: String = {
    let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    let dir = "\(base)/dbadvisor-fuzz-custom-\(getpid())"
    for (path, json) in smallCatalog {
        let url = URL(fileURLWithPath: "\(dir)/\(path)")
        try! FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try! Data(json.prettyText().utf8).write(to: url)
    }
    return dir
}()
/// The bundled schema's bytes (the repository's catalog.schema.json, which the build embeds).
let bundledSchema: [UInt8] = Array(try! Data(contentsOf: URL(fileURLWithPath: "\(fuzzCatalogDirectory)/\(Catalog.schemaFile)")))
/// The files an input may replace (or add), chosen by its first byte; 0xFF picks the
/// directory's own schema instead (its check reads the whole directory, a hundred times the
/// work of the others, so it comes up once in 256 inputs rather than once in 20).
let customNames = smallCatalog.keys.sorted().filter { $0 != Catalog.schemaFile } + ["services/extra.json", "rules/extra.json"]
let baseline: Catalog = try! CatalogDirectory.load(customDirectory, schema: bundledSchema)

/// The bundled schema, parsed, and its validator with the patterns it compiled, kept across runs.
let bundledSchemaJSON = try! JSONParser.parse(bundledSchema)
nonisolated(unsafe) var bundledValidator: SchemaValidator? = SchemaValidator(schema: bundledSchemaJSON)
let customSchemaFree = Set(smallCatalog.keys).subtracting([Catalog.schemaFile])

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let changed = data[0] == 0xFF ? Catalog.schemaFile : customNames[Int(data[0]) % customNames.count]
    let bytes = UnsafeBufferPointer(start: data + 1, count: size - 1)
    if changed == Catalog.schemaFile {
        // The directory's own schema, whatever it holds, through the directory loader from
        // disk (the slow path: every file read, parsed and validated).
        let path = "\(customDirectory)/\(changed)"
        try! Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { try! Data(smallCatalog[changed]!.prettyText().utf8).write(to: URL(fileURLWithPath: path)) }
        guard let catalog = try? CatalogDirectory.load(customDirectory, schema: bundledSchema) else {
            fatalError("fuzz: the directory's own schema made the catalog fail to load")
        }
        guard catalog.version == baseline.version, catalog.services.map(\.id) == baseline.services.map(\.id),
              catalog.questions.map(\.key) == baseline.questions.map(\.key), catalog.rules.count == baseline.rules.count else {
            fatalError("fuzz: the directory's own schema changed the catalog loaded")
        }
        return 0
    }
    // Any other file: what the directory loader does after reading the files (the bundled
    // schema given, the directory's own never read), with the unchanged files already checked.
    var paths = customSchemaFree
    paths.insert(changed)
    let loaded = try? Catalog.load(paths: paths, validated: false, trusted: customSchemaFree.subtracting([changed]),
                                   schema: bundledSchemaJSON, validator: &bundledValidator) { path in
        if path == changed { return try JSONParser.parse(bytes) }
        return smallCatalog[path]!
    }
    if let catalog = loaded {
        _ = Engine(catalog: catalog).recommend(Profile(answers: ["data-shape": .choice("key-value")]), withWhatIf: true)
    }
    return 0
}

/// Seeds: `fuzz-custom -write_seeds=DIR` writes each file of the small catalog with its
/// selecting first byte (and the real schema, as the directory's own), then exits.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>) -> CInt {
    for i in 0..<Int(argc.pointee) {
        guard let arg = argv.pointee[i].map({ String(cString: $0) }), arg.hasPrefix("-write_seeds=") else { continue }
        let dir = String(arg.dropFirst("-write_seeds=".count))
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (n, name) in customNames.enumerated() {
            let body = smallCatalog[name].map { Data($0.prettyText().utf8) } ?? Data("{}".utf8)
            FileManager.default.createFile(atPath: "\(dir)/seed-\(n)", contents: Data([UInt8(n)]) + body)
        }
        FileManager.default.createFile(atPath: "\(dir)/seed-schema", contents: Data([0xFF]) + Data(smallCatalog[Catalog.schemaFile]!.prettyText().utf8))
        try? FileManager.default.removeItem(atPath: customDirectory)
        _exit(0)
    }
    atexit { try? FileManager.default.removeItem(atPath: customDirectory) }
    return 0
}
