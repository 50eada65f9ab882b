/// Makes text that came from outside (an answers file, a flag, a catalog) safe to show:
/// control characters and escape sequences are shown as visible escapes, never sent raw to a terminal.
public enum Sanitize {
    public static func forTerminal(_ text: String, limit: Int = 80) -> String {
        var out = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count >= limit {
                out += "…"
                break
            }
            switch scalar.value {
            case 0x0A: out += "\\n"
            case 0x09: out += "\\t"
            case 0x0D: out += "\\r"
            case 0x00..<0x20, 0x7F, 0x80...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069:
                out += "\\u{\(String(scalar.value, radix: 16))}"
            default: out.unicodeScalars.append(scalar)
            }
            count += 1
        }
        return out
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs. Plain Swift, no Foundation
    /// bridging: it runs on every answer of every batch line.
    public var trimmedSpaces: String {
        // Nearly always nothing to trim: a first and last byte that are not a space or a tab
        // begin and end characters that are not one.
        let bytes = utf8
        if let first = bytes.first, first != 0x20, first != 0x09 {
            let last = bytes[bytes.index(bytes.startIndex, offsetBy: bytes.count - 1)]
            if last != 0x20, last != 0x09 { return String(self) }
        }
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }

    /// Without leading and trailing white space of any kind (spaces, tabs, line breaks, and
    /// the other Unicode white space characters).
    public var trimmedWhitespace: String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[first...last])
    }
}
