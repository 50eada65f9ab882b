/// The bundled catalog as the binary loads it: the `Catalog` value itself, written field by
/// field at build time by the embedder from the catalog it loaded and validated from catalog/
/// (`Catalog.load(files:)`, the one place catalog rules and checks are written), and read back
/// here into the same types, with no JSON value in between (only the JSON a catalog type
/// stores as JSON: fact values, dated lists, example profiles, `is` tests on facts).
///
/// The text layout is Snapshot.swift's: one line, the string table, then the catalog. Every
/// field is written in a fixed order: a string as its index in the table (`INDEX:`), a count or whole number in decimal ended by `:` (negative: `-` first), a
/// number's bits as 16 hex digits, a Bool as `t`/`f`, an optional as `n` or `y` then the
/// value, a list as its count then its items, a JSON value as Snapshot.swift lays it out, a
/// condition or template part as a one-letter tag then its fields. Dictionaries and sets are
/// written in sorted order, so the same catalog gives the same bytes.
///
/// The embedder decodes what it wrote and compares it with the catalog it loaded, every stored
/// property (`CatalogDump`), and fails the build, naming the first properties that differ.
extension CatalogSnapshot {
    static let catalogHeader = "dbadvisor-catalog-3:"

    /// The typed snapshot of a loaded catalog.
    public static func encode(catalog: Catalog) -> String {
        var w = SnapshotWriter()
        catalog.write(to: &w)
        return w.finish(header: catalogHeader)
    }
}

extension Catalog {
    /// Loads the bundled catalog from its typed snapshot (`CatalogSnapshot.encode(catalog:)`),
    /// written when the binary was built from the catalog validated then: nothing is parsed or
    /// validated again.
    public static func load(snapshot text: String) throws -> Catalog {
        var contiguous = text
        contiguous.makeContiguousUTF8()
        do {
            return try contiguous.utf8.withContiguousStorageIfAvailable { buffer -> Catalog in
                var reader = CatalogSnapshot.Reader(bytes: buffer)
                let header = CatalogSnapshot.catalogHeader.utf8
                guard buffer.starts(with: header) else { throw CatalogSnapshot.Malformed(offset: 0) }
                reader.index = header.count
                let stringCount = try reader.count()
                guard stringCount <= buffer.count - reader.index else { throw reader.malformed() }
                var strings: [Range<Int>] = []
                strings.reserveCapacity(stringCount)
                for _ in 0..<stringCount { strings.append(try reader.stringRange(length: try reader.count())) }
                var made = [String?](repeating: nil, count: stringCount)
                return try strings.withUnsafeBufferPointer { table in
                    try made.withUnsafeMutableBufferPointer { made in
                        reader.table = table
                        reader.made = made
                        let catalog = try Catalog(reading: &reader)
                        guard reader.index == buffer.count else { throw reader.malformed() }
                        return catalog
                    }
                }
            }!
        } catch {
            throw CatalogError(problems: [Problem(file: "(snapshot)", path: "$", message: "\(error)")])
        }
    }
}

// MARK: - Reading

extension CatalogSnapshot.Reader {
    mutating func int() throws -> Int {
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
            index += 1
            return -(try count())
        }
        return try count()
    }

    mutating func bool() throws -> Bool {
        switch try byte() {
        case UInt8(ascii: "t"): return true
        case UInt8(ascii: "f"): return false
        default: index -= 1; throw malformed()
        }
    }

    /// Whether an optional value follows.
    mutating func present() throws -> Bool {
        switch try byte() {
        case UInt8(ascii: "y"): return true
        case UInt8(ascii: "n"): return false
        default: index -= 1; throw malformed()
        }
    }

    mutating func string() throws -> String { try tableString() }

    mutating func optionalString() throws -> String? { try present() ? try tableString() : nil }

    /// A list's count, no more than the bytes left (each item takes at least one).
    mutating func items() throws -> Int {
        let n = try count()
        guard n <= bytes.count - index else { throw malformed() }
        return n
    }

    mutating func strings() throws -> [String] {
        let n = try items()
        var out: [String] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try tableString()) }
        return out
    }

    mutating func json() throws -> JSON { try value(depth: 0) }

    mutating func list<T>(_ read: (inout Self) throws -> T) throws -> [T] {
        let n = try items()
        var out: [T] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try read(&self)) }
        return out
    }

    /// A one-letter tag.
    mutating func tag() throws -> UInt8 { try byte() }
}

