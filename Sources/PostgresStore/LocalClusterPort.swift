import Foundation

#if canImport(Glibc)
import Glibc
private let streamSocket = Int32(SOCK_STREAM.rawValue)
#elseif canImport(Darwin)
import Darwin
private let streamSocket = SOCK_STREAM
#endif

// MARK: - Free ports

extension LocalCluster {
    /// A TCP port on 127.0.0.1 that nothing listens on right now: the kernel picks one when we bind
    /// port 0. Another program may take it before we use it; PostgreSQL then fails to start and says so.
    public static func freeTCPPort() throws(LocalClusterError) -> Int {
        try withLoopbackSocket { descriptor, address throws(LocalClusterError) in
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let named = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
            }
            guard named == 0 else { throw .noFreePort(reason: String(cString: strerror(errno))) }
            return Int(UInt16(bigEndian: address.sin_port))
        }
    }

    /// True when we could bind `port` on 127.0.0.1 (nothing listens there).
    static func isPortFree(_ port: Int) -> Bool {
        (try? withLoopbackSocket(port: port) { _, _ throws(LocalClusterError) in true }) ?? false
    }

    /// Binds a TCP socket to 127.0.0.1:`port` (0: any), hands it to `body`, then closes it.
    private static func withLoopbackSocket<T>(port: Int = 0, _ body: (Int32, inout sockaddr_in) throws(LocalClusterError) -> T) throws(LocalClusterError) -> T {
        let descriptor = socket(AF_INET, streamSocket, 0)
        guard descriptor >= 0 else { throw .noFreePort(reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        // As PostgreSQL does: a port with connections in TIME_WAIT still counts as free.
        var reuse: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw .noFreePort(reason: String(cString: strerror(errno))) }
        return try body(descriptor, &address)
    }
}
