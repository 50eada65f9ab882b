// libFuzzer target: the questionnaire's key input without a terminal. The bytes are what a
// terminal would send (arrows, Esc sequences, control keys, UTF-8, garbage); they are decoded
// into keys as RawTerminal decodes them and applied to the typed-answer field (LineEditor),
// which is drawn at a width from the first byte and, on Enter, parsed as an answer to a typed
// question. Oracles: no trap; the field stays valid UTF-8 within its maximum length; the
// cursor stays inside the text; a drawn line is never wider than its columns.
import Foundation

struct FuzzBytes: KeyBytes {
    let data: UnsafeBufferPointer<UInt8>
    var position = 0
    var unread: [UInt8] = []
    mutating func byte(within milliseconds: Int32) -> UInt8? {
        if let b = unread.popLast() { return b }
        guard position < data.count else { return nil }
        defer { position += 1 }
        return data[position]
    }
    mutating func unread(_ byte: UInt8) { unread.append(byte) }
}

let typedQuestions = fuzzCatalog.questions.filter { $0.kind.isTyped }
let questionnaire = Questionnaire(catalog: fuzzCatalog)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 1 else { return 0 }
    let columns = Int(data[0])
    let question = typedQuestions[Int(data[1]) % typedQuestions.count]
    var input = FuzzBytes(data: UnsafeBufferPointer(start: data + 2, count: size - 2))
    var field = LineEditor()
    var keys = 0
    while let first = input.byte(within: 0) {
        guard let key = Key.decode(first: first, from: &input) else { continue }
        keys += 1
        if key == .enter {
            // What Enter does with the field: parse it; an accepted answer reads back as itself.
            if case let .success(answer?) = questionnaire.parse(line: field.text, for: question),
               case let .success(again?) = questionnaire.parse(line: answer.text, for: question), again != answer {
                fatalError("fuzz: '\(field.text)' answers \(answer.text), which reads back as \(again.text)")
            }
            continue
        }
        _ = field.apply(key)
        let text = field.text
        guard String(validating: Array(text.utf8), as: UTF8.self) == text else { fatalError("fuzz: the field is not valid UTF-8") }
        guard field.cursor >= 0, field.cursor <= text.utf8.count else { fatalError("fuzz: cursor \(field.cursor) outside \(text.utf8.count) bytes") }
        guard text.count <= LineEditor.maxLength else { fatalError("fuzz: the field holds \(text.count) characters") }
        let shown = fittingEnd("❯ \(field.before)", columns: max(1, columns - 2)) + "▏"
        for line in [fitting(shown + field.after, columns: columns), fitting(text, columns: columns), fittingEnd(text, columns: columns)] {
            guard displayWidth(line) <= columns else { fatalError("fuzz: a line of \(displayWidth(line)) columns drawn in \(columns)") }
        }
    }
    _ = keys
    return 0
}
