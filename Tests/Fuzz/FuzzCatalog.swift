// libFuzzer target: catalog loading and validation. The input replaces one catalog file,
// chosen by its first byte; everything else is the real catalog.
import Foundation

let baseFiles: [String: Data] = {
    let dir = URL(fileURLWithPath: fuzzCatalogDirectory)
    var files: [String: Data] = [:]
    let walker = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: nil)
    while let url = walker?.nextObject() as? URL {
        guard url.pathExtension == "json", let data = try? Data(contentsOf: url) else { continue }
        files[String(url.standardizedFileURL.path.dropFirst(dir.standardizedFileURL.path.count + 1))] = data
    }
    return files
}()
let names = baseFiles.keys.sorted()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0, !names.isEmpty else { return 0 }
    var files = baseFiles
    files[names[Int(data[0]) % names.count]] = Data(UnsafeBufferPointer(start: data + 1, count: size - 1))
    if let catalog = try? Catalog.load(files: files, origin: "fuzz") {
        _ = Engine(catalog: catalog).recommend(Profile(), withWhatIf: false)
    }
    return 0
}
