#if canImport(Glibc)
import Glibc
#endif

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

/// One estimated figure: its value, or what is missing to compute it, and the prices used.
public struct Estimate: Sendable {
    public var service: String
    public var label: String
    /// The figure in words, or nil when it cannot be computed.
    public var value: String?
    /// Monthly US dollars when the figure is a cost.
    public var monthlyUSD: Double?
    /// Profile keys (or other inputs) that would be needed for an unknown figure.
    public var missing: [String]
    public var basis: [(text: String, source: String, asOf: String)]
}

extension Engine {
    /// Hours and seconds in the month AWS prices by.
    static let hoursPerMonth = 730.0

    func price(_ service: Service, _ key: String) -> (usd: Double, per: String, source: String, asOf: String, confidence: String)? {
        guard let items = service.lists.first(where: { $0.0 == "prices" })?.1,
              let item = items.first(where: { $0["key"]?.stringValue == key }),
              let usd = item["usd"]?.numberValue else { return nil }
        return (usd, item["per"]?.stringValue ?? "", item["source"]?.stringValue ?? "", item["asOf"]?.stringValue ?? "", item["confidence"]?.stringValue ?? "")
    }

    /// A unit price exactly as the source gives it: $0.00013, $0.625, $5.
    static func unitPrice(_ x: Double) -> String { "$" + JSON.format(number: x) }

    static func dollars(_ x: Double) -> String {
        if x == 0 { return "$0" }
        return x >= 100 ? "$" + JSON.fixed(x, decimals: 0) : "$" + JSON.fixed(x, decimals: 2)
    }

    /// Sizing and cost estimates for the pick and its alternatives. Estimates, never quotes:
    /// every price carries its source and date, and a figure that needs an answer the
    /// profile lacks is reported as unknown with what is missing.
    public func estimates(_ r: Recommendation) -> [Estimate] {
        var out: [Estimate] = []
        let p = r.profile
        let services = [r.pick.service] + r.alternatives.prefix(3).map(\.0.service)
        for service in services {
            if let idle = service.fact("idleMonthlyCost") {
                let value = idle.value?.numberValue
                out.append(Estimate(service: service.id, label: "Idle / minimum monthly cost (storage aside)", value: value.map { Engine.dollars($0) + " a month" },
                                    monthlyUSD: value, missing: value == nil ? ["a confirmed AWS price"] : [],
                                    basis: [(idle.text, idle.source, idle.asOf)]))
            }
        }
        let ids = Set(services.map(\.id))
        if ids.contains("dynamodb"), let dynamo = catalog.service("dynamodb") { out += dynamoDBEstimates(p, dynamo) }
        for id in ["aurora-postgresql", "aurora-mysql"] where ids.contains(id) {
            if let aurora = catalog.service(id), let acu = price(aurora, "aurora-serverless-acu") {
                out.append(Estimate(service: id, label: "Aurora serverless capacity", value: "0 to 256 ACUs (0 while auto-paused); \(Engine.dollars(acu.usd)) per ACU-hour; always-on at 0.5 ACU about \(Engine.dollars(0.5 * acu.usd * Engine.hoursPerMonth)) a month",
                                    monthlyUSD: nil, missing: ["the ACUs the load needs, which only a load test shows"],
                                    basis: [("\(Engine.unitPrice(acu.usd)) per \(acu.per) (\(acu.confidence))", acu.source, acu.asOf)]))
            }
        }
        if ids.contains("athena"), let athena = catalog.service("athena"), let tb = price(athena, "athena-per-tb-scanned") {
            if case let .size(size)? = p["data-size"] {
                let terabytes = size.bytes / 1_099_511_627_776
                out.append(Estimate(service: "athena", label: "Athena cost of one full scan", value: "\(Engine.dollars(max(terabytes * tb.usd, tb.usd * 10 / 1_048_576))) per query that scans all \(size) (less with Parquet and partitions); monthly cost needs the number of queries",
                                    monthlyUSD: nil, missing: ["queries per month"], basis: [("\(Engine.unitPrice(tb.usd)) per \(tb.per) (\(tb.confidence))", tb.source, tb.asOf)]))
            } else {
                out.append(Estimate(service: "athena", label: "Athena cost per query", value: nil, monthlyUSD: nil, missing: ["data-size", "queries per month"],
                                    basis: [("\(Engine.unitPrice(tb.usd)) per \(tb.per) (\(tb.confidence))", tb.source, tb.asOf)]))
            }
        }
        return out
    }

    func dynamoDBEstimates(_ p: Profile, _ dynamo: Service) -> [Estimate] {
        var missing: [String] = []
        var rate = 0.0, share = 0.0, bytes = 0.0
        if case let .rate(r)? = p["throughput"] { rate = r.perSecond } else { missing.append("throughput") }
        if case let .percent(s)? = p["read-share"] { share = s / 100 } else { missing.append("read-share") }
        if case let .size(s)? = p["item-size"] { bytes = s.bytes } else { missing.append("item-size") }
        guard missing.isEmpty,
              let odRead = price(dynamo, "dynamodb-on-demand-read"), let odWrite = price(dynamo, "dynamodb-on-demand-write"),
              let pRCU = price(dynamo, "dynamodb-provisioned-rcu"), let pWCU = price(dynamo, "dynamodb-provisioned-wcu") else {
            return [Estimate(service: "dynamodb", label: "DynamoDB capacity and monthly cost", value: nil, monthlyUSD: nil, missing: missing, basis: [])]
        }
        let reads = rate * share, writes = rate * (1 - share)
        var modes: [DynamoDBCapacity.ReadMode]
        var transactional = false
        switch p["consistency"] {
        case .choice("eventual")?: modes = [.eventual]
        case .choice("acid-transactions")?: modes = [.transactional]; transactional = true
        case .choice(_)?: modes = [.strong]
        default: modes = [.strong, .eventual]
        }
        let wcu = DynamoDBCapacity.writeUnits(writesPerSecond: writes, itemBytes: bytes, transactional: transactional)
        let basis = [odRead, odWrite, pRCU, pWCU].map { ("\(Engine.unitPrice($0.usd)) per \($0.per) (\($0.confidence))", $0.source, $0.asOf) }
            + [("RCU: one strongly consistent read of up to 4 KB per second, half for eventually consistent, double for transactional; WCU: one write of up to 1 KB per second, double for transactional", "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html", "2026-11-01")]
        var out: [Estimate] = []
        let secondsPerMonth = Engine.hoursPerMonth * 3600
        for mode in modes {
            let rcu = DynamoDBCapacity.readUnits(readsPerSecond: reads, itemBytes: bytes, mode: mode)
            let onDemand = rcu * secondsPerMonth / 1_000_000 * odRead.usd + wcu * secondsPerMonth / 1_000_000 * odWrite.usd
            let provisioned = rcu * Engine.hoursPerMonth * pRCU.usd + wcu * Engine.hoursPerMonth * pWCU.usd
            let modeText = mode == .strong ? "strongly consistent" : mode == .eventual ? "eventually consistent" : "transactional"
            out.append(Estimate(
                service: "dynamodb", label: "DynamoDB capacity at peak (\(modeText) reads)",
                value: "\(JSON.format(number: rcu)) RCU and \(JSON.format(number: wcu)) WCU; sustained at this peak all month: on-demand about \(Engine.dollars(onDemand)), provisioned about \(Engine.dollars(provisioned)) a month (storage not included)",
                monthlyUSD: provisioned, missing: [], basis: basis))
        }
        return out
    }
}
