import Foundation

// MARK: - Numbers written for people

/// How every table, report and chart of nepsim writes a number: the terminal tables, the CSV-free
/// text report, the HTML report and its charts all format through here, so one value reads the
/// same everywhere and independently of the machine's locale.
public enum Numbers {
    /// What the tables print for a missing or non-finite value.
    public static let missing = "-"

    /// Units whose values are counts of people or things, printed as whole numbers.
    private static let countUnits: Set<String> = [
        "persons", "person", "people", "deaths", "runs", "count", "households", "head",
    ]

    /// Whether an outcome counts people or things (so it prints without decimals).
    static func isCount(unit: String) -> Bool {
        countUnits.contains(unit.lowercased().trimmingCharacters(in: .whitespaces))
    }

    /// A table value: "-" for nil or non-finite; whole numbers with thousands separators for
    /// counts and large values; otherwise about three significant digits.
    public static func number(_ value: Double?, unit: String = "") -> String {
        guard let value, value.isFinite else { return missing }
        if isCount(unit: unit) { return grouped(value, decimals: 0) }
        return grouped(value, decimals: decimals(forMagnitude: abs(value)))
    }

    /// `number` with an explicit sign, for differences.
    static func signedNumber(_ value: Double?, unit: String = "") -> String {
        guard let value, value.isFinite else { return missing }
        let text = number(value, unit: unit)
        return value > 0 && text.contains(where: { $0.isNumber && $0 != "0" }) ? "+" + text : text
    }

    /// A probability as a percentage: 0.6321 -> "63.2%".
    static func percent(_ probability: Double?, decimals: Int = 1) -> String {
        guard let probability, probability.isFinite else { return missing }
        return grouped(probability * 100, decimals: decimals) + "%"
    }

    /// A difference of probabilities in percentage points: 0.032 -> "+3.2 pp".
    static func percentagePoints(_ difference: Double?) -> String {
        guard let difference, difference.isFinite else { return missing }
        let text = grouped(difference * 100, decimals: 1)
        return (difference > 0 && text != "0.0" ? "+" : "") + text + " pp"
    }

    /// A number in at most about 9 characters, for the narrow columns of the terminal report:
    /// k, M and G suffixes for large values.
    static func compact(_ value: Double?) -> String {
        guard let value, value.isFinite else { return missing }
        let magnitude = abs(value)
        if magnitude >= 1e9 { return String(format: "%.2fG", value / 1e9) }
        if magnitude >= 1e6 { return String(format: "%.2fM", value / 1e6) }
        if magnitude >= 1e4 { return String(format: "%.1fk", value / 1e3) }
        if magnitude >= 100 { return String(format: "%.1f", value) }
        if magnitude >= 1 { return String(format: "%.2f", value) }
        if magnitude == 0 { return "0" }
        return String(format: "%.4f", value)
    }

    /// Decimals that keep about three significant digits without printing noise on large values.
    static func decimals(forMagnitude magnitude: Double) -> Int {
        switch magnitude {
        case 0: return 0
        case 100...: return magnitude >= 1000 ? 0 : 1
        case 1...: return 2
        default: return min(6, 2 - Int(log10(magnitude).rounded(.down)))
        }
    }

    /// `value` with `decimals` decimals and comma thousands separators, independent of locale
    /// (a report must read the same on every machine). Never prints "-0".
    public static func grouped(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return missing }
        let fixed = String(format: "%.\(max(0, decimals))f", abs(value))
        let parts = fixed.split(separator: ".", maxSplits: 1)
        var integer = ""
        for (index, digit) in parts[0].reversed().enumerated() {
            if index > 0 && index % 3 == 0 { integer.append(",") }
            integer.append(digit)
        }
        var text = String(integer.reversed())
        if parts.count == 2 { text += "." + parts[1] }
        let isZero = !text.contains(where: { $0.isNumber && $0 != "0" })
        return value < 0 && !isZero ? "-" + text : text
    }

    /// `text` without trailing zeros after a decimal point: "0.800" -> "0.8", "2.0" -> "2".
    static func trimmed(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var trimmed = Substring(text)
        while trimmed.hasSuffix("0") { trimmed = trimmed.dropLast() }
        if trimmed.hasSuffix(".") { trimmed = trimmed.dropLast() }
        return String(trimmed)
    }
}