extension Catalog {
    init(reading r: inout CatalogSnapshot.Reader) throws {
        self.init(name: try r.string(), version: try r.string(), date: try r.string(),
                  services: try r.list { try Service(reading: &$0) },
                  questions: try r.list { try Question(reading: &$0) },
                  rules: try r.list { try Rule(reading: &$0) })
        declaredServiceIDs = try r.strings()
        integrations = try r.list { try Integration(reading: &$0) }
        prices = PriceTable(prices: try r.list { try UnitPrice(reading: &$0) })
        regionTable = try RegionTable(reading: &r)
        for _ in 0..<(try r.items()) {
            migrationGuide[try r.string()] = try r.list { GuideEntry(id: try $0.string(), text: try $0.string(), source: try $0.string()) }
        }
        ranking = RankingPolicy()
        ranking.fitThreshold = try r.double()
        ranking.tieBreak = try r.list { RankingPolicy.TieBreak(fact: try $0.string(), preferred: try $0.strings(), says: try $0.string()) }
        for _ in 0..<(try r.items()) { factLabels[try r.string()] = try r.string() }
    }
}

extension Fact {
    convenience init(reading r: inout CatalogSnapshot.Reader) throws {
        self.init(kind: try r.string(), value: try r.present() ? try r.json() : nil, text: try r.string(), source: try r.string(),
                  asOf: try r.string(), confidence: try r.string(), note: try r.optionalString())
    }
}

extension Service {
    convenience init(reading r: inout CatalogSnapshot.Reader) throws {
        self.init(id: try r.string(), name: try r.string(), family: try r.string(), summary: try r.string(),
                  facts: try r.list { try Fact(reading: &$0) },
                  lists: try r.list { (try $0.string(), try $0.list { try $0.json() }) },
                  file: try r.string(), neverPickedBecause: try r.optionalString())
    }
}

extension Question {
    init(reading r: inout CatalogSnapshot.Reader) throws {
        let key = try r.string(), isCore = try r.bool()
        guard let kind = Kind(rawValue: try r.string()) else { throw r.malformed() }
        self.init(key: key, isCore: isCore, kind: kind, prompt: try r.string(), hint: try r.string(), help: try r.string(),
                  values: try r.list {
                      Value(value: try $0.string(), label: try $0.string(), help: try $0.string(),
                            rank: try $0.present() ? try $0.int() : nil, family: try $0.optionalString())
                  },
                  example: try r.optionalString(), askWhen: try r.present() ? try Condition(reading: &r) : nil,
                  ranked: try r.optionalString())
    }
}

extension Rule {
    convenience init(reading r: inout CatalogSnapshot.Reader) throws {
        let id = try r.string()
        guard let effect = Effect(rawValue: try r.string()) else { throw r.malformed() }
        func condition(_ r: inout CatalogSnapshot.Reader) throws -> Condition? { try r.present() ? try Condition(reading: &r) : nil }
        func example(_ r: inout CatalogSnapshot.Reader) throws -> Example { Example(profile: try r.json(), service: try r.optionalString()) }
        self.init(id: id, effect: effect, weight: try r.double(), when: try condition(&r), services: try condition(&r),
                  asserts: try condition(&r), reason: try r.string(), source: try r.string(), sourceFact: try r.optionalString(),
                  follows: try r.optionalString(), fires: try r.list(example), doesNotFire: try r.list(example),
                  contradicts: try r.strings(), file: try r.string(), index: try r.int(), whenIsProfileOnly: try r.bool(),
                  template: try r.list { try TemplatePart(reading: &$0) })
    }
}

