/// An amount of data in bytes. Units are binary, as AWS states its limits
/// (DynamoDB: 1 KB = 1,024 bytes): `KB` and `KiB` both mean 1,024 bytes.
public struct DataSize: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var bytes: Double

    public init(bytes: Double) { self.bytes = bytes }

    static let units: [(String, Double)] = [
        ("B", 1), ("KB", 1024), ("KIB", 1024), ("MB", 1_048_576), ("MIB", 1_048_576),
        ("GB", 1_073_741_824), ("GIB", 1_073_741_824), ("TB", 1_099_511_627_776), ("TIB", 1_099_511_627_776),
        ("PB", 1_125_899_906_842_624), ("PIB", 1_125_899_906_842_624),
    ]

    /// Accepts `500MB`, `2.5 TB`, `128TiB`, `400kb`. Refuses a missing unit, zero, negatives
    /// and anything beyond 1,000,000 PB.
    public static func parse(_ text: String) -> Result<DataSize, QuantityError> {
        if let plain = parsePlain(text) { return .success(plain) }
        return parseInFull(text)
    }

    /// The commonest spelling, read from its bytes: digits (at most 15, so the whole number is
    /// exact as a Double, as `Double(String)` reads it) right before a unit, such as `4103GB`.
    /// Nil for anything else, or a size `parseInFull` refuses; it then decides.
    static func parsePlain(_ text: String) -> DataSize? {
        var text = text
        return text.withUTF8 { parsePlain(bytes: $0) }
    }

    /// The same, from the text's bytes.
    static func parsePlain(bytes: UnsafeBufferPointer<UInt8>) -> DataSize? {
        let (whole, i) = leadingWhole(bytes)
        guard i > 0, whole > 0, bytes.count - i >= 1, bytes.count - i <= 3 else { return nil }
        for (name, factor) in units where name.utf8.count == bytes.count - i {
            var same = true
            for (k, b) in name.utf8.enumerated() where b != bytes[i + k] && b + 0x20 != bytes[i + k] {
                same = false
                break
            }
            guard same else { continue }
            let size = Double(whole) * factor
            return size <= 1_000_000 * 1_125_899_906_842_624 ? DataSize(bytes: size) : nil
        }
        return nil
    }

    /// Every spelling `parse` takes, and why any other is refused.
    static func parseInFull(_ text: String) -> Result<DataSize, QuantityError> {
        let trimmed = text.trimmedSpaces
        if trimmed.hasPrefix("-") { return .failure(.notPositive) }
        // Digits, the point and the group separators are ASCII: the number is the leading run
        // of those bytes.
        let utf8 = trimmed.utf8
        let end = utf8.firstIndex { !($0 >= 0x30 && $0 <= 0x39) && $0 != 0x2E && $0 != 0x2C && $0 != 0x5F } ?? utf8.endIndex
        guard let digits = ungrouped(String(trimmed[..<end])) else { return .failure(.misplacedSeparator) }
        let written = String(trimmed[end...]).trimmedSpaces
        let unit = written.utf8.allSatisfy { $0 < 0x80 }
            ? String(decoding: written.utf8.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }, as: UTF8.self)
            : written.uppercased()
        guard !digits.isEmpty, let number = Double(digits), number.isFinite else {
            return .failure(.malformed)
        }
        guard let factor = units.first(where: { $0.0 == unit })?.1 else {
            return .failure(unit.isEmpty ? .missingUnit : .unknownUnit(written))
        }
        guard number > 0 else { return .failure(.notPositive) }
        let bytes = number * factor
        guard bytes <= 1_000_000 * 1_125_899_906_842_624 else { return .failure(.tooLarge) }
        return .success(DataSize(bytes: bytes))
    }

    public static func < (a: DataSize, b: DataSize) -> Bool { a.bytes < b.bytes }

    /// The spelling in the largest unit that holds it exactly with at most three decimals
    /// (`400KB`, `2MB`, `1.5TB`), else in bytes: it always parses back to the same size, so
    /// echoed profiles, saved answers and reproducing commands mean what was typed.
    public var description: String {
        // Largest unit first; a switch, not an array a call would allocate.
        for k in 0..<5 {
            let (name, factor): (String, Double)
            switch k {
            case 0: (name, factor) = ("PB", 1_125_899_906_842_624)
            case 1: (name, factor) = ("TB", 1_099_511_627_776)
            case 2: (name, factor) = ("GB", 1_073_741_824)
            case 3: (name, factor) = ("MB", 1_048_576)
            default: (name, factor) = ("KB", 1024)
            }
            guard bytes >= factor else { continue }
            let rounded = (bytes / factor * 1000).rounded() / 1000
            if rounded * factor == bytes { return JSON.exactDecimal(rounded) + name }
        }
        return JSON.exactDecimal(bytes) + "B"
    }
}

