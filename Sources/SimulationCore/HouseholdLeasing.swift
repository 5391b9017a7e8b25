import Foundation

// MARK: - Household leasing (seed 000: the Agrarian Household Responsibility System of 1934)

extension Simulation {
    /// A NEP leadership may nationalize the land and lease it back to the households on 25-year
    /// leases, with a lease payment in grain on the land's assessed value and the surplus free to
    /// sell: a reliable collection without confiscation (seed 000 L1355-L1359). Decided at the end
    /// of a year for the next harvest, never where a campaign has already collectivized most farms.
    mutating func considerHouseholdLeasing() {
        let p = parameters
        let propensity = p.propensities(of: state.leader).householdLeasing
        guard propensity > 0, !state.householdLeasing, Double(year + 1) >= p.householdLeasingEarliestYear,
              state.collectivizedShare < p.campaignMajorityShare else { return }
        if stream.uniform() < propensity { state.householdLeasing = true }
    }
}
