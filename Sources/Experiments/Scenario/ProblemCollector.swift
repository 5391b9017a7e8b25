// MARK: - ProblemCollector

/// Gathers the problems found in one file, locating each key path on its line.
struct ProblemCollector {
    let file: String
    let locator: SourceLocator
    private(set) var problems: [ScenarioProblem] = []

    init(file: String, text: String) {
        self.file = file
        self.locator = SourceLocator(text: text)
    }

    /// More problems than anyone reads: past this the rest are counted, not listed (and not
    /// located, which would cost a scan of the file each).
    static let limit = 100

    /// Records a problem at `keyPath` (e.g. ["parameters", "x", "high"]).
    mutating func add(_ kind: ScenarioProblem.Kind, at keyPath: [String], _ message: String) {
        guard problems.count < ProblemCollector.limit else { return }
        if problems.count == ProblemCollector.limit - 1 {
            problems.append(ScenarioProblem(kind, file: file, keyPath: "", line: nil,
                                            message: "more than \(ProblemCollector.limit) problems; fix these first"))
            return
        }
        problems.append(ScenarioProblem(
            kind, file: file, keyPath: keyPath.joined(separator: "."), line: locator.line(of: keyPath),
            message: message))
    }

    /// Records a problem with the whole file, or one the source text positions exactly.
    mutating func add(_ kind: ScenarioProblem.Kind, line: Int?, column: Int?, _ message: String) {
        problems.append(ScenarioProblem(kind, file: file, keyPath: "", line: line, column: column, message: message))
    }
}
