/// The questionnaire's logic, apart from any terminal: which questions to ask, how a typed
/// line becomes an answer, and whether any remaining answer could still change the pick.
public struct Questionnaire: Sendable {
    public let catalog: Catalog
    public let engine: Engine
    /// Each question's `askWhen`, compiled as the rules are: its position in `askWhenProgram`
    /// (-1: always asked).
    private let askWhen: [Int]
    private let askWhenProgram: TestProgram

    public init(catalog: Catalog) {
        self.catalog = catalog
        engine = Engine(catalog: catalog)
        var program = TestProgram(services: 0)
        askWhen = catalog.questions.map { $0.askWhen.map { program.add(RuleEvaluator.compile(answersOnly: $0, catalog: catalog)) } ?? -1 }
        askWhenProgram = program
    }

    /// Whether `question` is worth asking given the answers so far (its `askWhen`, if any).
    public func isRelevant(_ question: Question, given profile: Profile) -> Bool {
        guard let i = catalog.questions.firstIndex(where: { $0.key == question.key }), askWhen[i] >= 0 else { return true }
        return askWhenProgram.holds(askWhen[i], engine.evaluator.answers(profile), -1)
    }

    /// The questions still to ask, in order: unanswered, and relevant to the answers so far.
    public func remaining(after profile: Profile, skipped: Set<String> = []) -> [Question] {
        catalog.questions.filter { profile[$0.key] == nil && !skipped.contains($0.key) && isRelevant($0, given: profile) }
    }

    /// The remaining questions of which some single answer would change the current pick.
    public func questionsThatCouldChangePick(_ profile: Profile, remaining: [Question]) -> [Question] {
        let pick = engine.pick(profile)
        let keys = Set(remaining.map(\.key))
        let changing = Set(engine.whatIfs(profile, pick: pick).map(\.key)).intersection(keys)
        return remaining.filter { changing.contains($0.key) }
    }

    /// Parses one typed answer: a value name, its 1-based number, or for a set several of
    /// either separated by commas or spaces. An empty line is a skip (nil).
    public func parse(line raw: String, for question: Question) -> Result<Answer?, ProfileError> {
        let line = raw.trimmedWhitespace
        if line.isEmpty { return .success(nil) }
        switch question.kind {
        case .choice:
            if let n = Int(line) {
                guard n >= 1 && n <= question.values.count else {
                    return .failure(ProfileError(key: question.key, value: line, message: "\(n) is not a choice; enter 1 to \(question.values.count), a value name, or nothing to skip"))
                }
                return .success(.choice(question.values[n - 1].value))
            }
            return catalog.parseAnswer(key: question.key, text: line).map { $0 }
        case .set:
            var names: [String] = []
            for part in line.split(whereSeparator: { $0 == "," || $0 == " " }) {
                if let n = Int(part) {
                    guard n >= 1 && n <= question.values.count else {
                        return .failure(ProfileError(key: question.key, value: String(part), message: "\(n) is not a choice; enter numbers from 1 to \(question.values.count) or value names"))
                    }
                    names.append(question.values[n - 1].value)
                } else {
                    names.append(String(part))
                }
            }
            return catalog.parseAnswer(key: question.key, text: names.joined(separator: ",")).map { $0 }
        case .size, .rate, .percent:
            return catalog.parseAnswer(key: question.key, text: line).map { $0 }
        }
    }

    /// The one-shot command line that reproduces a profile, keys in questionnaire order.
    public func commandLine(for profile: Profile) -> String {
        var parts = ["dbadvisor", "recommend"]
        for q in catalog.questions {
            if let answer = profile[q.key] { parts += ["--\(q.key)", answer.text] }
        }
        return parts.joined(separator: " ")
    }
}
