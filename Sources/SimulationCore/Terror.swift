import Foundation

// MARK: - Terror (MODEL.md mechanism 11)

extension Simulation {
    /// A shock (a murdered leader, a lost border war) becomes mass terror with the leadership's
    /// propensity: near certain under Stalin after Kirov, small without him (seed 004 L106-L116;
    /// seed 000 Spanish Civil War footnote 3). The mass operations follow after a delay.
    mutating func considerTerror(afterShockIn shockYear: Int) {
        let chance = parameters.propensities(of: state.leader).terror
        let draw = stream.uniform()
        guard state.terrorStartYear == nil, draw < chance else { return }
        state.terrorStartYear = shockYear + Int(parameters.terrorDelayYears.rounded())
    }

    /// Terror years: arrests, executions, the officer corps purged, productivity lost for good
    /// (industrial growth fell from 10-12% a year to 2-3% in 1937-40).
    mutating func runTheTerror() {
        let p = parameters
        guard let start = state.terrorStartYear, year >= start,
              Double(year - start) < p.terrorDurationYears else { return }
        // The scale follows the ruling leadership's appetite for it: the full Yezhovshchina under
        // Stalin, a fraction of it under a milder leadership (seed 000 footnote 3; seed 004 L108).
        let propensity = p.propensities(of: state.leader).terror
        let scale = min(1, propensity / p.terrorFullScalePropensity)
        let arrests = min(p.terrorArrestsMPerYear * scale,
                          p.terrorArrestsMaxShare * (state.urbanPopulationM + state.ruralPopulationM))
        let executions = arrests * p.terrorExecutionShare
        let urbanShare = state.urbanPopulationM / (state.urbanPopulationM + state.ruralPopulationM)
        state.urbanPopulationM -= arrests * urbanShare
        state.ruralPopulationM -= arrests * (1 - urbanShare)
        state.campPopulationM += arrests - executions
        record.executionsM = executions
        record.terrorArrestsM = arrests
        scratch.terrorArrestsM = arrests
        state.officerContinuity *= 1 - p.terrorOfficerPurgeShare / max(1, p.terrorDurationYears)
        state.terrorProductivityFactor = 1 - p.terrorProductivityLoss
    }
}
