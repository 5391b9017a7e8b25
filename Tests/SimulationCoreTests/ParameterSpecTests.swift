import SimulationCore
import XCTest

/// Parameters are read and written by byte offset on the hot path; the offsets must name the same
/// fields as the key paths every other reader uses.
final class ParameterSpecTests: XCTestCase {
    func testBulkReadByOffsetMatchesKeyPathsForEveryParameter() {
        var parameters = ModelParameters()
        let specs = ModelParameters.catalog
        // A distinct value per parameter, so a wrong offset reads a neighbour's value.
        for (index, spec) in specs.enumerated() { spec.set(1000 + Double(index) * 0.5, in: &parameters) }
        var values = [Double](repeating: .nan, count: specs.count)
        ParameterSpec.read(specs, from: parameters, into: &values)
        for (index, spec) in specs.enumerated() {
            XCTAssertEqual(values[index], spec.value(in: parameters), spec.name)
            XCTAssertEqual(values[index], 1000 + Double(index) * 0.5, spec.name)
        }
    }
}
