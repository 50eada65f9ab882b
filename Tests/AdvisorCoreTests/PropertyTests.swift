import AdvisorCore
import Testing

/// Properties over many generated profiles (a fixed-seed generator, so failures reproduce).
@Suite struct PropertyTests {
    struct Generator {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(max(1, n)))
        }
    }

    /// A random answers object as (key, JSON value) pairs in questionnaire order.
    static func randomMembers(_ g: inout Generator) -> [(String, JSON)] {
        var members: [(String, JSON)] = []
        for q in sharedCatalog.questions where g.next(3) > 0 {
            switch q.kind {
            case .choice: members.append((q.key, .string(q.valueNames[g.next(q.values.count)])))
            case .set:
                let picked = Set((0...g.next(3)).map { _ in q.valueNames[g.next(q.values.count)] })
                members.append((q.key, .string(q.valueNames.filter(picked.contains).joined(separator: ","))))
            case .size: members.append((q.key, .string(["4KB", "400KB", "2MB", "500MB", "200GB", "3TB", "50TB", "300TB", "2PB"][g.next(9)])))
            case .rate: members.append((q.key, .string(["50", "500", "2k", "20k", "150k", "1.5M"][g.next(6)])))
            case .percent: members.append((q.key, .string(["10%", "50%", "95%"][g.next(3)])))
            }
        }
        return members
    }

    @Test func keyOrderDoesNotChangeTheResult() throws {
        let engine = Engine(catalog: sharedCatalog)
        var g = Generator(state: 42)
        for _ in 0..<200 {
            let members = Self.randomMembers(&g)
            var shuffled = members
            for i in shuffled.indices.reversed() { shuffled.swapAt(i, g.next(i + 1)) }
            let a = try sharedCatalog.parseProfile(.object(members)).get().0
            let b = try sharedCatalog.parseProfile(.object(shuffled)).get().0
            #expect(a == b)
            let ra = engine.recommend(a, withWhatIf: false), rb = engine.recommend(b, withWhatIf: false)
            #expect(ra.pick.service.id == rb.pick.service.id && ra.warnings == rb.warnings)
            #expect(ra.alternatives.map(\.0.service.id) == rb.alternatives.map(\.0.service.id))
        }
    }

    @Test func everyServiceOnceAndAddingAnAnswerNeverFails() throws {
        let engine = Engine(catalog: sharedCatalog)
        var g = Generator(state: 7)
        for _ in 0..<200 {
            var members = Self.randomMembers(&g)
            while true {
                let profile = try sharedCatalog.parseProfile(.object(members)).get().0
                let r = engine.recommend(profile, withWhatIf: false)
                let ids = [r.pick.service.id] + r.alternatives.map(\.0.service.id) + r.excluded.map(\.service.id)
                #expect(ids.sorted() == sharedCatalog.serviceIDs.sorted())
                #expect(r.pick.service.lifecycle.isAvailableForNewWorkloads)
                // Add one more answer, if any question is left, and go again.
                guard let q = sharedCatalog.questions.first(where: { key in !members.contains { $0.0 == key.key } }), q.kind == .choice else { break }
                members.append((q.key, .string(q.valueNames[g.next(q.values.count)])))
            }
        }
    }
}
