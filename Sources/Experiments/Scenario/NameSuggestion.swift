// MARK: - Nearest-name suggestions

/// "Did you mean ...?" for misspelt keys, by Levenshtein distance.
enum NameSuggestion {
    /// The candidate closest to `name`, and how many edits away it is.
    static func nearest(to name: String, in candidates: some Sequence<String>) -> (name: String, distance: Int)? {
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(name, candidate)
            if best == nil || distance < best!.distance {
                best = (candidate, distance)
            }
        }
        return best
    }

    /// True when `distance` edits is a plausible misspelling of `name`; past about half the
    /// name's length the "suggestion" is just another name.
    static func isPlausible(_ distance: Int, for name: String) -> Bool {
        distance <= max(2, name.count / 2)
    }

    /// `"; did you mean 'x'?"` when a candidate is plausibly what was meant, else nothing.
    static func hint(for name: String, in candidates: some Sequence<String>) -> String {
        guard let best = nearest(to: name, in: candidates), isPlausible(best.distance, for: name) else {
            return ""
        }
        return "; did you mean '\(best.name)'?"
    }

    /// Insertions, deletions and substitutions needed to turn `a` into `b`.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
