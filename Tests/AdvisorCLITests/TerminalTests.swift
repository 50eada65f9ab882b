@testable import AdvisorCLI
import Testing

/// The questionnaire's terminal arithmetic, without a terminal: display widths, cutting lines
/// to a width, key decoding and the typed-answer field (issue 17, the terminal class).
@Suite struct TerminalWidthTests {
    @Test func wideCharactersTakeTwoColumnsAndCombiningMarksNone() {
        #expect(displayWidth("abc") == 3)
        #expect(displayWidth("漢字") == 4)                  // CJK ideographs: Wide
        #expect(displayWidth("かな") == 4)                  // Hiragana
        #expect(displayWidth("한국") == 4)                  // Hangul syllables
        #expect(displayWidth("ＡＢ") == 4)                  // Fullwidth Latin
        #expect(displayWidth("😀") == 2)                    // emoji, Wide by default
        #expect(displayWidth("❤\u{FE0F}") == 2)            // text-default emoji with the presentation selector
        #expect(displayWidth("🇯🇵") == 2)                   // a flag: two regional indicators
        #expect(displayWidth("e\u{301}") == 1)              // e + combining acute: one cluster, one column
        #expect(displayWidth("\u{301}") == 0)               // a combining mark alone
        #expect(displayWidth("a\u{200B}b") == 2)            // zero-width space (format)
        #expect(displayWidth("…❯✔▏") == 4)                 // the questionnaire's own marks: narrow or ambiguous
        #expect(displayWidth("\u{1B}") == 0)                // control characters draw nothing
    }

    @Test func fittingNeverExceedsTheColumnsAndEndsInAnEllipsis() {
        let samples = ["", "a", "abc", "漢字かな", "a漢b字c", "e\u{301}e\u{301}e\u{301}", "😀😀😀x", "How much data will be stored?"]
        for s in samples {
            for columns in 0...12 {
                let cut = fitting(s, columns: columns)
                #expect(displayWidth(cut) <= columns, "\(s) at \(columns): \(cut)")
                if displayWidth(s) <= columns { #expect(cut == s) } else if columns > 0 { #expect(cut.hasSuffix("…")) }
                let end = fittingEnd(s, columns: columns)
                #expect(displayWidth(end) <= columns, "\(s) at \(columns): \(end)")
                if displayWidth(s) > columns && columns > 0 { #expect(end.hasPrefix("…")) }
            }
        }
        #expect(fitting("漢字漢字", columns: 4) == "漢…")      // a wide character that would overflow is left out
        #expect(fitting("abcdef", columns: 1) == "…")
        #expect(fittingEnd("abcdef", columns: 4) == "…def")
    }
}

@Suite struct KeyDecodingTests {
    struct Bytes: KeyBytes {
        var bytes: [UInt8]
        mutating func byte(within milliseconds: Int32) -> UInt8? { bytes.isEmpty ? nil : bytes.removeFirst() }
        mutating func unread(_ byte: UInt8) { bytes.insert(byte, at: 0) }
    }

    func keys(_ input: [UInt8]) -> [Key] {
        var source = Bytes(bytes: input)
        var out: [Key] = []
        while let first = source.byte(within: 0) {
            if let key = Key.decode(first: first, from: &source) { out.append(key) }
        }
        return out
    }

    @Test func decodesArrowsControlsAndCharacters() {
        #expect(keys(Array("\u{1B}[A\u{1B}[1;5B\u{1B}OC\u{1B}[D".utf8)) == [.up, .down, .right, .left])
        #expect(keys([0x03, 0x04, 0x1A, 0x0D, 0x7F, 0x15, 0x17, 0x09, 0x20]) == [.interrupt, .endOfInput, .suspend, .enter, .backspace, .clearField, .deleteWord, .tab, .space])
        #expect(keys(Array("a漢😀".utf8)) == [.character("a"), .character("漢"), .character("😀")])
        // Esc then a key (Alt-x): both arrive, the key is not swallowed.
        #expect(keys([0x1B, UInt8(ascii: "x")]) == [.escape, .character("x")])
        #expect(keys([0x1B]) == [.escape])
    }

    @Test func invalidUTF8AndStrayControlBytesMakeNoKey() {
        #expect(keys([0xFF, 0xC0, 0x80, 0x80, 0x01, 0x1F]) == [])
        // A cut-off sequence: the byte that broke it begins the next key.
        #expect(keys([0xE6, 0xBC, UInt8(ascii: "a")]) == [.character("a")])
        #expect(keys([0xED, 0xA0, 0x80]) == [])                 // an encoded surrogate
        #expect(keys(Array("\u{85}".utf8)) == [])                // a C1 control
    }
}

@Suite struct LineEditorTests {
    @Test func editsAtTheCursor() {
        var field = LineEditor()
        for key: Key in [.character("2"), .character("0"), .character("T"), .character("B"), .left, .left, .character("0")] { _ = field.apply(key) }
        #expect(field.text == "200TB" && field.before == "200")
        _ = field.apply(.backspace)
        #expect(field.text == "20TB")
        _ = field.apply(.right); _ = field.apply(.right)
        let movedPastTheEnd = field.apply(.right)
        #expect(!movedPastTheEnd)                                 // at the end: not an edit
        _ = field.apply(.space); _ = field.apply(.character("x"))
        _ = field.apply(.deleteWord)
        #expect(field.text == "20TB ")
        _ = field.apply(.clearField)
        let movedLeft = field.apply(.left)
        #expect(field.isEmpty && !movedLeft)                      // ← on an empty field is the caller's
    }

    @Test func combiningMarksKeepTheCursorInsideTheText() {
        var field = LineEditor()
        for key: Key in [.character("e"), .left, .character("\u{301}"), .right, .character("\u{301}"), .backspace, .backspace, .backspace] {
            _ = field.apply(key)
            #expect(field.cursor <= field.text.utf8.count)
            #expect(String(validating: Array(field.text.utf8), as: UTF8.self) != nil)
        }
    }

    @Test func theFieldHoldsAtMostItsMaximum() {
        var field = LineEditor()
        for _ in 0..<(LineEditor.maxLength + 50) { _ = field.apply(.character("漢")) }
        #expect(field.text.count == LineEditor.maxLength)
    }
}
