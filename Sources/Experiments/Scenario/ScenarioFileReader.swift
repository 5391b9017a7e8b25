import SimulationCore

// MARK: - ScenarioFile

/// One file of a scenario's extends chain, read and checked on its own.
struct ScenarioFile {
    /// The path as the user gave it, or as reached through `extends`.
    var path: String
    var text: String
    var name: String?
    var title: String?
    var description: String?
    /// The `extends` value as written (relative to this file's directory).
    var extends: String?
    /// The valid declarations, by parameter name.
    var declarations: [String: ParameterDeclaration] = [:]
    /// Every catalog name the file mentions, valid or not, so a broken entry is not also
    /// reported as missing.
    var mentionedParameters: Set<String> = []
    var problems: [ScenarioProblem] = []
    /// False when the text is not TOML; then nothing else about the file is known.
    var isWellFormed = true
    let locator: SourceLocator

    init(path: String, text: String) {
        self.path = path
        self.text = text
        self.locator = SourceLocator(text: text)
    }
}

// MARK: - ScenarioFileReader

/// Reads one scenario file: the [scenario] header and every [parameters] entry, collecting all
/// problems in the file.
enum ScenarioFileReader {
    static let headerFields = ["name", "title", "description", "extends"]

    /// Control characters a scenario's text may not hold (tab and newline are fine).
    static func isForbiddenControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control && scalar != "\t" && scalar != "\n"
    }

    static func read(text: String, path: String, catalog: [ParameterSpec]) -> ScenarioFile {
        var file = ScenarioFile(path: path, text: text)
        var problems = ProblemCollector(file: path, text: text)
        readContents(into: &file, catalog: catalog, problems: &problems)
        file.problems = problems.problems
        return file
    }

    private static func readContents(
        into file: inout ScenarioFile, catalog: [ParameterSpec], problems: inout ProblemCollector
    ) {
        let text = file.text
        let root: [String: TOMLNode]
        switch TOMLDocument.parse(text) {
        case .success(let table):
            root = table
        case .failure(let error):
            file.isWellFormed = false
            problems.add(.syntax, line: error.line, column: error.column,
                "TOML syntax error at line \(error.line), column \(error.column): \(error.message)")
            return
        }

        for key in root.keys.sorted() where key != "scenario" && key != "parameters" {
            let written: String
            if case .table = root[key]! { written = "table [\(key)]" } else { written = "key '\(key)'" }
            problems.add(.unknownKey, at: [key],
                "unknown top-level \(written); a scenario file has only [scenario] and [parameters]"
                + NameSuggestion.hint(for: key, in: ["scenario", "parameters"]))
        }
        readHeader(root["scenario"], into: &file, problems: &problems)
        readParameters(root["parameters"], into: &file, catalog: catalog, problems: &problems)
    }

    // MARK: [scenario]

    private static func readHeader(_ node: TOMLNode?, into file: inout ScenarioFile, problems: inout ProblemCollector) {
        guard let node else {
            problems.add(.missingField, at: ["scenario"],
                "missing the [scenario] table; start the file with [scenario] and name = \"...\", title = \"...\"")
            return
        }
        guard case .table(let fields) = node else {
            problems.add(.wrongType, at: ["scenario"], "expected a table [scenario], but found \(node.found)")
            return
        }
        for key in fields.keys.sorted() where !headerFields.contains(key) {
            problems.add(.unknownKey, at: ["scenario", key],
                "unknown key '\(key)' in [scenario]; it takes name, title, description and extends"
                + NameSuggestion.hint(for: key, in: headerFields))
        }
        func string(_ key: String) -> String? {
            guard let value = fields[key] else { return nil }
            if case .string(let text) = value {
                // Control characters (NUL, escape sequences) would truncate the text, reach
                // terminals raw, or break the scenario text stored with a sweep.
                if let bad = text.unicodeScalars.first(where: ScenarioFileReader.isForbiddenControl) {
                    problems.add(.wrongType, at: ["scenario", key], String(format: "the %@ contains the control character U+%04X; remove it", key, bad.value))
                    return nil
                }
                return text
            }
            problems.add(.wrongType, at: ["scenario", key], "expected a string, but found \(value.found)")
            return nil
        }
        file.name = string("name")
        file.title = string("title")
        file.description = string("description")
        file.extends = string("extends")

        if fields["name"] == nil {
            problems.add(.missingField, at: ["scenario", "name"],
                "missing `name`; give the scenario a short name of lowercase letters, digits, '-' and '_', e.g. name = \"otl\"")
        } else if let name = file.name, !isValidName(name) {
            problems.add(.invalidName, at: ["scenario", "name"],
                "the name \"\(name)\" must be non-empty and use only lowercase letters, digits, '-' and '_'")
        }
        if fields["title"] == nil {
            problems.add(.missingField, at: ["scenario", "title"],
                "missing `title`; give the scenario a title for people, e.g. title = \"The historical world\"")
        } else if let title = file.title, title.allSatisfy(\.isWhitespace) {
            problems.add(.missingField, at: ["scenario", "title"], "the title is empty; give the scenario a title for people")
        }
        if let extends = file.extends, extends.allSatisfy(\.isWhitespace) {
            problems.add(.missingField, at: ["scenario", "extends"],
                "`extends` is empty; name the base scenario file relative to this one, or remove the key")
            file.extends = nil
        }
    }

    /// Lowercase ASCII letters, digits, '-' and '_': safe in file names, URLs and SQL labels.
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
        }
    }

    // MARK: [parameters]

    private static func readParameters(
        _ node: TOMLNode?, into file: inout ScenarioFile, catalog: [ParameterSpec], problems: inout ProblemCollector
    ) {
        guard let node else { return }  // a file may inherit every parameter from its base
        guard case .table(let entries) = node else {
            problems.add(.wrongType, at: ["parameters"], "expected a table [parameters], but found \(node.found)")
            return
        }
        let specs = Dictionary(catalog.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for name in entries.keys.sorted() {
            guard let spec = specs[name] else {
                problems.add(.unknownParameter, at: ["parameters", name], unknownParameterMessage(name, catalog))
                continue
            }
            file.mentionedParameters.insert(name)
            var reader = ParameterEntryReader(spec: spec, problems: problems)
            let entry = reader.read(entries[name]!)
            problems = reader.problems
            if let entry {
                file.declarations[name] = ParameterDeclaration(
                    spec: spec, distribution: entry.distribution, source: entry.source,
                    file: file.path, line: file.locator.line(of: ["parameters", name]), plausible: entry.plausible)
            }
        }
    }

    private static func unknownParameterMessage(_ name: String, _ catalog: [ParameterSpec]) -> String {
        let base = "unknown parameter '\(name)'; it is not in the model's parameter catalog"
        guard let nearest = NameSuggestion.nearest(to: name, in: catalog.map(\.name)) else { return base }
        if NameSuggestion.isPlausible(nearest.distance, for: name) {
            return base + "; did you mean '\(nearest.name)'?"
        }
        return base + " (the nearest name is '\(nearest.name)')"
    }
}
