/// One problem found in a document, with the file and the JSON path where it is.
public struct Problem: Error, Equatable, Sendable, CustomStringConvertible, Comparable {
    public var file: String
    public var path: String
    public var message: String

    public init(file: String, path: String, message: String) {
        self.file = file
        self.path = path
        self.message = message
    }

    public var description: String { "\(file): \(path): \(message)" }

    public static func < (a: Problem, b: Problem) -> Bool {
        (a.file, a.path, a.message) < (b.file, b.path, b.message)
    }
}

/// A validator for the subset of JSON Schema (2020-12) the catalog's schema uses:
/// `type`, `enum`, `const`, `properties`, `required`, `additionalProperties`, `items`,
/// `minItems`, `maxItems`, `uniqueItems`, `minLength`, `pattern`, `minimum`, `maximum`,
/// `$ref` to `#/$defs/...`, `allOf`, `anyOf`, `oneOf`, and `description`/`title`/`$comment`
/// (ignored). A keyword outside this subset is reported, not silently skipped.
/// A JSON path built as the validator descends and spelled out only when a problem needs it.
indirect enum JSONPath {
    case root
    case member(JSONPath, String)
    case index(JSONPath, Int)

    var text: String {
        switch self {
        case .root: return "$"
        case let .member(parent, key): return SchemaValidator.member(parent.text, key)
        case let .index(parent, i): return "\(parent.text)[\(i)]"
        }
    }
}

public struct SchemaValidator {
    public let root: JSON
    private var patterns: [String: Regex<AnyRegexOutput>?] = [:]
    private var knownPatterns: [String: SchemaPattern?] = [:]
    private var resolved: [String: JSON] = [:]

    static let knownKeywords: Set<String> = [
        "$schema", "$id", "$defs", "$ref", "$comment", "title", "description", "examples", "default",
        "type", "enum", "const", "properties", "required", "additionalProperties", "items",
        "minItems", "maxItems", "uniqueItems", "minLength", "maxLength", "pattern", "minimum", "maximum",
        "allOf", "anyOf", "oneOf", "format",
    ]

    public init(schema: JSON) {
        root = schema
    }

    /// Every problem of `value` against the root schema, or against `#/$defs/<definition>`;
    /// empty when it conforms.
    public mutating func validate(_ value: JSON, file: String, definition: String? = nil) -> [Problem] {
        var problems: [PendingProblem] = []
        var schema = root
        if let definition {
            guard let target = root["$defs"]?[definition] else {
                return [Problem(file: file, path: "$", message: "the schema has no definition '\(definition)'")]
            }
            schema = target
        }
        check(value, against: schema, path: .root, file: file, into: &problems, refDepth: 0)
        return problems.map { Problem(file: file, path: $0.path.text, message: $0.message) }
    }

    /// A problem whose path is spelled out only if it is reported (anyOf tries many branches).
    struct PendingProblem {
        var path: JSONPath
        var message: String
    }

