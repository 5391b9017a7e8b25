import Foundation

// MARK: - External threats and security (MODEL.md mechanism 13)

extension Simulation {
    /// A Nazi government (likelier in a deep Depression) and Japanese aggression raise the threat
    /// that arms spending answers (seed 000 1933 and 1938 snapshots).
    mutating func updateExternalThreats() {
        let p = parameters
        let naziDraw = stream.uniform()
        let japanDraw = stream.uniform()
        if year >= 1930 && !state.naziInPower
            && naziDraw < p.naziTakeoverBaseHazard + p.naziTakeoverDepressionHazard * scratch.depressionIntensity {
            state.naziInPower = true
            events.naziTakeoverYear = year
        }
        if year >= 1931 && !state.japanAggressive && japanDraw < p.japanAggressionHazard {
            state.japanAggressive = true
        }
        scratch.threat = (state.naziInPower ? p.naziThreatWeight : 0)
            + (state.japanAggressive ? 1 - p.naziThreatWeight : 0)
    }

    /// Arms pile up and age; a low readiness invites a lost border war, itself a shock.
    mutating func prepareDefence() {
        let p = parameters
        state.armsStock = state.armsStock * (1 - p.armsDepreciation) + scratch.defenceOutput
        let warDraw = stream.uniform()
        if state.japanAggressive && year >= 1935 && !events.borderWarDefeat
            && warDraw < p.borderWarDefeatProbability * (1 - readiness / 100) {
            events.borderWarDefeat = true
            considerTerror(afterShockIn: year)
        }
    }

    /// Readiness, 0 ... 100: arms against what full readiness needs, times the officer corps kept.
    var readiness: Double {
        100 * (1 - exp(-state.armsStock / parameters.armsForFullReadiness)) * state.officerContinuity
    }
}
