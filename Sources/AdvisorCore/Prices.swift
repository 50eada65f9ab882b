/// One unit price of one billed dimension in one Region (catalog/prices.json): On-Demand, USD.
public struct UnitPrice: Sendable {
    public var service: String
    /// The billed dimension, e.g. `storage-gp3-multi-az` or `on-demand-read-request-units-standard`.
    public var key: String
    public var item: String
    public var usd: Double
    /// What one `usd` buys: "per hour", "per GB-month", "per million RRU" ...
    public var unit: String
    public var region: String
    public var source: String
    /// Where the source's content was read when not from the source itself (a dated snapshot).
    public var retrievedFrom: String?
    /// aws-price-list, aws-pricing-page, aws-blog or third-party.
    public var sourceType: String
    public var asOf: String
    public var note: String?
    /// Where this run read the price: nil for the catalog's prices.json, else the path of the
    /// price overlay `prices import` wrote. Not part of the price's JSON (a file never holds it).
    public var origin: String? = nil

    /// Whether the number comes from AWS (its price feed, pricing page or blog).
    public var isFromAWS: Bool { sourceType != "third-party" }

    /// One pass over the members (a price file holds hundreds of prices; looking each field
    /// up by name scanned the members eleven times). A name given twice keeps its first value,
    /// as `json[name]` would (the parser refuses such a file anyway).
    init(json: JSON) {
        service = ""; key = ""; item = ""; usd = 0; unit = ""; region = ""; source = ""
        retrievedFrom = nil; sourceType = ""; asOf = ""; note = nil
        var seen: UInt16 = 0
        for (name, value) in json.objectValue ?? [] {
            // By length first: most names are then told apart by one comparison.
            let field: UInt16
            switch name.utf8.count {
            case 3: field = name == "key" ? 1 << 1 : name == "usd" ? 1 << 3 : 0
            case 4: field = name == "item" ? 1 << 2 : name == "unit" ? 1 << 4 : name == "asOf" ? 1 << 9 : name == "note" ? 1 << 10 : 0
            case 6: field = name == "region" ? 1 << 5 : name == "source" ? 1 << 6 : 0
            case 7: field = name == "service" ? 1 << 0 : 0
            case 10: field = name == "sourceType" ? 1 << 8 : 0
            case 13: field = name == "retrievedFrom" ? 1 << 7 : 0
            default: field = 0
            }
            if field == 0 { continue }
            guard seen & field == 0 else { continue }
            seen |= field
            switch field {
            case 1 << 0: service = value.stringValue ?? ""
            case 1 << 1: key = value.stringValue ?? ""
            case 1 << 2: item = value.stringValue ?? ""
            case 1 << 3: usd = value.numberValue ?? 0
            case 1 << 4: unit = value.stringValue ?? ""
            case 1 << 5: region = value.stringValue ?? ""
            case 1 << 6: source = value.stringValue ?? ""
            case 1 << 7: retrievedFrom = value.stringValue
            case 1 << 8: sourceType = value.stringValue ?? ""
            case 1 << 9: asOf = value.stringValue ?? ""
            default: note = value.stringValue
            }
        }
    }

    public init(service: String, key: String, item: String, usd: Double, unit: String, region: String, source: String,
                retrievedFrom: String? = nil, sourceType: String, asOf: String, note: String? = nil) {
        self.service = service; self.key = key; self.item = item; self.usd = usd; self.unit = unit; self.region = region
        self.source = source; self.retrievedFrom = retrievedFrom; self.sourceType = sourceType; self.asOf = asOf; self.note = note
    }

    /// The price as a sentence: "$0.115 per GB-month (storage gp3 single-az, us-east-1)",
    /// written into one buffer (six concatenations cost more, once per estimate's price).
    public var text: String {
        var out: [UInt8] = []
        out.reserveCapacity(32 + unit.utf8.count + item.utf8.count + region.utf8.count)
        func append(_ s: String) {
            var s = s
            s.withUTF8 { out.append(contentsOf: $0) }
        }
        out.append(UInt8(ascii: "$"))
        append(JSON.format(number: usd))
        out.append(UInt8(ascii: " "))
        append(unit)
        out.append(contentsOf: [UInt8(ascii: " "), UInt8(ascii: "(")])
        append(item)
        out.append(contentsOf: [UInt8(ascii: ","), UInt8(ascii: " ")])
        append(region)
        out.append(UInt8(ascii: ")"))
        return String(decoding: out, as: UTF8.self)
    }