    /// A path segment for a member name: `.name` when it is an identifier, `["odd name"]` otherwise.
    public static func member(_ path: String, _ key: String) -> String {
        let simple = !key.isEmpty && key.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b == 0x2D
        }
        return simple ? "\(path).\(key)" : "\(path)[\(JSON.string(key).compactText())]"
    }

    private mutating func check(_ value: JSON, against schema: JSON, path: JSONPath, file: String, into problems: inout [PendingProblem], refDepth: Int) {
        if case let .bool(allowed) = schema {
            if !allowed { problems.append(PendingProblem(path: path, message: "no value is allowed here")) }
            return
        }
        guard case let .object(keywords) = schema else { return }
        func fail(_ message: String) { problems.append(PendingProblem(path: path, message: message)) }

        for (keyword, _) in keywords where !Self.knownKeywords.contains(keyword) {
            fail("the schema uses '\(keyword)', which this validator does not support")
        }
        if let ref = schema["$ref"]?.stringValue {
            guard refDepth < 64 else {
                fail("nested more than 64 levels deep")
                return
            }
            guard let target = resolveCached(ref) else {
                fail("the schema reference \(ref) cannot be resolved")
                return
            }
            check(value, against: target, path: path, file: file, into: &problems, refDepth: refDepth + 1)
        }
        if let type = schema["type"] {
            let allowed = type.arrayValue?.compactMap(\.stringValue) ?? [type.stringValue].compactMap { $0 }
            let actual = value.typeName
            let ok = allowed.contains(actual) || (actual == "integer" && allowed.contains("number"))
            if !ok {
                fail("expected \(allowed.joined(separator: " or ")), found \(describe(value))")
                return
            }
        }
        if let options = schema["enum"]?.arrayValue, !options.contains(value) {
            let list = options.map { $0.compactText() }.joined(separator: ", ")
            fail("\(describe(value)) is not one of the accepted values: \(list)")
        }
        if let constant = schema["const"], constant != value {
            fail("expected \(constant.compactText()), found \(describe(value))")
        }
        switch value {
        case let .object(members):
            let properties = schema["properties"]?.objectValue ?? []
            for name in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where value[name] == nil {
                fail("the required member '\(name)' is missing")
            }
            for (key, member) in members {
                let memberPath = JSONPath.member(path, key)
                if let propertySchema = properties.first(where: { $0.0 == key })?.1 {
                    check(member, against: propertySchema, path: memberPath, file: file, into: &problems, refDepth: refDepth)
                } else if let additional = schema["additionalProperties"] {
                    if additional == .bool(false) {
                        let names = properties.map(\.0)
                        var message = "unknown member '\(Sanitize.forTerminal(key))'"
                        if let near = Spelling.nearest(to: key, in: names) { message += " (did you mean '\(near)'?)" }
                        else if !names.isEmpty { message += "; accepted: \(names.joined(separator: ", "))" }
                        problems.append(PendingProblem(path: path, message: message))
                    } else {
                        check(member, against: additional, path: memberPath, file: file, into: &problems, refDepth: refDepth)
                    }
                }
            }
        case let .array(items):
            if let minimum = schema["minItems"]?.numberValue, Double(items.count) < minimum {
                fail("expected at least \(JSON.format(number: minimum)) item(s), found \(items.count)")
            }
            if let maximum = schema["maxItems"]?.numberValue, Double(items.count) > maximum {
                fail("expected at most \(JSON.format(number: maximum)) item(s), found \(items.count)")
            }
            if schema["uniqueItems"] == .bool(true) {
                // By their text, in one pass: comparing each item with every earlier one made
                // a custom catalog's list of 60,000 strings take minutes.
                // Equal texts are then compared exactly (numbers print to six decimals).
                var seen = Set<String>()
                for (i, item) in items.enumerated() where !seen.insert(item.compactText()).inserted && items[..<i].contains(item) {
                    fail("item \(i) repeats \(Sanitize.forTerminal(item.compactText(), limit: 60))")
                }
            }
            if let itemSchema = schema["items"] {
                for (i, item) in items.enumerated() {
                    check(item, against: itemSchema, path: .index(path, i), file: file, into: &problems, refDepth: refDepth)
                }
            }
        case let .string(text):
            if let minimum = schema["minLength"]?.numberValue, Double(text.count) < minimum {
                fail(minimum == 1 ? "must not be empty" : "must be at least \(JSON.format(number: minimum)) characters long")
            }
            if let maximum = schema["maxLength"]?.numberValue, Double(text.count) > maximum {
                fail("must be at most \(JSON.format(number: maximum)) characters long")
            }
            if let pattern = schema["pattern"]?.stringValue {
                if let known = known(pattern), let matched = known.matches(text) {
                    // The schema's own patterns, matched byte by byte (see `SchemaPattern`).
                    if !matched { fail("\(describe(value)) does not match the pattern \(pattern)") }
                } else if let regex = regex(pattern) {
                    if (try? regex.firstMatch(in: text)) == nil {
                        fail("\(describe(value)) does not match the pattern \(pattern)")
                    }
                } else {
                    fail("the schema pattern \(pattern) is not a valid regular expression")
                }
            }
        case let .number(n):
            if let minimum = schema["minimum"]?.numberValue, n < minimum { fail("\(JSON.format(number: n)) is below the minimum \(JSON.format(number: minimum))") }
            if let maximum = schema["maximum"]?.numberValue, n > maximum { fail("\(JSON.format(number: n)) is above the maximum \(JSON.format(number: maximum))") }
        default: break
        }
        for sub in schema["allOf"]?.arrayValue ?? [] {
            check(value, against: sub, path: path, file: file, into: &problems, refDepth: refDepth)
        }
        if let options = schema["anyOf"]?.arrayValue {
            var best: [PendingProblem]? = nil
            for sub in options {
                var attempt: [PendingProblem] = []
                check(value, against: sub, path: path, file: file, into: &attempt, refDepth: refDepth)
                if attempt.isEmpty { best = []; break }
                if best == nil || attempt.count < best!.count { best = attempt }
            }
            problems += best ?? []
        }
        if let options = schema["oneOf"]?.arrayValue {
            var passing = 0
            var fewest: [PendingProblem]? = nil
            for sub in options {
                var attempt: [PendingProblem] = []
                check(value, against: sub, path: path, file: file, into: &attempt, refDepth: refDepth)
                if attempt.isEmpty { passing += 1 } else if fewest == nil || attempt.count < fewest!.count { fewest = attempt }
            }
            if passing == 0 { problems += fewest ?? [] }
            if passing > 1 { fail("matches more than one of the allowed forms") }
        }
    }

    private mutating func resolveCached(_ ref: String) -> JSON? {
        if let hit = resolved[ref] { return hit }
        let target = resolve(ref)
        if let target { resolved[ref] = target }
        return target
    }

    private func resolve(_ ref: String) -> JSON? {
        guard ref.hasPrefix("#/") else { return ref == "#" ? root : nil }
        var node: JSON? = root
        for part in ref.dropFirst(2).split(separator: "/") {
            node = node?[String(part).replacing("~1", with: "/").replacing("~0", with: "~")]
        }
        return node
    }

    /// The standard library's regular expressions (the schema's patterns are plain ones:
    /// anchors, classes, counts), compiled once per pattern.
    private mutating func regex(_ pattern: String) -> Regex<AnyRegexOutput>? {
        if let cached = patterns[pattern] { return cached }
        let compiled = try? Regex(pattern)
        patterns[pattern] = compiled
        return compiled
    }

    /// The pattern's own matcher, when it is one of the bundled schema's (`SchemaPattern`).
    private mutating func known(_ pattern: String) -> SchemaPattern? {
        if let cached = knownPatterns[pattern] { return cached }
        let known = SchemaPattern(pattern)
        knownPatterns[pattern] = known
        return known
    }

    private func describe(_ value: JSON) -> String {
        switch value {
        case .object: return "an object"
        case .array: return "an array"
        case let .string(s): return "\"\(Sanitize.forTerminal(s, limit: 60))\""
        default: return value.compactText()
        }
    }
}

