/// Sources must state the fact they back: a fact with a figure (a numeric value, a price, or a
/// sentence that gives a number) may not cite a landing or home page, which states no figure.
extension Catalog {
    /// Hosts whose first path segment is a product's root (https://aws.amazon.com/dynamodb/,
    /// https://docs.aws.amazon.com/amazondynamodb/): a URL that stops there is a landing page.
    static let productRootHosts: Set<String> = ["aws.amazon.com", "docs.aws.amazon.com", "amazonaws.cn", "www.amazonaws.cn", "docs.amazonaws.cn"]

    /// Whether `url` is a home page (no path) or, on a product-rooted host, a product's landing page.
    public static func isLandingPage(_ url: String) -> Bool {
        var rest = Substring(url)
        if let end = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        // "https:", host, then the path's segments.
        let all = rest.split(separator: "/", omittingEmptySubsequences: true)
        guard let scheme = all.first, scheme.hasSuffix(":") else { return false }
        let parts = all.dropFirst().map { $0 }
        guard let host = parts.first?.lowercased() else { return true }
        if parts.count == 1 { return true }
        if parts.count == 2 && productRootHosts.contains(host) && !parts[1].contains(".") { return true }
        return false
    }

    /// Whether a sourced statement carries a figure: a numeric value or a digit in its text.
    static func statesFigure(value: JSON?, text: String) -> Bool {
        if value?.numberValue != nil { return true }
        return text.utf8.contains { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// Every fact, price, list entry or rule with a figure whose source is a landing or home page.
    public func sourceProblems() -> [Problem] {
        var problems: [Problem] = []
        for service in services {
            for fact in service.facts where Catalog.isLandingPage(fact.source) && Catalog.statesFigure(value: fact.value, text: fact.text) {
                problems.append(Problem(file: service.file, path: "$.facts.\(fact.kind).source",
                                        message: "'\(fact.source)' is a landing or home page; a fact with a figure must cite the page that states it"))
            }
            for (name, items) in service.lists {
                for (i, item) in items.enumerated() {
                    guard let source = item["source"]?.stringValue, Catalog.isLandingPage(source) else { continue }
                    let figure = name == "prices" || Catalog.statesFigure(value: nil, text: item["text"]?.stringValue ?? "")
                    if figure {
                        problems.append(Problem(file: service.file, path: "$.\(name)[\(i)].source",
                                                message: "'\(source)' is a landing or home page; a statement with a figure must cite the page that states it"))
                    }
                }
            }
        }
        for rule in rules where Catalog.isLandingPage(rule.source) && Catalog.statesFigure(value: nil, text: rule.reason) {
            problems.append(Problem(file: rule.file, path: "$.rules[\(rule.index)].source",
                                    message: "'\(rule.source)' is a landing or home page; a rule whose reason gives a figure must cite the page that states it"))
        }
        return problems
    }
}
