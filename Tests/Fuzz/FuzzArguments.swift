// libFuzzer target: command-line values (sizes, rates, percentages, choices, sets) and
// the questionnaire's typed lines. The first byte picks the parser, so that each execution
// runs one parser (with its error message) rather than all of them.
import Foundation

let flow = Questionnaire(catalog: fuzzCatalog)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data + 1, count: size - 1), as: UTF8.self)
    let questions = fuzzCatalog.questions
    let choice = Int(data[0]) % (3 + 2 * questions.count)
    switch choice {
    case 0: _ = DataSize.parse(text).map(\.description)
    case 1: _ = RequestRate.parse(text).map(\.description)
    case 2:
        let shown = Sanitize.forTerminal(text)
        // Whatever it was given, the result must be safe to print: no C0 or C1 control, no DEL.
        for scalar in shown.unicodeScalars where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
            fatalError("Sanitize.forTerminal let U+\(String(scalar.value, radix: 16)) through")
        }
    default:
        let q = questions[(choice - 3) / 2]
        if choice % 2 == 1 {
            if case let .success(answer) = fuzzCatalog.parseAnswer(key: q.key, text: text) {
                // An accepted answer reads back as itself.
                guard case .success(answer) = fuzzCatalog.parseAnswer(key: q.key, text: answer.text) else {
                    fatalError("\(q.key): '\(answer.text)' does not parse back to the same answer")
                }
            }
        } else {
            _ = flow.parse(line: text, for: q)
        }
    }
    return 0
}
