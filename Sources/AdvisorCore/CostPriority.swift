/// `cost-priority lowest-cost` reads the estimates: among the services that fit (open to new
/// workloads, nothing ruled them out) whose estimates size compute or requests to the load,
/// the one whose complete monthly estimate is cheapest
/// gains `cheapestEstimateWeight`, and its reason says by how much it undercuts the next.
extension Engine {
    /// Enough to settle services the rules rank close; not enough to override a requirement.
    public static let cheapestEstimateWeight = 6.0
    public static let cheapestEstimateRule = "cheapest-estimate"

    func favourCheapest(_ all: [Assessment], profile: Profile) -> [Assessment] {
        guard case .choice("lowest-cost")? = profile["cost-priority"] else { return all }
        func middle(_ r: CostRange) -> Double { (r.low + r.high) / 2 }
        let priced: [(index: Int, estimate: Estimate, cost: CostRange)] = all.indices.compactMap { i in
            let a = all[i]
            guard !a.isExcluded, a.service.lifecycle.isAvailableForNewWorkloads else { return nil }
            let e = estimate(a.service.id, profile)
            guard e.pricesTheLoad else { return nil }
            return e.monthlyUSD.map { (i, e, $0) }
        }.sorted { middle($0.cost) != middle($1.cost) ? middle($0.cost) < middle($1.cost) : all[$0.index].service.id < all[$1.index].service.id }
        // Services priced alike (the RDS open-source engines share prices) are favoured together.
        guard let cheapest = priced.first.map({ middle($0.cost) }),
              let next = priced.first(where: { middle($0.cost) > cheapest }) else { return all }
        let best = priced.filter { middle($0.cost) == cheapest }
        let saving = middle(next.cost) - cheapest
        let percent = Int((saving / middle(next.cost) * 100).rounded())
        var out = all
        for b in best {
            let others = best.filter { $0.index != b.index }.map { all[$0.index].service.id }
            let text = "Cheapest estimate of the services that fit" + (others.isEmpty ? "" : " (with " + others.joined(separator: ", ") + ")")
                + ": \(Engine.range(b.cost)) a month, about \(Engine.dollars(saving)) (\(percent)%) less than \(all[next.index].service.id) at \(Engine.range(next.cost)) (On-Demand, \(b.estimate.region), on this workload)."
            out[b.index].score += Engine.cheapestEstimateWeight
            out[b.index].scoreFindings.append(Finding(rule: Engine.cheapestEstimateRule, text: text, source: b.estimate.prices.first?.source ?? "", weight: Engine.cheapestEstimateWeight))
        }
        return out
    }
}
