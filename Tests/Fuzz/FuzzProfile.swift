// libFuzzer target: JSON parsing and profile parsing (answers files, batch lines).
import Foundation

nonisolated(unsafe) let fuzzCatalog: Catalog = {
    let dir = ProcessInfo.processInfo.environment["DBADVISOR_CATALOG"] ?? "catalog"
    do { return try Catalog.load(directory: dir) } catch { fatalError("fuzz: cannot load the catalog at \(dir): \(error)") }
}()

nonisolated(unsafe) let fuzzEngine = Engine(catalog: fuzzCatalog)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let json = try? JSONParser.parse(bytes) else { return 0 }
    _ = json.compactText()
    if case let .success((profile, _)) = fuzzCatalog.parseProfile(json) {
        _ = fuzzEngine.recommend(profile, withWhatIf: false)
    }
    return 0
}
