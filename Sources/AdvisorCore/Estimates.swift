/// DynamoDB's documented capacity arithmetic: a read unit covers one strongly consistent read
/// of up to 4 KB per second (two eventually consistent ones), a write unit one write of up to
/// 1 KB per second, and transactional requests cost twice as much.
public enum DynamoDBCapacity {
    public enum ReadMode: String, Sendable { case strong, eventual, transactional }

    /// Read capacity units for `readsPerSecond` reads of `itemBytes` each.
    public static func readUnits(readsPerSecond: Double, itemBytes: Double, mode: ReadMode) -> Double {
        let perRead = (itemBytes / 4096).rounded(.up)
        let factor: Double = mode == .eventual ? 0.5 : mode == .transactional ? 2 : 1
        return (readsPerSecond * perRead * factor).rounded(.up)
    }

    /// Write capacity units for `writesPerSecond` writes of `itemBytes` each.
    public static func writeUnits(writesPerSecond: Double, itemBytes: Double, transactional: Bool) -> Double {
        let perWrite = (itemBytes / 1024).rounded(.up)
        return (writesPerSecond * perWrite * (transactional ? 2 : 1)).rounded(.up)
    }
}

/// A monthly figure as a range, US dollars.
public struct CostRange: Sendable, Equatable {
    public var low: Double
    public var high: Double
    public init(low: Double, high: Double) { self.low = low; self.high = high }
    public init(_ both: Double) { self.init(low: both, high: both) }
    static func + (a: CostRange, b: CostRange) -> CostRange { CostRange(low: a.low + b.low, high: a.high + b.high) }

    /// A figure to the cent, as JSON shows it: figures are estimates, and byte-identical
    /// output needs no float noise.
    public static func cents(_ x: Double) -> Double { (x * 100).rounded() / 100 }
}

/// One billed part of an estimate: its monthly range, or nil with the answers it needs.
public struct EstimatePart: Sendable {
    /// What is billed: "instances", "storage", "I/O", "requests", "capacity" ...
    public var item: String
    public var monthlyUSD: CostRange?
    /// How the figure was worked out, in words and numbers.
    public var basis: String
    /// Profile keys the part needs and the profile lacks (empty when it has a figure).
    public var missing: [String]
}

/// A price an estimate used: the price in words, its source and date. Its fields are held in
/// one immutable box, as a finding's are: a batch line copies some 25 citations.
public struct PriceCitation: Sendable, Equatable {
    final class Storage: Sendable {
        let text: String
        let source: String
        let asOf: String
        let json: [UInt8]?

        init(text: String, source: String, asOf: String, json: [UInt8]?) {
            self.text = text
            self.source = source
            self.asOf = asOf
            self.json = json
        }
    }

    private var storage: Storage

    // A change drops the JSON written from the fields.
    public var text: String {
        get { storage.text }
        set { storage = Storage(text: newValue, source: source, asOf: asOf, json: nil) }
    }
    public var source: String {
        get { storage.source }
        set { storage = Storage(text: text, source: newValue, asOf: asOf, json: nil) }
    }
    public var asOf: String {
        get { storage.asOf }
        set { storage = Storage(text: text, source: source, asOf: newValue, json: nil) }
    }
    /// The citation as a JSON object (`appendJSON`), written once per price of the table
    /// (`Engine.prepareEstimates`) and copied from then on; nil when written per use. Not
    /// part of the value.
    public var json: [UInt8]? { storage.json }

    init(text: String, source: String, asOf: String) {
        storage = Storage(text: text, source: source, asOf: asOf, json: nil)
    }

    /// Writes the citation's JSON once, to be copied from then on (JSON kept already was
    /// written from these fields: a change drops it).
    mutating func keepJSON() {
        var json: [UInt8] = []
        appendJSON(to: &json)
        storage = Storage(text: text, source: source, asOf: asOf, json: json)
    }

    public static func == (a: PriceCitation, b: PriceCitation) -> Bool {
        a.text == b.text && a.source == b.source && a.asOf == b.asOf
    }

