import Foundation

// MARK: - Forced collectivization (MODEL.md mechanism 4)

extension Simulation {
    /// A campaign year, run in winter and spring before the sowing (as in January-March 1930), so
    /// the year's harvest is gathered and procured under the new farms: more households driven
    /// into collective farms (with a possible retreat in the first year, as in March 1930), kulak
    /// families deported, livestock slaughtered, nomads forced to settle (seed 002 L187-L217;
    /// seed 003 L11, L25; seed 004 L58-L68).
    mutating func runTheCollectivizationCampaign() {
        let p = parameters
        state.lastCollectivizedGain = 0
        guard let turn = state.greatTurnYear, year > turn, state.leader.isStalinist else { return }
        // The campaign ends when its target share is reached (93% by 1937, seed 002 L217): no more
        // storming of villages, no more deportations.
        guard state.collectivizedShare < p.collectivizationTargetShare else { return }
        var gain = min(p.collectivizationCampaignSpeed * (1 - state.collectivizedShare),
                       p.collectivizationTargetShare - state.collectivizedShare)
        let firstYear = state.campaignYears == 0
        // Drawn every campaign year so the stream does not depend on which year is first.
        let retreat = stream.bernoulli(p.collectivizationRetreatProbability)
        if firstYear && retreat { gain *= 1 - p.collectivizationRetreatShareOfGain }
        state.collectivizedShare += gain
        state.lastCollectivizedGain = gain
        state.campaignYears += 1
        scratch.collectivizedGain = gain
        let stormYear = Double(state.campaignYears) <= p.campaignStormYears

        // Dekulakization: families deported in the storm years (1930-31); some to camps, most to
        // special settlements. Later joiners came under economic pressure, not deportation.
        if stormYear {
            let deported = p.dekulakizationRate * state.ruralPopulationM * gain
            record.deportedM = deported
            let toCamps = deported * p.deporteeCampShare
            state.ruralPopulationM -= toCamps
            state.campPopulationM += toCamps
        }

        // Peasants slaughter their animals rather than hand them over, in the storm years.
        if Double(state.campaignYears) <= p.slaughterCampaignYears {
            state.horsesM *= exp(-p.horseSlaughterPerShare * gain)
            state.cattleM *= exp(-p.cattleSlaughterPerShare * gain)
        }

        // Forced settlement of the Kazakh nomads (1930-33): herds lost, mass death.
        if Double(state.campaignYears) <= p.sedentarizationCampaignYears {
            let pastoralDeaths = min(p.pastoralPopulationM * p.pastoralSedentarizationLethality * gain,
                                     p.pastoralDeathsMaxShare * p.pastoralPopulationM)
            record.famineDeathsRuralM += pastoralDeaths
            record.famineDeathsPastoralM = pastoralDeaths
        }

        state.peasantTrust = max(p.peasantTrustFloor, state.peasantTrust - p.collectivizationTrustDamage * gain)
    }

    /// The Great Turn: a regime switch, not a given. Its chance each year rises with the
    /// accumulated procurement crisis, times the leadership's propensity.
    mutating func decideCollectivization() {
        let p = parameters
        let chanceDraw = stream.uniform()
        guard state.greatTurnYear == nil else { return }
        let threshold = max(p.collectivizationCrisisThreshold, 1e-9)
        let pressure = min(1, max(0, state.crisisPressure - threshold) / threshold)
        let chance = p.propensities(of: state.leader).collectivization * pressure
        if chanceDraw < chance {
            state.greatTurnYear = year
            // The turn is made in the autumn: the drive of October-December 1929 had already
            // doubled the collective farms before the winter campaign (7.5% by October 1929,
            // data/otl-history.csv collectivized_share).
            state.collectivizedShare += p.greatTurnAutumnDrive * (1 - state.collectivizedShare)
            // The Right and Left are broken once the turn is made.
            state.factionWeights.right *= p.oppositionPurgeAfterTurn
            state.factionWeights.left *= p.oppositionPurgeAfterTurn
        }
    }
}
