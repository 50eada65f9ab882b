// libFuzzer target: catalog loading and validation (what `lint` and `--catalog` run). The
// input replaces one file, chosen by its first byte, of a small catalog cut from the real one
// (`smallCatalog` in FuzzSupport.swift), so that each execution is a whole load (schema,
// references, rule examples) plus an engine over the result, in about a millisecond rather
// than the tens the full catalog takes under the sanitizer.
import Foundation

let names = smallCatalog.keys.sorted()
let schemaFree = Set(names).subtracting([Catalog.schemaFile])
nonisolated(unsafe) var smallCatalogValidator: SchemaValidator? = nil

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let changed = names[Int(data[0]) % names.count]
    let bytes = UnsafeBufferPointer(start: data + 1, count: size - 1)
    func parse(_ path: String) throws -> JSON {
        if path == changed { return try JSONParser.parse(bytes) }
        return smallCatalog[path]!
    }
    let loaded: Catalog?
    if changed == Catalog.schemaFile {
        loaded = try? Catalog.load(paths: Set(names), validated: false, trusted: schemaFree, parseFile: parse)
    } else {
        // The unchanged schema's validator, with the patterns it compiled, kept across runs.
        loaded = try? Catalog.load(paths: Set(names), validated: false, trusted: schemaFree.subtracting([changed]),
                                   validator: &smallCatalogValidator, parseFile: parse)
    }
    if let catalog = loaded {
        let engine = Engine(catalog: catalog)
        _ = engine.recommend(Profile(answers: ["data-shape": .choice("key-value"), "throughput": .rate(RequestRate(perSecond: 50_000))]), withWhatIf: true)
    }
    return 0
}

/// The small catalog's files, for the seed corpus: `fuzz-catalog -write_seeds=DIR` (handled
/// before libFuzzer starts) writes each with its selecting first byte.
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>) -> CInt {
    for i in 0..<Int(argc.pointee) {
        guard let arg = argv.pointee[i].map({ String(cString: $0) }), arg.hasPrefix("-write_seeds=") else { continue }
        let dir = String(arg.dropFirst("-write_seeds=".count))
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (n, name) in names.enumerated() {
            let body = Data([UInt8(n)]) + Data(smallCatalog[name]!.prettyText().utf8)
            FileManager.default.createFile(atPath: "\(dir)/seed-\(n)", contents: body)
        }
        _exit(0)  // not exit(): libFuzzer reports an exit() during its run as a failure
    }
    return 0
}
