import Foundation

// MARK: - Escaping

extension HTMLReport {
    /// Text made safe for HTML and inline SVG (numbers are written by `Numbers`).
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

// MARK: - Names

extension HTMLReport.Text {
    /// An outcome name with its unit for a heading: "famine_deaths_total (persons)".
    static func nameWithUnit(_ name: String, unit: String) -> String {
        unit.isEmpty ? name : "\(name) (\(unit))"
    }
}
