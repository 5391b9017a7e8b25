import Foundation

// MARK: - Escaping

extension HTMLReport {
    /// Text made safe for HTML and inline SVG, and numbers written for people.
    enum Text {
        /// `text` with the five characters that matter in HTML (and in SVG text and attributes)
        /// replaced by entities. Control characters, which HTML forbids, become U+FFFD.
        static func escape(_ text: String) -> String {
            var escaped = ""
            escaped.reserveCapacity(text.utf8.count)
            for scalar in text.unicodeScalars {
                switch scalar {
                case "&": escaped += "&amp;"
                case "<": escaped += "&lt;"
                case ">": escaped += "&gt;"
                case "\"": escaped += "&quot;"
                case "'": escaped += "&#39;"
                case "\t", "\n", "\r": escaped.unicodeScalars.append(scalar)
                default:
                    let isControl = scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
                    escaped.unicodeScalars.append(isControl ? "\u{FFFD}" : scalar)
                }
            }
            return escaped
        }
    }
}

// MARK: - Numbers

extension HTMLReport.Text {
    /// What the tables print for a missing or non-finite value.
    static let missing = "-"

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
    static func number(_ value: Double?, unit: String = "") -> String {
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
    static func grouped(_ value: Double, decimals: Int) -> String {
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

// MARK: - Names

extension HTMLReport.Text {
    /// An outcome name with its unit for a heading: "famine_deaths_total (persons)".
    static func nameWithUnit(_ name: String, unit: String) -> String {
        unit.isEmpty ? name : "\(name) (\(unit))"
    }
}
