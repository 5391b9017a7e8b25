// MARK: - Flattened scenario text

extension Scenario {
    /// The whole scenario as one self-contained TOML file: no `extends`, every parameter with its
    /// value or distribution and source, in catalog order. A sweep stores this text, so any worker
    /// on any host rebuilds exactly the scenario that was launched, and its hash names it.
    public var flattenedText: String {
        var lines = [
            "# \(title)",
            "# Flattened by nepsim from: \(files.joined(separator: " <- "))",
            "",
            "[scenario]",
            "name = \(tomlString(name))",
            "title = \(tomlString(title))",
        ]
        if !description.isEmpty { lines.append("description = \(tomlString(description))") }
        lines.append("")
        lines.append("[parameters]")
        for declaration in declarations {
            lines.append("\(declaration.name) = { \(tomlFields(declaration.distribution)), source = \(tomlString(declaration.source)) }")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

private func tomlFields(_ distribution: Distribution) -> String {
    func number(_ x: Double) -> String { x.description }
    func list(_ xs: [Double]) -> String { "[" + xs.map(number).joined(separator: ", ") + "]" }
    switch distribution {
    case .fixed(let value):
        return "value = \(number(value))"
    case .uniform(let low, let high):
        return "distribution = \"uniform\", low = \(number(low)), high = \(number(high))"
    case .normal(let mean, let sd):
        return "distribution = \"normal\", mean = \(number(mean)), sd = \(number(sd))"
    case .truncatedNormal(let mean, let sd, let low, let high):
        return "distribution = \"truncated_normal\", mean = \(number(mean)), sd = \(number(sd)), low = \(number(low)), high = \(number(high))"
    case .lognormal(let median, let sigma):
        return "distribution = \"lognormal\", median = \(number(median)), sigma = \(number(sigma))"
    case .beta(let alpha, let beta, let low, let high):
        return "distribution = \"beta\", alpha = \(number(alpha)), beta = \(number(beta)), low = \(number(low)), high = \(number(high))"
    case .choice(let values, let weights):
        return "distribution = \"choice\", values = \(list(values)), weights = \(list(weights))"
    }
}

/// A TOML basic string with quotes, backslashes and control characters escaped.
private func tomlString(_ text: String) -> String {
    var escaped = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": escaped += "\\\""
        case "\\": escaped += "\\\\"
        case "\n": escaped += "\\n"
        case "\t": escaped += "\\t"
        case "\r": escaped += "\\r"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                escaped += String(format: "\\u%04X", scalar.value)
            } else {
                escaped.unicodeScalars.append(scalar)
            }
        }
    }
    return escaped + "\""
}

import Foundation
