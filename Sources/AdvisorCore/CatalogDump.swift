/// Every stored property of a value, recursively, as lines `PATH = VALUE`, for checking that
/// the catalog decoded from the typed snapshot is the catalog loaded from catalog/ (the
/// embedder fails the build on a difference; a test checks it too).
///
/// Why it covers every stored property: it walks the value with `Mirror`, whose default
/// reflection lists every stored property of a struct or class (private ones and those with a
/// default value included), the payload of an enum case, every element of a collection, and
/// every key and value of a dictionary. Only a type with its own `customMirror` could hide a
/// property: a type of this module that has one is reported as a line of its own (none does),
/// and a class with a superclass is too (a superclass's properties would be on another mirror).
/// Strings are compared by their UTF-8 (the lines are), numbers by their bits; dictionaries
/// and sets are listed in sorted order, since their order is not part of their value.
public enum CatalogDump {
    public static func lines(_ value: Any, skipping skipped: Set<String> = []) -> [String] {
        var out: [String] = []
        dump(value, "$", skipped, &out)
        return out
    }

    /// The first `limit` lines where two dumps differ, each side's line given (by bytes:
    /// `==` on String would take "é" for "e\u{301}").
    public static func differences(_ a: [String], _ b: [String], limit: Int = 10) -> [String] {
        var out: [String] = []
        for i in 0..<max(a.count, b.count) where out.count < limit {
            let x = i < a.count ? a[i] : "(nothing)", y = i < b.count ? b[i] : "(nothing)"
            if !x.utf8.elementsEqual(y.utf8) { out.append("line \(i + 1): \(x)  ≠  \(y)") }
        }
        return out
    }

    static func dump(_ value: Any, _ path: String, _ skipped: Set<String>, _ out: inout [String]) {
        if let text = value as? String { out.append(path + " = " + text.debugDescription); return }
        if let number = value as? Double { out.append(path + " = 0x" + String(number.bitPattern, radix: 16) + " (\(number))"); return }
        let mirror = Mirror(reflecting: value)
        let type = String(reflecting: mirror.subjectType)
        if type.hasPrefix("AdvisorCore."), value is CustomReflectable {
            out.append(path + ": \(type) has a custom mirror, which may hide stored properties")
        }
        if mirror.superclassMirror != nil { out.append(path + ": \(type) has a superclass, whose properties are not listed") }
        switch mirror.displayStyle {
        case .optional:
            if let some = mirror.children.first { dump(some.value, path, skipped, &out) } else { out.append(path + " = nil") }
        case .collection:
            out.append(path + ": \(type), \(mirror.children.count) items")
            for (i, child) in mirror.children.enumerated() { dump(child.value, path + "[\(i)]", skipped, &out) }
        case .dictionary, .set:
            out.append(path + ": \(type), \(mirror.children.count) items")
            var entries: [(key: String, lines: [String])] = []
            for child in mirror.children {
                if mirror.displayStyle == .set {
                    let lines = Self.lines(child.value)
                    entries.append((lines.joined(separator: "; "), lines))
                } else {
                    let pair = Array(Mirror(reflecting: child.value).children)
                    let key = Self.lines(pair[0].value).joined(separator: "; ")
                    var lines: [String] = []
                    dump(pair[1].value, path + "[\(key)]", skipped, &lines)
                    entries.append((key, lines))
                }
            }
            entries.sort { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
            for entry in entries {
                if mirror.displayStyle == .set { out.append(path + " ∋ " + entry.key) } else { out += entry.lines }
            }
        case .enum:
            if let payload = mirror.children.first {
                out.append(path + ": \(type).\(payload.label ?? "?")")
                dump(payload.value, path + "." + (payload.label ?? "?"), skipped, &out)
            } else {
                out.append(path + " = " + String(reflecting: value))
            }
        default:
            if mirror.children.isEmpty && mirror.displayStyle == nil {
                out.append(path + " = " + String(reflecting: value))
                return
            }
            out.append(path + ": \(type)")
            for (i, child) in mirror.children.enumerated() {
                let label = child.label ?? ".\(i)"
                if skipped.contains(label) { continue }
                dump(child.value, path + "." + label, skipped, &out)
            }
        }
    }
}
