// libFuzzer target: command-line values (sizes, rates, percentages, choices, sets) and
// the questionnaire's typed lines.
import Foundation

let flow = Questionnaire(catalog: fuzzCatalog)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = DataSize.parse(text)
    _ = RequestRate.parse(text)
    _ = Sanitize.forTerminal(text)
    for q in fuzzCatalog.questions {
        _ = fuzzCatalog.parseAnswer(key: q.key, text: text)
        _ = flow.parse(line: text, for: q)
    }
    return 0
}