extension Rule.TemplatePart {
    init(reading r: inout CatalogSnapshot.Reader) throws {
        switch try r.tag() {
        case UInt8(ascii: "L"): self = .literal(try r.string())
        case UInt8(ascii: "S"): self = .service
        case UInt8(ascii: "M"): self = .missing
        case UInt8(ascii: "U"): self = .successor
        case UInt8(ascii: "I"): self = .since
        case UInt8(ascii: "A"): self = .answer(try r.string())
        case UInt8(ascii: "F"): self = .fact(try r.string())
        case UInt8(ascii: "T"): self = .factText(try r.string())
        case UInt8(ascii: "X"): self = .unknown(try r.string())
        default: r.index -= 1; throw r.malformed()
        }
    }
}

extension Condition {
    init(reading r: inout CatalogSnapshot.Reader, depth: Int = 0) throws {
        guard depth < 512 else { throw r.malformed() }
        func optionalDouble(_ r: inout CatalogSnapshot.Reader) throws -> Double? { try r.present() ? try r.double() : nil }
        switch try r.tag() {
        case UInt8(ascii: "A"): self = .all(try r.list { try Condition(reading: &$0, depth: depth + 1) })
        case UInt8(ascii: "Y"): self = .any(try r.list { try Condition(reading: &$0, depth: depth + 1) })
        case UInt8(ascii: "N"): self = .not(try Condition(reading: &r, depth: depth + 1))
        case UInt8(ascii: "S"): self = .serviceIn(try r.strings())
        case UInt8(ascii: "F"): self = .familyIn(try r.strings())
        case UInt8(ascii: "M"): self = .familyMatchesAnswer(try r.string())
        case UInt8(ascii: "I"): self = .invalid(try r.string())
        case UInt8(ascii: "Q"):
            let key = try r.string()
            let test: AnswerTest
            switch try r.tag() {
            case UInt8(ascii: "a"): test = .answered(try r.bool())
            case UInt8(ascii: "i"): test = .isValue(try r.string())
            case UInt8(ascii: "n"): test = .inValues(try r.strings())
            case UInt8(ascii: "c"): test = .includes(try r.string())
            case UInt8(ascii: "y"): test = .includesAny(try r.strings())
            case UInt8(ascii: "l"): test = .atLeast(try r.string(), size: try optionalDouble(&r), rate: try optionalDouble(&r))
            case UInt8(ascii: "b"): test = .below(try r.string(), size: try optionalDouble(&r), rate: try optionalDouble(&r))
            default: r.index -= 1; throw r.malformed()
            }
            self = .answer(key: key, test: test)
        case UInt8(ascii: "K"):
            let kind = try r.string(), field = try r.optionalString()
            let test: FactTest
            switch try r.tag() {
            case UInt8(ascii: "p"): test = .present(try r.bool())
            case UInt8(ascii: "i"): test = .isValue(try r.json())
            case UInt8(ascii: "n"): test = .inValues(try r.strings())
            case UInt8(ascii: "c"): test = .includes(try r.string())
            case UInt8(ascii: "h"): test = .includesAnswer(try r.string())
            case UInt8(ascii: "l"): test = .lacksAnswer(try r.string())
            case UInt8(ascii: "b"): test = .belowAnswer(try r.string())
            case UInt8(ascii: "s"): test = .slowerThanAnswer(try r.string())
            case UInt8(ascii: "o"): test = .notSlowerThanAnswer(try r.string())
            default: r.index -= 1; throw r.malformed()
            }
            self = .fact(kind: kind, field: field, test: test)
        default: r.index -= 1; throw r.malformed()
        }
    }
}

extension Integration {
    init(reading r: inout CatalogSnapshot.Reader) throws {
        id = try r.string()
        kind = try r.string()
        from = try r.strings()
        to = try r.strings()
        text = try r.string()
        source = try r.string()
        index = try r.int()
    }
}

