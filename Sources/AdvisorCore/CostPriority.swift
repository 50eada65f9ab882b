/// `cost-priority lowest-cost` reads the estimates: among the services that fit (open to new
/// workloads, nothing rules them out) whose estimates size compute or requests to the load,
/// the one whose complete monthly estimate is cheapest gains `cheapestEstimateWeight`, and its
/// reason says by how much it undercuts the next. Services priced alike (the RDS open-source
/// engines share prices) are favoured together: a tie is a tie.
///
/// This is part of the one evaluation, not a step after it: `assess` (recommend, why, batch,
/// plan), `evaluate` (pick, genuinePick, the lint sweep and its invariants) and `whatIfs`
/// (each variant, on the changed profile) all call `cheapest`, after the rules have decided
/// which services fit.
extension Engine {
    /// Enough to settle services the rules rank close; not enough to outweigh a requirement
    /// (lint's invariants prove no pick misses a stated requirement unsaid).
    public static let cheapestEstimateWeight = 6.0
    public static let cheapestEstimateRule = "cheapest-estimate"

    /// The services lowest-cost favours, with what their reason says.
    struct Cheapest {
        /// Service positions favoured (priced alike), in catalog order.
        var favoured: [Int]
        var cost: CostRange
        var estimate: Estimate
        /// The next cheapest fitting service and its cost.
        var next: Int
        var nextCost: CostRange
        var nextEstimate: Estimate
        /// How many fitting services had estimates that price the workload.
        var compared: Int
    }

    /// The profile key whose answer asks for the lowest cost.
    static let costPriorityKey = "cost-priority"

    /// Whether the profile asks for the lowest cost.
    func wantsLowestCost(_ profile: Profile) -> Bool {
        Engine.asksLowestCost(profile[Engine.costPriorityKey])
    }

    /// Whether an answer to the cost-priority question asks for the lowest cost.
    static func asksLowestCost(_ answer: Answer?) -> Bool {
        if case .choice("lowest-cost")? = answer { return true }
        return false
    }

    /// The cheapest fitting services for `profile`, given each service's exclusion severity
    /// from the rules (0: fits); nil when the profile does not ask for the lowest cost or
    /// fewer than two distinct prices can be compared.
    func cheapest(_ profile: Profile, severity: [Double]) -> Cheapest? {
        guard wantsLowestCost(profile) else { return nil }
        let inputs = estimateInputs(profile)
        var estimates = [Estimate?](repeating: nil, count: catalog.services.count)
        guard let c = cheapestPositions(severity: severity, cost: { i in
            let e = estimate(catalog.services[i].id, inputs)
            estimates[i] = e
            return e.pricesTheLoad ? e.monthlyUSD : nil
        }) else { return nil }
        return Cheapest(favoured: c.favoured, cost: c.cost, estimate: estimates[c.favoured[0]]!, next: c.next, nextCost: c.nextCost,
                        nextEstimate: estimates[c.next]!, compared: c.compared)
    }

    /// The positions `cheapest` favours, and the next cheapest, from each fitting service's
    /// monthly cost when its estimate prices the load (`cost`: nil when it does not).
    func cheapestPositions(severity: [Double], cost: (Int) -> CostRange?) -> (favoured: [Int], cost: CostRange, next: Int, nextCost: CostRange, compared: Int)? {
        func middle(_ r: CostRange) -> Double { (r.low + r.high) / 2 }
        var priced: [(index: Int, cost: CostRange)] = []
        for (i, service) in catalog.services.enumerated() where severity[i] == 0 && service.lifecycle.isAvailableForNewWorkloads {
            guard let c = cost(i) else { continue }
            priced.append((i, c))
        }
        priced.sort { middle($0.cost) != middle($1.cost) ? middle($0.cost) < middle($1.cost) : $0.index < $1.index }
        guard let first = priced.first, let next = priced.first(where: { middle($0.cost) > middle(first.cost) }) else { return nil }
        let favoured = priced.filter { middle($0.cost) == middle(first.cost) }.map(\.index)
        return (favoured, first.cost, next.index, next.cost, priced.count)
    }

    /// Adds the lowest-cost weight to the favoured services' scores; the services favoured.
    @discardableResult
    func addCheapest(_ profile: Profile, scores: inout [Double], severity: [Double]) -> Cheapest? {
        guard let c = cheapest(profile, severity: severity) else { return nil }
        for i in c.favoured { scores[i] += Engine.cheapestEstimateWeight }
        return c
    }

    /// The same for a profile that asks for the lowest cost, given each service's monthly
    /// cost as `cheapestPositions` reads it (the lint sweep keeps them between profiles).
    func addCheapest(scores: inout [Double], severity: [Double], cost: (Int) -> CostRange?) {
        guard let c = cheapestPositions(severity: severity, cost: cost) else { return }
        for i in c.favoured { scores[i] += Engine.cheapestEstimateWeight }
    }

    /// Adds the lowest-cost finding (and weight) to the favoured services' assessments.
    func addCheapest(_ profile: Profile, to assessments: inout [Assessment]) {
        guard let c = cheapest(profile, severity: assessments.map { $0.isExcluded ? 1 : 0 }) else { return }
        for i in c.favoured {
            assessments[i].score += Engine.cheapestEstimateWeight
            assessments[i].scoreFindings.append(cheapestFinding(c, for: i))
        }
    }

    /// The lowest-cost finding of favoured service `i`: by how much it undercuts the next.
    func cheapestFinding(_ c: Cheapest, for i: Int) -> Finding {
        let mid = { (r: CostRange) in (r.low + r.high) / 2 }
        let saving = mid(c.nextCost) - mid(c.cost)
        let percent = Int((saving / mid(c.nextCost) * 100).rounded())
        let nextName = catalog.services[c.next].name
        let others = c.favoured.filter { $0 != i }.map { catalog.services[$0].name }
        let text = "Cheapest estimate of the \(c.compared) services that fit and whose estimates price this workload"
            + (others.isEmpty ? "" : " (priced alike with " + others.joined(separator: ", ") + ")")
            + ": \(Engine.range(c.cost)) a month, about \(Engine.dollars(saving)) (\(percent)%) less than \(nextName) at \(Engine.range(c.nextCost))"
            + " (On-Demand, " + pricedWhere(c) + ", middle of each range)."
        return Finding(rule: Engine.cheapestEstimateRule, text: text, source: c.estimate.prices.first?.source ?? "", weight: Engine.cheapestEstimateWeight)
    }

    /// Where the compared prices come from; when one side fell back to us-east-1's and the
    /// other did not, each side's, as part of the difference is then the Region's.
    func pricedWhere(_ c: Cheapest) -> String {
        let region = c.estimate.region
        let fallback = "\(PriceTable.defaultRegion) prices where the table has none for \(region)"
        if c.estimate.pricesFellBack == c.nextEstimate.pricesFellBack { return c.estimate.pricesFellBack ? fallback : region }
        func side(_ e: Estimate) -> String { e.pricesFellBack ? "\(PriceTable.defaultRegion) prices" : "\(region) prices" }
        return "\(side(c.estimate)) for the cheapest, \(side(c.nextEstimate)) for \(catalog.services[c.next].name): part of the difference may be the Region's"
    }
}
