import ArgumentParser
import Foundation
import Logging

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// Logging to standard error, once per process.
enum CommandLogging {
    nonisolated(unsafe) private static var bootstrapped = false

    static func logger(_ label: String, level: Logger.Level) -> Logger {
        if !bootstrapped {
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = .trace
                return handler
            }
            bootstrapped = true
        }
        var logger = Logger(label: label)
        logger.logLevel = level
        return logger
    }
}