extension UnitPrice {
    init(reading r: inout CatalogSnapshot.Reader) throws {
        self.init(service: try r.string(), key: try r.string(), item: try r.string(), usd: try r.double(), unit: try r.string(),
                  region: try r.string(), source: try r.string(), retrievedFrom: try r.optionalString(), sourceType: try r.string(),
                  asOf: try r.string(), note: try r.optionalString())
        origin = try r.optionalString()
    }
}

extension RegionTable {
    init(reading r: inout CatalogSnapshot.Reader) throws {
        self.init()
        regions = try r.list { Region(code: try $0.string(), name: try $0.string(), source: try $0.string(), asOf: try $0.string()) }
        for _ in 0..<(try r.items()) { offerings[try r.string()] = try Offering(reading: &r) }
        capabilities = try r.list { try Offering(reading: &$0) }
    }
}

extension RegionTable.Offering {
    init(reading r: inout CatalogSnapshot.Reader) throws {
        self.init(service: try r.string(), fact: try r.string(), capability: try r.optionalString(), regions: Set(try r.strings()),
                  confidence: try r.string(), source: try r.string(), asOf: try r.string(), note: try r.optionalString())
    }
}

// MARK: - Writing (at build time, by the embedder)

extension Catalog {
    func write(to w: inout SnapshotWriter) {
        w.string(name); w.string(version); w.string(date)
        w.count(services.count)
        for s in services { s.write(to: &w) }
        w.count(questions.count)
        for q in questions { q.write(to: &w) }
        w.count(rules.count)
        for rule in rules { rule.write(to: &w) }
        w.strings(declaredServiceIDs)
        w.count(integrations.count)
        for i in integrations {
            w.string(i.id); w.string(i.kind); w.strings(i.from); w.strings(i.to); w.string(i.text); w.string(i.source); w.int(i.index)
        }
        w.count(prices.prices.count)
        for p in prices.prices {
            w.string(p.service); w.string(p.key); w.string(p.item); w.double(p.usd); w.string(p.unit); w.string(p.region)
            w.string(p.source); w.string(p.retrievedFrom); w.string(p.sourceType); w.string(p.asOf); w.string(p.note); w.string(p.origin)
        }
        regionTable.write(to: &w)
        w.count(migrationGuide.count)
        for (section, entries) in migrationGuide.sorted(by: { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }) {
            w.string(section)
            w.count(entries.count)
            for e in entries { w.string(e.id); w.string(e.text); w.string(e.source) }
        }
        w.double(ranking.fitThreshold)
        w.count(ranking.tieBreak.count)
        for t in ranking.tieBreak { w.string(t.fact); w.strings(t.preferred); w.string(t.says) }
        w.count(factLabels.count)
        for (kind, label) in factLabels.sorted(by: { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }) {
            w.string(kind); w.string(label)
        }
    }
}

extension Service {
    func write(to w: inout SnapshotWriter) {
        w.string(id); w.string(name); w.string(family); w.string(summary)
        w.count(facts.count)
        for f in facts {
            w.string(f.kind)
            w.present(f.value != nil)
            if let value = f.value { w.json(value) }
            w.string(f.text); w.string(f.source); w.string(f.asOf); w.string(f.confidence); w.string(f.note)
        }
        w.count(lists.count)
        for (name, items) in lists {
            w.string(name)
            w.count(items.count)
            for item in items { w.json(item) }
        }
        w.string(file); w.string(neverPickedBecause)
    }
}

extension Question {
    func write(to w: inout SnapshotWriter) {
        w.string(key); w.bool(isCore); w.string(kind.rawValue); w.string(prompt); w.string(hint); w.string(help)
        w.count(values.count)
        for v in values {
            w.string(v.value); w.string(v.label); w.string(v.help)
            w.present(v.rank != nil)
            if let rank = v.rank { w.int(rank) }
            w.string(v.family)
        }
        w.string(example)
        w.present(askWhen != nil)
        askWhen?.write(to: &w)
        w.string(ranked)
    }
}

