import Foundation

// MARK: - Text layout shared by the command-line tables and reports (numbers: `Numbers`)

public func pad(_ s: String, _ width: Int, right: Bool = true) -> String {
    if s.count >= width { return s }
    let padding = String(repeating: " ", count: width - s.count)
    return right ? padding + s : s + padding
}

/// Quotes a CSV field when it needs it.
public func csvField(_ s: String) -> String {
    s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
}