    public var json: JSON {
        var members: [(String, JSON)] = [
            ("service", .string(service)), ("key", .string(key)), ("item", .string(item)), ("usd", .number(usd)),
            ("unit", .string(unit)), ("region", .string(region)), ("source", .string(source)),
        ]
        if let retrievedFrom { members.append(("retrievedFrom", .string(retrievedFrom))) }
        members += [("sourceType", .string(sourceType)), ("asOf", .string(asOf))]
        if let note { members.append(("note", .string(note))) }
        return .object(members)
    }
}

/// The price table: every unit price of the catalog, looked up by service, dimension and Region.
public struct PriceTable: Sendable {
    /// The Region prices fall back to when the asked Region has none for a dimension.
    public static let defaultRegion = "us-east-1"
    public private(set) var prices: [UnitPrice]
    /// Each price's figure, by position in `prices`: what an estimate reads of a price it
    /// uses, without copying the price (five strings counted in and out).
    private(set) var usd: [Double]
    /// Where the first price of each (service, dimension, Region) is in `prices`, looked up
    /// from the ids' bytes: no id is copied (each copy counts a reference in and out) nor
    /// hashed by the standard hasher (a dozen look-ups an estimate). Open addressing over a
    /// power of two; a slot holds a position (-1: empty) and the mix of its ids; each
    /// position's ids are kept as bytes (`ids`, from `idStart[p]` to `idStart[p + 1]`:
    /// service, key and Region, each followed by 0xFF, which UTF-8 never holds). Ids are
    /// compared byte for byte, not by canonical equivalence: the schema keeps the catalog's
    /// ASCII, and an overlay's "e\u{301}" is not the catalog's "é".
    private var slots: [Int32] = []
    private var slotMixes: [UInt64] = []
    private var ids: [UInt8] = []
    private var idStart: [Int] = [0]

    /// A price's three ids (lint's check for a dimension priced twice), compared byte for
    /// byte as the table compares them, and mixed eight bytes at a time (`mixed`, which the
    /// table's slots use too) into one word for the hasher.
    struct IndexKey: Hashable {
        var service: String
        var key: String
        var region: String

        func hash(into hasher: inout Hasher) {
            hasher.combine(IndexKey.mixed(IndexKey.mixed(IndexKey.mixed(0, service), key), region))
        }

        /// `h` mixed with an id's length and bytes, eight at a time.
        fileprivate static func mixed(_ h: UInt64, _ id: String) -> UInt64 {
            Bytes.of(id) { Bytes.mixed(h, $0) }
        }

        static func == (a: IndexKey, b: IndexKey) -> Bool {
            same(a.service, b.service) && same(a.key, b.key) && same(a.region, b.region)
        }

        private static func same(_ a: String, _ b: String) -> Bool {
            Bytes.of(a) { a in Bytes.of(b) { b in Bytes.same(a, b) } }
        }
    }

    public init(prices: [UnitPrice]) {
        self.prices = prices
        usd = prices.map(\.usd)
        var size = 16
        while size < 2 * prices.count { size *= 2 }
        slots = Array(repeating: -1, count: size)
        slotMixes = Array(repeating: 0, count: size)
        // Each price in order: its ids kept as bytes, and a slot unless a price before it has
        // the same ids (the first is kept; the same table every run).
        for i in prices.indices {
            var (service, key, region) = (prices[i].service, prices[i].key, prices[i].region)
            service.withUTF8 { s in key.withUTF8 { k in region.withUTF8 { r in
                let mix = Self.mix(s, k, r)
                if position(s, k, r, mix: mix) == nil {
                    var slot = Int(truncatingIfNeeded: mix) & (size - 1)
                    while slots[slot] >= 0 { slot = (slot + 1) & (size - 1) }
                    slots[slot] = Int32(i)
                    slotMixes[slot] = mix
                }
                for id in [s, k, r] {
                    ids.append(contentsOf: id)
                    ids.append(0xFF)
                }
            } } }
            idStart.append(ids.count)
        }
    }

    static func mix(_ service: UnsafeBufferPointer<UInt8>, _ key: UnsafeBufferPointer<UInt8>, _ region: UnsafeBufferPointer<UInt8>) -> UInt64 {
        Bytes.mixed(Bytes.mixed(Bytes.mixed(0, service), key), region)
    }

    /// The position of (service, key, region) from the ids' bytes; nil when the table has none.
    private func position(_ service: UnsafeBufferPointer<UInt8>, _ key: UnsafeBufferPointer<UInt8>, _ region: UnsafeBufferPointer<UInt8>) -> Int? {
        position(service, key, region, mix: Self.mix(service, key, region))
    }