/// The bundled schema's own patterns, matched without the regex engine (which took about
/// 226 M instructions of `lint`'s 5,002 M matching catalog strings): each is recognised by its
/// exact text and matched by hand, for text of printable ASCII (bytes 0x20 to 0x7E, one
/// character each, no line ending for `$` to stop before). Any other text, and any other
/// pattern, goes to the regex engine. A test compares every matcher with the regex on the
/// catalog's strings and on generated ones.
enum SchemaPattern: CaseIterable {
    /// `^[a-z0-9]+(-[a-z0-9]+)*$`
    case slug
    /// `^[0-9]{4}-[0-9]{2}-[0-9]{2}$`
    case date
    /// `^https://[^\s]+$`
    case https
    /// `^per `
    case per
    /// `^rules/[a-z0-9-]+\.json$`
    case ruleFile
    /// `^[a-z]{2}(-gov)?-[a-z]+-[0-9]$`
    case region
    /// `^[a-z][A-Za-z]*Regions$`
    case regionsFact
    /// `^([0-9]+(\.[0-9]+)?(B|KB|KiB|MB|MiB|GB|GiB|TB|TiB|PB|PiB)|unlimited)$`
    case size

    var pattern: String {
        switch self {
        case .slug: return "^[a-z0-9]+(-[a-z0-9]+)*$"
        case .date: return "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
        case .https: return "^https://[^\\s]+$"
        case .per: return "^per "
        case .ruleFile: return "^rules/[a-z0-9-]+\\.json$"
        case .region: return "^[a-z]{2}(-gov)?-[a-z]+-[0-9]$"
        case .regionsFact: return "^[a-z][A-Za-z]*Regions$"
        case .size: return "^([0-9]+(\\.[0-9]+)?(B|KB|KiB|MB|MiB|GB|GiB|TB|TiB|PB|PiB)|unlimited)$"
        }
    }

    init?(_ pattern: String) {
        guard let known = SchemaPattern.allCases.first(where: { $0.pattern == pattern }) else { return nil }
        self = known
    }

    /// Whether `text` matches; nil when the text is not all printable ASCII (the regex decides).
    func matches(_ text: String) -> Bool? {
        if let result = text.utf8.withContiguousStorageIfAvailable({ matches(bytes: $0) }) { return result }
        return Array(text.utf8).withUnsafeBufferPointer { matches(bytes: $0) }
    }

