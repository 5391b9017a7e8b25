import Foundation

// MARK: - Paths

/// Path arithmetic for `extends`: relative to the including file's directory, kept relative so
/// messages name files the way the user wrote them.
enum ScenarioPaths {
    /// `relative` resolved against the directory of `file`:
    /// ("scenarios/otl.toml", "base/ussr.toml") -> "scenarios/base/ussr.toml".
    static func resolve(_ relative: String, from file: String) -> String {
        if relative.hasPrefix("/") { return normalize(relative) }
        let directory = (file as NSString).deletingLastPathComponent
        return normalize(directory.isEmpty ? relative : directory + "/" + relative)
    }

    /// Removes "." and "x/.." components lexically, keeping leading ".." of relative paths.
    static func normalize(_ path: String) -> String {
        let isAbsolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/") where part != "." {
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
            } else if part == ".." && isAbsolute && parts.isEmpty {
                continue
            } else {
                parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        return isAbsolute ? "/" + joined : (joined.isEmpty ? "." : joined)
    }

    /// The absolute path with symbolic links resolved: two spellings of one file compare equal,
    /// so an extends cycle is caught however its paths are written.
    static func identity(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// The absolute, lexically normalised path, for messages about missing files.
    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// `path` relative to the directory holding `top`: how `Scenario.text` labels each file.
    static func relative(_ path: String, toDirectoryOf top: String) -> String {
        let target = absolute(path).split(separator: "/")
        let base = (absolute(top) as NSString).deletingLastPathComponent.split(separator: "/")
        var common = 0
        while common < min(target.count, base.count) && target[common] == base[common] { common += 1 }
        let ups = Array(repeating: Substring(".."), count: base.count - common)
        return (ups + target[common...]).joined(separator: "/")
    }

    // MARK: Reading

    /// The file's text, or a sentence saying why it cannot be read.
    static func read(_ path: String) -> Result<String, ReadFailure> {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return .failure(ReadFailure(message: "no such file (looked for \(absolute(path)))"))
        }
        if isDirectory.boolValue {
            return .failure(ReadFailure(message: "\(absolute(path)) is a directory, not a scenario file"))
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(ReadFailure(message: "cannot open \(absolute(path)) (check its permissions)"))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failure(ReadFailure(message: "\(absolute(path)) is not UTF-8 text"))
        }
        return .success(text)
    }

    struct ReadFailure: Error {
        var message: String
    }
}
