import Foundation

// MARK: - Camps and gold (MODEL.md mechanism 12)

extension Simulation {
    /// Arrests in procurement campaigns feed the camps (deportees and Terror prisoners arrive in
    /// their own steps); prisoners die faster in famine years; some are released. Camp labour mines
    /// gold, counted in next year's hard currency (seed 000 gulag post; seed 002 L201-L203).
    mutating func runTheCamps() {
        let p = parameters
        // Arrests follow the year's coercion and, on the collective farms, the regime's standing
        // discipline (the law of spikelets), both as far as the leadership is coercive.
        let discipline = max(record.coercion, state.collectivizedShare * p.propensities(of: state.leader).coercion)
        let coercionArrests = min(p.coercionArrestsM * discipline, p.coercionArrestsMaxShare * state.ruralPopulationM)
        state.ruralPopulationM -= coercionArrests
        state.campPopulationM += coercionArrests
        let mortality = min(p.campMortalityMax, p.campBaseMortality + p.campFamineMortality * scratch.famineDeathRate)
        let deaths = state.campPopulationM * mortality
        let releases = state.campPopulationM * p.campReleaseRate
        state.campPopulationM -= deaths + releases
        state.ruralPopulationM += releases
        record.campDeathsM = deaths
    }
}
