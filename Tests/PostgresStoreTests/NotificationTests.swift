import Foundation
import PostgresStore
import XCTest

// MARK: - NotificationTests

/// LISTEN/NOTIFY between two connections.
final class NotificationTests: DatabaseTestCase {
    static let channel = "nepsim_test_tasks"

    func testListenerReceivesAnotherConnectionsNotification() throws {
        let listener = try connect(), sender = try connect()
        try listener.listen(Self.channel)
        try sender.notify(Self.channel, payload: "sweep 7: 12 tasks ☃")
        let received = try XCTUnwrap(listener.waitForNotification(timeout: 5))
        XCTAssertEqual(received.channel, Self.channel)
        XCTAssertEqual(received.payload, "sweep 7: 12 tasks ☃")
        XCTAssertNil(try listener.waitForNotification(timeout: 0.1), "one notification, delivered once")
    }

    func testWaitReturnsNilAfterTheTimeoutWhenNothingIsSent() throws {
        let listener = try connect()
        try listener.listen(Self.channel)
        let start = Date()
        XCTAssertNil(try listener.waitForNotification(timeout: 0.2))
        let waited = Date().timeIntervalSince(start)
        XCTAssertGreaterThanOrEqual(waited, 0.15)
        XCTAssertLessThan(waited, 2)
    }

    func testNotificationArrivesOnlyWhenTheSendersTransactionCommits() throws {
        let listener = try connect(), sender = try connect()
        try listener.listen(Self.channel)
        try sender.query("BEGIN")
        try sender.notify(Self.channel, payload: "pending")
        XCTAssertNil(try listener.waitForNotification(timeout: 0.2))
        try sender.query("COMMIT")
        XCTAssertEqual(try listener.waitForNotification(timeout: 5)?.payload, "pending")
    }

    func testOtherChannelsAreNotDelivered() throws {
        let listener = try connect(), sender = try connect()
        try listener.listen(Self.channel)
        try sender.notify("nepsim_test_elsewhere", payload: "not for you")
        XCTAssertNil(try listener.waitForNotification(timeout: 0.3))
    }
}