    func matches(bytes t: UnsafeBufferPointer<UInt8>) -> Bool? {
        for b in t where b < 0x20 || b > 0x7E { return nil }
        func lower(_ b: UInt8) -> Bool { b >= 0x61 && b <= 0x7A }
        func digit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        func letter(_ b: UInt8) -> Bool { lower(b) || (b >= 0x41 && b <= 0x5A) }
        func has(_ prefix: String, at start: Int) -> Bool {
            var i = start
            for b in prefix.utf8 {
                guard i < t.count, t[i] == b else { return false }
                i += 1
            }
            return true
        }
        let n = t.count
        switch self {
        case .slug:
            // Runs of [a-z0-9] joined by single hyphens.
            guard n > 0, t[0] != 0x2D, t[n - 1] != 0x2D else { return false }
            for i in 0..<n {
                let b = t[i]
                if b == 0x2D { if t[i - 1] == 0x2D { return false } } else if !(lower(b) || digit(b)) { return false }
            }
            return true
        case .date:
            guard n == 10 else { return false }
            for i in 0..<n where !(i == 4 || i == 7 ? t[i] == 0x2D : digit(t[i])) { return false }
            return true
        case .https:
            // No whitespace among printable ASCII but the space.
            guard n > 8, has("https://", at: 0) else { return false }
            for i in 8..<n where t[i] == 0x20 { return false }
            return true
        case .per:
            return has("per ", at: 0)
        case .ruleFile:
            guard n > 11, has("rules/", at: 0), has(".json", at: n - 5) else { return false }
            for i in 6..<(n - 5) where !(lower(t[i]) || digit(t[i]) || t[i] == 0x2D) { return false }
            return true
        case .region:
            // Two letters, then `-gov` or not, then `-`, letters, `-`, one digit: the middle is
            // `-[a-z]+`, or `-gov` followed by `-[a-z]+`. The shortest is six bytes (`us-e-1`).
            guard n >= 6, lower(t[0]), lower(t[1]), digit(t[n - 1]), t[n - 2] == 0x2D else { return false }
            func hyphenLetters(_ from: Int) -> Bool {
                guard from < n - 3, t[from] == 0x2D else { return false }
                for i in (from + 1)..<(n - 2) where !lower(t[i]) { return false }
                return true
            }
            return hyphenLetters(2) || (has("-gov", at: 2) && hyphenLetters(6))
        case .regionsFact:
            guard n >= 8, lower(t[0]), has("Regions", at: n - 7) else { return false }
            for i in 1..<(n - 7) where !letter(t[i]) { return false }
            return true
        case .size:
            if n == 9, has("unlimited", at: 0) { return true }
            var i = 0
            while i < n, digit(t[i]) { i += 1 }
            guard i > 0 else { return false }
            if i < n, t[i] == 0x2E {
                let start = i + 1
                i = start
                while i < n, digit(t[i]) { i += 1 }
                guard i > start else { return false }
            }
            let unit = n - i
            guard unit >= 1, unit <= 3 else { return false }
            let units = ["B", "KB", "KiB", "MB", "MiB", "GB", "GiB", "TB", "TiB", "PB", "PiB"]
            return units.contains { $0.utf8.count == unit && has($0, at: i) }
        }
    }
}

/// Nearest-spelling suggestions for "did you mean".
public enum Spelling {
    /// The candidate closest to `word` by edit distance, when it is close enough to be a likely typo.
    public static func nearest(to word: String, in candidates: [String]) -> String? {
        // The distance is at least the difference in length (a scalar is 1 to 4 bytes), and the
        // allowance at most 4: a word far longer than every candidate is no typo of one, and
        // is not lowercased or compared at all.
        guard word.utf8.count <= (candidates.map(\.utf8.count).max() ?? 0) * 4 + 16 else { return nil }
        let lowered = word.lowercased()
        var best: (String, Int)? = nil
        for candidate in candidates {
            let d = distance(lowered, candidate.lowercased())
            if best == nil || d < best!.1 { best = (candidate, d) }
        }
        guard let (candidate, d) = best else { return nil }
        let allowance = max(2, min(4, candidate.count / 3))
        if d <= allowance { return candidate }
        if candidate.lowercased().hasPrefix(lowered), lowered.count >= 3 { return candidate }
        return nil
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars.prefix(200)), y = Array(b.unicodeScalars.prefix(200))
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        var current = previous
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }
}