    /// Appends the citation as a JSON object: `text`, `source`, `asOf` (the shape
    /// `recommend --format json` gives it).
    public func appendJSON(to out: inout [UInt8]) {
        if let json { return out.append(contentsOf: json) }
        JSON.appendLiteral(#"{"text":"#, to: &out)
        JSON.appendString(text, to: &out)
        JSON.appendLiteral(#","source":"#, to: &out)
        JSON.appendString(source, to: &out)
        JSON.appendLiteral(#","asOf":"#, to: &out)
        JSON.appendString(asOf, to: &out)
        out.append(UInt8(ascii: "}"))
    }
}

/// The monthly cost of one service for the profile's workload: a range, the parts it adds up,
/// what is missing, the Region priced, every price used, and the assumptions made.
/// Estimates, never quotes.
public struct Estimate: Sendable {
    public var service: String
    /// The sum of the parts; nil when any part is unknown (never 0 for unknown).
    public var monthlyUSD: CostRange?
    public var parts: [EstimatePart]
    /// Profile keys that would turn the unknown parts into figures.
    public var missing: [String]
    public var region: String
    public var prices: [PriceCitation]
    public var assumptions: [String]
    /// Why a service has no estimate, or what the estimate leaves out.
    public var notes: [String]
    /// Whether some part follows from the request rate (compute or requests sized to the load),
    /// so that estimates can be compared on the same workload.
    public var pricesTheLoad = false
    /// Whether some price is us-east-1's because the table has none for `region`.
    public var pricesFellBack = false
}

/// The workload an estimate prices: the profile's answers, converted.
struct Workload: Hashable {
    var gigabytes: Double?
    var requestsPerSecond: Double?
    var readShare: Double?
    var itemBytes: Double?
    /// nil when availability was not answered.
    var multiAZ: Bool?
    /// How many Regions hold a copy (2 for the multi-Region answers).
    var regions: Int
    var consistency: String?

    init(_ p: Profile) {
        if case let .size(s)? = p["data-size"] { gigabytes = s.bytes / 1_073_741_824 }
        if case let .rate(r)? = p["throughput"] { requestsPerSecond = r.perSecond }
        if case let .percent(s)? = p["read-share"] { readShare = s / 100 }
        if case let .size(s)? = p["item-size"] { itemBytes = s.bytes }
        switch p["availability"] {
        case .choice("single-az")?: multiAZ = false; regions = 1
        case .choice("multi-az")?: multiAZ = true; regions = 1
        case .choice(_)?: multiAZ = true; regions = 2
        default: multiAZ = nil; regions = 1
        }
        if case let .choice(c)? = p["consistency"] { consistency = c }
    }
}

/// Arithmetic shared by the models and the tests.
public enum CostMath {
    /// Hours AWS prices a month by.
    public static let hoursPerMonth = 730.0
    /// Seconds in that month: 730 × 3,600.
    public static let secondsPerMonth = 2_628_000.0
    /// Instance sizes of a family by vCPUs; AWS prices a family's sizes in proportion to them
    /// (an xlarge costs twice a large).
    public static let sizes: [(name: String, vcpus: Double)] = [("large", 2), ("xlarge", 4), ("2xlarge", 8), ("4xlarge", 16), ("8xlarge", 32), ("12xlarge", 48), ("16xlarge", 64)]
    /// Requests one vCPU is assumed to serve per second: simple indexed statements (the low
    /// estimate) to heavier ones (the high estimate). A load test decides.
    public static let requestsPerVCPU = (low: 1_000.0, high: 250.0)

    /// The smallest size with at least `vcpus`, or the largest.
    public static func size(forVCPUs vcpus: Double) -> (name: String, vcpus: Double) {
        // By position: `first(where:)` copied each size into its closure.
        for i in sizes.indices where sizes[i].vcpus >= vcpus { return sizes[i] }
        return sizes[sizes.count - 1]
    }
}

extension Engine {
    /// A dollar amount as text: $0.42, $95.00, $1,234.
    public static func dollars(_ x: Double) -> String {
        var out: [UInt8] = []
        writeDollars(x) { out.append(contentsOf: $0) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Hands `emit` `dollars(x)`'s text, a piece at a time (an estimate's sentence writes it
    /// in place).
    static func writeDollars(_ x: Double, _ emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        func literal(_ s: StaticString) { s.withUTF8Buffer(emit) }
        literal("$")
        guard x >= 100 else {
            if JSON.withDigits(x, decimals: 2, trimZeros: false, emit) == nil { literal("null") }
            return
        }
        // Past Int's range (a rate and item size far beyond any real workload), the digits.
        // A comma before each group of three from the right, laid out in one buffer.
        func grouped(_ digits: UnsafeBufferPointer<UInt8>) {
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: digits.count + digits.count / 3) { out in
                var k = 0
                for i in digits.indices {
                    if i > 0 && (digits.count - i) % 3 == 0 { out[k] = UInt8(ascii: ","); k += 1 }
                    out[k] = digits[i]
                    k += 1
                }
                emit(UnsafeBufferPointer(rebasing: out[..<k]))
            }
        }
        if x.rounded() < 9e18 {
            var whole = String(Int(x.rounded()))
            whole.withUTF8(grouped)
        } else if JSON.withDigits(x.rounded(), decimals: 0, trimZeros: false, grouped) == nil {
            // Infinite (a price near the largest number, from a catalog of one's own): said
            // as JSON says it, "$null", not grouped ("$n,ull" before).
            literal("null")
        }
    }

    static func range(_ r: CostRange) -> String {
        Engine.dollars(r.low) == Engine.dollars(r.high) ? Engine.dollars(r.low) : Engine.dollars(r.low) + "–" + Engine.dollars(r.high)
    }

    /// The Region estimates price: the profile's `region` answer, else us-east-1.
    func pricingRegion(_ p: Profile) -> String {
        if case let .choice(r)? = p["region"] { return r }
        return PriceTable.defaultRegion
    }

    /// Monthly estimates for the pick and every alternative, on the same workload.
    public func estimates(_ r: Recommendation) -> [Estimate] {
        estimates(r.profile, services: [r.pick.service] + r.alternatives.map(\.0.service))
    }

    func estimates(_ profile: Profile, services: [Service]) -> [Estimate] {
        let inputs = estimateInputs(profile)
        return services.map { estimate($0.id, inputs) }
    }

    /// Writes `estimates(r)` as JSON, the array `recommend --format json` shows, from the
    /// estimates as they are worked out (batch, for every line): no `Estimate` is made, nor a
    /// string of a part's basis.
    /// The builders are `workspace`'s, reset for each estimate: made anew, five estimates a
    /// line made and freed some forty lists and boxes.
    public func writeEstimates(_ r: Recommendation, to w: inout JSONWriter, in workspace: EstimateWorkspace) {
        let inputs = estimateInputs(r.profile)
        // Each service by its position in the catalog (found by identity: no id compared).
        let services = catalog.services
        func position(_ service: Service) -> Int? { services.firstIndex { $0 === service } }
        w.byte(UInt8(ascii: "["))
        builder(r.pick.service.id, inputs, in: workspace, position: position(r.pick.service)).write(to: &w)
        for i in r.alternatives.indices {
            w.byte(UInt8(ascii: ","))
            let service = r.alternatives[i].0.service
            builder(service.id, inputs, in: workspace, position: position(service)).write(to: &w)
        }
        w.byte(UInt8(ascii: "]"))
    }

    /// Writes out once each price's citation (its sentence, source and date) with the
    /// citation's JSON, for estimates of many profiles (batch); one estimate is quicker without.
    public mutating func prepareEstimates() {
        priceCitations = catalog.prices.prices.map { p in
            var citation = PriceCitation(text: p.text, source: p.source, asOf: p.asOf)
            citation.keepJSON()
            return citation
        }
    }

    /// The monthly estimate of one service for a profile.
    public func estimate(_ service: String, _ profile: Profile) -> Estimate {
        estimate(service, estimateInputs(profile))
    }

    /// All an estimate reads of a profile: profiles with the same inputs get the same
    /// estimates (the lint sweep keeps them by these).
    func estimateInputs(_ profile: Profile) -> EstimateInputs {
        EstimateInputs(workload: Workload(profile), region: pricingRegion(profile))
    }

    /// The monthly estimate of one service for the inputs read from a profile.
    func estimate(_ service: String, _ inputs: EstimateInputs) -> Estimate {
        builder(service, inputs).build()
    }

    /// The estimate of one service for these inputs, worked out: what `build` makes an
    /// `Estimate` of and `write(to:)` writes.
    func builder(_ service: String, _ inputs: EstimateInputs) -> EstimateBuilder {
        builder(service, inputs, in: estimateWorkspace())
    }

    /// Builders for this engine's prices (its table, and its citations as `prepareEstimates`
    /// left them), to work out one estimate after another in.
    public func estimateWorkspace() -> EstimateWorkspace {
        EstimateWorkspace(table: catalog.prices, citations: priceCitations)
    }

    /// The same, worked out in `workspace`'s builders (the one returned is valid until the
    /// workspace is used again).
    /// `position`: the service's position in the catalog, when the caller knows it (batch):
    /// its model is then found by position, not by its id, and its price look-ups are kept in
    /// the workspace from one estimate to the next (a workspace made for one estimate, as
    /// `builder(_:_:)` makes, would keep them for none).
    func builder(_ service: String, _ inputs: EstimateInputs, in workspace: EstimateWorkspace, position: Int? = nil) -> EstimateBuilder {
        precondition(workspace.isFor(table: catalog.prices, citations: priceCitations), "an estimate workspace made by another engine (estimateWorkspace)")
        let w = inputs.workload
        let b = workspace.multi
        let model = position.map { costModels[$0] } ?? EstimateBuilder.Model(service: service)
        func sequence(multiAZ: Bool) -> PriceSequence? {
            position.map { workspace.sequence(service, position: $0, region: inputs.region, multiAZ: multiAZ) }
        }
        if let multiAZ = w.multiAZ {
            b.reset(service: service, region: inputs.region, multiAZ: multiAZ, sequence: sequence(multiAZ: multiAZ))
            b.model(w, model)
            return b
        }
        // Availability unanswered: the low end single-AZ, the high end Multi-AZ.
        let single = workspace.single
        single.reset(service: service, region: inputs.region, multiAZ: false, sequence: sequence(multiAZ: false))
        b.reset(service: service, region: inputs.region, multiAZ: true, sequence: sequence(multiAZ: true))
        single.model(w, model)
        b.model(w, model)
        if single.parts.count == b.parts.count {
            var merged = false
            for i in b.parts.indices {
                let multi = b.parts[i]
                if let lo = single.parts[i].monthlyUSD, let hi = multi.monthlyUSD, lo != hi {
                    var basis: Sentence = "single-AZ: "
                    single.withBasis(i) { basis.append($0) }
                    basis += "; Multi-AZ: "
                    b.withBasis(i) { basis.append($0) }
                    b.parts[i].monthlyUSD = CostRange(low: min(lo.low, hi.low), high: max(lo.high, hi.high))
                    let start = b.basisText.count
                    basis.withBytes { b.basisText.append(contentsOf: $0) }
                    b.parts[i].basis = start..<b.basisText.count
                    merged = true
                }
            }
            if merged {
                b.assume(.availabilityUnanswered)
            }
        }
        return b
    }
}

/// The builders an estimate is worked out in, reset for each one (`Engine.estimateWorkspace`):
/// batch keeps one a thread. Never shared between threads: a builder is a class of lists.
public final class EstimateWorkspace {
    let multi: EstimateBuilder
    /// The single-AZ end, made when availability is first unanswered.
    private(set) lazy var single = EstimateBuilder(table: multi.table, citations: multi.citations, keptJSON: multi.keptJSON)

    /// The prices each service's model looked up last, single-AZ and Multi-AZ, by the
    /// service's position in the catalog.
    private var sequencesAt: (single: [PriceSequence?], multi: [PriceSequence?]) = ([], [])

    init(table: PriceTable, citations: [PriceCitation]) {
        multi = EstimateBuilder(table: table, citations: citations)
    }

    /// The prices `service`'s model looked up last, for `region` (emptied when the Region
    /// changed), by `position`, the service's position in the catalog.
    func sequence(_ service: String, position: Int, region: String, multiAZ: Bool) -> PriceSequence {
        if sequencesAt.multi.count <= position {
            sequencesAt.multi += Array(repeating: nil, count: position + 1 - sequencesAt.multi.count)
            sequencesAt.single += Array(repeating: nil, count: position + 1 - sequencesAt.single.count)
        }
        let sequence: PriceSequence
        // Kept for the service it was made for (an engine of another catalog, with the same
        // prices and its services in another order, makes another service's at a position).
        if let found = multiAZ ? sequencesAt.multi[position] : sequencesAt.single[position], found.service == service {
            sequence = found
        } else {
            sequence = PriceSequence(service: service)
            if multiAZ { sequencesAt.multi[position] = sequence } else { sequencesAt.single[position] = sequence }
        }
        if sequence.region != region {
            sequence.region = region
            sequence.looked.removeAll(keepingCapacity: true)
        }
        return sequence
    }

    /// Whether the workspace was made with this table and these citations: the same lists,
    /// not equal ones (a table of another catalog with as many prices prices differently).
    func isFor(table: PriceTable, citations: [PriceCitation]) -> Bool {
        func same<T>(_ a: [T], _ b: [T]) -> Bool {
            a.count == b.count && a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in a.baseAddress == b.baseAddress } }
        }
        return same(multi.table.usd, table.usd) && same(multi.citations, citations)
    }
}

/// The prices one service's model looked up, in the order it looked them up, with what the
/// table gave: the next estimate of the service asks for the same keys in the same order
/// (nearly always), and a key compared with the one kept (the same literal: one comparison
/// of two words) costs less than the table's look-up (three ids mixed and compared, some 600
/// instructions, 14 a batch line). A key that differs is looked up and kept in its place.
/// Keys, service ids and Regions are ASCII (the models' literals, the schema's ids and
/// choices), so `==` on them is the table's byte-for-byte comparison.
final class PriceSequence {
    /// The service whose model looked the prices up.
    let service: String
    var region = ""
    var looked: [(key: String, owner: String?, found: (position: Int, fellBack: Bool)?)] = []

    init(service: String) { self.service = service }
}

/// What an estimate reads of a profile: its workload and the Region priced.
struct EstimateInputs: Hashable {
    var workload: Workload
    var region: String
}

/// Builds one estimate: looks prices up (recording each one used), adds parts and assumptions.
/// A class: returned and handed on as a struct, it was copied, counting a reference to each of
/// its dozen lists and strings in and out (five estimates a batch line).
final class EstimateBuilder {
    private(set) var service = ""
    private(set) var region = ""
    /// A constant: a price looked up in a table held in a `var` copied the table first (its
    /// six lists counted in and out).
    let table: PriceTable
    var multiAZ = false
    /// The lists below keep their room from one estimate to the next (`KeptList`).
    let parts = KeptList<Part>(capacity: 4)
    /// The prices used, by position in the table, in the order first used.
    let used = KeptList<Int>(capacity: 8)
    /// Each price's citation by position in the table, with its JSON, written once
    /// (`Engine.prepareEstimates`); empty when each estimate writes those it cites.
    let citations: [PriceCitation]
    /// The citations' kept JSON laid end to end, and where each ends (price i's runs from the
    /// end of i - 1, or 0, to `ends[i]`); empty unless every citation kept its JSON. Written
    /// from here, a citation is not copied nor its JSON's list counted in and out (some 25
    /// citations a batch line: a hundred references counted).
    let keptJSON: (bytes: [UInt8], ends: [Int])
    /// The parts' bases, laid end to end (a part holds where its own lies): kept from one
    /// estimate to the next, not a list of bytes for each part made and freed.
    let basisText = KeptList<UInt8>(capacity: 1024)
    /// Each once, in the order first made (`assume`; `made` says which are in).
    private let assumptions = KeptList<Assumption>(capacity: 4)
    private var made: UInt64 = 0
    /// The model's notes laid end to end, each ending where `noteEnds` says: kept from one
    /// estimate to the next, not a string made for each (some three a batch line).
    private let noteText = KeptList<UInt8>(capacity: 256)
    private let noteEnds = KeptList<Int>(capacity: 4)
    var fellBack = false
    /// Set by the parts sized from the request rate.
    var pricesTheLoad = false
    /// The prices this service's model looked up last (nil: each is looked up in the table),
    /// and how many this estimate has looked up so far.
    private var sequence: PriceSequence? = nil
    private var lookedUp = 0

    /// A builder for no service yet (`reset` sets it up), with the prices it looks up and
    /// their citations (empty: each estimate writes those it cites).
    init(table: PriceTable, citations: [PriceCitation], keptJSON: (bytes: [UInt8], ends: [Int])? = nil) {
        self.table = table
        self.citations = citations
        if let keptJSON {
            self.keptJSON = keptJSON
        } else if !citations.isEmpty, citations.allSatisfy({ $0.json != nil }) {
            var bytes: [UInt8] = [], ends: [Int] = []
            ends.reserveCapacity(citations.count)
            for c in citations {
                bytes += c.json!
                ends.append(bytes.count)
            }
            self.keptJSON = (bytes, ends)
        } else {
            self.keptJSON = ([], [])
        }
    }

    /// Empty, for an estimate of `service` in `region`; the lists keep their room. `sequence`:
    /// the prices this service's model looked up last, in this Region.
    func reset(service: String, region: String, multiAZ: Bool, sequence: PriceSequence? = nil) {
        self.service = service
        self.region = region
        self.multiAZ = multiAZ
        self.sequence = sequence
        lookedUp = 0
        // The parts hold no references: emptied, nothing is released.
        parts.removeAll()
        basisText.removeAll()
        used.removeAll()
        assumptions.removeAll()
        made = 0
        noteText.removeAll()
        noteEnds.removeAll()
        fellBack = false
        pricesTheLoad = false
    }

    /// A unit price of this service (or `of`), recorded as used.
    func price(_ key: String, of owner: String? = nil) -> Double? {
        let found: (position: Int, fellBack: Bool)?
        let k = lookedUp
        lookedUp += 1
        if let sequence, k < sequence.looked.count, sequence.looked[k].key == key, sequence.looked[k].owner == owner {
            found = sequence.looked[k].found
        } else {
            found = table.lookupPosition(owner ?? service, key, region: region)
            if let sequence, k <= sequence.looked.count {
                if k == sequence.looked.count { sequence.looked.append((key, owner, found)) } else { sequence.looked[k] = (key, owner, found) }
            }
        }
        guard let (i, fell) = found else { return nil }
        if fell { fellBack = true }
        // One position per (service, dimension, Region): the same price is the same position.
        if !used.contains(i) { used.append(i) }
        return table.usd[i]
    }

    /// A part as the builder keeps it: `EstimatePart` with its basis where it lies in
    /// `basisText` (made a string only for an `Estimate`). Holds no reference: some four
    /// parts an estimate, five estimates a line, emptied and made again without a reference
    /// counted or a list freed.
    struct Part {
        var item: Item
        var monthlyUSD: CostRange?
        var basis: Range<Int>
        var missing: MissingKeys
    }

    /// Adds a part; its basis is a `Sentence`, copied into `basisText`. The keys it lacks are
    /// written in `MissingKeys`' order (throughput, read-share, item-size, data-size), whatever
    /// order the model named them in.
    func add(_ item: Item, _ value: CostRange?, _ basis: Sentence, missing: MissingKeys = []) {
        let start = basisText.count
        basis.withBytes { basisText.append(contentsOf: $0) }
        parts.append(Part(item: item, monthlyUSD: value, basis: start..<basisText.count, missing: value == nil ? missing : []))
    }

    /// Part `i`'s basis, as it is written.
    func withBasis<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        basisText.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[parts[i].basis])) }
    }

    /// Makes `assumption`, unless it is made already. Not On-Demand: `forEachAssumption`
    /// says that one, first, whenever a part has a figure.
    func assume(_ assumption: Assumption) {
        precondition(assumption != .onDemand && assumption.rawValue < 64, "On-Demand is said by forEachAssumption; at most 64 assumptions")
        let bit: UInt64 = 1 << assumption.rawValue
        guard made & bit == 0 else { return }
        made |= bit
        assumptions.append(assumption)
    }

    // MARK: the models

    /// Which sizing model a service's estimate takes: read once per service (`Engine.costModels`),
    /// not by comparing its id with each model's in turn (some 50 comparisons a batch line).
    enum Model: Sendable {
        case rdsOpen, rdsOracle, rdsSQLServer, rdsDb2, auroraPostgreSQL, auroraMySQL, documentDB, neptune, dsql, dynamoDB,
             keyspaces, cacheServerless, redshift, openSearch, influx, s3Vectors, none

        init(service: String) {
            switch service {
            case "rds-postgresql", "rds-mysql", "rds-mariadb": self = .rdsOpen
            case "rds-oracle": self = .rdsOracle
            case "rds-sqlserver": self = .rdsSQLServer
            case "rds-db2": self = .rdsDb2
            case "aurora-postgresql": self = .auroraPostgreSQL
            case "aurora-mysql": self = .auroraMySQL
            case "documentdb": self = .documentDB
            case "neptune": self = .neptune
            case "aurora-dsql": self = .dsql
            case "dynamodb": self = .dynamoDB
            case "keyspaces": self = .keyspaces
            case "elasticache-valkey", "elasticache-redis", "elasticache-memcached": self = .cacheServerless
            case "redshift": self = .redshift
            case "opensearch": self = .openSearch
            case "timestream-influxdb": self = .influx
            case "s3-vectors": self = .s3Vectors
            default: self = .none
            }
        }
    }

    func model(_ w: Workload) { model(w, Model(service: service)) }

    /// The estimate of `service` by `model` (its `Model`).
    func model(_ w: Workload, _ model: Model) {
        switch model {
        case .rdsOpen: rds(w, instanceKeys: Self.r7gKeys, family: "db.r7g")
        case .rdsOracle: rds(w, instanceKeys: Self.r6iOracleKeys, family: "db.r6i", licence: "Oracle SE2 licence included")
        case .rdsSQLServer: rds(w, instanceKeys: Self.r6iSQLServerKeys, family: "db.r6i", licence: "SQL Server Standard licence included")
        case .rdsDb2: rds(w, instanceKeys: Self.r6iKeys, family: "db.r6i", licence: "IBM Db2 licence not included (bought from IBM)")
        case .auroraPostgreSQL, .auroraMySQL:
            cluster(w, instanceKey: "instance-hour-db-r7g-large-aurora-standard", family: "db.r7g", storageKey: "storage-aurora-standard", ioKey: "i-o-requests-aurora-standard", readPage: model == .auroraMySQL ? 16384 : 8192, name: "Aurora Standard")
        case .documentDB:
            cluster(w, instanceKey: "instance-hour-db-r6g-large-standard", family: "db.r6g", storageKey: "storage-standard", ioKey: "i-o-requests-standard", readPage: 8192, name: "standard storage")
        case .neptune:
            cluster(w, instanceKey: "instance-hour-db-r7g-large-standard", family: "db.r7g", storageKey: "storage-standard", ioKey: "i-o-requests-standard", readPage: 8192, name: "standard storage")
        case .dsql: dsql(w)
        case .dynamoDB:
            requestUnits(w, read: ("on-demand-read-request-units-standard", "provisioned-rcu-hour-standard"), write: ("on-demand-write-request-units-standard", "provisioned-wcu-hour-standard"),
                         storageKey: "storage-standard", replicated: ("global-tables-replicated-writes-on-demand-standard", "global-tables-provisioned-replicated-wcu-hour-standard"))
        case .keyspaces:
            requestUnits(w, read: ("on-demand-read-request-units", "provisioned-rcu-hour"), write: ("on-demand-write-request-units", "provisioned-wcu-hour"), storageKey: "storage", replicated: nil)
        case .cacheServerless: cacheServerless(w)
        case .redshift: redshift(w)
        case .openSearch: opensearch(w)
        case .influx: influx(w)
        case .s3Vectors: s3Vectors(w)
        case .none:
            note("No sizing model or unit prices for this service in the catalog; see 'dbadvisor show \(service)' for its pricing model.")
        }
    }

    /// Instance size range from throughput: vCPUs at 1,000 (low) to 250 (high) requests per
    /// second each, rounded up to a size of the family.
    func sizes(_ w: Workload, family: String) -> (low: (name: String, vcpus: Double), high: (name: String, vcpus: Double))? {
        guard let rate = w.requestsPerSecond else { return nil }
        pricesTheLoad = true
        let low = CostMath.size(forVCPUs: rate / CostMath.requestsPerVCPU.low)
        let high = CostMath.size(forVCPUs: rate / CostMath.requestsPerVCPU.high)
        assume(.sizing)
        if rate / CostMath.requestsPerVCPU.high > CostMath.sizes[CostMath.sizes.count - 1].vcpus {
            let note: Sentence = "\(amount: rate) requests per second may need more than one \(family).16xlarge: readers or shards not counted"
            self.note(note)
        }
        return (low, high)
    }

    /// The RDS instance price keys, single-AZ and Multi-AZ, written out (literals: no thread
    /// counts references to them); each is its template with `%` filled, which
    /// LineCostTests checks (`deploymentKeys`).
    typealias DeploymentKeys = (single: String, multi: String)
    static func deploymentKeys(_ key: String) -> DeploymentKeys { (key.replacing("%", with: "single"), key.replacing("%", with: "multi")) }
    static let r7gKeys: DeploymentKeys = ("instance-hour-db-r7g-large-single-az", "instance-hour-db-r7g-large-multi-az")
    static let r6iOracleKeys: DeploymentKeys = ("instance-hour-db-r6i-large-single-az-se2-license-included", "instance-hour-db-r6i-large-multi-az-se2-license-included")
    static let r6iSQLServerKeys: DeploymentKeys = ("instance-hour-db-r6i-large-single-az-standard-license-included", "instance-hour-db-r6i-large-multi-az-standard-license-included")
    static let r6iKeys: DeploymentKeys = ("instance-hour-db-r6i-large-single-az", "instance-hour-db-r6i-large-multi-az")
    /// Each set of keys and the template it fills (for the test).
    static let deploymentKeyTemplates: [(String, DeploymentKeys)] = [
        ("instance-hour-db-r7g-large-%-az", r7gKeys), ("instance-hour-db-r6i-large-%-az-se2-license-included", r6iOracleKeys),
        ("instance-hour-db-r6i-large-%-az-standard-license-included", r6iSQLServerKeys), ("instance-hour-db-r6i-large-%-az", r6iKeys),
    ]

    func rds(_ w: Workload, instanceKeys: DeploymentKeys, family: String, licence: String? = nil) {
        let az = multiAZ ? "Multi-AZ (the standby is billed: the Multi-AZ rate is twice the single-AZ one)" : "single-AZ"
        let hourly = price(multiAZ ? instanceKeys.multi : instanceKeys.single)
        if let s = sizes(w, family: family), let hourly {
            let cost = { (v: Double) in hourly * v / 2 * CostMath.hoursPerMonth }
            var range = CostRange(low: cost(s.low.vcpus), high: cost(s.high.vcpus))
            var basis: Sentence = "\(family).\(s.low.name) to \(family).\(s.high.name), \(az), 730 h at $\(number: hourly) per large-hour × vCPUs/2"
            if w.regions > 1, let replica = price(instanceKeys.single) {
                range = range + CostRange(low: replica * s.low.vcpus / 2 * CostMath.hoursPerMonth, high: replica * s.high.vcpus / 2 * CostMath.hoursPerMonth)
                basis += "; plus one cross-Region read replica of the same size, single-AZ"
            }
            if let licence { basis += "; \(licence)" }
            add(.instances, range, basis)
        } else {
            add(.instances, nil, "the instance size follows from the request rate", missing: [.throughput])
        }
        let storageRate = price(multiAZ ? "storage-gp3-multi-az" : "storage-gp3-single-az")
        if let gb = w.gigabytes, let storageRate {
            var monthly = gb * storageRate
            var basis: Sentence = "\(gigabytes: gb) GB gp3 at $\(number: storageRate) per GB-month (\(multiAZ ? "Multi-AZ: both copies billed" : "single-AZ"))"
            if w.regions > 1, let replica = price("storage-gp3-single-az") {
                monthly += gb * replica
                basis += "; plus the replica's \(gigabytes: gb) GB at $\(number: replica)"
            }
            add(.storage, CostRange(monthly), basis)
            assume(.gp3)
        } else {
            add(.storage, nil, "storage is billed per GB-month of allocated storage", missing: [.dataSize])
        }
    }

    /// Aurora, DocumentDB and Neptune: instances over one shared cluster volume billed once
    /// (six copies in three AZs, one price), and I/O per million requests.
    func cluster(_ w: Workload, instanceKey: String, family: String, storageKey: String, ioKey: String, readPage: Double, name: String) {
        let hourly = price(instanceKey)
        let readers = multiAZ ? 1.0 : 0.0
        let clusters = Double(w.regions)
        if let s = sizes(w, family: family), let hourly {
            let count = (1 + readers) * clusters
            let cost = { (v: Double) in count * hourly * v / 2 * CostMath.hoursPerMonth }
            add(.instances, CostRange(low: cost(s.low.vcpus), high: cost(s.high.vcpus)),
                "\(number: count) × \(family).\(s.low.name) to \(family).\(s.high.name) (a writer\(multiAZ ? " and a reader in another AZ" : ", no reader: single-AZ")\(w.regions > 1 ? ", in each of 2 Regions" : "")), 730 h at $\(number: hourly) per large-hour × vCPUs/2")
        } else {
            add(.instances, nil, "the instance size follows from the request rate", missing: [.throughput])
        }
        let storageRate = price(storageKey)
        if let gb = w.gigabytes, let storageRate {
            add(.storage, CostRange(gb * clusters * storageRate),
                "\(gigabytes: gb) GB at $\(number: storageRate) per GB-month (\(name)), billed once however many AZs and readers\(w.regions > 1 ? ", in each of 2 Regions" : "")")
        } else {
            add(.storage, nil, "the cluster volume is billed per GB-month", missing: [.dataSize])
        }
        let ioRate = price(ioKey)
        var missing: MissingKeys = []
        if w.requestsPerSecond == nil { missing.insert(.throughput) }
        if w.readShare == nil { missing.insert(.readShare) }
        if w.itemBytes == nil { missing.insert(.itemSize) }
        if missing.isEmpty, let rate = w.requestsPerSecond, let share = w.readShare, let bytes = w.itemBytes, let ioRate {
            let writes = rate * (1 - share) * (bytes / 4096).rounded(.up)
            let reads = rate * share * (bytes / readPage).rounded(.up)
            let low = writes * CostMath.secondsPerMonth / 1_000_000 * ioRate * clusters
            let high = (writes + reads) * CostMath.secondsPerMonth / 1_000_000 * ioRate * clusters
            add(.io, CostRange(low: low, high: high),
                "\(amount: writes) write I/Os per second (4 KB units) at the low end, plus \(amount: reads) read I/Os (\(Int(readPage / 1024)) KB pages, every read missing the cache) at the high end, sustained for 2,628,000 s, at $\(number: ioRate) per million")
        } else {
            add(.io, nil, "I/O follows from the request rate, the read share and the item size", missing: missing)
        }
    }

    func dsql(_ w: Workload) {
        let dpu = price("dpu")
        let perRequest = (low: 0.1, high: 0.5)
        if let rate = w.requestsPerSecond, let dpu {
            var writes = 0.0
            if w.regions > 1 {
                if let share = w.readShare { writes = rate * (1 - share) } else {
                    add(.dpus, nil, "multi-Region clusters bill replicated writes again", missing: [.readShare])
                    storage(w, key: "storage", copies: Double(w.regions), text: "one logical copy per Region")
                    return
                }
            }
            let units = (rate + writes) * CostMath.secondsPerMonth
            pricesTheLoad = true
            add(.dpus, CostRange(low: units * perRequest.low / 1_000_000 * dpu, high: units * perRequest.high / 1_000_000 * dpu),
                "\(amount: units) requests a month\(w.regions > 1 ? " (replicated writes counted again)" : "") at an assumed \(perRequest.low) to \(perRequest.high) DPU per request (AWS publishes no per-request figure), $\(number: dpu) per million DPUs")
            assume(.dsql)
        } else {
            add(.dpus, nil, "DPUs follow from the request rate", missing: [.throughput])
        }
        storage(w, key: "storage", copies: Double(w.regions), text: "one logical copy per Region, replicated across three AZs at no extra charge")
    }

    func storage(_ w: Workload, key: String, copies: Double, text: String, perHour: Bool = false) {
        let rate = price(key)
        if let gb = w.gigabytes, let rate {
            let monthly = gb * copies * rate * (perHour ? CostMath.hoursPerMonth : 1)
            add(.storage, CostRange(monthly), "\(gigabytes: gb) GB\(copies > 1 ? " × \(JSON.format(number: copies))" : "") at $\(number: rate) per GB-\(perHour ? "hour × 730" : "month") (\(text))")
        } else {
            add(.storage, nil, "storage is billed per GB-\(perHour ? "hour" : "month")", missing: [.dataSize])
        }
    }

    /// DynamoDB and Keyspaces: request units by the documented formula; the low end provisioned
    /// capacity at the peak, the high end on-demand requests at the peak all month.
    func requestUnits(_ w: Workload, read: (onDemand: String, provisioned: String), write: (onDemand: String, provisioned: String), storageKey: String,
                               replicated: (onDemand: String, provisioned: String)?) {
        let prices = (price(read.onDemand), price(write.onDemand), price(read.provisioned), price(write.provisioned))
        var missing: MissingKeys = []
        if w.requestsPerSecond == nil { missing.insert(.throughput) }
        if w.readShare == nil { missing.insert(.readShare) }
        if w.itemBytes == nil { missing.insert(.itemSize) }
        if missing.isEmpty, let rate = w.requestsPerSecond, let share = w.readShare, let bytes = w.itemBytes,
           let odRead = prices.0, let odWrite = prices.1, let pRead = prices.2, let pWrite = prices.3 {
            let transactional = w.consistency == "acid-transactions"
            let mode: DynamoDBCapacity.ReadMode = w.consistency == "eventual" ? .eventual : transactional ? .transactional : .strong
            let rcu = DynamoDBCapacity.readUnits(readsPerSecond: rate * share, itemBytes: bytes, mode: mode)
            let wcu = DynamoDBCapacity.writeUnits(writesPerSecond: rate * (1 - share), itemBytes: bytes, transactional: transactional)
            pricesTheLoad = true
            let provisioned = rcu * CostMath.hoursPerMonth * pRead + wcu * CostMath.hoursPerMonth * pWrite
            let onDemand = rcu * CostMath.secondsPerMonth / 1_000_000 * odRead + wcu * CostMath.secondsPerMonth / 1_000_000 * odWrite
            add(.capacity, CostRange(low: min(provisioned, onDemand), high: max(provisioned, onDemand)),
                "\(amount: rcu) RCU and \(amount: wcu) WCU (\(mode.rawValue) reads\(transactional ? ", transactional writes" : "")); provisioned at that peak for 730 h: \(dollars: provisioned); on-demand at that peak for 2,628,000 s: \(dollars: onDemand)")
            assume(.requestUnits)
            if w.regions > 1, let replicated, let rOD = price(replicated.onDemand), let rP = price(replicated.provisioned) {
                let low = wcu * CostMath.hoursPerMonth * rP, high = wcu * CostMath.secondsPerMonth / 1_000_000 * rOD
                add(.replicatedWrites, CostRange(low: min(low, high), high: max(low, high)), "global table in a second Region: \(amount: wcu) replicated WCU, provisioned to on-demand")
            } else if w.regions > 1 {
                note(literal: "the second Region's replication is not priced in the table")
            }
        } else {
            add(.capacity, nil, "request units follow from the request rate, the read share and the item size", missing: missing)
        }
        storage(w, key: storageKey, copies: Double(w.regions), text: "three AZs included\(w.regions > 1 ? "; a copy in each Region" : "")")
    }

    func cacheServerless(_ w: Workload) {
        storage(w, key: "serverless-data-stored", copies: 1, text: "serverless, data stored; replicated across AZs at no extra charge", perHour: true)
        let ecpu = price("serverless-ecpu")
        var missing: MissingKeys = []
        if w.requestsPerSecond == nil { missing.insert(.throughput) }
        if w.itemBytes == nil { missing.insert(.itemSize) }
        if missing.isEmpty, let rate = w.requestsPerSecond, let bytes = w.itemBytes, let ecpu {
            let units = rate * max(1, (bytes / 1024).rounded(.up)) * CostMath.secondsPerMonth
            pricesTheLoad = true
            add(.ecpus, CostRange(units / 1_000_000 * ecpu), "\(amount: units) ECPUs a month (one per request per KB transferred) at $\(number: ecpu) per million")
        } else {
            add(.ecpus, nil, "ECPUs follow from the request rate and the item size", missing: missing)
        }
        assume(.cacheServerless)
    }

    func redshift(_ w: Workload) {
        storage(w, key: "managed-storage-rms", copies: 1, text: "Redshift Managed Storage")
        if let rpu = price("serverless-rpu-hour") {
            let hourly = 4 * rpu
            add(.compute, CostRange(low: hourly * 8 * CostMath.hoursPerMonth / 24, high: hourly * CostMath.hoursPerMonth),
                "Redshift Serverless at its 4 RPU base, $\(number: rpu) per RPU-hour, busy 8 h a day (low) to all month (high)")
            assume(.redshift)
        }
    }

    func opensearch(_ w: Workload) {
        let nodes = multiAZ ? 2.0 : 1.0
        if let s = sizes(w, family: "r7g"), let hourly = price("instance-hour-r7g-large-search") {
            let cost = { (v: Double) in nodes * hourly * v / 2 * CostMath.hoursPerMonth }
            add(.instances, CostRange(low: cost(s.low.vcpus), high: cost(s.high.vcpus)),
                "\(number: nodes) data node\(nodes > 1 ? "s (one per AZ)" : "") r7g.\(s.low.name) to r7g.\(s.high.name).search at $\(number: hourly) per large-hour × vCPUs/2")
        } else {
            add(.instances, nil, "the node size follows from the request rate", missing: [.throughput])
        }
        storage(w, key: "ebs-gp3-storage", copies: nodes, text: multiAZ ? "EBS gp3 on each node: a replica per AZ" : "EBS gp3")
    }

    func influx(_ w: Workload) {
        let deployment = multiAZ ? "multi" : "single"
        if w.requestsPerSecond != nil, let large = price("instance-hour-db-influx-large-\(deployment)-az"), let medium = price("instance-hour-db-influx-medium-\(deployment)-az") {
            add(.instances, CostRange(low: medium * CostMath.hoursPerMonth, high: large * CostMath.hoursPerMonth), "db.influx.medium to db.influx.large, \(multiAZ ? "Multi-AZ" : "single-AZ"), 730 h")
        } else {
            add(.instances, nil, "the instance size follows from the request rate", missing: [.throughput])
        }
        storage(w, key: "storage-influx-iops-included-3k-\(deployment)-az", copies: 1, text: "Influx IOPS Included 3K\(multiAZ ? ", Multi-AZ" : "")")
    }

    func s3Vectors(_ w: Workload) {
        storage(w, key: "storage", copies: 1, text: "vectors and metadata")
        var missing: MissingKeys = []
        if w.requestsPerSecond == nil { missing.insert(.throughput) }
        if w.readShare == nil { missing.insert(.readShare) }
        if w.itemBytes == nil { missing.insert(.itemSize) }
        if missing.isEmpty, let rate = w.requestsPerSecond, let share = w.readShare, let bytes = w.itemBytes, let query = price("query-api-requests"), let put = price("put-data-uploaded") {
            let queries = rate * share * CostMath.secondsPerMonth
            pricesTheLoad = true
            let uploaded = rate * (1 - share) * bytes * CostMath.secondsPerMonth / 1_073_741_824
            add(.requests, CostRange(queries / 1_000_000 * query + uploaded * put),
                "\(amount: queries) queries a month at $\(number: query) per million, \(gigabytes: uploaded) GB uploaded at $\(number: put) per GB; query data processed not counted")
        } else {
            add(.requests, nil, "queries and uploads follow from the request rate, the read share and the item size", missing: missing)
        }
    }

    /// Hands `body` the profile keys the unknown parts need, each once, in the order the parts
    /// name them (`missing` gathers them; `write` writes them as they come).
    func forEachMissing(_ body: (MissingKeys) -> Void) {
        var named: MissingKeys = []
        for p in parts.indices {
            parts[p].missing.subtracting(named).forEach(body)
            named.formUnion(parts[p].missing)
        }
    }

    var missing: [String] {
        var missing: [String] = []
        forEachMissing { missing.append($0.name) }
        return missing
    }

    /// The sum of the parts; nil when there are none or any is unknown (never 0 for unknown).
    var total: CostRange? {
        guard !parts.isEmpty else { return nil }
        var sum = CostRange(0)
        for part in parts {
            guard let figure = part.monthlyUSD else { return nil }
            sum = sum + figure
        }
        return sum
    }

    /// Adds a note, after those made already.
    func note(_ text: Sentence) {
        text.withBytes { noteText.append(contentsOf: $0) }
        noteEnds.append(noteText.count)
    }

    /// The same for a note written out in the source (no sentence made of it).
    func note(literal: StaticString) {
        literal.withUTF8Buffer { noteText.append(contentsOf: $0) }
        noteEnds.append(noteText.count)
    }

    /// Hands `body` the bytes of each note (the model's, then that some prices fell back to
    /// us-east-1's), lent for the call.
    func forEachNote(_ body: (TextBytes) -> Void) {
        noteText.withUnsafeBufferPointer { text in
            for k in noteEnds.indices {
                let start = k == 0 ? 0 : noteEnds[k - 1]
                body(TextBytes(bytes: UnsafeBufferPointer(rebasing: text[start..<noteEnds[k]])))
            }
        }
        if fellBack {
            let fell: Sentence = "Some prices are us-east-1's: the table has none for \(region)."
            fell.withBytes { body(TextBytes(bytes: $0)) }
        }
    }

    var allNotes: [String] {
        var all: [String] = []
        forEachNote { all.append(String(decoding: $0.bytes, as: UTF8.self)) }
        return all
    }

    /// Hands `body` the assumptions, each once in the order first made, after the one every
    /// figure rests on (`onDemand`, which no model makes).
    func forEachAssumption(_ body: (Assumption) -> Void) {
        if parts.contains(where: { $0.monthlyUSD != nil }) { body(.onDemand) }
        for a in assumptions where a != .onDemand { body(a) }
    }

    var allAssumptions: [String] {
        var all: [String] = []
        all.reserveCapacity(assumptions.count + 1)
        forEachAssumption { all.append($0.text.description) }
        return all
    }

    func citation(_ position: Int) -> PriceCitation {
        guard citations.isEmpty else { return citations[position] }
        let p = table.prices[position]
        return PriceCitation(text: p.text, source: p.source, asOf: p.asOf)
    }

    func build() -> Estimate {
        Estimate(service: service, monthlyUSD: total,
                 parts: parts.indices.map { i in
                     EstimatePart(item: parts[i].item.name.description, monthlyUSD: parts[i].monthlyUSD,
                                  basis: withBasis(i) { String(decoding: $0, as: UTF8.self) }, missing: parts[i].missing.names)
                 },
                 missing: missing, region: region, prices: used.map(citation), assumptions: allAssumptions, notes: allNotes,
                 pricesTheLoad: pricesTheLoad, pricesFellBack: fellBack)
    }

    /// Writes the estimate `build` makes as JSON, as `recommend --format json` shows it.
    func write(to w: inout JSONWriter) {
        w.raw(#"{"service":"#)
        w.string(service)
        w.raw(#","monthlyUSD":"#)
        w.range(total)
        w.raw(#","parts":["#)
        basisText.withUnsafeBufferPointer { text in
            for i in parts.indices {
                if i > 0 { w.byte(UInt8(ascii: ",")) }
                w.raw(#"{"item":"#)
                w.plain(parts[i].item.name)
                w.raw(#","monthlyUSD":"#)
                w.range(parts[i].monthlyUSD)
                w.raw(#","basis":"#)
                w.escaped(UnsafeBufferPointer(rebasing: text[parts[i].basis]))
                w.raw(#","missing":"#)
                w.plainStrings { say in parts[i].missing.forEach { say(PlainText($0.staticName)) } }
                w.byte(UInt8(ascii: "}"))
            }
        }
        // The lists `build` makes, written as they are picked (a few lists an estimate, five
        // estimates a line, not allocated).
        w.raw(#"],"missing":"#)
        w.plainStrings { say in forEachMissing { say(PlainText($0.staticName)) } }
        w.raw(#","region":"#)
        w.string(region)
        w.raw(#","prices":["#)
        if !keptJSON.ends.isEmpty {
            keptJSON.bytes.withUnsafeBytes { bytes in
                keptJSON.ends.withUnsafeBufferPointer { ends in
                    for i in used.indices {
                        if i > 0 { w.byte(UInt8(ascii: ",")) }
                        let p = used[i], start = p == 0 ? 0 : ends[p - 1]
                        w.append(UnsafeRawBufferPointer(rebasing: bytes[start..<ends[p]]))
                    }
                }
            }
        } else {
            for i in used.indices {
                if i > 0 { w.byte(UInt8(ascii: ",")) }
                let c = citation(used[i])
                w.appending { c.appendJSON(to: &$0) }
            }
        }
        w.raw(#"],"assumptions":"#)
        w.plainStrings { say in forEachAssumption { say(PlainText($0.text)) } }
        w.raw(#","notes":"#)
        w.strings(forEachNote)
        w.byte(UInt8(ascii: "}"))
    }

    // MARK: what a part, its missing keys and an assumption can be

    /// What a part bills.
    enum Item: UInt8, CaseIterable {
        case instances, storage, io, capacity, replicatedWrites, ecpus, compute, dpus, requests

        var name: StaticString {
            switch self {
            case .instances: "instances"
            case .storage: "storage"
            case .io: "I/O"
            case .capacity: "capacity"
            case .replicatedWrites: "replicated writes"
            case .ecpus: "ECPUs"
            case .compute: "compute"
            case .dpus: "DPUs"
            case .requests: "requests"
            }
        }
    }

    /// The profile keys an unknown part can need. A part names them in this order (the
    /// models add them so), which `forEach` keeps.
    struct MissingKeys: OptionSet {
        let rawValue: UInt8
        static let throughput = MissingKeys(rawValue: 1)
        static let readShare = MissingKeys(rawValue: 2)
        static let itemSize = MissingKeys(rawValue: 4)
        static let dataSize = MissingKeys(rawValue: 8)

        /// Each key in the set, alone, in order.
        func forEach(_ body: (MissingKeys) -> Void) {
            var left = rawValue
            while left != 0 {
                body(MissingKeys(rawValue: left & (~left &+ 1)))
                left &= left - 1
            }
        }

        /// The profile key of a set of one.
        var staticName: StaticString {
            switch rawValue {
            case 1: "throughput"
            case 2: "read-share"
            case 4: "item-size"
            case 8: "data-size"
            default: preconditionFailure("the name of one key")
            }
        }

        var name: String { staticName.description }

        var names: [String] {
            var all: [String] = []
            forEach { all.append($0.name) }
            return all
        }
    }

    /// What an estimate assumes: a literal each, written as it lies (`JSONWriter.plain`:
    /// EstimateTests checks that none needs an escape).
    enum Assumption: UInt8, CaseIterable {
        case onDemand, sizing, gp3, dsql, requestUnits, cacheServerless, redshift, availabilityUnanswered

        var text: StaticString {
            switch self {
            case .onDemand:
                "On-Demand prices, sustained at the peak request rate all month (730 h); data transfer and backups beyond the free allowance not counted"
            case .sizing:
                // `CostMath.requestsPerVCPU`'s figures: LineCostTests holds them together.
                "one vCPU serves 1000 (low) to 250 (high) requests per second; sizes above large priced at the large rate times their vCPUs over 2, as AWS prices a family's sizes"
            case .gp3:
                "gp3 includes 3,000 IOPS (12,000 from 400 GB for most engines) and 125 MiB/s at no charge; IOPS beyond are billed and not counted"
            case .dsql:
                "Aurora DSQL: 0.1 to 0.5 DPU per request (AWS meters compute, bytes read and bytes written, and publishes no per-request figure; measure with CloudWatch's DPU metrics); the free 100,000 DPUs and 1 GB a month are not subtracted"
            case .requestUnits:
                "request units: one 4 KB strongly consistent read (half for eventually consistent, double for transactional), one 1 KB write (double for transactional)"
            case .cacheServerless:
                "ElastiCache Serverless; node-based clusters are priced per node-hour instead"
            case .redshift:
                "Redshift Serverless bills only while queries run; the hours a day it is busy are assumed"
            case .availabilityUnanswered:
                "availability not answered: the low end is single-AZ, the high end Multi-AZ"
            }
        }
    }
}

/// The figures an estimate's sentences say, written in place (as strings, each was made and
/// copied in: some 15 an estimate).
extension Sentence.StringInterpolation {
    /// A count to the cent, in millions from a million: "950", "2.50", "18.2 million",
    /// "125 million".
    mutating func appendInterpolation(amount raw: Double) {
        let x = (raw * 100).rounded() / 100
        if x >= 1_000_000 {
            fixed(x / 1_000_000, decimals: x >= 100_000_000 ? 0 : 1)
            appendLiteral(" million")
        } else if x == x.rounded() {
            appendInterpolation(number: x)
        } else {
            fixed(x, decimals: 2)
        }
    }

    /// Gigabytes: whole from 100, else to two decimals.
    mutating func appendInterpolation(gigabytes x: Double) {
        fixed(x, decimals: x >= 100 ? 0 : 2)
    }

    /// `Engine.dollars(x)`.
    mutating func appendInterpolation(dollars x: Double) {
        Engine.writeDollars(x) { sentence.append($0) }
    }

    /// `JSON.fixed(x, decimals:)`.
    private mutating func fixed(_ x: Double, decimals: Int) {
        if JSON.withDigits(x, decimals: decimals, trimZeros: false, { sentence.append($0) }) == nil { appendLiteral("null") }
    }
}