    /// The same, the ids' mix given (the table's making has it already).
    private func position(_ service: UnsafeBufferPointer<UInt8>, _ key: UnsafeBufferPointer<UInt8>, _ region: UnsafeBufferPointer<UInt8>, mix: UInt64) -> Int? {
        guard !slots.isEmpty else { return nil }
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: mix) & mask
        return ids.withUnsafeBufferPointer { ids in
            while true {
                let p = Int(slots[slot])
                if p < 0 { return nil }
                if slotMixes[slot] == mix {
                    // Service, key and Region, each with its end mark, against the kept bytes.
                    let stop = idStart[p + 1]
                    var at = idStart[p]
                    if Self.next(service, in: ids, at: &at, stop: stop) && Self.next(key, in: ids, at: &at, stop: stop)
                        && Self.next(region, in: ids, at: &at, stop: stop) && at == stop { return p }
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// Whether `id` and its end mark are the kept bytes at `at` (before `stop`); if so, `at`
    /// moves past them.
    @inline(__always)
    private static func next(_ id: UnsafeBufferPointer<UInt8>, in ids: UnsafeBufferPointer<UInt8>, at: inout Int, stop: Int) -> Bool {
        let end = at + id.count
        guard end < stop, ids[end] == 0xFF, Bytes.same(UnsafeBufferPointer(rebasing: ids[at..<end]), id) else { return false }
        at = end + 1
        return true
    }

    /// The position of (service, key, region) from the ids' bytes (copied into one piece
    /// first where a string does not lay them out so; native and literal strings do).
    private func position(_ service: String, _ key: String, _ region: String) -> Int? {
        var laidOut = false, found: Int? = nil
        _ = service.utf8.withContiguousStorageIfAvailable { s in
            key.utf8.withContiguousStorageIfAvailable { k in
                region.utf8.withContiguousStorageIfAvailable { r in
                    laidOut = true
                    found = position(s, k, r)
                }
            }
        }
        if laidOut { return found }
        var (s, k, r) = (service, key, region)
        return s.withUTF8 { s in k.withUTF8 { k in r.withUTF8 { r in position(s, k, r) } } }
    }

    init(json: JSON) { self.init(prices: (json["prices"]?.arrayValue ?? []).map(UnitPrice.init(json:))) }

    static func indexKey(_ service: String, _ key: String, _ region: String) -> IndexKey { IndexKey(service: service, key: key, region: region) }

    /// The price of a dimension in a Region, exactly.
    public func price(_ service: String, _ key: String, region: String = PriceTable.defaultRegion) -> UnitPrice? {
        position(service, key, region).map { prices[$0] }
    }

    /// The price in `region` where the table has it, else the us-east-1 price (`fellBack` true).
    public func lookup(_ service: String, _ key: String, region: String) -> (price: UnitPrice, fellBack: Bool)? {
        lookupPosition(service, key, region: region).map { (prices[$0.position], $0.fellBack) }
    }

    /// The same as the price's position in `prices`.
    func lookupPosition(_ service: String, _ key: String, region: String) -> (position: Int, fellBack: Bool)? {
        if let i = position(service, key, region) { return (i, false) }
        if region != Self.defaultRegion, let i = position(service, key, Self.defaultRegion) { return (i, true) }
        return nil
    }

    /// The Regions the table has prices for, sorted.
    public var regions: [String] { Array(Set(prices.map(\.region))).sorted() }

    public var isEmpty: Bool { prices.isEmpty }
}

extension Catalog {
    public static let pricesFile = "prices.json"

    /// Prices naming a service the catalog does not have, or one dimension twice in a Region.
    func priceProblems() -> [Problem] {
        var problems: [Problem] = []
        let ids = Set(serviceIDs).union(declaredServiceIDs).union(["data-transfer"])
        var seen = Set<PriceTable.IndexKey>()
        for (i, p) in prices.prices.enumerated() {
            if !ids.contains(p.service) {
                problems.append(Problem(file: Catalog.pricesFile, path: "$.prices[\(i)].service", message: "names the service '\(p.service)', which the catalog does not have (data-transfer is the only other name allowed)"))
            }
            if !seen.insert(PriceTable.indexKey(p.service, p.key, p.region)).inserted {
                problems.append(Problem(file: Catalog.pricesFile, path: "$.prices[\(i)].key", message: "'\(p.key)' of \(p.service) in \(p.region) is priced twice"))
            }
        }
        return problems
    }
}
