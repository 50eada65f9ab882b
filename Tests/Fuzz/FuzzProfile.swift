// libFuzzer target: JSON parsing and profile parsing (answers files, batch lines), the
// batch line scan whose key lets an answer be reused, and batch's short way through simple
// lines: both checked against the full parser (the evaluator's answers read with the line
// included); and batch's kept reasons (`ReasonMemo`) against reasons written anew, and its
// kept firing words (`FiringMemo`, in the reason memo and for CSV rows) against evaluation.
import Foundation

let fuzzEngine = Engine(catalog: fuzzCatalog)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    checkLineScan(UnsafeRawBufferPointer(bytes))
    checkProfileLine(UnsafeRawBufferPointer(bytes))
    guard let json = try? JSONParser.parse(bytes) else { return 0 }
    _ = json.compactText()
    if case let .success((profile, _)) = fuzzCatalog.parseProfile(json) {
        checkReasonMemo(profile, plain: fuzzEngine.recommend(profile, withWhatIf: false))
        let answers = fuzzEngine.evaluator.answers(profile)
        guard fuzzBatchEngine.firing(answers, memo: &fuzzFiringMemo) == fuzzEngine.firing(answers) else { fatalError("a kept firing word is not the evaluated one") }
        guard fuzzBatchEngine.row(profile, memo: &fuzzFiringMemo) == fuzzEngine.row(profile) else { fatalError("kept firing words changed a row") }
    }
    return 0
}

/// Batch's engine (reasons prerendered, prices' citations written once) and its memo of
/// reasons, kept from one input to the next as a worker keeps it from line to line; small,
/// so that it evicts.
let fuzzBatchEngine: Engine = {
    var engine = Engine(catalog: fuzzCatalog)
    engine.prerenderReasons()
    engine.prepareEstimates()
    return engine
}()
nonisolated(unsafe) var fuzzReasonMemo = ReasonMemo(engine: fuzzBatchEngine, capacity: 64)
nonisolated(unsafe) var fuzzFiringMemo = FiringMemo(engine: fuzzBatchEngine)

/// What batch relies on: a recommendation made with kept reasons, without the findings nothing
/// shows (`onlyShown`), has the shown findings of one made without, and each kept finding's
/// JSON is the one the finding itself writes.
func checkReasonMemo(_ profile: Profile, plain: Recommendation) {
    let kept = fuzzBatchEngine.recommend(profile, withWhatIf: false, memo: &fuzzReasonMemo, onlyShown: true)
    func findings(_ r: Recommendation) -> [[Finding]] {
        [r.pick.scoreFindings + r.pick.exclusions + r.pick.configuration] + r.alternatives.map(\.0.scoreFindings) + r.excluded.map(\.exclusions)
    }
    guard findings(kept) == findings(plain) else { fatalError("kept reasons changed a recommendation") }
    guard kept.excluded.map(\.score) == plain.excluded.map(\.score), kept.alternatives.map(\.0.score) == plain.alternatives.map(\.0.score) else {
        fatalError("a score changed without its findings")
    }
    for list in findings(kept) + kept.alternatives.map(\.whyNot) {
        for f in list {
            // Written afresh: a copy without what it keeps.
            let written = Finding(rule: f.rule, text: f.text, source: f.source, weight: f.weight, subjectLength: f.subjectLength)
            for withSource in [true, false] {
                guard let json = withSource ? f.json : f.jsonWithoutSource else { continue }
                var fresh: [UInt8] = []
                written.appendJSON(withSource: withSource, to: &fresh)
                guard fresh == json else { fatalError("a kept finding's JSON is not its own: \(f.rule)") }
            }
        }
    }
}

/// What batch relies on: when the scan finds a plain id, the parser reads the same id; and
/// the line with another plain id in its place has the same key and, if this line is a
/// valid profile, is the same valid profile.
func checkLineScan(_ line: UnsafeRawBufferPointer) {
    guard let (key, idRange) = LineScan.scan(line) else { return }
    let parsed = try? JSONParser.parse(line)
    guard let idRange else {
        if let parsed, let members = parsed.objectValue, members.contains(where: { $0.0 == "id" }), key.idOffset != -1 {
            fatalError("scan found no id but gave an id offset")
        }
        return
    }
    let raw = Array(line[idRange])
    if let parsed {
        guard parsed["id"]?.compactText() == String(decoding: raw, as: UTF8.self) else {
            fatalError("scan's id \(raw) differs from the parser's \(String(describing: parsed["id"]))")
        }
    }
    var other = Array(line[..<idRange.lowerBound])
    other += Array("\"other\"".utf8)
    other += Array(line[idRange.upperBound...])
    let otherScan = other.withUnsafeBytes { LineScan.scan($0) }
    guard let otherScan, otherScan.key == key else { fatalError("another plain id changed the key") }
    if let parsed, case let .success((profile, _)) = fuzzCatalog.parseProfile(parsed) {
        guard let otherJSON = try? JSONParser.parse(other), case let .success((otherProfile, _)) = fuzzCatalog.parseProfile(otherJSON),
              otherProfile == profile else {
            fatalError("another plain id made a different profile")
        }
    }
}

/// Kept from one input to the next, as batch keeps it from line to line: its memo of answers.
nonisolated(unsafe) var fuzzLineReader = ProfileLineReader(catalog: fuzzCatalog)

/// What batch relies on: a line the short way reads is one the full path accepts, with the
/// same profile and id; read again (from the memo), the same.
func checkProfileLine(_ line: UnsafeRawBufferPointer) {
    guard let read = fuzzLineReader.read(line) else { return }
    guard let (json, idSource) = try? JSONParser.parse(Array(line), capturing: "id"),
          case let .success((profile, id)) = fuzzCatalog.parseProfile(json) else {
        fatalError("the short way read a line the full path refuses")
    }
    guard read.profile == profile else { fatalError("the short way read another profile") }
    guard read.answers.areRead(from: profile, by: fuzzEngine) else { fatalError("the short way read other answers for the evaluator") }
    guard fuzzBatchEngine.row(read, memo: &fuzzFiringMemo) == fuzzEngine.row(profile) else { fatalError("the short way's CSV row is not the profile's") }
    let readID = read.id.map { JSON.string(String(decoding: line[$0.lowerBound + 1..<$0.upperBound - 1], as: UTF8.self)) }
    guard readID == id, read.id.map({ String(decoding: line[$0], as: UTF8.self) }) == idSource else {
        fatalError("the short way read another id")
    }
    guard let again = fuzzLineReader.read(line), again.profile == profile, again.id == read.id else {
        fatalError("the memo changed the reading")
    }
}
