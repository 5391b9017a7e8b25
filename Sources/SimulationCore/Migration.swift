import Foundation

// MARK: - Migration, labour and population (MODEL.md mechanism 6)

extension Simulation {
    /// Births and ordinary deaths; famine deaths; then the move to town: Allen's equation on the
    /// urban/rural consumption-per-head ratio (yearly migration share = 0.01875 x ratio -
    /// 0.018375) for the whole period, plus peasants fleeing collectivization, held back by
    /// internal passports from the end of 1932 (seed 003 L123; seed 004 L78). Migration moves
    /// people; it never creates them.
    mutating func migrateAndGrowPopulation() {
        let p = parameters
        // Famine lowers births as well as raising deaths: fewer conceptions, more miscarriages,
        // in the famine year and the next (a famine year runs from one harvest to the next).
        // Births also fell year by year (towns, legal abortion until 1936, smaller families).
        let famineExposure = scratch.famineDeathRate + state.lastFamineDeathRate
        state.lastFamineDeathRate = scratch.famineDeathRate
        // A Stalinist leadership banned abortion in June 1936; births rose for a few years
        // (crude birth rate 30.1 per 1000 in 1935, 38.7 in 1937, 36.5 in 1939; Andreev, Darsky
        // and Kharkova 1990).
        if year == Int(p.abortionBanYear) && state.leader.isStalinist { state.abortionBanned = true }
        let banYears = Double(year) - p.abortionBanYear
        let banBoost = state.abortionBanned && banYears > 0 && banYears <= p.abortionBanBoostYears
            ? p.abortionBanBirthBoost : 0
        let birthFactor = max(0, 1 - p.famineBirthSuppression * famineExposure) * state.birthRateTrend * (1 + banBoost)
        state.birthRateTrend *= 1 - p.birthRateDecline
        let ruralBirths = state.ruralPopulationM * p.ruralBirthRate * birthFactor
        let urbanBirths = state.urbanPopulationM * p.urbanBirthRate * birthFactor
        let ruralDeaths = state.ruralPopulationM * p.ruralDeathRate
        let urbanDeaths = state.urbanPopulationM * p.urbanDeathRate
        record.birthsM = ruralBirths + urbanBirths
        record.normalDeathsM = ruralDeaths + urbanDeaths

        state.ruralPopulationM += ruralBirths - ruralDeaths - record.famineDeathsRuralM
        state.urbanPopulationM += urbanBirths - urbanDeaths - record.famineDeathsUrbanM

        let allenShare = max(0, p.allenMigrationSlope * consumptionRatio - p.allenMigrationIntercept)
        let flight = p.collectivizationFlight * scratch.collectivizedGain
        // Internal passports (December 1932) closed the towns to villagers without a job or a
        // permit, once the campaign's flood of migrants had overrun them (seed 004 L78).
        if state.leader.isStalinist && Double(state.campaignYears) >= p.passportsAfterCampaignYears {
            state.internalPassports = true
        }
        let passports = state.internalPassports ? 1 - p.passportMigrationCut : 1
        let migrants = min(p.maxMigrationShare * state.ruralPopulationM,
                           passports * (allenShare + flight) * state.ruralPopulationM)
        state.ruralPopulationM -= migrants
        state.urbanPopulationM += migrants
        record.migrationM = migrants
    }
}
