import Foundation

// MARK: - Text formatting shared by the command-line tables and reports

/// Formats a number for a table: thousands separators for large values, sensible decimals.
public func formatNumber(_ value: Double?) -> String {
    guard let value else { return "-" }
    let magnitude = abs(value)
    if magnitude >= 100_000 { return groupThousands(value.rounded()) }
    if magnitude >= 1000 { return String(format: "%.0f", value) }
    if magnitude >= 100 { return String(format: "%.1f", value) }
    if magnitude >= 1 { return String(format: "%.2f", value) }
    if magnitude == 0 { return "0" }
    return String(format: "%.3f", value)
}

public func groupThousands(_ value: Double) -> String {
    let digits = String(Int64(abs(value)))
    var grouped = ""
    for (i, c) in digits.reversed().enumerated() {
        if i > 0 && i % 3 == 0 { grouped.append(",") }
        grouped.append(c)
    }
    return (value < 0 ? "-" : "") + String(grouped.reversed())
}

public func pad(_ s: String, _ width: Int, right: Bool = true) -> String {
    if s.count >= width { return s }
    let padding = String(repeating: " ", count: width - s.count)
    return right ? padding + s : s + padding
}

/// Quotes a CSV field when it needs it.
public func csvField(_ s: String) -> String {
    s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
}
