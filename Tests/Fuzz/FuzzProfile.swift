// libFuzzer target: JSON parsing and profile parsing (answers files, batch lines).
import Foundation

let fuzzEngine = Engine(catalog: fuzzCatalog)

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
