import SimulationCore

// MARK: - ScenarioLoader

/// Follows a scenario's `extends` chain, merges its files (later files override their bases
/// parameter by parameter), checks that every catalog parameter is declared, and either builds
/// the `Scenario` or throws every problem found in every file.
enum ScenarioLoader {
    static func load(path: String, text givenText: String?, catalog: [ParameterSpec]) throws(ScenarioError) -> Scenario {
        let topText: String
        if let givenText {
            topText = givenText
        } else {
            switch ScenarioPaths.read(path) {
            case .success(let text): topText = text
            case .failure(let failure):
                throw ScenarioError(file: path, problems: [ScenarioProblem(
                    .unreadableFile, file: path, keyPath: "",
                    message: "cannot read the scenario file: \(failure.message)")])
            }
        }

        let (chain, complete) = readChain(top: ScenarioFileReader.read(text: topText, path: path, catalog: catalog),
                                          catalog: catalog)
        var problems = chain.flatMap { file in sortedByLine(file.problems) }
        if complete {
            problems += missingParameters(chain: chain, catalog: catalog)
        }
        guard problems.isEmpty else {
            throw ScenarioError(file: path, problems: problems)
        }
        return assemble(chain: chain, catalog: catalog)
    }

    // MARK: The chain

    /// The files of the chain, top first, and whether all of them were read and parsed (only
    /// then is a "missing parameters" report meaningful).
    private static func readChain(top: ScenarioFile, catalog: [ParameterSpec]) -> ([ScenarioFile], Bool) {
        var chain: [ScenarioFile] = []
        var visited = [ScenarioPaths.identity(top.path)]
        var complete = true
        var pending: ScenarioFile? = top
        while var file = pending {
            pending = nil
            if !file.isWellFormed { complete = false }
            if let extends = file.extends {
                let basePath = ScenarioPaths.resolve(extends, from: file.path)
                let identity = ScenarioPaths.identity(basePath)
                let line = file.locator.line(of: ["scenario", "extends"])
                if let start = visited.firstIndex(of: identity) {
                    let loop = (chain.map(\.path) + [file.path])[start...] + [basePath]
                    file.problems.append(ScenarioProblem(
                        .extendsCycle, file: file.path, keyPath: "scenario.extends", line: line,
                        message: "extends cycle: \(loop.joined(separator: " -> ")); a scenario cannot"
                            + " extend itself, directly or through its bases"))
                    complete = false
                } else {
                    switch ScenarioPaths.read(basePath) {
                    case .success(let text):
                        visited.append(identity)
                        pending = ScenarioFileReader.read(text: text, path: basePath, catalog: catalog)
                    case .failure(let failure):
                        file.problems.append(ScenarioProblem(
                            .unreadableFile, file: file.path, keyPath: "scenario.extends", line: line,
                            message: "cannot read the base scenario \"\(extends)\": \(failure.message);"
                                + " extends is a path relative to this file's directory"))
                        complete = false
                    }
                }
            }
            chain.append(file)
        }
        return (chain, complete)
    }

    /// Problems in line order; whole-file problems (no line) first.
    private static func sortedByLine(_ problems: [ScenarioProblem]) -> [ScenarioProblem] {
        problems.enumerated().sorted { a, b in
            let (lineA, lineB) = (a.element.line ?? 0, b.element.line ?? 0)
            return lineA != lineB ? lineA < lineB : a.offset < b.offset
        }.map(\.element)
    }

    // MARK: Completeness

    /// One problem saying how many parameters are missing and how to add them, then one per
    /// mechanism listing the missing names.
    private static func missingParameters(chain: [ScenarioFile], catalog: [ParameterSpec]) -> [ScenarioProblem] {
        let mentioned = chain.reduce(into: Set<String>()) { $0.formUnion($1.mentionedParameters) }
        let missing = catalog.filter { !mentioned.contains($0.name) }
        guard let example = missing.first else { return [] }
        let top = chain[0].path
        let line = chain[0].locator.line(of: ["parameters"])
        let extendsHint = chain.count > 1 ? "this file or one of its bases" : "this file, or a base file it names with `extends`"
        var problems = [ScenarioProblem(
            .missingParameters, file: top, keyPath: "parameters", line: line,
            message: "\(missing.count) required parameter\(missing.count == 1 ? " is" : "s are") missing;"
                + " give each a value or a distribution and a source in \(extendsHint), e.g."
                + " `\(example.name) = { value = ..., source = \"...\" }`")]
        var mechanisms: [String] = []
        var byMechanism: [String: [String]] = [:]
        for spec in missing {
            if byMechanism[spec.mechanism] == nil { mechanisms.append(spec.mechanism) }
            byMechanism[spec.mechanism, default: []].append(spec.name)
        }
        for mechanism in mechanisms {
            let names = byMechanism[mechanism]!
            problems.append(ScenarioProblem(
                .missingParameters, file: top, keyPath: "parameters", line: line,
                message: "missing \(mechanism) parameter\(names.count == 1 ? "" : "s"): \(names.joined(separator: ", "))"))
        }
        return problems
    }

    // MARK: Assembly

    private static func assemble(chain: [ScenarioFile], catalog: [ParameterSpec]) -> Scenario {
        let top = chain[0]
        let baseFirst = Array(chain.reversed())
        var merged: [String: ParameterDeclaration] = [:]
        for file in baseFirst {
            merged.merge(file.declarations) { _, override in override }
        }
        let declarations = catalog.compactMap { merged[$0.name] }
        let text = baseFirst.map { file in
            let label = ScenarioPaths.relative(file.path, toDirectoryOf: top.path)
            let body = file.text.hasSuffix("\n") || file.text.isEmpty ? file.text : file.text + "\n"
            return "# ---- file: \(label) ----\n" + body
        }.joined()
        return Scenario(
            name: top.name ?? "", title: top.title ?? "", description: top.description ?? "",
            files: baseFirst.map(\.path), text: text, declarations: declarations)
    }
}