/// Requests per second at peak. Suffixes `k` and `M` multiply by a thousand and a million.
public struct RequestRate: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var perSecond: Double

    public init(perSecond: Double) { self.perSecond = perSecond }

    public static func parse(_ text: String) -> Result<RequestRate, QuantityError> {
        if let plain = parsePlain(text) { return .success(plain) }
        return parseInFull(text)
    }

    /// The commonest spelling, read from its bytes: digits (at most 15, exact as a Double),
    /// perhaps followed by one multiplier letter, such as `1687900` or `20k`. Nil for anything
    /// else, or a rate `parseInFull` refuses; it then decides.
    static func parsePlain(_ text: String) -> RequestRate? {
        var text = text
        return text.withUTF8 { parsePlain(bytes: $0) }
    }

    /// The same, from the text's bytes.
    static func parsePlain(bytes: UnsafeBufferPointer<UInt8>) -> RequestRate? {
        let (whole, i) = leadingWhole(bytes)
        guard i > 0, whole > 0 else { return nil }
        var factor = 1.0
        if i < bytes.count {
            guard i + 1 == bytes.count else { return nil }
            switch bytes[i] {
            case UInt8(ascii: "k"), UInt8(ascii: "K"): factor = 1_000
            case UInt8(ascii: "m"), UInt8(ascii: "M"): factor = 1_000_000
            case UInt8(ascii: "b"), UInt8(ascii: "B"), UInt8(ascii: "g"), UInt8(ascii: "G"): factor = 1_000_000_000
            default: return nil
            }
        }
        let value = Double(whole) * factor
        return value <= 1e12 ? RequestRate(perSecond: value) : nil
    }

    /// Every spelling `parse` takes, and why any other is refused.
    static func parseInFull(_ text: String) -> Result<RequestRate, QuantityError> {
        var trimmed = text.trimmedSpaces
        for suffix in ["/s", "rps", "RPS"] where trimmed.hasSuffix(suffix) {
            trimmed = String(trimmed.dropLast(suffix.count)).trimmedSpaces
        }
        var factor = 1.0
        if let last = trimmed.last {
            switch last {
            case "k", "K": factor = 1_000
            case "m", "M": factor = 1_000_000
            case "b", "B", "g", "G": factor = 1_000_000_000
            default: break
            }
            // `500 k` as `500k`, as a size takes `3 TB` as `3TB`.
            if factor != 1 { trimmed = String(trimmed.dropLast()).trimmedSpaces }
        }
        guard let plain = ungrouped(trimmed) else { return .failure(.misplacedSeparator) }
        guard !plain.isEmpty, plain.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E }), let number = Double(plain), number.isFinite else {
            if let first = plain.first, first == "-" { return .failure(.notPositive) }
            return .failure(.malformed)
        }
        guard number > 0 else { return .failure(.notPositive) }
        let value = number * factor
        guard value <= 1e12 else { return .failure(.tooLarge) }
        return .success(RequestRate(perSecond: value))
    }

    public static func < (a: RequestRate, b: RequestRate) -> Bool { a.perSecond < b.perSecond }

    /// `500`, `20k`, `1.5M`; exact, like `DataSize.description`.
    public var description: String {
        // Millions, then thousands (two tests, not an array a call would allocate).
        func scaled(_ name: String, _ factor: Double) -> String? {
            guard perSecond >= factor else { return nil }
            let rounded = (perSecond / factor * 1000).rounded() / 1000
            return rounded * factor == perSecond ? JSON.exactDecimal(rounded) + name : nil
        }
        return scaled("M", 1_000_000) ?? scaled("k", 1_000) ?? JSON.exactDecimal(perSecond)
    }
}

/// The whole number the text's leading digits spell, and how many there are: at most 15, so
/// the number is exact as a Double (`parsePlain`).
func leadingWhole(_ bytes: UnsafeBufferPointer<UInt8>) -> (whole: Int, digits: Int) {
    var whole = 0, i = 0
    while i < bytes.count, i < 15, bytes[i] >= 0x30, bytes[i] <= 0x39 {
        whole = whole * 10 + Int(bytes[i] - 0x30)
        i += 1
    }
    return (whole, i)
}

/// `text` without the separators that group its whole part in thousands (`1,000,000`,
/// `1_000`), or nil when a separator is anywhere else: `1,5` and `20,00` are decimal commas,
/// which would otherwise read as 15 and 2000. Text without a separator comes back unchanged.
func ungrouped(_ text: String) -> String? {
    let utf8 = text.utf8
    guard utf8.contains(where: { $0 == 0x2C || $0 == 0x5F }) else { return text }
    let point = utf8.firstIndex(of: 0x2E) ?? utf8.endIndex
    // No separator in the fraction; in the whole part, a first group of one to three digits
    // and then groups of exactly three.
    guard !utf8[point...].contains(where: { $0 == 0x2C || $0 == 0x5F }) else { return nil }
    let groups = utf8[..<point].split(omittingEmptySubsequences: false) { $0 == 0x2C || $0 == 0x5F }
    guard let first = groups.first, (1...3).contains(first.count), groups.dropFirst().allSatisfy({ $0.count == 3 }) else { return nil }
    return groups.map { String(decoding: $0, as: UTF8.self) }.joined() + String(decoding: utf8[point...], as: UTF8.self)
}

/// Why a size or rate was refused.
public enum QuantityError: Error, Equatable, Sendable {
    case malformed, missingUnit, unknownUnit(String), notPositive, tooLarge, misplacedSeparator

    public var explanation: String {
        switch self {
        case .malformed: return "it is not a number"
        case .missingUnit: return "it has no unit"
        case let .unknownUnit(u): return "'\(Sanitize.forTerminal(u, limit: 12))' is not a unit"
        case .notPositive: return "it must be greater than zero"
        case .tooLarge: return "it is larger than any workload this advisor can reason about"
        case .misplacedSeparator: return "a comma (or '_') may only group thousands, as in 1,000; the decimal separator is a point, as in 1.5"
        }
    }
}
