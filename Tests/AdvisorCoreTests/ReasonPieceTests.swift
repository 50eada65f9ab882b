@testable import AdvisorCore
import Testing

/// `prerenderReasons` writes out once what a reason reads of no answer (whole sentences, and
/// the runs of parts between the answers of the others) and counts the services' names: every
/// finding's text and subject length must be what the template written out in full gives.
@Suite struct ReasonPieceTests {
    @Test func piecesWriteWhatTheTemplateWrites() {
        let engine = Engine(catalog: sharedCatalog)
        var prepared = engine
        prepared.prerenderReasons()
        #expect(!prepared.reasonPieces.isEmpty && prepared.serviceNameLengths.count == sharedCatalog.services.count)
        let n = sharedCatalog.services.count
        // Some reasons read answers and some the values found missing, so both kinds of hole are filled.
        let holes = prepared.reasonPieces.flatMap { $0 }
        #expect(holes.contains { if case .answer = $0 { return true } else { return false } })
        #expect(holes.contains { if case .missing = $0 { return true } else { return false } })
        var compared = 0, mismatches = 0, withMissing = 0
        for (k, p) in WhatIfClassTests.profiles(40, engine: engine).enumerated() {
            let a = engine.evaluator.answers(p)
            let fired = engine.matrix(engine.firing(a))
            for i in engine.serviceRules.indices {
                for s in 0..<n where fired[i * n + s] || k % 8 == 0 {
                    let full = engine.writtenReason(i, service: s, profile: p, answers: a)
                    let pieces = prepared.writtenReason(i, service: s, profile: p, answers: a)
                    compared += 1
                    if engine.serviceRules[i].needsBindings, fired[i * n + s] { withMissing += 1 }
                    if Array(full.text.utf8) != Array(pieces.text.utf8) || full.subjectLength != pieces.subjectLength {
                        mismatches += 1
                        if mismatches <= 3 { Issue.record("rule \(engine.serviceRules[i].id), service \(sharedCatalog.services[s].id): \(pieces) against \(full)") }
                    }
                }
            }
        }
        #expect(mismatches == 0)
        #expect(compared > 10_000 && withMissing > 0)
    }

    /// The same for whole recommendations: every finding of every service (text, subject length).
    @Test func recommendationsAreTheSameWithPieces() {
        let engine = Engine(catalog: sharedCatalog)
        var prepared = engine
        prepared.prerenderReasons()
        func findings(_ r: Recommendation) -> [[Finding]] {
            ([r.pick] + r.alternatives.map(\.0) + r.excluded).map { $0.scoreFindings + $0.exclusions + $0.configuration }
        }
        for p in WhatIfClassTests.profiles(30, engine: engine) {
            #expect(findings(engine.recommend(p, withWhatIf: false)) == findings(prepared.recommend(p, withWhatIf: false)))
        }
    }
}
