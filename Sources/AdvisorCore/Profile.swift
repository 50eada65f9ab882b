/// One answer, parsed once at the edge into the type its question declares.
public enum Answer: Hashable, Sendable {
    case choice(String)
    case set([String])
    case size(DataSize)
    case rate(RequestRate)
    /// A percentage from 0 to 100.
    case percent(Double)

    /// The answer as it is written in an answers file or a flag.
    public var text: String {
        switch self {
        case let .choice(v): return v
        case let .set(vs): return vs.joined(separator: ",")
        case let .size(s): return s.description
        case let .rate(r): return r.description
        case let .percent(p): return JSON.exactDecimal(p) + "%"
        }
    }

    public var json: JSON { .string(text) }
}

/// A workload profile: the answers given so far. Unanswered keys are simply absent.
public struct Profile: Hashable, Sendable {
    /// One answer and its key.
    struct Item: Hashable, Sendable {
        let key: String
        var answer: Answer
    }

    /// The answers, each key once, in the order they were given: an order that means nothing
    /// (equal profiles hold the same answers in any order, and hash alike). A list, not a
    /// dictionary: a profile holds a dozen answers or so, and batch makes one a line, where
    /// hashing each key in, and again for each look-up, cost more than walking the list
    /// (some 10 k instructions a line, a twentieth of a JSON line's).
    private(set) var items: [Item]

    public init(answers: [String: Answer] = [:]) {
        items = answers.map { Item(key: $0.key, answer: $0.value) }
    }

    /// A profile of these answers, their keys each once (`ReadLine` gives them so).
    init(items: [Item]) {
        assert(Set(items.map(\.key)).count == items.count, "each key once")
        self.items = items
    }

    /// The answers by key (made when asked: `self[key]` looks one up without it).
    public var answers: [String: Answer] {
        get { Dictionary(uniqueKeysWithValues: items.lazy.map { ($0.key, $0.answer) }) }
        set { items = newValue.map { Item(key: $0.key, answer: $0.value) } }
    }

    /// Whether no question is answered.
    public var isEmpty: Bool { items.isEmpty }

    public subscript(key: String) -> Answer? {
        get { position(of: key).map { items[$0].answer } }
        set {
            switch (position(of: key), newValue) {
            case let (i?, answer?): items[i].answer = answer
            case let (i?, nil): items.remove(at: i)
            case let (nil, answer?): items.append(Item(key: key, answer: answer))
            case (nil, nil): break
            }
        }
    }

    /// Where the answer to `key` lies in `items`. Keys are compared as a dictionary compares
    /// them (`==`), a key of another length passed over first.
    @inline(__always)
    private func position(of key: String) -> Int? {
        let length = key.utf8.count
        return items.withUnsafeBufferPointer { items in
            for i in items.indices where items[i].key.utf8.count == length && items[i].key == key { return i }
            return nil
        }
    }

    public static func == (a: Profile, b: Profile) -> Bool {
        a.items.count == b.items.count && a.items.allSatisfy { b[$0.key] == $0.answer }
    }

    /// As a dictionary hashes: each answer with its key on its own, the hashes combined in a
    /// way their order does not change.
    public func hash(into hasher: inout Hasher) {
        var sum = 0
        for item in items { sum &+= item.hashValue }
        hasher.combine(items.count)
        hasher.combine(sum)
    }

    /// The profile as a JSON object, keys in questionnaire order.
    public func json(order: [Question]) -> JSON {
        .object(order.compactMap { q in self[q.key].map { (q.key, $0.json) } })
    }
}

/// A profile value that was refused, with what is accepted.
public struct ProfileError: Error, Equatable, Sendable, CustomStringConvertible {
    public var key: String
    public var value: String?
    public var message: String

    public var description: String { message }
}

extension Catalog {
    /// Parses one answer given as text (a flag value, or a string in an answers file).
    public func parseAnswer(key: String, text raw: String) -> Result<Answer, ProfileError> {
        guard let question = question(key) else {
            return .failure(unknownKey(key))
        }
        return parseAnswer(question, text: raw)
    }

    /// The same for the question, found.
    func parseAnswer(_ question: Question, text raw: String) -> Result<Answer, ProfileError> {
        Catalog.answer(question, text: raw)
    }

