import Foundation

// MARK: - ProgramRun

/// One finished run of a program: exit status and stdout and stderr interleaved.
///
/// posix_spawn and waitpid rather than Foundation's `Process`: on Linux, `Process.waitUntilExit()`
/// was seen to hang forever after `runuser pg_ctl start` exited (the child left a zombie, never
/// reaped), which froze `up()`.
struct ProgramRun: Sendable {
    let status: Int32
    let output: String

    struct SpawnFailure: Error, CustomStringConvertible {
        let description: String
    }

    static func run(_ executable: String, _ arguments: [String], in workingDirectory: String? = nil) throws -> ProgramRun {
        // One pipe for both streams: reading two pipes one after the other can deadlock when the
        // second fills. pg_ctl sends the server's own output to the log file (-l), so the server
        // does not hold this pipe open after pg_ctl exits.
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw SpawnFailure(description: "pipe: \(String(cString: strerror(errno)))") }
        let (readEnd, writeEnd) = (ends[0], ends[1])
        defer { close(readEnd) }
        // Keep both ends out of programs other threads may start meanwhile.
        _ = fcntl(readEnd, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 2)
        posix_spawn_file_actions_addclose(&actions, readEnd)
        posix_spawn_file_actions_addclose(&actions, writeEnd)
        // posix_spawn_file_actions_addchdir_np is not visible from Swift on Linux: a shell changes directory.
        let command = workingDirectory.map { ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", $0, executable] } ?? [executable]

        var pid = pid_t()
        let argv = (command + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        let spawned = posix_spawn(&pid, command[0], &actions, nil, argv, currentEnvironment)
        close(writeEnd)
        guard spawned == 0 else { throw SpawnFailure(description: "\(executable): \(String(cString: strerror(spawned)))") }

        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
            if count > 0 { output += buffer[0..<count]; continue }
            if count < 0 && errno == EINTR { continue }
            break
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw SpawnFailure(description: "\(executable): waitpid: \(String(cString: strerror(errno)))") }
        }
        // WIFEXITED / WEXITSTATUS are macros Swift does not import.
        let exitStatus = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return ProgramRun(status: exitStatus, output: String(decoding: output, as: UTF8.self))
    }
}

#if canImport(Darwin)
private var currentEnvironment: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> { _NSGetEnviron().pointee! }
#else
private var currentEnvironment: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> { environ }
#endif
