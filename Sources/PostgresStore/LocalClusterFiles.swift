import Foundation

// MARK: - LocalClusterState

/// What the cluster directory remembers between runs: the port chosen the first time, so the URL
/// stays the same, and the superuser initdb created.
struct LocalClusterState: Codable, Equatable, Sendable {
    var port: Int
    var user: String
}

// MARK: - Files

/// The cluster directory's files, written so the `postgres` user owns them when we are root.
struct LocalClusterFiles: Sendable {
    let cluster: LocalCluster
    /// Set when we are root: files are handed to this account.
    let owner: ServerAccount?

    // MARK: Directory

    /// Creates the cluster directory and, when we are root, checks `postgres` can reach it and gives
    /// it (recursively, once) to `postgres`.
    func prepareDirectory() throws(LocalClusterError) {
        let path = cluster.directory
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw .fileSystem(path: path, reason: error.localizedDescription)
        }
        guard let owner else { return }
        if let blocking = firstUnsearchableParent(of: path, for: owner) {
            throw .directoryNotReachable(path: path, blockingParent: blocking)
        }
        var info = stat()
        if stat(path, &info) == 0, info.st_uid == owner.uid { return }
        try giveToOwner(path)
        let contents = FileManager.default.enumerator(atPath: path)
        while let relative = contents?.nextObject() as? String {
            try giveToOwner(path + "/" + relative)
        }
    }

    /// The first ancestor directory `account` may not search (enter), if any.
    private func firstUnsearchableParent(of path: String, for account: ServerAccount) -> String? {
        var ancestors: [String] = []
        var current = (path as NSString).deletingLastPathComponent
        while !current.isEmpty {
            ancestors.append(current)
            if current == "/" { break }
            current = (current as NSString).deletingLastPathComponent
        }
        for ancestor in ancestors.reversed() {
            var info = stat()
            guard stat(ancestor, &info) == 0 else { continue }
            let mode = info.st_mode
            let searchable = (info.st_uid == account.uid && mode & S_IXUSR != 0)
                || (info.st_gid == account.gid && mode & S_IXGRP != 0)
                || mode & S_IXOTH != 0
            if !searchable { return ancestor }
        }
        return nil
    }

    /// chown to the server account when we are root; nothing otherwise.
    func giveToOwner(_ path: String) throws(LocalClusterError) {
        guard let owner else { return }
        guard lchown(path, owner.uid, owner.gid) == 0 else {
            throw .fileSystem(path: path, reason: "chown to \(ServerAccount.name) failed: \(String(cString: strerror(errno)))")
        }
    }

    // MARK: Writing

    /// Writes a text file and hands it to the server account.
    func write(_ text: String, to path: String) throws(LocalClusterError) {
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw .fileSystem(path: path, reason: error.localizedDescription)
        }
        try giveToOwner(path)
    }

    /// Creates the log file if missing, so the server (as `postgres`) can append to it.
    func prepareLogFile() throws(LocalClusterError) {
        let path = cluster.logFile
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw .fileSystem(path: path, reason: "could not create the log file")
            }
        }
        try giveToOwner(path)
    }

    /// The last `count` lines of the server log, for error messages.
    func logTail(lines count: Int = 20) -> String {
        guard let data = FileManager.default.contents(atPath: cluster.logFile) else { return "" }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        return lines.suffix(count + 1).joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    // MARK: State

    func readState() -> LocalClusterState? {
        guard let data = FileManager.default.contents(atPath: cluster.stateFile) else { return nil }
        return try? JSONDecoder().decode(LocalClusterState.self, from: data)
    }

    func writeState(_ state: LocalClusterState) throws(LocalClusterError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = (try? encoder.encode(state)) ?? Data()
        try write(String(decoding: data, as: UTF8.self) + "\n", to: cluster.stateFile)
    }

    // MARK: Lock

    /// Runs `body` holding an exclusive lock on the cluster directory, so two nepsim processes
    /// starting the cluster at once do not both run initdb or pick different ports.
    func withLock<T>(_ body: () throws(LocalClusterError) -> T) throws(LocalClusterError) -> T {
        let path = cluster.directory + "/.lock"
        let descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw .fileSystem(path: path, reason: "cannot open the lock file: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX) == 0 else {
            throw .fileSystem(path: path, reason: "cannot lock: \(String(cString: strerror(errno)))")
        }
        return try body()
    }
}