    /// The same: it reads the question alone (batch's line reader calls it without the catalog).
    static func answer(_ question: Question, text raw: String) -> Result<Answer, ProfileError> {
        let key = question.key
        let text = raw.trimmedSpaces
        // What the messages quote, made safe to print; only built when a message is.
        var shown: String { Sanitize.forTerminal(raw, limit: 60) }
        switch question.kind {
        case .choice:
            if question.valueNames.contains(text) { return .success(.choice(text)) }
            return .failure(badValue(question, value: text, shown: shown))
        case .set:
            var values: [String] = []
            for part in text.split(separator: ",", omittingEmptySubsequences: false) {
                let item = part.trimmedSpaces
                guard question.valueNames.contains(item) else {
                    return .failure(badValue(question, value: item, shown: Sanitize.forTerminal(item, limit: 60)))
                }
                if !values.contains(item) { values.append(item) }
            }
            // Stored in the questionnaire's order, so that the same set always prints the same way.
            return .success(.set(question.valueNames.filter(values.contains)))
        case .size:
            switch DataSize.parse(text) {
            case let .success(size): return .success(.size(size))
            case let .failure(error):
                return .failure(ProfileError(key: key, value: raw,
                    message: "invalid value '\(shown)' for \(key): \(error.explanation); expected a size with a unit, such as \(question.example ?? "200GB") (units B, KB, MB, GB, TB, PB)"))
            }
        case .rate:
            switch RequestRate.parse(text) {
            case let .success(rate): return .success(.rate(rate))
            case let .failure(error):
                return .failure(ProfileError(key: key, value: raw,
                    message: "invalid value '\(shown)' for \(key): \(error.explanation); expected requests per second, such as 500, 20k or 1.5M"))
            }
        case .percent:
            var digits = text
            if digits.hasSuffix("%") { digits.removeLast() }
            guard let value = Double(digits.trimmedSpaces), value.isFinite, value >= 0, value <= 100,
                  digits.allSatisfy({ "0123456789. ".contains($0) }) else {
                return .failure(ProfileError(key: key, value: raw,
                    message: "invalid value '\(shown)' for \(key): expected a percentage from 0 to 100, such as \(question.example ?? "80%")"))
            }
            // A bare fraction (0.8) is almost always meant as 80%: refused, with the spelling to use.
            if !text.hasSuffix("%"), value > 0, value < 1 {
                return .failure(ProfileError(key: key, value: raw,
                    message: "invalid value '\(shown)' for \(key): it looks like a fraction; write a percentage from 0 to 100, such as \(JSON.exactDecimal(value * 100))%"))
            }
            return .success(.percent(value))
        }
    }

    /// Parses an answers document: a JSON object of profile keys. `id` is allowed and returned.
    public func parseProfile(_ json: JSON) -> Result<(Profile, id: JSON?), ProfileError> {
        guard case let .object(members) = json else {
            return .failure(ProfileError(key: "", value: nil, message: "expected a JSON object of answers, found \(json.typeName == "integer" ? "a number" : "a" + (json.typeName == "array" || json.typeName == "object" ? "n " : " ") + json.typeName)"))
        }
        // Room for every answer at once: a dictionary grown one answer at a time is rehashed
        // at each doubling.
        var profile = Profile(answers: Dictionary(minimumCapacity: members.count))
        var id: JSON? = nil
        for (key, value) in members {
            if key == "id" {
                id = value
                continue
            }
            // Written by `ask --save`: the catalog version and pick at the time; not an answer.
            if key == "_dbadvisor" { continue }
            guard let question = question(key) else { return .failure(unknownKey(key)) }
            let text: String
            switch value {
            case .null: continue
            case let .string(s): text = s
            // Every digit of the number: rounding it to a few decimals, or to Int64, would
            // change the value (9e15 once read as 9, 1e-7 as 0) instead of refusing it.
            case let .number(n) where question.kind == .rate || question.kind == .percent: text = JSON.exactDecimal(n)
            case let .array(items) where question.kind == .set:
                var parts: [String] = []
                for item in items {
                    guard let s = item.stringValue else {
                        return .failure(ProfileError(key: key, value: nil, message: "\(key): expected a list of strings, found \(item.compactText().prefix(40))"))
                    }
                    parts.append(s)
                }
                text = parts.joined(separator: ",")
            default:
                let expected = question.kind == .set ? "a string or a list of strings" : question.kind == .rate || question.kind == .percent ? "a string or a number" : "a string"
                return .failure(ProfileError(key: key, value: nil, message: "\(key): expected \(expected), found \(Sanitize.forTerminal(value.compactText(), limit: 40))"))
            }
            if question.kind == .set && text.isEmpty {
                continue
            }
            switch parseAnswer(question, text: text) {
            case let .success(answer): profile[key] = answer
            case let .failure(error): return .failure(error)
            }
        }
        return .success((profile, id))
    }

    func unknownKey(_ key: String) -> ProfileError {
        let keys = questions.map(\.key)
        var message = "unknown key '\(Sanitize.forTerminal(key, limit: 60))'"
        if let near = Spelling.nearest(to: key, in: keys) { message += " (did you mean '\(near)'?)" }
        message += "; accepted keys: \(keys.joined(separator: ", "))"
        return ProfileError(key: key, value: nil, message: message)
    }

    static func badValue(_ question: Question, value: String, shown: String) -> ProfileError {
        var message = value.isEmpty ? "empty value for \(question.key)" : "invalid value '\(shown)' for \(question.key)"
        if !value.isEmpty, let near = Spelling.nearest(to: value, in: question.valueNames) { message += " (did you mean '\(near)'?)" }
        message += "; accepted: \(question.valueNames.joined(separator: ", "))"
        if question.kind == .set { message += " (comma-separated)" }
        return ProfileError(key: question.key, value: value, message: message)
    }
}