extension Rule {
    func write(to w: inout SnapshotWriter) {
        w.string(id); w.string(effect.rawValue); w.double(weight)
        for c in [when, services, asserts] {
            w.present(c != nil)
            c?.write(to: &w)
        }
        w.string(reason); w.string(source); w.string(sourceFact); w.string(follows)
        for examples in [fires, doesNotFire] {
            w.count(examples.count)
            for e in examples { w.json(e.profile); w.string(e.service) }
        }
        w.strings(contradicts); w.string(file); w.int(index); w.bool(whenIsProfileOnly)
        w.count(template.count)
        for part in template {
            switch part {
            case let .literal(text): w.out.append(UInt8(ascii: "L")); w.string(text)
            case .service: w.out.append(UInt8(ascii: "S"))
            case .missing: w.out.append(UInt8(ascii: "M"))
            case .successor: w.out.append(UInt8(ascii: "U"))
            case .since: w.out.append(UInt8(ascii: "I"))
            case let .answer(key): w.out.append(UInt8(ascii: "A")); w.string(key)
            case let .fact(kind): w.out.append(UInt8(ascii: "F")); w.string(kind)
            case let .factText(kind): w.out.append(UInt8(ascii: "T")); w.string(kind)
            case let .unknown(name): w.out.append(UInt8(ascii: "X")); w.string(name)
            }
        }
    }
}

extension Condition {
    func write(to w: inout SnapshotWriter) {
        func tag(_ c: Unicode.Scalar) { w.out.append(UInt8(ascii: c)) }
        func optionalDouble(_ n: Double?) { w.present(n != nil); if let n { w.double(n) } }
        switch self {
        case let .all(items): tag("A"); w.count(items.count); for c in items { c.write(to: &w) }
        case let .any(items): tag("Y"); w.count(items.count); for c in items { c.write(to: &w) }
        case let .not(inner): tag("N"); inner.write(to: &w)
        case let .serviceIn(ids): tag("S"); w.strings(ids)
        case let .familyIn(ids): tag("F"); w.strings(ids)
        case let .familyMatchesAnswer(key): tag("M"); w.string(key)
        case let .invalid(message): tag("I"); w.string(message)
        case let .answer(key, test):
            tag("Q"); w.string(key)
            switch test {
            case let .answered(b): tag("a"); w.bool(b)
            case let .isValue(v): tag("i"); w.string(v)
            case let .inValues(vs): tag("n"); w.strings(vs)
            case let .includes(v): tag("c"); w.string(v)
            case let .includesAny(vs): tag("y"); w.strings(vs)
            case let .atLeast(t, size, rate): tag("l"); w.string(t); optionalDouble(size); optionalDouble(rate)
            case let .below(t, size, rate): tag("b"); w.string(t); optionalDouble(size); optionalDouble(rate)
            }
        case let .fact(kind, field, test):
            tag("K"); w.string(kind); w.string(field)
            switch test {
            case let .present(b): tag("p"); w.bool(b)
            case let .isValue(v): tag("i"); w.json(v)
            case let .inValues(vs): tag("n"); w.strings(vs)
            case let .includes(v): tag("c"); w.string(v)
            case let .includesAnswer(k): tag("h"); w.string(k)
            case let .lacksAnswer(k): tag("l"); w.string(k)
            case let .belowAnswer(k): tag("b"); w.string(k)
            case let .slowerThanAnswer(k): tag("s"); w.string(k)
            case let .notSlowerThanAnswer(k): tag("o"); w.string(k)
            }
        }
    }
}

extension RegionTable {
    func write(to w: inout SnapshotWriter) {
        w.count(regions.count)
        for r in regions { w.string(r.code); w.string(r.name); w.string(r.source); w.string(r.asOf) }
        w.count(offerings.count)
        for (id, o) in offerings.sorted(by: { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }) {
            w.string(id)
            o.write(to: &w)
        }
        w.count(capabilities.count)
        for o in capabilities { o.write(to: &w) }
    }
}

extension RegionTable.Offering {
    func write(to w: inout SnapshotWriter) {
        w.string(service); w.string(fact); w.string(capability)
        w.strings(regions.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        w.string(confidence); w.string(source); w.string(asOf); w.string(note)
    }
}
